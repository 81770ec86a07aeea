/**
 * `npm run bench [-- figure…] [--json] [--runs N] [--warmup N]`: every figure in a process of its own, one after
 * the other in this one run, each reporting the median of its measured runs. A process per figure keeps one
 * figure's code from deoptimizing another's, as separate BEAM runs would be.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Bench } from "./harness.ts";
import orderBook from "./order-book.ts";
import rateLimiter from "./rate-limiter.ts";
import runtime, { BARE_MAILBOX_REFERENCE } from "./runtime.ts";

const all: readonly Bench[] = [...runtime, rateLimiter, orderBook].flat();

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    runs: { type: "string", default: "7" },
    warmup: { type: "string", default: "3" },
    child: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`bench: --runs should be a positive integer, got ${values.runs}`);
// The JIT needs a few runs to optimize the hot paths: figures are of the steady state, like the BEAM's.
const warmup = Number(values.warmup);
if (!Number.isSafeInteger(warmup) || warmup < 0) throw new Error(`bench: --warmup should be a non-negative integer, got ${values.warmup}`);
const chosen = positionals.length === 0 ? all : all.filter((bench) => positionals.includes(bench.figure));
if (chosen.length === 0)
  throw new Error(`bench: no figure named ${positionals.join(", ")}; figures: ${all.map((b) => b.figure).join(", ")}`);

interface Figure {
  readonly figure: string;
  readonly per_sec: number;
  readonly target: number;
  readonly runs: number;
  readonly [extra: string]: number | string;
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measure(bench: Bench): Promise<Figure> {
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
  const extra = Object.fromEntries([...extras].map(([key, list]) => [key, Math.round(median(list))]));
  return { figure: bench.figure, per_sec: Math.round(median(rates)), target: bench.target, runs, ...extra };
}

/** Runs one figure in a fresh Node process (this script with --child) and reads its JSON line. */
function measureApart(bench: Bench): Figure {
  const script = fileURLToPath(import.meta.url);
  const args = ["--expose-gc", "--import", "tsx", script, bench.figure, "--child", "--runs", String(runs), "--warmup", String(warmup)];
  const output = execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as Figure;
}

if (values.child) {
  for (const bench of chosen) console.log(JSON.stringify(await measure(bench)));
} else {
  if (!values.json) {
    console.log(
      `Each figure in its own process: ${warmup} warm-up runs, then the median of ${runs}; goal = the issue's target on the reference machine.`,
    );
    console.log(
      `"vs bare": the figure divided by the bare promise mailbox measured in this run, and the goal's same ratio (goal / 5.5 M/s).\n`,
    );
  }
  let bare: number | null = null;
  for (const bench of chosen) {
    const figure = measureApart(bench);
    if (figure.figure === "bare_promise_mailbox") bare = figure.per_sec;
    if (values.json) {
      console.log(JSON.stringify(figure));
      continue;
    }
    const { figure: name, per_sec: perSec, target, runs: _runs, ...extra } = figure;
    const extraText = Object.entries(extra)
      .map(([key, value]) => `  ${key}=${value}`)
      .join("");
    const rate = `${(perSec / 1e6).toFixed(2).padStart(6)} M/s`;
    const relative =
      bare === null || name === "bare_promise_mailbox"
        ? ""
        : `   vs bare ${(perSec / bare).toFixed(2)} (goal ${(target / BARE_MAILBOX_REFERENCE).toFixed(2)})`;
    console.log(
      `${name.padEnd(22)} ${rate}   goal ${(target / 1e6).toFixed(2)} M/s   ${((perSec / target) * 100).toFixed(0).padStart(4)} %${relative}${extraText}`,
    );
    console.log(`${"".padEnd(22)} ${bench.description}`);
  }
}
