import { type Call, GenServer, type GenServerModule, noreply, ok, type Pid, type Protocol, Registry, reply } from "#runtime";
import { defineBench } from "./harness.ts";

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

/**
 * The yardstick the issue gives: a bare promise mailbox (a queue drained by one promise job, each request
 * answered by resolving its promise) does about 5.5 M round trips/s on the reference machine. Measured in the
 * same run, it turns every figure into a ratio that the machine's load mostly cancels out.
 */
function bareMailbox(): (request: unknown) => Promise<unknown> {
  const queue: { request: unknown; resolve: (value: unknown) => void }[] = [];
  let scheduled = false;
  const drain = (): void => {
    scheduled = false;
    for (const item of queue.splice(0)) item.resolve(item.request);
  };
  return (request) =>
    new Promise((resolve) => {
      queue.push({ request, resolve });
      if (!scheduled) {
        scheduled = true;
        void Promise.resolve().then(drain);
      }
    });
}

export const BARE_MAILBOX_REFERENCE = 5_500_000;

export default [
  defineBench({
    figure: "bare_promise_mailbox",
    description: "200 k sequential round trips through a bare promise mailbox: the yardstick, not the runtime",
    target: BARE_MAILBOX_REFERENCE,
    async run() {
      const send = bareMailbox();
      const n = 200_000;
      for (let i = 0; i < n; i++) await send(GET);
      return { ops: n };
    },
  }),
  defineBench({
    figure: "call_roundtrip",
    description: "200 k sequential GenServer.call round trips (default 5000 ms timeout)",
    target: 2_600_000,
    setup: startCounter,
    teardown: stopCounter,
    async run() {
      const pid = theCounter();
      const n = 200_000;
      for (let i = 0; i < n; i++) await GenServer.call(pid, GET);
      return { ops: n };
    },
  }),
  defineBench({
    figure: "cast_then_sync",
    description: "1 M casts, then one call that waits for all of them",
    target: 9_600_000,
    setup: startCounter,
    teardown: stopCounter,
    async run() {
      const pid = theCounter();
      const n = 1_000_000;
      for (let i = 0; i < n; i++) GenServer.cast(pid, ADD);
      await GenServer.call(pid, GET);
      return { ops: n };
    },
  }),
  defineBench({
    figure: "call_via_registry",
    description: "200 k sequential calls through a Registry via name built per call (the chapter's via_tuple)",
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
      const n = 200_000;
      for (let i = 0; i < n; i++) await GenServer.call(Registry.via<CounterProtocol>(REGISTRY, "BTCUSD"), GET);
      return { ops: n };
    },
  }),
  defineBench({
    figure: "start_server",
    description: "100 k servers started one after another and kept idle; bytes of heap each",
    target: 1_000_000,
    async run() {
      const n = 100_000;
      globalThis.gc?.();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < n; i++) servers.push(await GenServer.start(Counter, i));
      globalThis.gc?.();
      const bytes = (process.memoryUsage().heapUsed - before) / n;
      return { ops: n, extra: { bytes_per_server: Math.round(bytes) } };
    },
    async teardown() {
      for (const pid of servers.splice(0)) await GenServer.stop(pid);
    },
  }),
];
