/**
 * Exercise 5.1's reference solution, through its GenServer and as plain callbacks, beside rate-limiter-flexible's
 * in-memory limiter (the npm package a Node developer would reach for) on the same keys and limits.
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Pid } from "#runtime";
import * as Solution from "../solutions/05-rate-limiter/rate-limiter.ts";
import { type Bench, type Scale, settledHeap } from "./harness.ts";
import type { Implementation } from "./measurement.ts";
import { count } from "./runtime.ts";

const LIMIT = 50;
const WINDOW_MS = 1_000;
/** Checks in flight at once, as a front end serving many clients would have them. */
const IN_FLIGHT = 1_000;

type CheckResult = Solution.CheckResult;

/**
 * One limiter behind one interface: `checkBatch` starts `keys.length` checks and counts the allowed ones. The
 * bench passes the keys it used to `tracked` and `stop`, so no limiter records them while it is timed.
 */
interface Limiter {
  checkBatch(keys: readonly string[]): Promise<number>;
  /** Keys still stored (for our structure without a process, once it has run its cleanup). */
  tracked(keys: readonly string[]): Promise<number>;
  stop(keys: readonly string[]): Promise<void>;
}

/** What a limiter is made with: the limit per window and the window, and how often our server cleans up. */
interface LimiterOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly cleanupIntervalMs: number;
}

async function genServerLimiter({ limit, windowMs, cleanupIntervalMs }: LimiterOptions): Promise<Limiter> {
  const pid: Pid<Solution.RateLimiterProtocol> = await Solution.start({ limit, windowMs, cleanupIntervalMs });
  const batch: Promise<CheckResult>[] = [];
  return {
    async checkBatch(keys) {
      batch.length = keys.length;
      for (let i = 0; i < keys.length; i++) batch[i] = Solution.check(pid, keys[i] as string);
      let allowed = 0;
      for (const result of await Promise.all(batch)) if (result === "ok") allowed++;
      return allowed;
    },
    tracked: () => Solution.trackedKeys(pid),
    stop: async () => void (await Solution.stop(pid)),
  };
}

/** The solution's Windows, the data structure its GenServer owns, called directly with the time of each check. */
function plainLimiter({ limit, windowMs }: LimiterOptions): Limiter {
  const windows = new Solution.Windows(limit, windowMs);
  return {
    async checkBatch(keys) {
      let allowed = 0;
      for (const key of keys) if (windows.check(key, Date.now()) === "ok") allowed++;
      return allowed;
    },
    // Without a process there is no cleanup timer: the owner of the structure runs the cleanup itself.
    async tracked() {
      windows.cleanup(Date.now());
      return windows.size;
    },
    async stop() {},
  };
}

// rate-limiter-flexible counts in seconds, and answers a refused request by rejecting with its RateLimiterRes.
function flexibleLimiter({ limit, windowMs }: LimiterOptions): Limiter {
  const limiter = new RateLimiterMemory({ points: limit, duration: windowMs / 1_000 });
  const batch: Promise<boolean>[] = [];
  const refused = (reason: unknown): boolean => {
    if (reason instanceof RateLimiterRes) return false;
    throw reason;
  };
  const allowed = (): boolean => true;
  return {
    async checkBatch(keys) {
      batch.length = keys.length;
      for (let i = 0; i < keys.length; i++) batch[i] = limiter.consume(keys[i] as string).then(allowed, refused);
      let count = 0;
      for (const ok of await Promise.all(batch)) if (ok) count++;
      return count;
    },
    async tracked(keys) {
      let stored = 0;
      for (const key of keys) if ((await limiter.get(key)) !== null) stored++;
      return stored;
    },
    // Its timer per key would outlive the run: deleting the keys clears them.
    async stop(keys) {
      for (const key of keys) await limiter.delete(key);
    },
  };
}

function keysOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `client-${i}`);
}

/**
 * Runs `checks` checks over `keys`, `IN_FLIGHT` at a time, taking every `stride`-th key round the list (a
 * stride prime to the number of keys visits them all, spread over the whole set); answers how many were allowed.
 */
async function cycle(limiter: Limiter, keys: readonly string[], checks: number, stride = 1): Promise<number> {
  let allowed = 0;
  const batch: string[] = [];
  for (let done = 0; done < checks; done += batch.length) {
    batch.length = Math.min(IN_FLIGHT, checks - done);
    for (let i = 0; i < batch.length; i++) batch[i] = keys[((done + i) * stride) % keys.length] as string;
    allowed += await limiter.checkBatch(batch);
  }
  return allowed;
}

const makers: Readonly<Record<"genserver" | "plain" | "rate-limiter-flexible", (options: LimiterOptions) => Promise<Limiter> | Limiter>> = {
  genserver: genServerLimiter,
  plain: plainLimiter,
  "rate-limiter-flexible": flexibleLimiter,
};

