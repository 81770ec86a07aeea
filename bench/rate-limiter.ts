import type { Pid } from "#runtime";
import * as RateLimiter from "../solutions/05-rate-limiter/rate-limiter.ts";
import { defineBench } from "./harness.ts";

/** Exercise 5.1's reference solution under load: clients with many checks in flight, as a real front end. */
const CHECKS = 1_000_000;
const KEYS = Array.from({ length: 10_000 }, (_, i) => `client-${i}`);
const IN_FLIGHT = 1_000;

let limiter: Pid<RateLimiter.RateLimiterProtocol> | null = null;

export default defineBench({
  figure: "rate_limiter_checks",
  description: "1 M RateLimiter.check over 10 k keys (limit 50 per 1000 ms), 1 k calls in flight at a time",
  target: 2_500_000,
  async setup() {
    limiter = await RateLimiter.start({ limit: 50, windowMs: 1_000 });
  },
  async teardown() {
    if (limiter !== null) await RateLimiter.stop(limiter);
    limiter = null;
  },
  async run() {
    const pid = limiter;
    if (pid === null) throw new Error("bench: setup did not run");
    const batch: Promise<RateLimiter.CheckResult>[] = new Array(IN_FLIGHT);
    let allowed = 0;
    for (let done = 0; done < CHECKS; done += IN_FLIGHT) {
      for (let i = 0; i < IN_FLIGHT; i++) batch[i] = RateLimiter.check(pid, KEYS[(done + i) % KEYS.length] as string);
      for (const result of await Promise.all(batch)) if (result === "ok") allowed++;
    }
    return { ops: CHECKS, extra: { allowed } };
  },
});
