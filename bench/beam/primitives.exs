# `elixir bench/beam/primitives.exs [--warmup N] [--runs N] [--quick]`: the loops of bench/runtime.ts on the BEAM,
# the reference the TypeScript runtime is measured against. One JSON `Measurement` (bench/measurement.ts) a line on
# stdout and nothing else there; errors go to stderr. Plain Elixir 1.14 with no deps, so the JSON is written by hand.
#
# Everything lives in modules: code at the top level of an .exs is evaluated by the interpreter, not compiled.

defmodule Bench.Counter do
  @moduledoc false
  use GenServer

  @impl true
  def init(start), do: {:ok, start}

  @impl true
  def handle_call(:get, _from, n), do: {:reply, n, n}

  @impl true
  def handle_cast({:add, k}, n), do: {:noreply, n + k}
end

defmodule Bench.Loops do
  @moduledoc false
  # Tail-recursive loops rather than Enum over a range: the loop should cost as little as the TypeScript `for`.

  def calls(_pid, 0), do: :ok

  def calls(pid, n) do
    GenServer.call(pid, :get)
    calls(pid, n - 1)
  end

  def casts(_pid, 0), do: :ok

  def casts(pid, n) do
    GenServer.cast(pid, {:add, 1})
    casts(pid, n - 1)
  end

  # Registry and key come in as arguments so the via tuple is built on every call, as the chapter's via_tuple/1
  # does; a literal tuple would be a constant of the module.
  def via_calls(_registry, _key, 0), do: :ok

  def via_calls(registry, key, n) do
    GenServer.call({:via, Registry, {registry, key}}, :get)
    via_calls(registry, key, n - 1)
  end

  def start_servers(acc, n, n), do: acc

  def start_servers(acc, i, n) do
    {:ok, pid} = GenServer.start(Bench.Counter, i)
    start_servers([pid | acc], i + 1, n)
  end
end

