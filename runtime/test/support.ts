import * as FakeTimers from "@sinonjs/fake-timers";
import { afterEach, beforeEach } from "vitest";
import {
  type Call,
  type DownMessage,
  type ExitMessage,
  type ExitReason,
  GenServer,
  type GenServerModule,
  type LogEntry,
  Logger,
  type LogLevel,
  noreply,
  ok,
  type Pid,
  Process,
  Probe as ProcessProbe,
  type Protocol,
  reply,
  type StartOptions,
  Sys,
} from "#runtime";

/** A sinon clock installed over the globals. */
export type InstalledClock = FakeTimers.Clock;

// Captured at load, before any fake clock is installed: lets a test wait for one real macrotask.
const realSetImmediate = globalThis.setImmediate;

/** Waits for a real macrotask, so that Node reports unhandled rejections of the microtasks before it. */
export function realMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve);
  });
}

/** A message of the loosely typed test servers. */
export type Msg = { readonly type: string; readonly [key: string]: unknown };

/** The protocol of most test servers: any `{ type }` message as a call (replying anything), a cast or an info. */
export interface Loose extends Protocol {
  readonly call: Call<Msg, unknown>;
  readonly cast: Msg;
  readonly info: Msg;
}

/**
 * What `useFakeClock` fakes: every timer and Date, as `vi.useFakeTimers()` does, but not `nextTick` and
 * `queueMicrotask`. Faking those for a whole file starves vitest's own worker messages (its forks pool hangs);
 * fake-timers.test.ts covers `FakeTimers.install()` with every default, nextTick in a process of its own.
 */
export const TIMERS_AND_DATE: NonNullable<FakeTimers.Config["toFake"]> = [
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
  "Date",
];

/** Installs sinon fake timers (timers and Date) before each test, uninstalls after. */
export function useFakeClock(now = 1_700_000_000_000): () => InstalledClock {
  let clock: InstalledClock | null = null;
  beforeEach(() => {
    clock = FakeTimers.install({ now, toFake: TIMERS_AND_DATE });
  });
  afterEach(() => {
    clock?.runMicrotasks();
    clock?.uninstall();
    clock = null;
  });
  return () => {
    if (clock === null) throw new Error("useFakeClock: no clock outside a test");
    return clock;
  };
}

/**
 * Tracks the processes a test starts and kills those still alive after it (kill skips terminate and logging).
 * Register it after `useFakeClock` so that it runs first in afterEach.
 */
export function useProcesses(): {
  start<P extends Protocol, A, S, C>(module: GenServerModule<P, A, S, C>, arg: A, options?: StartOptions<P>): Promise<Pid<P>>;
  track<P extends Protocol>(pid: Pid<P>): Pid<P>;
} {
  const started: Pid[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) if (Process.alive(pid)) Process.exit(pid, "kill");
  });
  return {
    async start(module, arg, options = {}) {
      return track(await GenServer.start(module, arg, options));
    },
    track,
  };
  function track<P extends Protocol>(pid: Pid<P>): Pid<P> {
    started.push(pid);
    return pid;
  }
}

/** A DOWN message, for `probe.receive(isDown)`. */
export const isDown = (message: unknown): message is DownMessage => (message as { type?: unknown } | null)?.type === "DOWN";

/** An EXIT message (an exit signal trapped), for `probe.receive(isExit)`. */
export const isExit = (message: unknown): message is ExitMessage => (message as { type?: unknown } | null)?.type === "EXIT";

/**
 * Silences the logger during each test and puts its level back after. Register it first: its afterEach then
 * runs last, once the processes whose exits would log are gone.
 */
export function useQuietLogger(): void {
  let level: LogLevel | "none" = "debug";
  beforeEach(() => {
    level = Logger.level();
    Logger.configure({ level: "none" });
  });
  afterEach(() => {
    Logger.configure({ level });
  });
}

/**
 * Starts runtime probes (`Probe.start`) and stops those of each test after it, with `reason`. Register it after
 * `useProcesses`: the probes then stop before the servers they watch are killed.
 */
export function useProbes(reason?: ExitReason): (options?: { readonly trapExit?: boolean }) => ProcessProbe {
  const probes: ProcessProbe[] = [];
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.stop(reason);
  });
  return (options = {}) => {
    const probe = ProcessProbe.start();
    probes.push(probe);
    if (options.trapExit === true) probe.run(() => Process.flag("trapExit", true));
    return probe;
  };
}

/**
 * The clock's pending timers and jobs, after running the fake `nextTick` / `queueMicrotask` jobs that Node's
 * streams or the test runner's IPC queued meanwhile (the runtime uses neither, so they are never its own).
 */
export function pendingTimers(clock: InstalledClock): number {
  clock.runMicrotasks();
  return clock.countTimers();
}

/** Collects every log line of each test (they do not reach the console). */
export function useLogs(): () => LogEntry[] {
  let lines: LogEntry[] = [];
  let remove: (() => void) | null = null;
  beforeEach(() => {
    lines = [];
    remove = Logger.addHandler((entry) => lines.push(entry));
  });
  afterEach(() => {
    remove?.();
    remove = null;
    Logger.configure({ level: "debug" });
  });
  return () => lines;
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Whether a promise has settled yet, without waiting for it. */
export function settledState(promise: Promise<unknown>): () => "pending" | "resolved" | "rejected" {
  let state: "pending" | "resolved" | "rejected" = "pending";
  promise.then(
    () => {
      state = "resolved";
    },
    () => {
      state = "rejected";
    },
  );
  return () => state;
}

/** Lets every pending promise job (the runtime's scheduler included) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export interface ProbeProtocol extends Protocol {
  readonly call: Call<{ readonly type: "run"; readonly fn: () => unknown }, Outcome>;
  readonly cast: never;
  readonly info: unknown;
}

export interface ProbeState {
  readonly received: unknown[];
}

/**
 * A process for tests that need one: it runs functions inside itself (`runIn`) and records every message it
 * gets in handleInfo (`received`), DOWN and EXIT messages included.
 */
export const Probe: GenServerModule<ProbeProtocol, { readonly trapExit?: boolean }, ProbeState> = {
  init(options) {
    if (options.trapExit === true) Process.flag("trapExit", true);
    return ok({ received: [] });
  },
  async handleCall(request, _from, state) {
    try {
      return reply({ ok: true, value: await request.fn() }, state);
    } catch (error) {
      return reply({ ok: false, error }, state);
    }
  },
  handleInfo(message, state) {
    state.received.push(message);
    return noreply(state);
  },
};

/** Runs `fn` inside the probe process and returns (or throws) what it returned (or threw). */
export async function runIn<T>(probe: Pid<ProbeProtocol>, fn: () => T | Promise<T>): Promise<T> {
  const outcome = await GenServer.call(probe, { type: "run", fn }, "infinity");
  if (!outcome.ok) throw outcome.error;
  return outcome.value as T;
}

/** The messages the probe has received so far (after the ones queued before this request). */
export async function received(probe: Pid<ProbeProtocol>): Promise<unknown[]> {
  return [...((await Sys.getState(probe)) as ProbeState).received];
}
