import { parseArgs } from "node:util";
import type { Bench } from "./harness.ts";
import orderBook from "./order-book.ts";
import rateLimiter from "./rate-limiter.ts";
import runtime from "./runtime.ts";

const all: readonly Bench[] = [...runtime, rateLimiter, orderBook].flat();

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: "boolean", default: false }, runs: { type: "string", default: "7" }, warmup: { type: "string", default: "3" } },
});
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`bench: --runs should be a positive integer, got ${values.runs}`);
// The JIT needs a few runs to optimize the hot paths; figures are of the steady state, like the BEAM's.
const warmup = Number(values.warmup);
if (!Number.isSafeInteger(warmup) || warmup < 0) throw new Error(`bench: --warmup should be a non-negative integer, got ${values.warmup}`);
const chosen = positionals.length === 0 ? all : all.filter((bench) => positionals.includes(bench.figure));
if (chosen.length === 0)
  throw new Error(`bench: no figure named ${positionals.join(", ")}; figures: ${all.map((b) => b.figure).join(", ")}`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

if (!values.json) {
  console.log(
    `${runs} runs per figure (plus one warm-up), median; ${typeof globalThis.gc === "function" ? "" : "run with --expose-gc for memory figures; "}goal = the issue's target on the reference machine\n`,
  );
}
for (const bench of chosen) {
  const rates: number[] = [];
  const extras = new Map<string, number[]>();
  for (let i = 0; i < warmup + runs; i++) {
    await bench.setup?.();
    const started = performance.now();
    const result = await bench.run();
    const elapsed = performance.now() - started;
    await bench.teardown?.();
    if (i < warmup) continue;
    rates.push((result.ops / elapsed) * 1000);
    for (const [key, value] of Object.entries(result.extra ?? {})) extras.set(key, [...(extras.get(key) ?? []), value]);
  }
  const perSec = Math.round(median(rates));
  const extra = Object.fromEntries([...extras].map(([key, list]) => [key, Math.round(median(list))]));
  if (values.json) {
    console.log(JSON.stringify({ figure: bench.figure, per_sec: perSec, target: bench.target, runs, ...extra }));
  } else {
    const ratio = perSec / bench.target;
    const extraText = Object.entries(extra)
      .map(([key, value]) => `  ${key}=${value}`)
      .join("");
    console.log(
      `${bench.figure.padEnd(22)} ${(perSec / 1e6).toFixed(2).padStart(6)} M/s   goal ${(bench.target / 1e6).toFixed(2)} M/s   ${(ratio * 100).toFixed(0).padStart(4)} %${extraText}`,
    );
    console.log(`${"".padEnd(22)} ${bench.description}`);
  }
}
