/**
 * What `npm run bench` measures and reports, as data: `--json` prints one `BenchRun`, and `--report DIR` renders
 * the same object as Markdown and SVG charts. The BEAM script (`bench/beam/primitives.exs`) prints
 * `Measurement`s of the same shape, so the report treats its figures like any other implementation's.
 */

/** The tables of the report, in the order they are printed. */
export type Group = "primitives" | "rate_limiter" | "order_book" | "order_book_scaling" | "rate_limiter_scaling";

/**
 * Who did the work:
 * - "bare_promise": a bare promise mailbox, the yardstick every other figure is divided by.
 * - "runtime": this kit's GenServer runtime. "beam": the same loop in Elixir on the BEAM.
 * - "genserver": an exercise's reference solution, called through its GenServer.
 * - "plain": the same solution's data structure called directly, with no process around it.
 * - "rate-limiter-flexible", "nodejs-order-book": the npm packages a reader would otherwise use.
 */
export type Implementation = "bare_promise" | "runtime" | "beam" | "genserver" | "plain" | "rate-limiter-flexible" | "nodejs-order-book";

/** A figure over several measured runs: the median, and the spread as the slowest and fastest run. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface Measurement {
  readonly group: Group;
  /** The work, shared by the implementations that did it (e.g. "call_roundtrip", "checks", "workload", "at_size"). */
  readonly figure: string;
  readonly implementation: Implementation;
  /** What one run does, in words. */
  readonly description: string;
  /** Operations per second over the measured runs. */
  readonly opsPerSec: Spread;
  /** Measured runs (after the warm-up ones). */
  readonly runs: number;
  /** Scaling figures only: resting orders, or tracked keys, when measured. */
  readonly size?: number;
  /**
   * Memory, as medians in bytes, by what they count: "per_server" (an idle server), "per_order" (a resting
   * order), "per_key" (a tracked key), "after_cleanup_per_key" (heap left per key once the windows have ended
   * and the cleanup ran; 0 is back to baseline).
   */
  readonly bytes?: Readonly<Record<string, number>>;
  /** The goal in operations per second set by the issue for this machine, when there is one. */
  readonly target?: number;
  /**
   * The bare promise mailbox's round trips per second, measured in the same process before each run of this
   * figure (the median): against its speed on the reference machine, it says how fast the machine was then.
   */
  readonly yardstick?: number;
}

/** The machine a run was measured on. */
export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** "Elixir 1.14.0 (OTP 25)", or null when `elixir` is not on the PATH. */
  readonly beam: string | null;
}

export interface BenchRun {
  readonly machine: Machine;
  /** "full", or "quick" (tiny sizes, one run: it proves the code works, its figures mean nothing). */
  readonly mode: "full" | "quick";
  readonly warmup: number;
  readonly measurements: readonly Measurement[];
  /** Why a part was not measured, e.g. { beam: "elixir is not on the PATH" }. */
  readonly skipped: Readonly<Record<string, string>>;
}