/** 1 M checks over 10 k keys, limit 50 per 1000 ms: each key is allowed 50 times and refused 50 times. */
function throughputBench(implementation: keyof typeof makers, checks: number, keys: readonly string[]): Bench {
  let limiter: Limiter | null = null;
  let allowed = 0;
  let tookMs = 0;
  return {
    group: "rate_limiter",
    figure: "checks",
    implementation,
    description: `${count(checks)} checks over ${count(keys.length)} keys (limit ${LIMIT} per ${WINDOW_MS} ms), ${count(IN_FLIGHT)} in flight`,
    ...(implementation === "genserver" ? { target: 2_500_000 } : {}),
    async setup() {
      limiter = await makers[implementation]({ limit: LIMIT, windowMs: WINDOW_MS, cleanupIntervalMs: WINDOW_MS });
    },
    async run() {
      if (limiter === null) throw new Error("bench: setup did not run");
      const started = performance.now();
      allowed = await cycle(limiter, keys, checks);
      tookMs = performance.now() - started;
      return { ops: checks };
    },
    async teardown() {
      await limiter?.stop(keys);
      limiter = null;
      // Every implementation must do the same work: within one window the limit lets `keys × LIMIT` checks
      // through. A run longer than a window sees windows end and reopen, and lets more through.
      const expected = Math.min(checks, keys.length * LIMIT);
      const ok = tookMs < WINDOW_MS ? allowed === expected : allowed >= expected && allowed <= checks;
      if (!ok) throw new Error(`bench: ${implementation} allowed ${allowed} checks in ${Math.round(tookMs)} ms, expected ${expected}`);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A limit no key reaches in the scaling benches: every check is allowed, at every size. */
const SCALING_LIMIT = 1_000;
/** Prime to every size (powers of ten), so the timed checks visit keys spread over the whole set. */
const STRIDE = 7_919;

/**
 * Cost per check and memory per key with `size` keys: the setup opens a window for every key (one check each),
 * then the timed run checks keys spread over the whole set; then the heap per key is read, and read again once
 * the windows have ended and the limiter's cleanup (our cleanup message, rate-limiter-flexible's timer per key)
 * has forgotten them.
 */
function scalingBench(implementation: keyof typeof makers, size: number, scale: Scale): Bench {
  const checks = scale === "full" ? 200_000 : 2_000;
  // Made by the first setup, in the bench's own process: a million keys held by every process would weigh on
  // every other bench's garbage collections.
  let keys: readonly string[] = [];
  // Long enough that no window ends before the run is over, whatever the implementation's speed.
  const windowMs = scale === "quick" ? 200 : size >= 1_000_000 ? 8_000 : 2_000;
  let limiter: Limiter | null = null;
  let baseline = 0;
  let openedAt = 0;
  return {
    group: "rate_limiter_scaling",
    figure: "at_size",
    implementation,
    size,
    description: `${count(checks)} checks spread over ${count(size)} keys with open windows (limit ${SCALING_LIMIT}, never reached); heap per key, and after the cleanup`,
    maxRuns: 3,
    maxWarmup: 1,
    async setup() {
      if (keys.length === 0) keys = keysOf(size);
      // A cleanup every quarter window: the memory is back soon after the windows end.
      limiter = await makers[implementation]({ limit: SCALING_LIMIT, windowMs, cleanupIntervalMs: Math.ceil(windowMs / 4) });
      // Taken with the limiter started and empty: the bytes are the keys', not the server's.
      baseline = settledHeap();
      openedAt = performance.now();
      await cycle(limiter, keys, size);
    },
    async run() {
      if (limiter === null) throw new Error("bench: setup did not run");
      const allowed = await cycle(limiter, keys, checks, STRIDE);
      if (allowed !== checks) throw new Error(`bench: ${implementation} refused ${checks - allowed} checks under a limit never reached`);
      return { ops: checks };
    },
    async memory() {
      if (limiter === null) throw new Error("bench: setup did not run");
      const perKey = (settledHeap() - baseline) / size;
      // Past the end of every window, then until the cleanup has run.
      await sleep(Math.max(0, openedAt + windowMs - performance.now()));
      while ((await limiter.tracked(keys)) > 0) await sleep(windowMs / 10);
      const afterCleanup = Math.max(0, settledHeap() - baseline) / size;
      return { per_key: perKey, after_cleanup_per_key: afterCleanup };
    },
    async teardown() {
      await limiter?.stop(keys);
      limiter = null;
    },
  };
}

const IMPLEMENTATIONS: readonly (keyof typeof makers & Implementation)[] = ["genserver", "plain", "rate-limiter-flexible"];

export function rateLimiterBenches(scale: Scale): Bench[] {
  const checks = scale === "full" ? 1_000_000 : 10_000;
  const keys = keysOf(scale === "full" ? 10_000 : 100);
  const sizes = scale === "full" ? [1_000, 100_000, 1_000_000] : [100];
  return [
    ...IMPLEMENTATIONS.map((implementation) => throughputBench(implementation, checks, keys)),
    ...sizes.flatMap((size) => IMPLEMENTATIONS.map((implementation) => scalingBench(implementation, size, scale))),
  ];
}
