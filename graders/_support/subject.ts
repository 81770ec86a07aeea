/**
 * The graders' view of the code under grading, which runs in a subject process of its own. A grader reads as if
 * the implementation were at hand, with one difference: every call is asynchronous.
 *
 * @example
 * import type * as Impl from "#impl/05-rate-limiter/rate-limiter.ts";
 * const RateLimiter = subject.module<typeof Impl>();
 * const { GenServer } = subject.runtime;
 * const limiter = await RateLimiter.start({ limit: 3, windowMs: 1_000 });
 * assertEqual(await RateLimiter.check(limiter, "user:1"), "ok", { call: "RateLimiter.check(limiter, \"user:1\")" });
 */

import type { CallTarget, Outcome, RuntimeFunction } from "#protocol";
import type * as Runtime from "#runtime";
import { encodeForSubject, RemoteHandle, RemotePid, RemoteVia } from "./remote.ts";
import { currentSession, type Session } from "./session.ts";

/** A function of the subject: asynchronous, and with `withTiming` to learn whether it answered at once. */
export type RemoteFunction<A extends readonly unknown[], R> = ((...args: A) => Promise<Awaited<R>>) & {
  /** Calls it and says whether it returned its value at once (`sync`) or a promise. */
  withTiming(...args: A): Promise<{ readonly value: Awaited<R>; readonly sync: boolean }>;
  /** Calls it and has the subject keep the object it returned, to read it again or change it later. */
  keep(...args: A): Promise<Held<Awaited<R>>>;
};

/**
 * An object the subject returned and still holds, as a caller in the subject would hold it: read it again after
 * later calls (an answer already given must not change), or change it (the server must not change with it).
 */
export class Held<T> {
  /** The object as it was returned. */
  readonly value: T;
  private readonly handle: number | null;
  constructor(value: T, handle: number | null) {
    this.value = value;
    this.handle = handle;
  }

  /** The object as it is now, in the subject. */
  async read(): Promise<T> {
    if (this.handle === null) return this.value;
    return (await decoded(await currentSession().send({ op: "held", action: "read", held: this.handle }))) as T;
  }

  /** Sets the property at `path` (`["bids", 0, "qty"]`) of the object, in the subject. */
  async set(path: readonly (string | number)[], value: unknown): Promise<void> {
    if (this.handle === null) throw new TypeError("subject: a value that is not an object cannot be changed");
    await decoded(await currentSession().send({ op: "held", action: "set", held: this.handle, path, value: encodeForSubject(value) }));
  }
}

/** A module of the implementation as the grader calls it: its functions remote, its other exports as loaded. */
export type Remote<M> = {
  readonly [K in keyof M]: M[K] extends (...args: infer A) => infer R ? RemoteFunction<A, R> : M[K];
};

type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/** The runtime functions a grader may call in the subject (protocol/messages.ts), and the helpers that need no call. */
export interface RemoteRuntime {
  readonly GenServer: {
    readonly call: (server: Runtime.ServerRef, request: unknown, timeout?: Runtime.Timeout) => Promise<unknown>;
    readonly cast: (server: Runtime.ServerRef, message: unknown) => Promise<"ok">;
    readonly stop: Async<typeof Runtime.GenServer.stop>;
    readonly whereis: Async<typeof Runtime.GenServer.whereis>;
    /** A typed local name: the string itself, as in the runtime. */
    readonly name: typeof Runtime.GenServer.name;
  };
  readonly Process: {
    readonly alive: Async<typeof Runtime.Process.alive>;
    readonly send: (dest: Runtime.ServerRef, message: unknown) => Promise<void>;
    readonly exit: Async<typeof Runtime.Process.exit>;
  };
  readonly Sys: {
    readonly getState: Async<typeof Runtime.Sys.getState>;
    /** Replaces the state with `state` itself (functions do not cross to the subject). */
    readonly replaceState: (server: Runtime.ServerRef, state: unknown) => Promise<unknown>;
  };
  readonly Registry: {
    readonly start: Async<typeof Runtime.Registry.start>;
    readonly lookup: Async<typeof Runtime.Registry.lookup>;
    readonly keys: Async<typeof Runtime.Registry.keys>;
    readonly count: Async<typeof Runtime.Registry.count>;
    /** A via name: plain data, as in the runtime. */
    readonly via: <P extends Runtime.Protocol = Runtime.Protocol>(registry: string, key: Runtime.RegistryKey) => Runtime.Via<P>;
  };
  readonly Supervisor: {
    readonly countChildren: Async<typeof Runtime.Supervisor.countChildren>;
    readonly whichChildren: Async<typeof Runtime.Supervisor.whichChildren>;
  };
  readonly DynamicSupervisor: {
    readonly start: Async<typeof Runtime.DynamicSupervisor.start>;
    readonly countChildren: Async<typeof Runtime.DynamicSupervisor.countChildren>;
    readonly whichChildren: Async<typeof Runtime.DynamicSupervisor.whichChildren>;
    readonly terminateChild: Async<typeof Runtime.DynamicSupervisor.terminateChild>;
  };
}

