# Behaviours the docs of Elixir 1.14 (GenServer, Process, Supervisor, DynamicSupervisor, Registry) and OTP's
# gen_server, proc_lib and sys promise, which the upstream test files do not assert. `elixir otp_docs.exs` prints one
# JSON line a case; ../run-beam.ts compares them with ../otp-docs.expected.ts. A server that awaits a promise in the
# runtime is a server that sleeps here: either way it is busy in a callback.
Code.require_file("support.exs", __DIR__)

defmodule OtpDocs.Busy do
  use GenServer

  def init(fun), do: fun.()

  # Busy in the callback, as an async handleCall awaiting a promise that never settles.
  def handle_call(:busy, _from, state) do
    Process.sleep(:infinity)
    {:reply, :never, state}
  end

  def handle_call(:deferred, _from, state), do: {:noreply, state}

  # Busy for `ms`, so that a request queues up behind, then asks for an idle timeout.
  def handle_cast({:busy_then_timeout, ms, timeout}, test) do
    Process.sleep(ms)
    {:noreply, test, timeout}
  end

  def handle_info(message, test) do
    send(test, {:handled, message})
    {:noreply, test}
  end
end

defmodule OtpDocs.Worker do
  use GenServer

  def start_link(:ignore), do: :ignore
  def start_link({:fail, reason}), do: {:error, reason}
  def start_link(id), do: GenServer.start_link(__MODULE__, id)

  def init(id), do: {:ok, id}
end

