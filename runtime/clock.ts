/**
 * Where the runtime reads time and arms its one host timer. By default it looks the functions up on
 * `globalThis` each time, so fake timers installed after the runtime was imported (sinon's `install()`,
 * `vi.useFakeTimers()`) still control it. A test may inject its own clock instead.
 */
export interface Clock {
  /** The current time in ms: a method, or a property as on a sinon fake clock (`clock.now`). */
  readonly now: number | (() => number);
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: never): void;
}

let injected: Clock | null = null;

/**
 * Makes the runtime read time from `clock` and arm timers on it; `null` goes back to `globalThis`.
 *
 * @example
 * const clock = FakeTimers.createClock(1_000);
 * useClock(clock); // the runtime now runs on `clock`
 * // … useClock(null) to go back
 */
export function useClock(clock: Clock | null): void {
  injected = clock;
}

/**
 * Milliseconds from the runtime's clock, the analogue of Elixir's `System.monotonic_time(:millisecond)`.
 * It reads `Date.now()` (or the injected clock), never `performance.now()`, so fake timers control it; use it for
 * differences between two instants, not as a date.
 *
 * @example
 * const started = now();
 * // … later
 * const elapsed = now() - started;
 */
export function now(): number {
  if (injected === null) return Date.now();
  return typeof injected.now === "function" ? injected.now() : injected.now;
}

/** The host timer functions in force right now; compared by identity to notice a swapped clock. */
export function hostSetTimeout(): Clock["setTimeout"] {
  return injected === null ? globalThis.setTimeout : injected.setTimeout;
}

export function hostClearTimeout(): (handle: unknown) => void {
  return (injected === null ? globalThis.clearTimeout : injected.clearTimeout) as (handle: unknown) => void;
}
