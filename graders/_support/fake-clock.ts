import * as FakeTimers from "@sinonjs/fake-timers";
import { afterEach, beforeEach } from "vitest";
import { TamperingFailure } from "./assertions.ts";
import { t } from "./grading.ts";

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

/** The faked globals as they are now, and the fake Date's `now`. */
function fakedNow(): Map<string, unknown> {
  const globals = globalThis as unknown as Record<string, unknown>;
  const faked = new Map<string, unknown>(FAKED.map((name) => [name, globals[name]]));
  faked.set("Date.now", Date.now);
  return faked;
}

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
  let installed: ReadonlyMap<string, unknown> = new Map();
  beforeEach(() => {
    current = FakeTimers.install({ now: options.now ?? DEFAULT_NOW, toFake: FAKED });
    installed = fakedNow();
  });
  afterEach(() => {
    // The worker's guard sees the real globals once the clock is uninstalled; a change to the fake ones is
    // caught here.
    const now = fakedNow();
    const changed = [...installed].filter(([name, value]) => now.get(name) !== value).map(([name]) => name);
    current?.uninstall();
    current = null;
    if (changed.length > 0)
      throw new TamperingFailure(
        t({
          es: `Durante esta prueba tu código cambió el reloj del corrector: ${changed.join(", ")}. La prueba no cuenta.`,
          en: `During this test your code changed the grader's clock: ${changed.join(", ")}. The test does not count.`,
        }),
      );
  });
  return () => {
    if (current === null) throw new Error("useFakeClock: the clock exists only inside a test (call useFakeClock at describe level)");
    return current;
  };
}
