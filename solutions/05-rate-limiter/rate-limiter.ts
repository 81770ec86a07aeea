/**
 * RateLimiter: a GenServer that lets through at most `limit` requests per key in each fixed window of
 * `windowMs` milliseconds. `check(limiter, key)` answers "ok" or "rate_limited"; every `cleanupIntervalMs` a
 * cleanup message, handled in handleInfo, forgets the windows that have ended so memory stays bounded.
 */
import {
  type Call,
  GenServer,
  type GenServerModule,
  type Name,
  noreply,
  now,
  ok,
  type Pid,
  Process,
  type Protocol,
  reply,
  type ServerRef,
  self,
  stop as stopInit,
} from "#runtime";

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

/** The window of one key: opened at `start` by its first accepted request, `count` accepted since. */
interface Window {
  readonly start: number;
  count: number;
}

/**
 * The limiter as a plain data structure, with no process: the window of every key, checked at the instant it
 * is given. The GenServer below owns one and reads the clock for it; kept apart, it can be tested and measured
 * on its own.
 */
export class Windows {
  readonly limit: number;
  readonly windowMs: number;
  // A Map, not a plain object: any string is a key, "__proto__" and "constructor" included.
  private readonly windows = new Map<string, Window>();

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** "ok" if a request for `key` at `at` fits in its window (and counts it), "rate_limited" otherwise. */
  check(key: string, at: number): CheckResult {
    const window = this.windows.get(key);
    // The first request of a key, or the first one after its window ended, opens a new window.
    if (window === undefined || hasEnded(window, this.windowMs, at)) {
      this.windows.set(key, { start: at, count: 1 });
      return "ok";
    }
    // Updating the window in place keeps each check O(1).
    if (window.count < this.limit) {
      window.count += 1;
      return "ok";
    }
    // A rejected request neither counts nor moves the window.
    return "rate_limited";
  }

  /** The window of `key` open at `at`, or null. */
  inspect(key: string, at: number): WindowInfo | null {
    const open = this.windows.get(key);
    // A window that has ended but is not cleaned up yet is as good as gone.
    if (open === undefined || hasEnded(open, this.windowMs, at)) return null;
    return { count: open.count, remaining: this.limit - open.count, resetInMs: open.start + this.windowMs - at };
  }

  /** Forgets the windows that have ended at `at`; no check result changes. */
  cleanup(at: number): void {
    // Deleting while iterating a Map is safe.
    for (const [key, window] of this.windows) {
      if (hasEnded(window, this.windowMs, at)) this.windows.delete(key);
    }
  }

  /** Keys stored: open windows plus ended ones not yet cleaned up. */
  get size(): number {
    return this.windows.size;
  }
}

interface State {
  readonly windows: Windows;
  readonly cleanupIntervalMs: number;
}

const CLEANUP = { type: "cleanup" } as const;

// A window covers [start, start + windowMs): it has ended at exactly start + windowMs.
function hasEnded(window: Window, windowMs: number, at: number): boolean {
  return at >= window.start + windowMs;
}

// A timer aimed at self() dies with the process, so stopping the server leaves no timer behind.
function scheduleCleanup(ms: number): void {
  Process.sendAfter(self(), CLEANUP, ms);
}

function invalidOption(options: RateLimiterOptions): Error | null {
  for (const option of ["limit", "windowMs", "cleanupIntervalMs"] as const) {
    const value: unknown = options[option];
    if (option === "cleanupIntervalMs" && value === undefined) continue;
    // Positive safe integers only: 0, negatives, fractions, NaN, Infinity and strings are all mistakes.
    if (!Number.isSafeInteger(value) || (value as number) <= 0) {
      return new RangeError(
        `RateLimiter.start: ${option} should be a positive integer, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
      );
    }
  }
  return null;
}

export const RateLimiter: GenServerModule<RateLimiterProtocol, RateLimiterOptions, State> = {
  init(options) {
    // Validating in init makes start fail with a StartError and leaves no process behind.
    const invalid = invalidOption(options);
    if (invalid !== null) return stopInit(invalid);
    const cleanupIntervalMs = options.cleanupIntervalMs ?? options.windowMs;
    // The first cleanup comes one interval after start; handleInfo re-arms the next one.
    scheduleCleanup(cleanupIntervalMs);
    return ok({ windows: new Windows(options.limit, options.windowMs), cleanupIntervalMs });
  },

  handleCall(request, _from, state) {
    switch (request.type) {
      case "check":
        return reply(state.windows.check(request.key, now()), state);
      case "inspect":
        return reply(state.windows.inspect(request.key, now()), state);
      case "tracked_keys":
        return reply(state.windows.size, state);
      default: {
        const unknown: never = request;
        throw new Error(`RateLimiter: unknown call ${String(unknown)}`);
      }
    }
  },

  handleInfo(message, state) {
    switch (message.type) {
      case "cleanup": {
        state.windows.cleanup(now());
        // sendAfter fires once: re-arm it for the next cleanup.
        scheduleCleanup(state.cleanupIntervalMs);
        return noreply(state);
      }
      default:
        // No idle timeout, monitor or trapped exit is ever asked for, so nothing else is expected.
        return noreply(state);
    }
  },
};

function badKey(fn: string, key: unknown): TypeError | null {
  return typeof key === "string" ? null : new TypeError(`${fn}: key should be a string, got ${typeof key}`);
}

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
  const error = badKey("RateLimiter.check", key);
  // Rejected by the client before anything is sent: a bad key is the caller's bug, and the server carries on.
  return error === null ? GenServer.call(limiter, { type: "check", key }) : Promise.reject(error);
}

/** The open window of `key`, or null when it has none. */
export function inspect(limiter: ServerRef<RateLimiterProtocol>, key: string): Promise<WindowInfo | null> {
  const error = badKey("RateLimiter.inspect", key);
  return error === null ? GenServer.call(limiter, { type: "inspect", key }) : Promise.reject(error);
}

/** How many keys the server stores (open windows plus ended ones not yet cleaned up). */
export function trackedKeys(limiter: ServerRef<RateLimiterProtocol>): Promise<number> {
  return GenServer.call(limiter, { type: "tracked_keys" });
}

/** Stops the server; resolves once it is dead. */
export function stop(limiter: ServerRef<RateLimiterProtocol>): Promise<"ok"> {
  return GenServer.stop(limiter);
}
