# The cases of Elixir's lib/elixir/test/elixir/supervisor_test.exs (v1.14.0) that the runtime ports, each as a
# function returning what the upstream test asserts on. `elixir supervisor_test.exs` prints one JSON line a case;
# ../run-beam.ts compares them with ../supervisor.expected.ts.
Code.require_file("support.exs", __DIR__)

defmodule SupervisorTest.Stack do
  use GenServer

  def start_link({state, opts}), do: GenServer.start_link(__MODULE__, state, opts)

  def init(args), do: {:ok, args}

  def handle_call(:pop, _from, [h | t]), do: {:reply, h, t}
  def handle_call(:stop, _from, stack), do: {:stop, :normal, :ok, stack}

  def handle_cast({:push, h}, t), do: {:noreply, [h | t]}
end

defmodule SupervisorTest.Cases do
  alias SupervisorTest.Stack

  def cases do
    [
      {"start_link/2 with via", &start_link_with_via/0},
      {"start_link/3 with local", &start_link_with_local/0},
      {"start_link/2", &start_link_2/0},
      {"start_child/2 supports new child spec as tuple", &new_child_spec/0},
      {"start_child/2 with invalid child spec", &invalid_child_spec/0},
      {"child life-cycle", &child_life_cycle/0}
    ]
  end

  defp raises(fun) do
    try do
      fun.()
      "no_raise"
    rescue
      ArgumentError -> "ArgumentError"
    end
  end

  defp wait_until_registered(name) do
    unless Process.whereis(name), do: wait_until_registered(name)
  end

  def start_link_with_via do
    {:ok, _} = Registry.start_link(keys: :unique, name: :via_sup_registry)
    Supervisor.start_link([], strategy: :one_for_one, name: {:via, Registry, {:via_sup_registry, :via_sup}})
    Supervisor.which_children({:via, Registry, {:via_sup_registry, :via_sup}})
  end

  def start_link_with_local do
    Supervisor.start_link([], strategy: :one_for_one, name: :my_sup)
    Supervisor.which_children(:my_sup)
  end

  def start_link_2 do
    children = [{Stack, {[:hello], [name: :dyn_stack]}}]
    {:ok, pid} = Supervisor.start_link(children, strategy: :one_for_one)
    wait_until_registered(:dyn_stack)
    pop = GenServer.call(:dyn_stack, :pop)
    stop = GenServer.call(:dyn_stack, :stop)
    wait_until_registered(:dyn_stack)
    pop_after_restart = GenServer.call(:dyn_stack, :pop)
    Supervisor.stop(pid)

    %{
      pop: pop,
      stop: stop,
      pop_after_restart: pop_after_restart,
      invalid_tuple: raises(fn -> Supervisor.start_link(children, name: {:invalid_tuple, "my_gen_server_name"}, strategy: :one_for_one) end),
      via_not_a_module: raises(fn -> Supervisor.start_link(children, name: {:via, "Via", "my_gen_server_name"}, strategy: :one_for_one) end)
    }
  end

  def new_child_spec do
    {:ok, pid} = Supervisor.start_link([], strategy: :one_for_one)
    child = %{id: Task, restart: :temporary, start: {Task, :start_link, [fn -> :timer.sleep(:infinity) end]}}

    case Supervisor.start_child(pid, child) do
      {:ok, pid} when is_pid(pid) -> {:ok, pid}
      other -> other
    end
  end

  def invalid_child_spec do
    {:ok, pid} = Supervisor.start_link([], strategy: :one_for_one)

    %{
      empty_map: Supervisor.start_child(pid, %{}),
      start_not_a_function: Supervisor.start_child(pid, %{id: 1, start: :not_a_function})
    }
  end

  # which_children rows without the modules: [id, pid, type], a module id written as Elixir shows it.
  defp rows(sup), do: for({id, pid, type, _modules} <- Supervisor.which_children(sup), do: [inspect(id), pid, type])

  def child_life_cycle do
    {:ok, pid} = Supervisor.start_link([], strategy: :one_for_one)
    empty_rows = rows(pid)
    empty_counts = Supervisor.count_children(pid)
    child_spec = Supervisor.child_spec({Stack, {[:hello], []}}, [])
    {:ok, stack} = Supervisor.start_child(pid, child_spec)
    pop = GenServer.call(stack, :pop)
    started_rows = rows(pid)
    started_counts = Supervisor.count_children(pid)
    delete_running = Supervisor.delete_child(pid, Stack)
    terminate = Supervisor.terminate_child(pid, Stack)
    {:ok, stack} = Supervisor.restart_child(pid, Stack)
    pop_after_restart = GenServer.call(stack, :pop)
    terminate_again = Supervisor.terminate_child(pid, Stack)
    delete = Supervisor.delete_child(pid, Stack)
    Supervisor.stop(pid)

    %{
      empty_rows: empty_rows,
      empty_counts: empty_counts,
      pop: pop,
      started_rows: started_rows,
      started_counts: started_counts,
      delete_running: delete_running,
      terminate: terminate,
      pop_after_restart: pop_after_restart,
      terminate_again: terminate_again,
      delete: delete
    }
  end
end

Conformance.run(SupervisorTest.Cases.cases())
