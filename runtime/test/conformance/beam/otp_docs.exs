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
       &call_server_dies/0}
    ]
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