defmodule OtpDocs.Cases do
  alias OtpDocs.Busy

  def cases do
    [
      {"GenServer.call/3: the caller exits at once with the reason of a server that dies while handling the call",
       &call_server_dies/0},
      {"GenServer.init/1: a timeout from init does not fire when a message arrived during init", &init_timeout_message_queued/0},
      {":sys.get_state/1: restarts a pending idle timeout", &sys_restarts_idle_timeout/0},
      {"GenServer.handle_cast/2: a timeout returned while only a :sys request is queued still fires", &timeout_behind_sys_request/0},
      {"GenServer.start_link/3: a start timeout gives {:error, :timeout} and leaves the caller alive", &start_link_timeout/0},
      {"Process.demonitor/2: returns true, also with :flush; with :info, whether the monitor was still active", &demonitor/0},
      {"Supervisor.which_children/1: the newest child first", &which_children_order/0},
      {"Supervisor.start_child/2, restart_child/2 and delete_child/2: what each answers", &child_functions/0},
      {"Supervisor.terminate_child/2: a temporary child is deleted, any other keeps its spec", &terminate_temporary/0},
      {"Supervisor.start_link/2: refused child specs and options", &refused_specs/0},
      {"Supervisor :one_for_all: a temporary sibling is shut down and not restarted", &one_for_all_temporary/0},
      {"GenServer.start/3: hibernate_after is accepted and the server answers after hibernating", &hibernate_after/0},
      {"Registry: a registered process exits with :shutdown when the registry stops", &registry_stop/0}
    ]
  end

  def registry_stop do
    {:ok, registry} = Registry.start_link(keys: :unique, name: :stopping_registry)
    Process.unlink(registry)
    {:ok, worker} = GenServer.start(OtpDocs.Worker, :via, name: {:via, Registry, {:stopping_registry, "worker"}})
    parent = self()

    registrant =
      spawn(fn ->
        Registry.register(:stopping_registry, "key", :value)
        send(parent, :registered)
        Process.sleep(:infinity)
      end)

    receive do: (:registered -> :ok)
    refs = for pid <- [worker, registrant], do: {pid, Process.monitor(pid)}
    Supervisor.stop(registry)
    for {pid, ref} <- refs, do: receive(do: ({:DOWN, ^ref, :process, ^pid, reason} -> reason))
  end

  def hibernate_after do
    {:ok, pid} = GenServer.start(OtpDocs.Worker, :hello, hibernate_after: 10)
    Process.sleep(50)
    idle_call = :sys.get_state(pid)
    %{state_after_idle: idle_call, negative_accepted: elem(GenServer.start(OtpDocs.Worker, :x, hibernate_after: -1), 0)}
  end

  defp spec(id, extra \\ %{}), do: Map.merge(%{id: id, start: {OtpDocs.Worker, :start_link, [id]}}, extra)

  # [id, pid] rows: a pid prints as "#PID", a child that is not running as "undefined".
  defp rows(supervisor), do: for({id, pid, _type, _modules} <- Supervisor.which_children(supervisor), do: [id, pid])
  defp ids(supervisor), do: for({id, _pid, _type, _modules} <- Supervisor.which_children(supervisor), do: id)

  def which_children_order do
    {:ok, sup} = Supervisor.start_link([spec(:a), spec(:b), spec(:c)], strategy: :one_for_one)
    started = ids(sup)
    {:ok, _} = Supervisor.start_child(sup, spec(:d))
    %{started: started, after_start_child: ids(sup)}
  end

  # The runtime reports a child's own start failure alone: OTP adds its internal child record.
  defp without_child_record({:error, {reason, child}}) when elem(child, 0) == :child, do: {:error, reason}
  defp without_child_record(other), do: other

  def child_functions do
    {:ok, sup} = Supervisor.start_link([spec(:a)], strategy: :one_for_one)
    already_started = Supervisor.start_child(sup, spec(:a))
    :ok = Supervisor.terminate_child(sup, :a)
    already_present = Supervisor.start_child(sup, spec(:a))
    restart_stopped = Supervisor.restart_child(sup, :a)
    restart_running = Supervisor.restart_child(sup, :a)
    delete_running = Supervisor.delete_child(sup, :a)
    :ok = Supervisor.terminate_child(sup, :a)
    delete_stopped = Supervisor.delete_child(sup, :a)

    %{
      start_child_already_started: already_started,
      start_child_already_present: already_present,
      restart_child_stopped: restart_stopped,
      restart_child_running: restart_running,
      restart_child_unknown: Supervisor.restart_child(sup, :zz),
      delete_child_running: delete_running,
      delete_child_stopped: delete_stopped,
      delete_child_unknown: Supervisor.delete_child(sup, :zz),
      start_child_ignore: Supervisor.start_child(sup, %{id: :i, start: {OtpDocs.Worker, :start_link, [:ignore]}}),
      start_child_ignore_temporary:
        Supervisor.start_child(sup, %{id: :it, start: {OtpDocs.Worker, :start_link, [:ignore]}, restart: :temporary}),
      start_child_fails: without_child_record(Supervisor.start_child(sup, %{id: :f, start: {OtpDocs.Worker, :start_link, [{:fail, :nope}]}})),
      start_child_missing_id: Supervisor.start_child(sup, %{start: {OtpDocs.Worker, :start_link, [:x]}}),
      rows: rows(sup)
    }
  end

  def terminate_temporary do
    {:ok, sup} = Supervisor.start_link([spec(:p), spec(:t, %{restart: :temporary})], strategy: :one_for_one)
    :ok = Supervisor.terminate_child(sup, :t)
    :ok = Supervisor.terminate_child(sup, :p)
    %{rows: rows(sup), restart_temporary: Supervisor.restart_child(sup, :t), restart_permanent: elem(Supervisor.restart_child(sup, :p), 0)}
  end

  def refused_specs do
    Process.flag(:trap_exit, true)

    %{
      duplicate_id: Supervisor.start_link([spec(:a), spec(:a)], strategy: :one_for_one),
      missing_id: Supervisor.start_link([%{start: {OtpDocs.Worker, :start_link, [:x]}}], strategy: :one_for_one),
      strategy: Supervisor.start_link([], strategy: :bogus),
      max_restarts: Supervisor.start_link([], strategy: :one_for_one, max_restarts: -1),
      max_seconds: Supervisor.start_link([], strategy: :one_for_one, max_seconds: 0),
      child_fails: Supervisor.start_link([spec(:a), %{id: :f, start: {OtpDocs.Worker, :start_link, [{:fail, :nope}]}}], strategy: :one_for_one)
    }
  end

  def one_for_all_temporary do
    {:ok, sup} = Supervisor.start_link([spec(:a), spec(:t, %{restart: :temporary}), spec(:b)], strategy: :one_for_all)
    [{:a, a, _, _}] = Enum.filter(Supervisor.which_children(sup), &(elem(&1, 0) == :a))
    Process.exit(a, :kill)
    # The EXIT the supervisor gets comes from `a`, not from here: give it time to arrive before asking.
    Process.sleep(100)
    %{ids_after_restart: ids(sup), all_running_again: Enum.all?(rows(sup), fn [_, pid] -> is_pid(pid) and pid != a end)}
  end

  defp handled(test_timeout \\ 0) do
    Conformance.flush_mailbox_after(test_timeout)
    |> Enum.flat_map(fn
      {:handled, message} -> [message]
      _ -> []
    end)
  end

  def init_timeout_message_queued do
    test = self()

    for timeout <- [0, 50], into: %{} do
      {:ok, pid} =
        GenServer.start(Busy, fn ->
          send(self(), :hello)
          {:ok, test, timeout}
        end)

      Process.sleep(150)
      messages = handled()
      GenServer.stop(pid)
      {"timeout_#{timeout}", messages}
    end
  end

  def sys_restarts_idle_timeout do
    test = self()
    {:ok, pid} = GenServer.start(Busy, fn -> {:ok, test, 100} end)
    Process.sleep(70)
    :sys.get_state(pid)
    Process.sleep(60)
    at_130 = handled()
    Process.sleep(100)
    at_230 = handled()
    GenServer.stop(pid)
    %{handled_by_130_ms: at_130, handled_by_230_ms: at_230}
  end

  def timeout_behind_sys_request do
    test = self()
    {:ok, pid} = GenServer.start(Busy, fn -> {:ok, test} end)
    GenServer.cast(pid, {:busy_then_timeout, 50, 100})
    # Queued behind the cast: the server still has it to handle when the cast returns its timeout.
    :sys.get_state(pid)
    Process.sleep(200)
    messages = handled()
    GenServer.stop(pid)
    %{handled: messages}
  end

  defp slow_init do
    fn ->
      Process.sleep(:infinity)
      {:ok, nil}
    end
  end

  def start_link_timeout do
    test = self()

    caller =
      spawn(fn ->
        result = GenServer.start_link(Busy, slow_init(), timeout: 50)
        send(test, {:result, result})
        Process.sleep(:infinity)
      end)

    non_trapping = receive do: ({:result, result} -> result)
    Process.sleep(50)
    caller_alive = Process.alive?(caller)
    Process.exit(caller, :kill)

    Process.flag(:trap_exit, true)
    trapping = GenServer.start_link(Busy, slow_init(), timeout: 50)
    Process.sleep(50)
    left = Conformance.flush_mailbox()

    %{
      non_trapping: %{result: non_trapping, caller_alive: caller_alive},
      trapping: %{result: trapping, messages_left: left}
    }
  end

  defp dead_and_monitored do
    pid = spawn(fn -> :ok end)
    ref = Process.monitor(pid)
    # The DOWN is in the mailbox once this returns.
    receive do: ({:DOWN, ^ref, _, _, _} = down -> send(self(), down))
    ref
  end

  def demonitor do
    flush_with_down_queued = Process.demonitor(dead_and_monitored(), [:flush])
    ref = dead_and_monitored()
    plain_with_down_queued = Process.demonitor(ref)
    down_left = length(Conformance.flush_mailbox())
    ref = dead_and_monitored()
    info_with_down_queued = Process.demonitor(ref, [:info])
    Conformance.flush_mailbox()
    flush_info_with_down_queued = Process.demonitor(dead_and_monitored(), [:flush, :info])
    down_left_after_flush = length(Conformance.flush_mailbox())
    alive = spawn(fn -> Process.sleep(:infinity) end)
    info_active = Process.demonitor(Process.monitor(alive), [:info])
    flush_info_active = Process.demonitor(Process.monitor(alive), [:flush, :info])
    Process.exit(alive, :kill)

    %{
      flush_with_down_queued: flush_with_down_queued,
      plain_with_down_queued: plain_with_down_queued,
      down_left_without_flush: down_left,
      info_with_down_queued: info_with_down_queued,
      flush_info_with_down_queued: flush_info_with_down_queued,
      down_left_after_flush: down_left_after_flush,
      info_active: info_active,
      flush_info_active: flush_info_active
    }
  end

  # Ends `pid` with `how` once the call below is in its callback.
  defp end_later(pid, how) do
    spawn(fn ->
      Process.sleep(50)
      how.(pid)
    end)
  end

  def call_server_dies do
    kill = fn pid -> Process.exit(pid, :kill) end
    {:ok, killed} = GenServer.start(Busy, fn -> {:ok, nil} end)
    end_later(killed, kill)
    by_kill = Conformance.exit_call(fn -> GenServer.call(killed, :busy, :infinity) end)

    {:ok, linked} = GenServer.start(Busy, fn -> {:ok, nil} end)

    spawn(fn ->
      Process.link(linked)
      Process.sleep(50)
      exit(:boom)
    end)

    by_link = Conformance.exit_call(fn -> GenServer.call(linked, :busy, 5000) end)

    {:ok, deferred} = GenServer.start(Busy, fn -> {:ok, nil} end)
    end_later(deferred, fn pid -> Process.exit(pid, :shutdown) end)
    by_exit_while_deferred = Conformance.exit_call(fn -> GenServer.call(deferred, :deferred, :infinity) end)

    # A process that is no GenServer never answers; when it exits, so does its caller.
    silent =
      spawn(fn ->
        Process.sleep(50)
        exit(:bye)
      end)

    by_silent_exit = Conformance.exit_call(fn -> GenServer.call(silent, :anything, :infinity) end)

    %{
      killed: by_kill,
      linked_exit: by_link,
      exit_while_reply_deferred: by_exit_while_deferred,
      silent_process_exits: by_silent_exit
    }
  end
end

Conformance.run(OtpDocs.Cases.cases())
