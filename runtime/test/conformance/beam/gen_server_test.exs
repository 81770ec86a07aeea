# The cases of Elixir's lib/elixir/test/elixir/gen_server_test.exs (v1.14.0) that the runtime ports, each as a
# function that returns what the upstream test asserts on. `elixir gen_server_test.exs` prints one JSON line a case;
# ../run-beam.ts compares them with ../gen-server.expected.ts. Where a case is adapted (a :global name turned into a
# Registry via name, the test process calling itself turned into a server calling itself), both sides do the same.
Code.require_file("support.exs", __DIR__)

defmodule GenServerTest.Stack do
  use GenServer

  def init(args), do: {:ok, args}

  def handle_call(:pop, _from, [h | t]), do: {:reply, h, t}
  def handle_call(:noreply, _from, h), do: {:noreply, h}

  def handle_call(:stop_self, _from, state) do
    reason = Conformance.exit_call(fn -> GenServer.stop(self()) end)
    {:reply, reason, state}
  end

  # The runtime's tests call a server from inside itself (a test there is not a process).
  def handle_call({:call_self, target}, _from, state) do
    {:reply, Conformance.exit_call(fn -> GenServer.call(target, :pop, 5000) end), state}
  end

  def handle_cast({:push, element}, state), do: {:noreply, [element | state]}
end

defmodule GenServerTest.Cases do
  alias GenServerTest.Stack

  def cases do
    [
      {"start_link/3", &start_link_3/0},
      {"start_link/3 with via", &start_link_3_with_via/0},
      {"start_link/3 with local", &start_link_3_with_local/0},
      {"start_link/2, call/2 and cast/2", &start_link_call_cast/0},
      {"call/3 exit messages", &call_3_exit_messages/0},
      {"start/2", &start_2/0},
      {"whereis/1", &whereis_1/0},
      {"stop/3", &stop_3/0}
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

  # Whether the caller is linked to `pid`, seen the way the runtime can see it: trap exits, end the server, and
  # look for its EXIT.
  defp linked?(pid) do
    Process.flag(:trap_exit, true)
    Process.exit(pid, :boom)
    linked = Conformance.received?(&match?({:EXIT, ^pid, :boom}, &1), 100)
    Process.flag(:trap_exit, false)
    linked
  end

  def start_link_3 do
    %{
      invalid_tuple: raises(fn -> GenServer.start_link(Stack, [:hello], name: {:invalid_tuple, "my_gen_server_name"}) end),
      via_not_a_module: raises(fn -> GenServer.start_link(Stack, [:hello], name: {:via, "Via", "my_gen_server_name"}) end)
    }
  end

  def start_link_3_with_via do
    {:ok, _} = Registry.start_link(keys: :unique, name: :via_stack_registry)
    GenServer.start_link(Stack, [:hello], name: {:via, Registry, {:via_stack_registry, :via_stack}})
    GenServer.call({:via, Registry, {:via_stack_registry, :via_stack}}, :pop)
  end

  def start_link_3_with_local do
    GenServer.start_link(Stack, [:hello], name: :stack)
    GenServer.call(:stack, :pop)
  end

  def start_link_call_cast do
    {:ok, pid} = GenServer.start_link(Stack, [:hello])
    {:links, links} = Process.info(self(), :links)
    in_links = pid in links

    pop1 = GenServer.call(pid, :pop)
    cast = GenServer.cast(pid, {:push, :world})
    pop2 = GenServer.call(pid, :pop)
    stop = GenServer.stop(pid)

    {:ok, other} = GenServer.start_link(Stack, [])

    %{
      linked: in_links and linked?(other),
      pop: pop1,
      cast: cast,
      pop_after_cast: pop2,
      stop: stop,
      cast_to_unknown_via: GenServer.cast({:via, Registry, {:no_such_registry, :bar}}, {:push, :world}),
      cast_to_unknown_name: GenServer.cast(:foo, {:push, :world})
    }
  end

  def call_3_exit_messages do
    {:ok, _} = Registry.start_link(keys: :unique, name: :call_exit_registry)
    name = :self_stack
    via = {:via, Registry, {:call_exit_registry, :self_stack}}
    {:ok, named} = GenServer.start_link(Stack, [:hello], name: name)
    {:ok, by_via} = GenServer.start_link(Stack, [:hello], name: via)
    {:ok, pid} = GenServer.start_link(Stack, [:hello])
    {:ok, stopped_pid} = GenServer.start(Stack, [:hello])
    GenServer.stop(stopped_pid)

    %{
      calling_self_by_name: GenServer.call(named, {:call_self, name}),
      calling_self_by_via: GenServer.call(by_via, {:call_self, via}),
      calling_self_by_pid: GenServer.call(pid, {:call_self, pid}),
      timeout: Conformance.exit_call(fn -> GenServer.call(pid, :noreply, 1) end),
      name_nobody_holds: Conformance.exit_call(fn -> GenServer.call(nil, :pop, 5000) end),
      stopped_pid: Conformance.exit_call(fn -> GenServer.call(stopped_pid, :pop, 5000) end)
    }
  end

  def start_2 do
    {:ok, pid} = GenServer.start(Stack, [:hello])
    {:links, links} = Process.info(self(), :links)
    linked = pid in links or linked?(pid)
    %{linked: linked}
  end

  def whereis_1 do
    name = :whereis_server
    {:ok, pid} = GenServer.start_link(Stack, [], name: name)
    {:ok, _} = Registry.start_link(keys: :unique, name: :whereis_registry)
    {:ok, via_pid} = GenServer.start_link(Stack, [], name: {:via, Registry, {:whereis_registry, name}})

    %{
      local: GenServer.whereis(name) == pid,
      pid: GenServer.whereis(pid) == pid,
      unknown_name: GenServer.whereis(:whereis_bad_server),
      via: GenServer.whereis({:via, Registry, {:whereis_registry, name}}) == via_pid,
      unknown_via: GenServer.whereis({:via, Registry, {:whereis_registry, :whereis_bad_server}})
    }
  end

  def stop_3 do
    {:ok, pid} = GenServer.start(Stack, [])
    stop = GenServer.stop(pid, :normal)
    stopped_pid = pid
    stop_stopped = Conformance.exit_call(fn -> GenServer.stop(stopped_pid) end)
    stop_nil = Conformance.exit_call(fn -> GenServer.stop(nil) end)

    {:ok, pid} = GenServer.start(Stack, [])
    stop_self = GenServer.call(pid, :stop_self)

    {:ok, _} = GenServer.start(Stack, [], name: :stop_3_stack)

    %{
      stop: stop,
      stopped_pid: stop_stopped,
      name_nobody_holds: stop_nil,
      stop_self: stop_self,
      stop_by_name: GenServer.stop(:stop_3_stack, :normal)
    }
  end
end

Conformance.run(GenServerTest.Cases.cases())
