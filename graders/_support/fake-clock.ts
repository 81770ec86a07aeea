import * as FakeTimers from "@sinonjs/fake-timers";
import { afterEach, beforeEach } from "vitest";

type InstalledClock = FakeTimers.Clock;

/** The default fake `now`: neither 0 nor a round number, so code that assumes either is caught. */
export const DEFAULT_NOW = 1_700_000_000_123;

/**
 * Everything but `nextTick` and `queueMicrotask`: the test runner talks to its workers through them, and a
 * message queued on a fake one while a test runs is never sent, which hangs the worker. The runtime itself
 * works under all defaults (its own tests check that); graders only need timers and Date.
 */
const FAKED: FakeTimers.FakeMethod[] = [
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
  "Date",
];

/**
 * Installs sinon fake timers (the timer functions and Date) before each test of the enclosing describe and
 * uninstalls them after; returns a getter for the current test's clock. Call it at describe level.
 *
 * @example
 * const clock = useFakeClock();
 * it("should …", async () => { await clock().tickAsync(1_000); });
 */
export function useFakeClock(options: { readonly now?: number } = {}): () => InstalledClock {
  let current: InstalledClock | null = null;
  beforeEach(() => {
    current = FakeTimers.install({ now: options.now ?? DEFAULT_NOW, toFake: FAKED });
  });
  afterEach(() => {
    current?.uninstall();
    current = null;
  });
  return () => {
    if (current === null) throw new Error("useFakeClock: the clock exists only inside a test (call useFakeClock at describe level)");
    return current;
  };
}