const isPid = (value: unknown): boolean => value instanceof RemotePid;
const pidOrNull = (value: unknown): boolean => value === null || isPid(value);
const anything = (): boolean => true;
const list = (value: unknown): boolean => Array.isArray(value);

/**
 * What each runtime function answers when the host runs it honestly. The host runs in the subject's process, where
 * the code under grading can take over the channel and answer in its place: an answer of another shape is not an
 * answer of the runtime, and stops the subject like any malformed answer.
 */
const RUNTIME_ANSWERS: Readonly<Record<RuntimeFunction, (value: unknown) => boolean>> = {
  "GenServer.call": anything,
  "GenServer.cast": (value) => value === "ok",
  "GenServer.stop": (value) => value === "ok",
  "GenServer.whereis": pidOrNull,
  "Process.alive": (value) => typeof value === "boolean",
  "Process.send": (value) => value === undefined,
  "Process.exit": (value) => value === undefined,
  "Sys.getState": anything,
  "Sys.replaceState": anything,
  "Registry.start": isPid,
  "Registry.lookup": (value) => list(value) && (value as unknown[]).every((entry) => list(entry) && isPid((entry as unknown[])[0])),
  "Registry.keys": list,
  "Registry.count": (value) => typeof value === "number",
  "Supervisor.countChildren": (value) => typeof value === "object" && value !== null,
  "Supervisor.whichChildren": list,
  "DynamicSupervisor.start": isPid,
  "DynamicSupervisor.countChildren": (value) => typeof value === "object" && value !== null,
  "DynamicSupervisor.whichChildren": list,
  "DynamicSupervisor.terminateChild": (value) => value === "ok" || (typeof value === "object" && value !== null),
};

/** A function of a subject: `sessionOf` says which (the grader file's own, or a yardstick's). */
function remoteFunction(target: CallTarget, sessionOf: () => Session = currentSession): RemoteFunction<unknown[], unknown> {
  const call = async (...args: unknown[]): Promise<unknown> => {
    const session = sessionOf();
    const value = await session.call(target, args);
    if (target.kind === "runtime" && !RUNTIME_ANSWERS[target.fn](value)) session.refuseAnswer();
    return value;
  };
  return Object.assign(call, {
    withTiming: (...args: unknown[]) => sessionOf().callWithTiming(target, args) as Promise<{ value: unknown; sync: boolean }>,
    keep: async (...args: unknown[]) => {
      const { value, held } = await sessionOf().callKept(target, args);
      return new Held(value, held);
    },
  });
}

