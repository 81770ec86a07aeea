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
      {"Process.demonitor/2: returns true, also with :flush; with :info, whether the monitor was still active", &demonitor/0}
    ]
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
