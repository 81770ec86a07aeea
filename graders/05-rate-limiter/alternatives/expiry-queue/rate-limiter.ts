/**
 * RateLimiter, a second correct design: the windows live in a null-prototype object, and a queue of expiries in
 * the order the windows opened lets each cleanup visit only the windows that have ended, not every key. The
 * cleanup timer keeps to a fixed schedule (start + n × cleanupIntervalMs) rather than re-arming from the moment
 * a cleanup ran.
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
  readonly limit: number;
  readonly windowMs: number;
  readonly cleanupIntervalMs?: number;
  readonly name?: Name<RateLimiterProtocol>;
}

export type CheckResult = "ok" | "rate_limited";

export interface WindowInfo {
  readonly count: number;
  readonly remaining: number;
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

interface Window {
  start: number;
  count: number;
}

/** A window that opened at `start` for `key`: its place in the queue of expiries. */
interface Expiry {
  readonly key: string;
  readonly start: number;
}

interface State {
  readonly limit: number;
  readonly windowMs: number;
  readonly cleanupIntervalMs: number;
  // Object.create(null): no prototype, so "__proto__" and "constructor" are own keys like any other.
  readonly windows: Record<string, Window>;
  tracked: number;
  // Windows open in time order and all last windowMs, so the queue is in the order they end too.
  expiries: Expiry[];
  head: number;
  nextCleanup: number;
}

function describe(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

function validate(options: RateLimiterOptions): string | null {
  const checked: [string, unknown][] = [
    ["limit", options.limit],
    ["windowMs", options.windowMs],
  ];
  if (options.cleanupIntervalMs !== undefined) checked.push(["cleanupIntervalMs", options.cleanupIntervalMs]);
  for (const [option, value] of checked) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > Number.MAX_SAFE_INTEGER)
      return `RateLimiter.start: invalid ${option} ${describe(value)}, it must be a positive integer`;
  }
  return null;
}

function ended(window: Window, state: State, at: number): boolean {
  return at - window.start >= state.windowMs;
}

function cleanup(state: State, at: number): void {
  while (state.head < state.expiries.length) {
    const expiry = state.expiries[state.head] as Expiry;
    if (expiry.start + state.windowMs > at) break;
    state.head += 1;
    const window = state.windows[expiry.key];
    // The key may have opened a newer window since: only the window this expiry was queued for goes.
    if (window !== undefined && window.start === expiry.start) {
      delete state.windows[expiry.key];
      state.tracked -= 1;
    }
  }
  // Drop the visited part of the queue once it is most of it, so the queue stays as long as the open windows.
  if (state.head > 64 && state.head * 2 > state.expiries.length) {
    state.expiries = state.expiries.slice(state.head);
    state.head = 0;
  }
}

export const RateLimiter: GenServerModule<RateLimiterProtocol, RateLimiterOptions, State> = {
  init(options) {
    const problem = validate(options);
    if (problem !== null) return stopInit(new RangeError(problem));
    const cleanupIntervalMs = options.cleanupIntervalMs ?? options.windowMs;
    const started = now();
    Process.sendAfter(self(), { type: "cleanup" }, cleanupIntervalMs);
    return ok({
      limit: options.limit,
      windowMs: options.windowMs,
      cleanupIntervalMs,
      windows: Object.create(null) as Record<string, Window>,
      tracked: 0,
      expiries: [],
      head: 0,
      nextCleanup: started + cleanupIntervalMs,
    });
  },

  handleCall(request, _from, state) {
    const at = now();
    switch (request.type) {
      case "check": {
        const window = state.windows[request.key];
        if (window === undefined || ended(window, state, at)) {
          if (window === undefined) state.tracked += 1;
          state.windows[request.key] = { start: at, count: 1 };
          state.expiries.push({ key: request.key, start: at });
          return reply("ok", state);
        }
        if (window.count >= state.limit) return reply("rate_limited", state);
        window.count += 1;
        return reply("ok", state);
      }
      case "inspect": {
        const window = state.windows[request.key];
        if (window === undefined || ended(window, state, at)) return reply(null, state);
        return reply({ count: window.count, remaining: state.limit - window.count, resetInMs: window.start + state.windowMs - at }, state);
      }
      case "tracked_keys":
        return reply(state.tracked, state);
      default: {
        const unknown: never = request;
        throw new Error(`RateLimiter: unknown call ${String(unknown)}`);
      }
    }
  },

  handleInfo(message, state) {
    if (message.type !== "cleanup") return noreply(state);
    const at = now();
    cleanup(state, at);
    // On a fixed schedule: the next cleanup is due one interval after this one was due, not after it ran.
    state.nextCleanup += state.cleanupIntervalMs;
    Process.sendAfter(self(), { type: "cleanup" }, Math.max(0, state.nextCleanup - at));
    return noreply(state);
  },
};

function keyError(fn: string, key: unknown): TypeError | null {
  if (typeof key === "string") return null;
  return new TypeError(`RateLimiter.${fn} expects a string key, got ${key === null ? "null" : typeof key}`);
}

export function start(options: RateLimiterOptions): Promise<Pid<RateLimiterProtocol>> {
  return GenServer.start(RateLimiter, options, options.name === undefined ? {} : { name: options.name });
}

export function startLink(options: RateLimiterOptions): Promise<Pid<RateLimiterProtocol>> {
  return GenServer.startLink(RateLimiter, options, options.name === undefined ? {} : { name: options.name });
}

export function check(limiter: ServerRef<RateLimiterProtocol>, key: string): Promise<CheckResult> {
  const error = keyError("check", key);
  return error === null ? GenServer.call(limiter, { type: "check", key }) : Promise.reject(error);
}

export function inspect(limiter: ServerRef<RateLimiterProtocol>, key: string): Promise<WindowInfo | null> {
  const error = keyError("inspect", key);
  return error === null ? GenServer.call(limiter, { type: "inspect", key }) : Promise.reject(error);
}

export function trackedKeys(limiter: ServerRef<RateLimiterProtocol>): Promise<number> {
  return GenServer.call(limiter, { type: "tracked_keys" });
}

export function stop(limiter: ServerRef<RateLimiterProtocol>): Promise<"ok"> {
  return GenServer.stop(limiter);
}
