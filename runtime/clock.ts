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
 * differences between two instants, not as a date. On the real clock one reading serves a scheduler slice (up to
 * 64 messages of one process) or the rest of the current promise job, so code in the same slice sees the same
 * millisecond; a faked Date is read every time.
 *
 * @example
 * const started = now();
 * // … later
 * const elapsed = now() - started;
 */
export function now(): number {
  if (injected !== null) return typeof injected.now === "function" ? injected.now() : injected.now;
  // A faked Date (sinon, vitest) is read every time: tests control time to the millisecond.
  if (Date.now !== nativeDateNow) return Date.now();
  if (!fresh) {
    // Reading the system clock costs as much as a whole message on some machines. A reading serves the code
    // that runs until the next scheduler slice or promise job (a scheduler job forgets it before and after
    // running), the way a BEAM scheduler reads its clock once per slice; it never outlives the current job.
    reading = nativeDateNow();
    fresh = true;
    if (!expiryQueued && !schedulerWillExpire()) {
      expiryQueued = true;
      void settled.then(expire);
    }
  }
  return reading;
}

/** Set by the scheduler: whether one of its jobs is queued, which will forget the reading anyway. */
let schedulerWillExpire: () => boolean = () => false;

export function onSchedulerJob(pending: () => boolean): void {
  schedulerWillExpire = pending;
}

const nativeDateNow = Date.now;
const settled = Promise.resolve();
let reading = 0;
let fresh = false;
let expiryQueued = false;

function expire(): void {
  expiryQueued = false;
  fresh = false;
}

/** Forgets the clock reading: the scheduler calls it before each slice of messages and each timer round. */
export function expireReading(): void {
  fresh = false;
}

/** The host timer functions in force right now; compared by identity to notice a swapped clock. */
export function hostSetTimeout(): Clock["setTimeout"] {
  return injected === null ? globalThis.setTimeout : injected.setTimeout;
}

export function hostClearTimeout(): (handle: unknown) => void {
  return (injected === null ? globalThis.clearTimeout : injected.clearTimeout) as (handle: unknown) => void;
}