defmodule Bench.Primitives do
  @moduledoc false

  @registry BenchRegistry
  @key "BTCUSD"

  def main(argv) do
    {quick, warmup, runs} = options(argv)
    scale = if quick, do: 100, else: 1

    for bench <- benches() do
      bench
      |> measure(div(bench.n, scale), warmup, runs)
      |> encode()
      |> IO.puts()
    end
  end

  defp options(argv) do
    case OptionParser.parse(argv, strict: [warmup: :integer, runs: :integer, quick: :boolean]) do
      {parsed, [], []} ->
        quick = Keyword.get(parsed, :quick, false)
        # --quick only changes the defaults, so a caller that passes --runs and --warmup always gets those.
        warmup = Keyword.get(parsed, :warmup, if(quick, do: 0, else: 3))
        runs = Keyword.get(parsed, :runs, if(quick, do: 1, else: 7))
        if warmup < 0, do: fail("--warmup should be a non-negative integer, got #{warmup}")
        if runs < 1, do: fail("--runs should be a positive integer, got #{runs}")
        {quick, warmup, runs}

      {_parsed, rest, invalid} ->
        fail("unexpected arguments #{inspect(rest ++ Enum.map(invalid, &elem(&1, 0)))}; usage: [--warmup N] [--runs N] [--quick]")
    end
  end

  defp fail(message) do
    IO.puts(:stderr, "bench/beam/primitives.exs: " <> message)
    System.halt(2)
  end

  # Each bench: setup (untimed) gives the state, run(state, n) is timed, bytes(result, n) and teardown are not.
  defp benches do
    [
      %{
        figure: "call_roundtrip",
        description: &"#{count(&1)} sequential GenServer.call round trips (default 5000 ms timeout)",
        n: 200_000,
        setup: &start_counter/0,
        run: &Bench.Loops.calls/2,
        teardown: fn pid, _result -> GenServer.stop(pid) end
      },
      %{
        figure: "cast_then_sync",
        description: &"#{count(&1)} casts, then one call that waits for all of them",
        n: 1_000_000,
        setup: &start_counter/0,
        run: fn pid, n ->
          Bench.Loops.casts(pid, n)
          ^n = GenServer.call(pid, :get)
        end,
        teardown: fn pid, _result -> GenServer.stop(pid) end
      },
      %{
        figure: "call_via_registry",
        description: &"#{count(&1)} sequential calls through a Registry via name built per call (the chapter's via_tuple)",
        n: 200_000,
        setup: fn ->
          {:ok, registry} = Registry.start_link(keys: :unique, name: @registry)
          {:ok, pid} = GenServer.start(Bench.Counter, 0, name: {:via, Registry, {@registry, @key}})
          {registry, pid}
        end,
        run: fn _state, n -> Bench.Loops.via_calls(@registry, @key, n) end,
        teardown: fn {registry, pid}, _result ->
          GenServer.stop(pid)
          Supervisor.stop(registry)
        end
      },
      %{
        figure: "start_server",
        description: &"#{count(&1)} servers started one after another (GenServer.start, not linked) and kept idle; bytes each",
        n: 100_000,
        setup: fn -> nil end,
        run: fn nil, n -> Bench.Loops.start_servers([], 0, n) end,
        # The sum of Process.info(pid, :memory) (control block, heap, stack, mailbox, dictionary) counts the servers
        # and nothing else. The growth of :erlang.memory(:processes) would also count the caller's heap, which holds
        # the list of pids and grows by steps at its own garbage collections, and any other process that ran.
        bytes: fn pids, n ->
          total = Enum.reduce(pids, 0, fn pid, sum -> sum + elem(Process.info(pid, :memory), 1) end)
          %{per_server: total / n}
        end,
        teardown: fn nil, pids -> Enum.each(pids, &GenServer.stop/1) end
      }
    ]
  end

  defp start_counter do
    {:ok, pid} = GenServer.start(Bench.Counter, 0)
    pid
  end

  defp measure(bench, n, warmup, runs) do
    samples =
      for _ <- 1..(warmup + runs) do
        state = bench.setup.()
        # Garbage from the previous run should not be collected on this run's clock.
        :erlang.garbage_collect()
        started = System.monotonic_time(:nanosecond)
        result = bench.run.(state, n)
        elapsed = System.monotonic_time(:nanosecond) - started
        bytes = if Map.has_key?(bench, :bytes), do: bench.bytes.(result, n), else: %{}
        bench.teardown.(state, result)
        {n * 1.0e9 / max(elapsed, 1), bytes}
      end
      |> Enum.drop(warmup)

    rates = Enum.map(samples, &elem(&1, 0))

    bytes =
      for {key, _} <- samples |> hd() |> elem(1) do
        {key, round(median(Enum.map(samples, fn {_, by_key} -> by_key[key] end)))}
      end

    [
      group: "primitives",
      figure: bench.figure,
      implementation: "beam",
      description: bench.description.(n),
      opsPerSec: [median: round(median(rates)), min: round(Enum.min(rates)), max: round(Enum.max(rates))],
      runs: runs
    ] ++ if bytes == [], do: [], else: [bytes: bytes]
  end

  # 200000 as "200 k", as bench/runtime.ts writes its descriptions.
  defp count(n) when n >= 1_000_000 and rem(n, 1_000_000) == 0, do: "#{div(n, 1_000_000)} M"
  defp count(n) when n >= 1_000 and rem(n, 1_000) == 0, do: "#{div(n, 1_000)} k"
  defp count(n), do: Integer.to_string(n)

  # As the TypeScript harness: for an even count, the mean of the two middle values.
  defp median(list) do
    sorted = Enum.sort(list)
    count = length(sorted)
    middle = div(count, 2)

    if rem(count, 2) == 1,
      do: Enum.at(sorted, middle),
      else: (Enum.at(sorted, middle - 1) + Enum.at(sorted, middle)) / 2
  end

  # A keyword list is a JSON object whose keys keep their order; maps would sort them.
  defp encode(value) when is_integer(value), do: Integer.to_string(value)
  defp encode(value) when is_binary(value), do: [?", escape(value), ?"]

  defp encode([{_, _} | _] = object) do
    ["{", Enum.map_intersperse(object, ",", fn {key, value} -> [encode(Atom.to_string(key)), ":", encode(value)] end), "}"]
  end

  defp escape(string) do
    for <<char::utf8 <- string>>, into: "" do
      case char do
        ?" -> "\\\""
        ?\\ -> "\\\\"
        char when char < 0x20 -> "\\u" <> String.pad_leading(Integer.to_string(char, 16), 4, "0")
        char -> <<char::utf8>>
      end
    end
  end
end

Bench.Primitives.main(System.argv())
