# Shared by every snippet file: `Conformance.run/1` runs each case in a fresh process, the way ExUnit runs each
# test, and prints one JSON line a case on stdout: {"case": name, "value": observation} when the case returned,
# {"case": name, "error": text} when it crashed or hung. run-beam.ts reads those lines and compares each value with
# the table the TypeScript port asserts (<file>.expected.ts). Plain Elixir 1.14 with no deps: JSON by hand.

require Logger

# Crash reports of the servers a case kills on purpose would interleave with the JSON lines on stdout.
Logger.configure(level: :none)

defmodule Conformance do
  @moduledoc false

  # Long enough for the slowest case (a supervisor's 1000 ms shutdown); it only stops a broken case from hanging.
  @case_timeout 15_000

  def run(cases) do
    only = System.get_env("CONFORMANCE_ONLY")

    for {name, fun} <- cases, only in [nil, ""] or only == name do
      line =
        case run_case(fun) do
          {:ok, value} -> %{"case" => name, "value" => value}
          {:error, text} -> %{"case" => name, "error" => text}
        end

      IO.puts(json(line))
    end

    :ok
  end

  defp run_case(fun) do
    parent = self()
    {pid, ref} = spawn_monitor(fn -> send(parent, {:observed, self(), fun.()}) end)

    receive do
      {:observed, ^pid, value} ->
        Process.demonitor(ref, [:flush])
        {:ok, value}

      {:DOWN, ^ref, :process, ^pid, reason} ->
        {:error, "the case crashed: " <> inspect(reason)}
    after
      @case_timeout ->
        Process.exit(pid, :kill)
        {:error, "the case did not finish within #{@case_timeout} ms"}
    end
  end

  @doc "The exit reason of `fun`, or :no_exit: catch_exit/1 of ExUnit, keeping only the reason."
  def exit_reason(fun) do
    try do
      fun.()
      :no_exit
    catch
      :exit, {reason, {_module, _function, _args}} -> reason
      :exit, reason -> reason
    end
  end

  @doc "The function of a caught exit, as the runtime's ExitError names it: \"GenServer.call\"."
  def exit_call(fun) do
    try do
      fun.()
      :no_exit
    catch
      :exit, {reason, {module, function, _args}} ->
        [reason, "#{inspect(module)}.#{function}"]
    end
  end

  @doc "Every message in the mailbox, oldest first, without waiting."
  def flush_mailbox(acc \\ []) do
    receive do
      message -> flush_mailbox([message | acc])
    after
      0 -> Enum.reverse(acc)
    end
  end

  @doc "Every message that arrived within `ms` from now, oldest first."
  def flush_mailbox_after(ms) do
    Process.sleep(ms)
    flush_mailbox()
  end

  @doc "Whether a message matching `pattern_fun` arrives within `ms`; the message is taken."
  def received?(pattern_fun, ms) do
    receive do
      message -> if pattern_fun.(message), do: true, else: received?(pattern_fun, ms)
    after
      ms -> false
    end
  end

  @doc """
  A term as JSON, the shape both sides compare: atoms are strings (nil, true and false are null and booleans),
  tuples and lists are arrays, maps are objects with string keys, an exception is {"error": message}, and pids,
  refs and functions become "#PID", "#Reference" and "#Function".
  """
  def json(nil), do: "null"
  def json(true), do: "true"
  def json(false), do: "false"
  def json(atom) when is_atom(atom), do: string(Atom.to_string(atom))
  def json(int) when is_integer(int), do: Integer.to_string(int)
  def json(float) when is_float(float), do: :erlang.float_to_binary(float, [:short])
  def json(binary) when is_binary(binary), do: string(binary)
  def json(pid) when is_pid(pid), do: string("#PID")
  def json(ref) when is_reference(ref), do: string("#Reference")
  def json(fun) when is_function(fun), do: string("#Function")
  def json(%{__exception__: true} = error), do: json(%{"error" => Exception.message(error)})
  def json(tuple) when is_tuple(tuple), do: json(Tuple.to_list(tuple))
  def json(list) when is_list(list), do: "[" <> Enum.map_join(list, ",", &json/1) <> "]"

  def json(map) when is_map(map) do
    fields =
      map
      |> Enum.map(fn {key, value} -> {key_string(key), value} end)
      |> Enum.sort()
      |> Enum.map_join(",", fn {key, value} -> string(key) <> ":" <> json(value) end)

    "{" <> fields <> "}"
  end

  defp key_string(key) when is_binary(key), do: key
  defp key_string(key) when is_atom(key), do: Atom.to_string(key)
  defp key_string(key), do: inspect(key)

  defp string(text) do
    escaped =
      text
      |> String.replace("\\", "\\\\")
      |> String.replace("\"", "\\\"")
      |> String.replace("\n", "\\n")
      |> String.replace("\t", "\\t")

    "\"" <> escaped <> "\""
  end
end
