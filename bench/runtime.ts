import { type Call, GenServer, type GenServerModule, noreply, ok, type Pid, type Protocol, Registry, reply } from "#runtime";
import { type Bench, type Scale, settledHeap } from "./harness.ts";
import { bareMailbox } from "./yardstick.ts";

/** The loops the issue compares with a BEAM run: a counter server, called, cast to, reached by name, started. */
interface CounterProtocol extends Protocol {
  call: Call<{ type: "get" }, number>;
  cast: { type: "add"; n: number };
  info: never;
}

const Counter: GenServerModule<CounterProtocol, number, number> = {
  init: (start) => ok(start),
  handleCall: (_request, _from, n) => reply(n, n),
  handleCast: (message, n) => noreply(n + message.n),
};

const GET = { type: "get" } as const;
const ADD = { type: "add", n: 1 } as const;
const REGISTRY = "BenchRegistry";

let counter: Pid<CounterProtocol> | null = null;
const servers: Pid<CounterProtocol>[] = [];
let heapBefore = 0;

async function startCounter(): Promise<void> {
  counter = await GenServer.start(Counter, 0);
}

async function stopCounter(): Promise<void> {
  if (counter !== null) await GenServer.stop(counter);
  counter = null;
}

function theCounter(): Pid<CounterProtocol> {
  if (counter === null) throw new Error("bench: setup did not run");
  return counter;
}

/** The runtime's primitives, and the bare mailbox they are measured against; quick runs 100 times less work. */
export function primitiveBenches(scale: Scale): Bench[] {
  const roundTrips = scale === "full" ? 200_000 : 2_000;
  const casts = scale === "full" ? 1_000_000 : 10_000;
  const starts = scale === "full" ? 100_000 : 1_000;
  return [
    {
      group: "primitives",
      figure: "call_roundtrip",
      implementation: "bare_promise",
      description: `${count(roundTrips)} sequential round trips through a bare promise mailbox: the yardstick, not the runtime`,
      async run() {
        const send = bareMailbox();
        for (let i = 0; i < roundTrips; i++) await send(GET);
        return { ops: roundTrips };
      },
    },
    {
      group: "primitives",
      figure: "call_roundtrip",
      implementation: "runtime",
      description: `${count(roundTrips)} sequential GenServer.call round trips (default 5000 ms timeout)`,
      target: 2_600_000,
      setup: startCounter,
      teardown: stopCounter,
      async run() {
        const pid = theCounter();
        for (let i = 0; i < roundTrips; i++) await GenServer.call(pid, GET);
        return { ops: roundTrips };
      },
    },
    {
      group: "primitives",
      figure: "cast_then_sync",
      implementation: "runtime",
      description: `${count(casts)} casts, then one call that waits for all of them`,
      target: 9_600_000,
      setup: startCounter,
      teardown: stopCounter,
      async run() {
        const pid = theCounter();
        for (let i = 0; i < casts; i++) GenServer.cast(pid, ADD);
        await GenServer.call(pid, GET);
        return { ops: casts };
      },
    },
    {
      group: "primitives",
      figure: "call_via_registry",
      implementation: "runtime",
      description: `${count(roundTrips)} sequential calls through a Registry via name built per call (the chapter's via_tuple)`,
      target: 2_200_000,
      async setup() {
        await Registry.start({ keys: "unique", name: REGISTRY });
        counter = await GenServer.start(Counter, 0, { name: Registry.via<CounterProtocol>(REGISTRY, "BTCUSD") });
      },
      async teardown() {
        await stopCounter();
        const registry = GenServer.whereis(GenServer.name(REGISTRY));
        if (registry !== null) await GenServer.stop(registry);
      },
      async run() {
        for (let i = 0; i < roundTrips; i++) await GenServer.call(Registry.via<CounterProtocol>(REGISTRY, "BTCUSD"), GET);
        return { ops: roundTrips };
      },
    },
    {
      group: "primitives",
      figure: "start_server",
      implementation: "runtime",
      description: `${count(starts)} servers started one after another and kept idle; heap bytes each`,
      target: 1_000_000,
      setup() {
        heapBefore = settledHeap();
      },
      async run() {
        for (let i = 0; i < starts; i++) servers.push(await GenServer.start(Counter, i));
        return { ops: starts };
      },
      memory: () => ({ per_server: (settledHeap() - heapBefore) / starts }),
      async teardown() {
        for (const pid of servers.splice(0)) await GenServer.stop(pid);
      },
    },
  ];
}

/** 200000 as "200 k", for descriptions. */
export function count(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000} M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000} k`;
  return String(n);
}
