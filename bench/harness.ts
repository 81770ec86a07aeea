/**
 * The benchmark harness: each figure runs several times in this one process and reports its median, so
 * figures measured side by side share the same machine load.
 */
export interface BenchResult {
  /** Operations done by one run. */
  readonly ops: number;
  /** Extra figures of the run (e.g. bytes_per_server), reported as medians too. */
  readonly extra?: Readonly<Record<string, number>>;
}

export interface Bench {
  /** The figure's name in `npm run bench -- --json` (e.g. "call_roundtrip"). */
  readonly figure: string;
  /** What one run does, in words. */
  readonly description: string;
  /** The goal in operations per second on the reference machine. */
  readonly target: number;
  /** One run: does its work and says how many operations it did. Timed by the harness. */
  run(): Promise<BenchResult>;
  /** Optional preparation before each run (not timed). */
  setup?(): Promise<void>;
  /** Optional clean-up after each run (not timed). */
  teardown?(): Promise<void>;
}

export function defineBench(bench: Bench): Bench {
  return bench;
}
