# The chapter's tables ("call vs cast" and "Valores de retorno de callbacks"), one case a row, as the chapter writes
# them. `elixir chapter_return_values.exs` prints one JSON line a case; ../run-beam.ts compares them with
# ../chapter-return-values.expected.ts.
Code.require_file("support.exs", __DIR__)

defmodule Chapter.Server do
  use GenServer

  # The state: the test process (told about terminate and timeouts), a value, and a caller waiting for a reply.
  def init(test), do: {:ok, %{test: test, value: :initial, waiting: nil}}

  def handle_call(:get, _from, s), do: {:reply, s.value, s}
  def handle_call({:reply, r, v}, _from, s), do: {:reply, r, %{s | value: v}}
  def handle_call({:stop, reason, r, v}, _from, s), do: {:stop, reason, r, %{s | value: v}}
  def handle_call({:noreply, v}, from, s), do: {:noreply, %{s | value: v, waiting: from}}
  def handle_call({:reply_timeout, r, v, ms}, _from, s), do: {:reply, r, %{s | value: v}, ms}
  def handle_call({:reply_hibernate, r, v}, _from, s), do: {:reply, r, %{s | value: v}, :hibernate}

  def handle_cast(message, s), do: no_reply(message, s)

  def handle_info(:timeout, s) do
    send(s.test, {:handled, :timeout})
    {:noreply, s}
  end

  def handle_info({:as_info, message}, s), do: no_reply(message, s)

  # The returns the chapter lists for handle_cast/2 and handle_info/2.
  defp no_reply({:noreply, v}, s), do: {:noreply, %{s | value: v}}
  defp no_reply({:stop, reason, v}, s), do: {:stop, reason, %{s | value: v}}
  defp no_reply({:noreply_timeout, v, ms}, s), do: {:noreply, %{s | value: v}, ms}
  defp no_reply({:noreply_hibernate, v}, s), do: {:noreply, %{s | value: v}, :hibernate}

  defp no_reply({:reply_to_waiting, r}, s) do
    GenServer.reply(s.waiting, r)
    {:noreply, %{s | waiting: nil}}
  end

  def terminate(reason, s), do: send(s.test, {:terminate, reason, s.value})
end