/** A module of a subject as a proxy: its functions remote, its other exports the values they had once it loaded. */
function remoteModule<M extends object>(sessionOf: () => Session, path: string | undefined): Remote<M> {
  const functions = new Map<PropertyKey, RemoteFunction<unknown[], unknown>>();
  return new Proxy({} as Remote<M>, {
    get(_target, key) {
      if (typeof key !== "string") return undefined;
      const session = sessionOf();
      const module = path ?? session.modules[0] ?? "";
      const exports = session.exportsOf(module);
      if (exports.values.has(key)) return exports.values.get(key);
      let fn = functions.get(key);
      if (fn === undefined) {
        fn = remoteFunction({ kind: "export", module, path: [key] }, sessionOf);
        functions.set(key, fn);
      }
      return fn;
    },
  });
}

/** Records the subject calls `fn` makes (synchronously) and sends them as one batch; resolves with its CPU time. */
async function batchOn(session: Session, fn: () => unknown): Promise<{ readonly cpuMs: number }> {
  const recorded: NonNullable<typeof session.recording> = [];
  session.recording = recorded;
  try {
    fn();
  } finally {
    session.recording = null;
  }
  return { cpuMs: await session.sendBatch(recorded) };
}

/**
 * The exercise's yardstick (`graders/<id>/yardstick.ts`): a trusted implementation of the grader's own, in a subject
 * process of its own, for measurements that compare the implementation's cost with what a sound one costs on the
 * same machine at the same time. Close it when done.
 */
export interface Yardstick<M> {
  readonly module: Remote<M>;
  batch(fn: () => unknown): Promise<{ readonly cpuMs: number }>;
  close(): Promise<void>;
}

/** A runtime function of the subject, typed by where it goes in {@link RemoteRuntime}. */
function runtimeFunction<F>(fn: RuntimeFunction): F {
  return remoteFunction({ kind: "runtime", fn }) as unknown as F;
}

const runtime: RemoteRuntime = {
  GenServer: {
    call: runtimeFunction("GenServer.call"),
    cast: runtimeFunction("GenServer.cast"),
    stop: runtimeFunction("GenServer.stop"),
    whereis: runtimeFunction("GenServer.whereis"),
    name: <P extends Runtime.Protocol>(text: string) => text as Runtime.Name<P>,
  },
  Process: { alive: runtimeFunction("Process.alive"), send: runtimeFunction("Process.send"), exit: runtimeFunction("Process.exit") },
  Sys: { getState: runtimeFunction("Sys.getState"), replaceState: runtimeFunction("Sys.replaceState") },
  Registry: {
    start: runtimeFunction("Registry.start"),
    lookup: runtimeFunction("Registry.lookup"),
    keys: runtimeFunction("Registry.keys"),
    count: runtimeFunction("Registry.count"),
    via: <P extends Runtime.Protocol>(registry: string, key: Runtime.RegistryKey) =>
      new RemoteVia(registry, key) as unknown as Runtime.Via<P>,
  },
  Supervisor: { countChildren: runtimeFunction("Supervisor.countChildren"), whichChildren: runtimeFunction("Supervisor.whichChildren") },
  DynamicSupervisor: {
    start: runtimeFunction("DynamicSupervisor.start"),
    countChildren: runtimeFunction("DynamicSupervisor.countChildren"),
    whichChildren: runtimeFunction("DynamicSupervisor.whichChildren"),
    terminateChild: runtimeFunction("DynamicSupervisor.terminateChild"),
  },
};

/** A process of the subject that the grader controls: it receives messages, and calls made in `run` come from it. */
export class RemoteProbe {
  private readonly remote: RemoteHandle;
  constructor(remote: RemoteHandle) {
    this.remote = remote;
  }

  get pid(): Runtime.Pid {
    return this.remote.pid as unknown as Runtime.Pid;
  }

  /**
   * Runs `fn` as the probe: the subject calls that `fn` makes before it returns (synchronously) run inside the
   * probe, so `self()` there is the probe.
   */
  run<T>(fn: () => T): T {
    const session = currentSession();
    const previous = session.within;
    session.within = this.remote;
    try {
      return fn();
    } finally {
      session.within = previous;
    }
  }

  /** The messages received and not yet taken, oldest first. */
  messages(): Promise<unknown[]> {
    return probeRequest(this.remote, "messages") as Promise<unknown[]>;
  }

