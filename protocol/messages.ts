/**
 * The channel between a grader and its subject process: what the grader may ask (a small vocabulary), what the
 * subject answers, and how values are written on the way. The subject only ever answers with observations (what
 * its code returned, threw or printed); every verdict is the grader's.
 *
 * Frames are JSON; subject/channel.ts frames them and subject/codec.ts writes and reads the values.
 */

/**
 * A value as it crosses the channel. JSON's own values stand for themselves (finite numbers, strings, booleans,
 * null), arrays for arrays, and a JSON object without a `$` key for a plain object. A JSON object with a `$` key
 * is a tagged node: everything else (undefined, NaN, a Map, an error, a plain object that itself has a `$` key…).
 * Processes and probes cross as handles: numbers that mean something only to the subject that made them.
 */
export type Encoded = null | boolean | number | string | readonly Encoded[] | EncodedNode | PlainObject;

/** A plain object whose keys are not `$`, each value encoded. */
export interface PlainObject {
  readonly [key: string]: Encoded;
}

export type Entries<K> = readonly (readonly [K, Encoded])[];

export type EncodedNode =
  | { readonly $: "undefined" }
  | { readonly $: "number"; readonly v: "NaN" | "Infinity" | "-Infinity" | "-0" }
  | { readonly $: "bigint"; readonly v: string }
  | { readonly $: "object"; readonly v: Entries<string>; readonly nullProto?: true }
  | { readonly $: "instance"; readonly class: string; readonly v: Entries<string> }
  | { readonly $: "map"; readonly v: Entries<Encoded> }
  | { readonly $: "set"; readonly v: readonly Encoded[] }
  | { readonly $: "date"; readonly v: number }
  | {
      readonly $: "error";
      readonly class: string;
      readonly name: string;
      readonly message: string;
      readonly stack: string;
      readonly props: Entries<string>;
    }
  | { readonly $: "pid"; readonly h: number; readonly text: string }
  | { readonly $: "via"; readonly registry: string; readonly key: Encoded }
  | { readonly $: "probe"; readonly h: number; readonly pid: Encoded }
  | { readonly $: "function"; readonly name: string }
  | { readonly $: "symbol"; readonly text: string }
  | { readonly $: "cycle" }
  | { readonly $: "truncated"; readonly what: "depth" | "size" }
  | { readonly $: "opaque"; readonly text: string };

export type EncodedKind = EncodedNode["$"];

/**
 * The runtime functions a grader may call in its subject, by name. The subject calls the functions it captured
 * when it started, before the implementation loaded, so an implementation that replaces `GenServer.call` changes
 * its own calls, not the grader's. `Sys.replaceState` takes the new state itself (functions cannot cross).
 */
export const RUNTIME_FUNCTIONS = [
  "GenServer.call",
  "GenServer.cast",
  "GenServer.stop",
  "GenServer.whereis",
  "Process.alive",
  "Process.send",
  "Process.exit",
  "Sys.getState",
  "Sys.replaceState",
  "Registry.start",
  "Registry.lookup",
  "Registry.keys",
  "Registry.count",
  "Supervisor.countChildren",
  "Supervisor.whichChildren",
  "DynamicSupervisor.start",
  "DynamicSupervisor.countChildren",
  "DynamicSupervisor.whichChildren",
  "DynamicSupervisor.terminateChild",
] as const;
export type RuntimeFunction = (typeof RUNTIME_FUNCTIONS)[number];

/** What a call runs: a function exported by a module of the implementation, or a runtime function. */
export type CallTarget =
  | { readonly kind: "export"; readonly module: string; readonly path: readonly string[] }
  | { readonly kind: "runtime"; readonly fn: RuntimeFunction };

export interface CallBody {
  readonly target: CallTarget;
  readonly args: readonly Encoded[];
}

/** What a grader asks its subject. Each request carries an id its reply repeats. */
export type Request = { readonly id: number } & (
  | {
      /** Loads the implementation's modules (paths as under exercises/, `<id>/<file>.ts`). */
      readonly op: "load";
      readonly modules: readonly string[];
    }
  | ({
      /**
       * Calls a function; with `within`, inside that probe, so that `self()` is the probe; with `keep`, the subject
       * also holds on to the object it returned, so that the grader can read it again later, or change it, as a
       * caller in the subject would (does a later call change an answer already given?).
       */
      readonly op: "call";
      readonly within?: number;
      readonly keep?: true;
    } & CallBody)
  | {
      /**
       * Calls one function after the other, each after the previous one settled: call i is `targets[calls[i].target]`
       * with its args. A batch calls the same few functions thousands of times, so each target is written once.
       */
      readonly op: "batch";
      readonly targets: readonly CallTarget[];
      readonly calls: readonly { readonly target: number; readonly args: readonly Encoded[] }[];
    }
  | { readonly op: "clock"; readonly action: "install"; readonly now: number }
  | { readonly op: "clock"; readonly action: "tick"; readonly ms: number }
  | { readonly op: "clock"; readonly action: "run-all" | "count" | "uninstall" }
  | { readonly op: "logs"; readonly action: "start" }
  | { readonly op: "logs"; readonly action: "take"; readonly capture: number }
  | { readonly op: "held"; readonly action: "read"; readonly held: number }
  | { readonly op: "held"; readonly action: "set"; readonly held: number; readonly path: readonly (string | number)[]; readonly value: Encoded }
  | { readonly op: "probe"; readonly action: "start" }
  | { readonly op: "probe"; readonly action: "messages" | "take" | "alive"; readonly probe: number }
  | { readonly op: "probe"; readonly action: "stop"; readonly probe: number; readonly reason: Encoded }
  | {
      /** Ends a test: kills every process it started, removes the fake clock, drops log captures. */
      readonly op: "reset";
    }
  | {
      /** Answered at once by an event loop that is not blocked, with the subject's own CPU time and memory. */
      readonly op: "ping";
    }
);

export type RequestOp = Request["op"];

/** A call's outcome. `sync`: the function returned a value, not a promise; `held`: the handle of a kept object. */
export type Outcome =
  | { readonly ok: true; readonly value: Encoded; readonly sync: boolean; readonly held?: number }
  | { readonly ok: false; readonly error: Encoded; readonly sync: boolean };

/** What a subject sends its grader. */
export type SubjectMessage =
  | { readonly type: "ready" }
  | ({ readonly type: "reply"; readonly id: number } & Outcome)
  | { readonly type: "batch"; readonly id: number; readonly outcomes: readonly Outcome[] }
  | { readonly type: "output"; readonly stream: "out" | "err"; readonly text: string };

/** The answer to `load` (as a value): each module's exports, functions by name, other values as they were at load. */
export interface LoadedModule {
  readonly module: string;
  readonly functions: readonly string[];
  readonly values: readonly (readonly [string, unknown])[];
}

/** The answer to `ping`. */
export interface Pong {
  readonly cpuMs: number;
  readonly rssMb: number;
}

/** The most a frame may carry, either way; a subject that sends more is stopped (`protocol`). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** What one encoded value may hold before it is cut (`truncated`): nodes, string characters, depth. */
export const VALUE_LIMITS = { nodes: 100_000, chars: 1_000_000, depth: 40 } as const;
