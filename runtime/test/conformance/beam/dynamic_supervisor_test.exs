# The cases of Elixir's lib/elixir/test/elixir/dynamic_supervisor_test.exs (v1.14.0) that the runtime ports, each as
# a function returning what the upstream test asserts on. `elixir dynamic_supervisor_test.exs` prints one JSON line a
# case; ../run-beam.ts compares them with ../dynamic-supervisor.expected.ts. A Task child that sleeps forever is, in
# the runtime, a GenServer that does nothing; the runtime has no Task.
Code.require_file("support.exs", __DIR__)

defmodule DynamicSupervisorTest.Worker do
  # The start_link/1,2 clauses of the upstream test module, which its current_module_worker/2 specs call.
  def start_link(:ok3), do: {:ok, spawn_link(fn -> Process.sleep(:infinity) end), :extra}
  def start_link(:ok2), do: {:ok, spawn_link(fn -> Process.sleep(:infinity) end)}
  def start_link(:error), do: {:error, :found}
  def start_link(:ignore), do: :ignore
  def start_link(:unknown), do: :unknown

  def start_link(:non_local, :error), do: raise("oops")
  def start_link(:non_local, :exit), do: exit(:oops)

  def start_link(:try_again, notify) do
    if Process.get(:try_again) do
      Process.put(:try_again, false)
      send(notify, {:try_again, false})
      {:error, :try_again}
    else
      Process.put(:try_again, true)
      send(notify, {:try_again, true})
      start_link(:ok2)
    end
  end

  def start_link(:restart, value) do
    if Process.get({:restart, value}) do
      start_link(value)
    else
      Process.put({:restart, value}, true)
      start_link(:ok2)
    end
  end
end

