import type { Pid } from "./pid.ts";

declare const REPLY: unique symbol;
declare const PROTOCOL: unique symbol;

/**
 * A call request that declares the type of its reply, so that `GenServer.call` resolves to it.
 *
 * @example
 * type Get = Call<{ type: "get"; symbol: string }, number | undefined>;
 */
export type Call<Request extends { readonly type: string }, Reply> = Request & { readonly [REPLY]?: Reply };

/** The reply type a `Call<…>` request declares. */
export type ReplyOf<C> = C extends { readonly [REPLY]?: infer R } ? R : never;

/** The reply type of the call request of `P` whose `type` is `T`. */
export type ReplyFor<P extends Protocol, T extends string> = ReplyOf<Extract<P["call"], { readonly type: T }>>;

/**
 * What a server accepts: its call requests (each a `Call<…>`), its casts and its plain messages (infos).
 * Use `never` for a kind of message the server does not take.
 *
 * @example
 * interface PriceCacheProtocol extends Protocol {
 *   call: Call<{ type: "get"; symbol: string }, number | undefined>;
 *   cast: { type: "put"; symbol: string; price: number };
 *   info: never;
 * }
 */
export interface Protocol {
  readonly call: { readonly type: string };
  readonly cast: unknown;
  readonly info: unknown;
}

/** A local name for a server of protocol `P`, created with `GenServer.name`. At run time it is the string itself. */
export type Name<P extends Protocol = Protocol> = string & { readonly [PROTOCOL]?: P };

/** Anything that designates a server: its pid, its local name, or a via name in a Registry. */
export type ServerRef<P extends Protocol = Protocol> = Pid<P> | Name<P> | Via<P>;

/** A `{:via, Registry, {registry, key}}` name (or `{registry, key, value}`), created with `Registry.via`. */
export interface Via<P extends Protocol = Protocol> {
  readonly registry: string;
  readonly key: RegistryKey;
  /** The value the server is registered with, read by `Registry.lookup` (undefined when not given). */
  readonly value?: unknown;
  readonly [PROTOCOL]?: P;
}

/** Keys a Registry can hold (compared with `===`, as Map keys). */
export type RegistryKey = string | number;

/** A call timeout: milliseconds (a non-negative integer) or `"infinity"`. */
export type Timeout = number | "infinity";

/**
 * Why a process exited. `"normal"`, `"shutdown"` and `{ shutdown: x }` are clean exits; `"killed"` comes from
 * `Process.exit(pid, "kill")`; a crash carries the thrown value; anything else is what the code chose.
 */
export type ExitReason = unknown;

/** The idle timeout message, delivered to `handleInfo` when a callback asked for a timeout and no message came. */
export interface TimeoutMessage {
  readonly type: "timeout";
}

/** Delivered to the owner of a monitor when the monitored process exits (Elixir's `{:DOWN, ref, :process, pid, reason}`). */
export interface DownMessage {
  readonly type: "DOWN";
  readonly ref: MonitorRef;
  readonly pid: Pid;
  readonly reason: ExitReason;
}

/** An exit signal turned into a message, for a process that traps exits (Elixir's `{:EXIT, pid, reason}`). */
export interface ExitMessage {
  readonly type: "EXIT";
  readonly pid: Pid;
  readonly reason: ExitReason;
}

/** Messages the runtime itself may deliver to `handleInfo`, besides the server's own infos. */
export type SystemMessage = TimeoutMessage | DownMessage | ExitMessage;

/** A monitor reference, returned by `Process.monitor`. */
export interface MonitorRef {
  readonly kind: "monitor";
  readonly id: number;
}

/** A timer reference, returned by `Process.sendAfter`. */
export interface TimerRef {
  readonly kind: "timer";
  readonly id: number;
}