  /** Takes every message received so far, oldest first. */
  take(): Promise<unknown[]> {
    return probeRequest(this.remote, "take") as Promise<unknown[]>;
  }

  alive(): Promise<boolean> {
    return probeRequest(this.remote, "alive") as Promise<boolean>;
  }

  /** Ends the probe process with `reason`. */
  async stop(reason: Runtime.ExitReason = "normal"): Promise<void> {
    const session = currentSession();
    await decoded(await session.send({ op: "probe", action: "stop", probe: this.remote.handle, reason: encodeForSubject(reason) }));
  }
}

async function probeRequest(remote: RemoteHandle, action: "messages" | "take" | "alive"): Promise<unknown> {
  return decoded(await currentSession().send({ op: "probe", action, probe: remote.handle }));
}

async function decoded(reply: Outcome | readonly Outcome[]): Promise<unknown> {
  const session = currentSession();
  const outcome = reply as Outcome;
  if (outcome.ok) return session.decode(outcome.value);
  throw session.decode(outcome.error);
}

/** Starts a probe in the subject. */
export async function startProbe(): Promise<RemoteProbe> {
  const probe = await decoded(await currentSession().send({ op: "probe", action: "start" }));
  if (!(probe instanceof RemoteHandle)) throw new TypeError("subject: a probe start that did not answer with a probe");
  return new RemoteProbe(probe);
}

/** A log line of the subject's Logger. */
export interface RemoteLogEntry {
  readonly level: Runtime.LogLevel;
  readonly message: string;
  readonly pid: Runtime.Pid | null;
  readonly time: number;
}

/** Runs `fn` and resolves to the Logger lines every process of the subject wrote meanwhile (kept off its console). */
export async function captureLogs(fn: () => unknown): Promise<RemoteLogEntry[]> {
  const session = currentSession();
  const capture = await decoded(await session.send({ op: "logs", action: "start" }));
  if (typeof capture !== "number") throw new TypeError("subject: a log capture without an id");
  const take = async (): Promise<unknown> => decoded(await session.send({ op: "logs", action: "take", capture }));
  try {
    await fn();
  } catch (error) {
    // Taken all the same, so that the capture does not keep the lines of the tests after it.
    await take().catch(() => undefined);
    throw error;
  }
  return logEntries(await take());
}

function logEntries(value: unknown): RemoteLogEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: Partial<Record<keyof RemoteLogEntry, unknown>>) =>
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.message === "string" &&
    (entry.level === "debug" || entry.level === "info" || entry.level === "warn" || entry.level === "error")
      ? [{ level: entry.level, message: entry.message, pid: (entry.pid ?? null) as Runtime.Pid | null, time: Number(entry.time) }]
      : [],
  );
}

/** The code under grading, as the graders reach it. */
export const subject = {
  /**
   * A module of the implementation (by default the exercise's main file, as under exercises/: `<id>/<file>.ts`).
   * Its functions are called in the subject; its other exports are the values they had once it loaded.
   */
  module<M extends object>(path?: string): Remote<M> {
    return remoteModule<M>(currentSession, path);
  },

  /** The runtime's functions, called in the subject. */
  runtime,

  /**
   * Sends every subject call that `fn` makes (synchronously) in one request, each called after the previous one
   * settled, and resolves with the subject's CPU time for the batch; each call's promise settles with its outcome.
   * For measuring work at scale: the grader's requests cost the subject nothing but the calls themselves.
   */
  batch(fn: () => unknown): Promise<{ readonly cpuMs: number }> {
    return batchOn(currentSession(), fn);
  },

  /** Starts the exercise's yardstick (see {@link Yardstick}); its module has the exercise's API. */
  async yardstick<M extends object>(): Promise<Yardstick<M>> {
    const session = await currentSession().yardstick();
    return {
      module: remoteModule<M>(() => session, undefined),
      batch: (fn) => batchOn(session, fn),
      close: () => session.close(),
    };
  },
} as const;
