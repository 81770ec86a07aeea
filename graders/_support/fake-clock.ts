import { beforeEach } from "vitest";
import type { Outcome } from "#protocol";
import { currentSession } from "./session.ts";

/** The default fake `now`: neither 0 nor a round number, so code that assumes either is caught. */
export const DEFAULT_NOW = 1_700_000_000_123;

/** The subject's fake clock, as the grader drives it. */
export interface FakeClock {
  /** The fake time, as the grader counts it: where it was installed plus every tick since. */
  readonly now: number;
  /** Moves the subject's clock `ms` forward, running the timers due and the work they start. */
  tickAsync(ms: number): Promise<void>;
  /** How many timers are pending in the subject. */
  countTimers(): Promise<number>;
}

class RemoteClock implements FakeClock {
  now: number;
  constructor(now: number) {
    this.now = now;
  }

  async tickAsync(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`tickAsync: ms should be a non-negative number, got ${ms}`);
    this.now += ms;
    await clockRequest({ op: "clock", action: "tick", ms });
  }

  async countTimers(): Promise<number> {
    const count = await clockRequest({ op: "clock", action: "count" });
    return typeof count === "number" && Number.isSafeInteger(count) && count >= 0 ? count : Number.NaN;
  }
}

async function clockRequest(body: Parameters<ReturnType<typeof currentSession>["send"]>[0]): Promise<unknown> {
  const session = currentSession();
  const outcome = (await session.send(body)) as Outcome;
  if (!outcome.ok) throw session.decode(outcome.error);
  return session.decode(outcome.value);
}

/**
 * Installs a fake clock (timers and Date) in the subject before each test of the enclosing describe; the subject
 * removes it when the test ends. Returns a getter for the current test's clock. Call it at describe level.
 *
 * @example
 * const clock = useFakeClock();
 * it("should …", async () => { await clock().tickAsync(1_000); });
 */
export function useFakeClock(options: { readonly now?: number } = {}): () => FakeClock {
  let current: RemoteClock | null = null;
  beforeEach(async () => {
    const now = options.now ?? DEFAULT_NOW;
    current = new RemoteClock(now);
    await clockRequest({ op: "clock", action: "install", now });
  });
  return () => {
    if (current === null) throw new Error("useFakeClock: the clock exists only inside a test (call useFakeClock at describe level)");
    return current;
  };
}
