/**
 * RateLimiter: a GenServer that lets through at most `limit` requests per key in each fixed window of
 * `windowMs` milliseconds. `check(limiter, key)` answers "ok" or "rate_limited"; every `cleanupIntervalMs` a
 * cleanup message, handled in handleInfo, forgets the windows that have ended so memory stays bounded.
 */
import { type Call, GenServer, type GenServerModule, type Name, noreply, type Pid, type Protocol, type ServerRef } from "#runtime";

/** Options of `start` and `startLink`. */
export interface RateLimiterOptions {
  /** Requests allowed per key in one window (a positive integer). */
  readonly limit: number;
  /** Length of a window in ms (a positive integer). */
  readonly windowMs: number;
  /** How often expired windows are removed, in ms (a positive integer); `windowMs` by default. */
  readonly cleanupIntervalMs?: number;
  /** A local name to register the server under. */
  readonly name?: Name<RateLimiterProtocol>;
}

export type CheckResult = "ok" | "rate_limited";

/** What `inspect` tells about a key whose window is open. */
export interface WindowInfo {
  /** Requests accepted in the current window. */
  readonly count: number;
  /** Requests still allowed in the current window. */
  readonly remaining: number;
  /** Milliseconds until the window ends. */
  readonly resetInMs: number;
}

export interface RateLimiterProtocol extends Protocol {
  call:
    | Call<{ type: "check"; key: string }, CheckResult>
    | Call<{ type: "inspect"; key: string }, WindowInfo | null>
    | Call<{ type: "tracked_keys" }, number>;
  cast: never;
  info: { type: "cleanup" };
}

interface State {
  readonly limit: number;
  readonly windowMs: number;
  readonly cleanupIntervalMs: number;
  // TODO(task 2): the window of each key
}

export const RateLimiter: GenServerModule<RateLimiterProtocol, RateLimiterOptions, State> = {
  init(_options) {
    // TODO(task 1): validate the options, then build the initial state
    // TODO(task 6): schedule the first cleanup
    throw new Error("TODO(task 1)");
  },

  handleCall(request, _from, _state) {
    switch (request.type) {
      case "check":
        // TODO(task 2): count the request in the key's window
        // TODO(task 3): open a new window once the previous one has ended
        throw new Error("TODO(task 2)");
      case "inspect":
        // TODO(task 5): the key's open window, or null
        throw new Error("TODO(task 5)");
      case "tracked_keys":
        // TODO(task 5): how many keys the server stores
        throw new Error("TODO(task 5)");
      default: {
        const unknown: never = request;
        throw new Error(`RateLimiter: unknown call ${String(unknown)}`);
      }
    }
  },

  handleInfo(message, state) {
    switch (message.type) {
      case "cleanup":
        // TODO(task 6): remove the ended windows and schedule the next cleanup
        throw new Error("TODO(task 6)");
      default:
        return noreply(state);
    }
  },
};

/** Starts a rate limiter; rejects with a StartError naming the option when an option is invalid. */
export function start(options: RateLimiterOptions): Promise<Pid<RateLimiterProtocol>> {
  return GenServer.start(RateLimiter, options, options.name === undefined ? {} : { name: options.name });
}

/** Like `start`, linked to the calling process. */
export function startLink(options: RateLimiterOptions): Promise<Pid<RateLimiterProtocol>> {
  return GenServer.startLink(RateLimiter, options, options.name === undefined ? {} : { name: options.name });
}

/** "ok" if the request for `key` is allowed in its current window, "rate_limited" otherwise. */
export function check(limiter: ServerRef<RateLimiterProtocol>, key: string): Promise<CheckResult> {
  // TODO(task 1): reject a key that is not a string without disturbing the server
  return GenServer.call(limiter, { type: "check", key });
}

/** The open window of `key`, or null when it has none. */
export function inspect(limiter: ServerRef<RateLimiterProtocol>, key: string): Promise<WindowInfo | null> {
  // TODO(task 1): reject a key that is not a string without disturbing the server
  return GenServer.call(limiter, { type: "inspect", key });
}

/** How many keys the server stores (open windows plus ended ones not yet cleaned up). */
export function trackedKeys(limiter: ServerRef<RateLimiterProtocol>): Promise<number> {
  return GenServer.call(limiter, { type: "tracked_keys" });
}

/** Stops the server; resolves once it is dead. */
export function stop(limiter: ServerRef<RateLimiterProtocol>): Promise<"ok"> {
  return GenServer.stop(limiter);
}
