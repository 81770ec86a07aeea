/**
 * The benchmark harness: a bench is one implementation doing one figure's work; the harness times its runs
 * after a warm-up and turns them into a `Measurement` (median and spread).
 */
import type { Group, Implementation, Measurement, Spread } from "./measurement.ts";

export interface RunResult {
  /** Operations done by the run. */
  readonly ops: number;
}

export interface Bench {
  readonly group: Group;
  readonly figure: string;
  readonly implementation: Implementation;
  /** What one run does, in words. */
  readonly description: string;
  /** Scaling benches: resting orders or tracked keys. */
  readonly size?: number;
  /** The goal in operations per second, when it sets one. */
  readonly target?: number;
  /** At most this many measured runs: a bench whose one run takes seconds asks for fewer. */
  readonly maxRuns?: number;
  /** At most this many warm-up runs, likewise. */
  readonly maxWarmup?: number;
  /** Preparation before each run, not timed. */
  setup?(): Promise<void> | void;
  /** One run: does its work and says how many operations it did. Timed by the harness. */
  run(): Promise<RunResult> | RunResult;
  /** Memory figures read after the timed run and before its clean-up, not timed (see `Measurement.bytes`). */
  memory?(): Promise<Readonly<Record<string, number>>> | Readonly<Record<string, number>>;
  /** Clean-up after each run, not timed. */
  teardown?(): Promise<void> | void;
}

/** How big the work is: "full" as the issues set it, or "quick", small enough for `npm test` to run in seconds. */
export type Scale = "full" | "quick";

/** The name a bench is chosen by on the command line and run under in its own process. */
export function benchId(bench: Bench): string {
  const size = bench.size === undefined ? "" : `@${bench.size}`;
  return `${bench.group}/${bench.figure}/${bench.implementation}${size}`;
}

export function median(list: readonly number[]): number {
  if (list.length === 0) throw new Error("bench: median of no runs");
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function spread(list: readonly number[]): Spread {
  return { median: Math.round(median(list)), min: Math.round(Math.min(...list)), max: Math.round(Math.max(...list)) };
}

/** Runs `bench` `warmup` times, then `runs` times (at most its own maxima), and sums up the measured runs. */
export interface MeasureOptions {
  readonly runs: number;
  readonly warmup: number;
  /** Measured before each measured run, its median reported as the figure's `yardstick`: the machine's speed then. */
  readonly yardstick?: () => Promise<number>;
}

export async function measure(bench: Bench, options: MeasureOptions): Promise<Measurement> {
  const runs = Math.min(options.runs, bench.maxRuns ?? options.runs);
  const warmup = Math.min(options.warmup, bench.maxWarmup ?? options.warmup);
  const rates: number[] = [];
  const bytes = new Map<string, number[]>();
  const yardsticks: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    if (i >= warmup && options.yardstick !== undefined) yardsticks.push(await options.yardstick());
    await bench.setup?.();
    const started = performance.now();
    const result = await bench.run();
    const elapsed = performance.now() - started;
    const memory = (await bench.memory?.()) ?? {};
    await bench.teardown?.();
    // The JIT needs a few runs to optimize the hot paths: figures are of the steady state, like the BEAM's.
    if (i < warmup) continue;
    rates.push((result.ops / elapsed) * 1000);
    for (const [key, value] of Object.entries(memory)) bytes.set(key, [...(bytes.get(key) ?? []), value]);
  }
  return {
    group: bench.group,
    figure: bench.figure,
    implementation: bench.implementation,
    description: bench.description,
    opsPerSec: spread(rates),
    runs,
    ...(bench.size === undefined ? {} : { size: bench.size }),
    ...(bytes.size === 0 ? {} : { bytes: Object.fromEntries([...bytes].map(([key, list]) => [key, Math.round(median(list))])) }),
    ...(bench.target === undefined ? {} : { target: bench.target }),
    ...(yardsticks.length === 0 ? {} : { yardstick: Math.round(median(yardsticks)) }),
  };
}

/**
 * Bytes in use after a full collection (`npm run bench` runs Node with --expose-gc): the JavaScript heap plus
 * the ArrayBuffers outside it, where typed arrays keep their contents.
 */
export function settledHeap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