defmodule Chapter.Cases do
  alias Chapter.Server

  def cases do
    [
      {"call vs cast: GenServer.call/2 waits 5000 ms by default", &call_default_timeout/0},
      {"call vs cast: GenServer.cast/2 returns :ok at once, whoever is there", &cast_returns_ok/0},
      {"handle_call/3 {:reply, respuesta, nuevo_estado}", &call_reply/0},
      {"handle_call/3 {:stop, razon, respuesta, nuevo_estado}", &call_stop/0},
      {"handle_call/3 {:noreply, nuevo_estado} and a later GenServer.reply/2", &call_noreply/0},
      {"handle_call/3 {:reply, respuesta, nuevo_estado, timeout_ms}", &call_reply_timeout/0},
      {"handle_call/3 {:reply, respuesta, nuevo_estado, :hibernate}", &call_reply_hibernate/0},
      {"handle_cast/2 and handle_info/2 {:noreply, nuevo_estado}", &noreply/0},
      {"handle_cast/2 and handle_info/2 {:stop, razon, nuevo_estado}", &stop/0},
      {"handle_cast/2 and handle_info/2 {:noreply, nuevo_estado, timeout_ms}", &noreply_timeout/0},
      {"handle_cast/2 and handle_info/2 {:noreply, nuevo_estado, :hibernate}", &noreply_hibernate/0}
    ]
  end

  defp server do
    {:ok, pid} = GenServer.start(Server, self())
    pid
  end

  defp handled, do: for({:handled, message} <- Conformance.flush_mailbox(), do: message)

  # What terminate saw, and the reason a monitor saw.
  defp ended(pid, ref) do
    terminate = receive do: ({:terminate, reason, value} -> [reason, value])
    down = receive do: ({:DOWN, ^ref, :process, ^pid, reason} -> reason)
    %{terminate: terminate, down: down}
  end

  def call_default_timeout do
    pid = server()
    {:ok, _} = GenServer.call(pid, {:reply, {:ok, :armed}, :value})
    caller = self()

    waiter =
      spawn(fn ->
        send(caller, {:exit, Conformance.exit_call(fn -> GenServer.call(pid, {:noreply, :waiting}) end)})
      end)

    Process.sleep(4900)
    pending = Process.alive?(waiter)
    exit = receive do: ({:exit, exit} -> exit)
    %{pending_at_4900_ms: pending, exit: exit}
  end

  def cast_returns_ok do
    dead = server()
    GenServer.stop(dead)
    %{alive: GenServer.cast(server(), {:noreply, :x}), dead_pid: GenServer.cast(dead, {:noreply, :x}), name_nobody_holds: GenServer.cast(:nobody, {:noreply, :x})}
  end

  def call_reply do
    pid = server()
    reply = GenServer.call(pid, {:reply, :the_reply, :new_state})
    %{reply: reply, state_after: GenServer.call(pid, :get)}
  end

  def call_stop do
    pid = server()
    ref = Process.monitor(pid)
    reply = GenServer.call(pid, {:stop, :normal, :the_reply, :last_state})
    Map.put(ended(pid, ref), :reply, reply)
  end

  def call_noreply do
    pid = server()
    parent = self()
    spawn(fn -> send(parent, {:reply, GenServer.call(pid, {:noreply, :new_state})}) end)
    # The call comes from another process: wait until the server holds it before asking for the state.
    wait_until_waiting(pid)
    state_while_waiting = GenServer.call(pid, :get)
    GenServer.cast(pid, {:reply_to_waiting, :later_reply})
    reply = receive do: ({:reply, reply} -> reply)
    %{state_while_waiting: state_while_waiting, reply: reply}
  end

  defp wait_until_waiting(pid) do
    if :sys.get_state(pid).waiting == nil, do: wait_until_waiting(pid)
  end

  def call_reply_timeout do
    pid = server()
    reply = GenServer.call(pid, {:reply_timeout, :the_reply, :new_state, 100})
    Process.sleep(50)
    before = handled()
    Process.sleep(100)
    %{reply: reply, handled_by_50_ms: before, handled_by_150_ms: handled(), state_after: GenServer.call(pid, :get)}
  end

  def call_reply_hibernate do
    pid = server()
    reply = GenServer.call(pid, {:reply_hibernate, :the_reply, :new_state})
    %{reply: reply, state_after: GenServer.call(pid, :get)}
  end

  # Each row for a cast and for a plain message (handle_info).
  defp both(fun), do: %{cast: fun.(&GenServer.cast/2), info: fun.(fn pid, message -> send(pid, {:as_info, message}) end)}

  def noreply do
    both(fn deliver ->
      pid = server()
      deliver.(pid, {:noreply, :new_state})
      GenServer.call(pid, :get)
    end)
  end

  def stop do
    both(fn deliver ->
      pid = server()
      ref = Process.monitor(pid)
      deliver.(pid, {:stop, {:shutdown, :bye}, :last_state})
      ended(pid, ref)
    end)
  end

  def noreply_timeout do
    both(fn deliver ->
      pid = server()
      deliver.(pid, {:noreply_timeout, :new_state, 100})
      Process.sleep(50)
      before = handled()
      Process.sleep(100)
      %{handled_by_50_ms: before, handled_by_150_ms: handled(), state_after: GenServer.call(pid, :get)}
    end)
  end

  def noreply_hibernate do
    both(fn deliver ->
      pid = server()
      deliver.(pid, {:noreply_hibernate, :new_state})
      %{state_after: GenServer.call(pid, :get), alive: Process.alive?(pid)}
    end)
  end
end

Conformance.run(Chapter.Cases.cases())