defmodule DynamicSupervisorTest.Cases do
  alias DynamicSupervisorTest.Worker

  def cases do
    [
      {"can be supervised directly", &supervised_directly/0},
      {"multiple supervisors can be supervised and identified with simple child spec", &multiple_supervisors/0},
      {"start_link/3 with non-ok init", &non_ok_init/0},
      {"start_link/3 with registered process", &registered_process/0},
      {"start_child/2 supports new child spec as tuple", &new_child_spec/0},
      {"start_child/2 supports extra arguments", &extra_arguments/0},
      {"start_child/2 with invalid child spec", &invalid_child_spec/0},
      {"start_child/2 with different returns", &different_returns/0},
      {"start_child/2 with throw/error/exit", &throw_error_exit/0},
      {"start_child/2 with max_children", &max_children/0},
      {"start_child/2 temporary child is not restarted regardless of reason", &temporary_child/0},
      {"start_child/2 transient child is restarted unless normal/shutdown/{shutdown, _}", &transient_child/0},
      {"start_child/2 permanent child is restarted regardless of reason", &permanent_child/0},
      {"start_child/2 child is restarted with different values", &restarted_with_different_values/0},
      {"start_child/2 restarting on init children counted in max_children", &restarting_on_init_counted/0},
      {"start_child/2 restarting on exit children counted in max_children", &restarting_on_exit_counted/0},
      {"start_child/2 restarting a child with extra_arguments successfully restarts child", &restart_with_extra_arguments/0},
      {"start_child/2 child is restarted when trying again", &restarted_when_trying_again/0},
      {"start_child/2 child triggers maximum restarts", &maximum_restarts/0},
      {"start_child/2 child triggers maximum intensity when trying again", &maximum_intensity_trying_again/0},
      {"terminate/2 terminates children with brutal kill", &terminate_brutal_kill/0},
      {"terminate/2 terminates children with infinity shutdown", &terminate_infinity/0},
      {"terminate/2 terminates children with infinity shutdown and abnormal reason", &terminate_infinity_abnormal/0},
      {"terminate/2 terminates children with integer shutdown", &terminate_integer/0},
      {"terminate/2 terminates children with integer shutdown and abnormal reason", &terminate_integer_abnormal/0},
      {"terminate/2 terminates children with expired integer shutdown", &terminate_expired/0},
      {"terminate/2 terminates children with permanent restart and normal reason", &terminate_permanent_normal/0},
      {"terminate/2 terminates with mixed children", &terminate_mixed/0},
      {"terminate_child/2 terminates child with brutal kill", &terminate_child_brutal_kill/0},
      {"terminate_child/2 terminates child with integer shutdown", &terminate_child_integer/0},
      {"terminate_child/2 terminates restarting child", &terminate_restarting_child/0}
    ]
  end

  defp sleepy_worker(opts) do
    mfa = {Task, :start_link, [Process, :sleep, [:infinity]]}
    Supervisor.child_spec(%{id: Task, start: mfa}, opts)
  end

  defp current_module_worker(args, opts \\ []) do
    Supervisor.child_spec(%{id: DynamicSupervisorTest, start: {Worker, :start_link, args}}, opts)
  end

  defp assert_kill(pid, reason) do
    ref = Process.monitor(pid)
    Process.exit(pid, reason)
    receive do: ({:DOWN, ^ref, _, _, _} -> :ok)
  end

  defp counts(sup, keys), do: Map.take(DynamicSupervisor.count_children(sup), keys)

  # The reason each monitored pid went down with, in order.
  defp down_reasons(pids) do
    for pid <- pids do
      receive do: ({:DOWN, _, :process, ^pid, reason} -> reason)
    end
  end

  # {:ok, pid} as ["ok", "#PID"], any other answer as it is.
  defp started({:ok, pid}) when is_pid(pid), do: {:ok, pid}
  defp started(other), do: other

  # The error of a start that raised, without the stacktrace (the runtime has none to compare).
  defp without_stacktrace({:error, {%{__exception__: true} = error, [_ | _]}}), do: {:error, error}
  defp without_stacktrace(other), do: other

  def supervised_directly do
    children = [{DynamicSupervisor, name: :dyn_sup_spec_test}]
    {:ok, _} = Supervisor.start_link(children, strategy: :one_for_one)
    DynamicSupervisor.which_children(:dyn_sup_spec_test)
  end

  def multiple_supervisors do
    {:ok, _} = Registry.start_link(keys: :unique, name: DynSup.Registry)

    children = [
      {DynamicSupervisor, name: :simple_name},
      {DynamicSupervisor, name: {:via, Registry, {DynSup.Registry, "via_name"}}}
    ]

    {:ok, supsup} = Supervisor.start_link(children, strategy: :one_for_one)
    {:ok, no_name_dynsup} = Supervisor.start_child(supsup, {DynamicSupervisor, strategy: :one_for_one})

    %{
      simple_name: DynamicSupervisor.which_children(:simple_name),
      via_name: DynamicSupervisor.which_children({:via, Registry, {DynSup.Registry, "via_name"}}),
      no_name: DynamicSupervisor.which_children(no_name_dynsup),
      second_no_name:
        Supervisor.start_child(supsup, {DynamicSupervisor, strategy: :one_for_one}) ==
          {:error, {:already_started, no_name_dynsup}}
    }
  end

  def non_ok_init do
    Process.flag(:trap_exit, true)

    %{
      strategy: DynamicSupervisor.start_link(strategy: :unknown),
      intensity: DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: -1),
      period: DynamicSupervisor.start_link(strategy: :one_for_one, max_seconds: 0),
      max_children: DynamicSupervisor.start_link(strategy: :one_for_one, max_children: -1),
      extra_arguments: DynamicSupervisor.start_link(strategy: :one_for_one, extra_arguments: -1)
    }
  end

  def registered_process do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, name: __MODULE__)
    {:links, links} = Process.info(self(), :links)
    named = Process.whereis(__MODULE__) == pid
    stop = DynamicSupervisor.stop(__MODULE__)
    %{linked: pid in links, named: named, stop: stop}
  end

  def new_child_spec do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one)
    child = %{id: Task, restart: :temporary, start: {Task, :start_link, [fn -> :ok end]}}
    started(DynamicSupervisor.start_child(pid, child))
  end

  def extra_arguments do
    parent = self()
    fun = fn -> send(parent, :from_child) end
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, extra_arguments: [fun])
    child = %{id: Task, restart: :temporary, start: {Task, :start_link, []}}
    result = started(DynamicSupervisor.start_child(pid, child))
    %{start_child: result, from_child: Conformance.received?(&(&1 == :from_child), 1000)}
  end

  def invalid_child_spec do
    %{
      empty_map: DynamicSupervisor.start_child(:not_used, %{}),
      start_not_a_function: DynamicSupervisor.start_child(:not_used, %{id: 1, start: :not_a_function})
    }
  end

  def different_returns do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one)

    %{
      ok: started(DynamicSupervisor.start_child(pid, current_module_worker([:ok2]))),
      ignore: DynamicSupervisor.start_child(pid, current_module_worker([:ignore])),
      error: DynamicSupervisor.start_child(pid, current_module_worker([:error])),
      unknown: DynamicSupervisor.start_child(pid, current_module_worker([:unknown]))
    }
  end

  def throw_error_exit do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one)

    %{
      error: without_stacktrace(DynamicSupervisor.start_child(pid, current_module_worker([:non_local, :error]))),
      exit: DynamicSupervisor.start_child(pid, current_module_worker([:non_local, :exit]))
    }
  end

  def max_children do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 0)
    DynamicSupervisor.start_child(pid, current_module_worker([:ok2]))
  end

  def temporary_child do
    child = current_module_worker([:ok2], restart: :temporary)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one)
    {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
    assert_kill(child_pid, :shutdown)
    after_shutdown = counts(pid, [:workers, :active])
    {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
    assert_kill(child_pid, :whatever)
    %{after_shutdown: after_shutdown, after_whatever: counts(pid, [:workers, :active])}
  end

  def transient_child do
    child = current_module_worker([:ok2], restart: :transient)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one)

    for reason <- [:shutdown, {:shutdown, :signal}, :whatever] do
      {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
      assert_kill(child_pid, reason)
      counts(pid, [:workers, :active])
    end
  end

  def permanent_child do
    child = current_module_worker([:ok2], restart: :permanent)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 100_000)

    for reason <- [:shutdown, {:shutdown, :signal}, :whatever] do
      {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
      assert_kill(child_pid, reason)
      counts(pid, [:workers, :active])
    end
  end

  # which_children as [pid] rows: "#PID", or "restarting".
  defp pids(sup), do: for({_id, pid, _type, _modules} <- DynamicSupervisor.which_children(sup), do: pid)

  def restarted_with_different_values do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 100_000)
    {:ok, child1} = DynamicSupervisor.start_child(pid, current_module_worker([:restart, :ok2]))
    first = DynamicSupervisor.which_children(pid) |> Enum.map(&elem(&1, 1)) == [child1]
    assert_kill(child1, :shutdown)
    after_child1 = counts(pid, [:workers, :active])

    {:ok, child2} = DynamicSupervisor.start_child(pid, current_module_worker([:restart, :ok3]))
    second = List.last(pids(pid)) == child2
    assert_kill(child2, :shutdown)
    after_child2 = counts(pid, [:workers, :active])

    {:ok, child3} = DynamicSupervisor.start_child(pid, current_module_worker([:restart, :ignore]))
    third_rows = length(pids(pid))
    assert_kill(child3, :shutdown)
    after_child3 = counts(pid, [:workers, :active])

    {:ok, child4} = DynamicSupervisor.start_child(pid, current_module_worker([:restart, :error]))
    fourth_rows = length(pids(pid))
    assert_kill(child4, :shutdown)
    after_child4 = counts(pid, [:workers, :active])

    {:ok, child5} = DynamicSupervisor.start_child(pid, current_module_worker([:restart, :unknown]))
    fifth = pids(pid)
    assert_kill(child5, :shutdown)

    %{
      child1_listed: first,
      after_child1: after_child1,
      child2_listed_last: second,
      after_child2: after_child2,
      rows_with_child3: third_rows,
      after_child3: after_child3,
      rows_with_child4: fourth_rows,
      after_child4: after_child4,
      rows_with_child5: Enum.map(fifth, &if(&1 == :restarting, do: :restarting, else: :pid)),
      after_child5: counts(pid, [:workers, :active])
    }
  end

  def restarting_on_init_counted do
    child = current_module_worker([:restart, :error], restart: :permanent)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 1, max_restarts: 100_000)
    {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
    assert_kill(child_pid, :shutdown)
    restarting = counts(pid, [:workers, :active])
    child = current_module_worker([:restart, :ok2], restart: :permanent)
    %{restarting: restarting, start_child: DynamicSupervisor.start_child(pid, child)}
  end

  def restarting_on_exit_counted do
    child = current_module_worker([:ok2], restart: :permanent)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 1, max_restarts: 100_000)
    {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
    assert_kill(child_pid, :shutdown)
    restarted = counts(pid, [:workers, :active])
    child = current_module_worker([:ok2], restart: :permanent)
    %{restarted: restarted, start_child: DynamicSupervisor.start_child(pid, child)}
  end

  def restart_with_extra_arguments do
    parent = self()

    fun = fn ->
      send(parent, :from_child)
      Process.sleep(:infinity)
    end

    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one, extra_arguments: [fun])
    child = %{id: Task, restart: :transient, start: {Task, :start_link, []}}
    {:ok, child} = DynamicSupervisor.start_child(sup, child)
    first = Conformance.received?(&(&1 == :from_child), 1000)
    before = counts(sup, [:workers, :active])
    assert_kill(child, :oops)
    again = Conformance.received?(&(&1 == :from_child), 1000)
    %{from_child: first, before_kill: before, from_restarted_child: again, after_kill: counts(sup, [:workers, :active])}
  end

  def restarted_when_trying_again do
    child = current_module_worker([:try_again, self()], restart: :permanent)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 2)
    {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
    first = Conformance.received?(&(&1 == {:try_again, true}), 1000)
    assert_kill(child_pid, :shutdown)
    refused = Conformance.received?(&(&1 == {:try_again, false}), 1000)
    retried = Conformance.received?(&(&1 == {:try_again, true}), 1000)
    %{started: first, restart_refused: refused, tried_again: retried, counts: counts(pid, [:workers, :active])}
  end

  def maximum_restarts do
    Process.flag(:trap_exit, true)
    child = current_module_worker([:restart, :error], restart: :permanent)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 1)
    {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
    assert_kill(child_pid, :shutdown)
    Conformance.received?(&(&1 == {:EXIT, pid, :shutdown}), 1000)
  end

  def maximum_intensity_trying_again do
    Process.flag(:trap_exit, true)
    child = current_module_worker([:restart, :error], restart: :permanent)
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 10)
    {:ok, child_pid} = DynamicSupervisor.start_child(pid, child)
    assert_kill(child_pid, :shutdown)
    Conformance.received?(&(&1 == {:EXIT, pid, :shutdown}), 1000)
  end

  defp terminate_three(child, ready \\ 0) do
    Process.flag(:trap_exit, true)
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    pids = for _ <- 1..3, do: elem(DynamicSupervisor.start_child(sup, child), 1)
    for _ <- 1..ready//1, do: receive(do: (:ready -> :ok))
    Enum.each(pids, &Process.monitor/1)
    assert_kill(sup, :shutdown)
    down_reasons(pids)
  end

  def terminate_brutal_kill, do: terminate_three(sleepy_worker(shutdown: :brutal_kill))
  def terminate_infinity, do: terminate_three(sleepy_worker(shutdown: :infinity))
  def terminate_integer, do: terminate_three(sleepy_worker(shutdown: 1000))

  # A child that traps exits and, on the supervisor's shutdown, exits with `reason`.
  defp trapping_child(reason, opts) do
    parent = self()

    fun = fn ->
      Process.flag(:trap_exit, true)
      send(parent, :ready)
      receive(do: (_ -> exit(reason)))
    end

    Supervisor.child_spec({Task, fun}, opts)
  end

  def terminate_infinity_abnormal, do: terminate_three(trapping_child({:shutdown, :oops}, shutdown: :infinity), 3)
  def terminate_integer_abnormal, do: terminate_three(trapping_child({:shutdown, :oops}, shutdown: 1000), 3)

  def terminate_permanent_normal,
    do: terminate_three(trapping_child(:normal, shutdown: :infinity, restart: :permanent), 3)

  def terminate_expired do
    Process.flag(:trap_exit, true)
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    parent = self()
    fun = fn -> Process.sleep(:infinity) end

    tmt = fn ->
      Process.flag(:trap_exit, true)
      send(parent, :ready)
      Process.sleep(:infinity)
    end

    {:ok, child1} = DynamicSupervisor.start_child(sup, Supervisor.child_spec({Task, fun}, shutdown: 1))
    {:ok, child2} = DynamicSupervisor.start_child(sup, Supervisor.child_spec({Task, tmt}, shutdown: 1))
    {:ok, child3} = DynamicSupervisor.start_child(sup, Supervisor.child_spec({Task, fun}, shutdown: 1))
    receive do: (:ready -> :ok)
    Enum.each([child1, child2, child3], &Process.monitor/1)
    assert_kill(sup, :shutdown)
    down_reasons([child1, child2, child3])
  end

  def terminate_mixed do
    Process.flag(:trap_exit, true)
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    {:ok, child1} = DynamicSupervisor.start_child(sup, sleepy_worker(shutdown: :infinity))
    {:ok, child2} = DynamicSupervisor.start_child(sup, sleepy_worker(shutdown: :brutal_kill))
    Enum.each([child1, child2], &Process.monitor/1)
    assert_kill(sup, :shutdown)
    down_reasons([child1, child2])
  end

  defp terminate_one(child) do
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    {:ok, child_pid} = DynamicSupervisor.start_child(sup, child)
    Process.monitor(child_pid)
    first = DynamicSupervisor.terminate_child(sup, child_pid)
    [down] = down_reasons([child_pid])

    %{
      terminate_child: first,
      down: down,
      again: DynamicSupervisor.terminate_child(sup, child_pid),
      counts: counts(sup, [:workers, :active])
    }
  end

  def terminate_child_brutal_kill, do: terminate_one(sleepy_worker(shutdown: :brutal_kill))
  def terminate_child_integer, do: terminate_one(sleepy_worker(shutdown: 1000))

  def terminate_restarting_child do
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 100_000)
    child = current_module_worker([:restart, :error], restart: :permanent)
    {:ok, child_pid} = DynamicSupervisor.start_child(sup, child)
    assert_kill(child_pid, :shutdown)

    %{
      terminate_child: DynamicSupervisor.terminate_child(sup, child_pid),
      again: DynamicSupervisor.terminate_child(sup, child_pid),
      counts: counts(sup, [:workers, :active])
    }
  end
end

Conformance.run(DynamicSupervisorTest.Cases.cases())
