/**
 * `npm run bench [-- filter…] [--json] [--report DIR] [--quick] [--runs N] [--warmup N]`
 * `npm run bench -- --from RUN.json --report DIR` renders a run saved with --json again, without measuring.
 *
 * Every bench (one implementation doing one figure's work) runs in a Node process of its own, one after the
 * other in this one run, so one bench's code cannot deoptimize another's and their figures share the machine's
 * load. When `elixir` is on the PATH the runtime's primitives also run on the BEAM. A filter keeps the benches
 * whose id (`group/figure/implementation[@size]`) contains it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";
import { fileURLToPath } from "node:url";
import { booleanFlag, helpPointer, helpText, type ParsedArgs, parseCommand, stringFlag, UsageError } from "../kit/cli/args.ts";
import { benchCommand } from "../kit/cli/commands.ts";
import { beamVersion, runBeamPrimitives } from "./beam.ts";
import { type Bench, benchId, measure, type Scale } from "./harness.ts";
import type { BenchRun, Group, Machine, Measurement } from "./measurement.ts";
import { orderBookBenches } from "./order-book.ts";
import { rateLimiterBenches } from "./rate-limiter.ts";
import { writeReport } from "./report.ts";
import { primitiveBenches } from "./runtime.ts";
import { measureYardstick } from "./yardstick.ts";

// The kit's one argument parser: --help, and a wrong flag said in a line rather than a stack trace.
const { values, positionals } = benchArgs(process.argv.slice(2));

function benchArgs(argv: readonly string[]) {
  let parsed: ParsedArgs;
  try {
    parsed = parseCommand(benchCommand, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench: ${error.message}\n${helpPointer(benchCommand, error.lang)}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(helpText(benchCommand, parsed.lang));
    process.exit(0);
  }
  const text = (name: string): string | undefined => stringFlag(parsed, name) ?? undefined;
  return {
    values: {
      json: booleanFlag(parsed, "json"),
      report: text("report"),
      quick: booleanFlag(parsed, "quick"),
      runs: text("runs"),
      warmup: text("warmup"),
      child: booleanFlag(parsed, "child"),
      from: text("from"),
    },
    positionals: parsed.positionals,
  };
}

if (values.from !== undefined) {
  if (values.report === undefined) {
    console.error("bench: --from RUN.json needs --report DIR: it renders a saved run");
    process.exit(2);
  }
  let saved: BenchRun;
  try {
    saved = JSON.parse(readFileSync(values.from, "utf8")) as BenchRun;
  } catch (error) {
    console.error(`bench: cannot read a run from ${values.from}: ${(error as Error).message}`);
    process.exit(2);
  }
  console.log(`Report: ${(await writeReport(saved, values.report)).join(", ")}`);
  process.exit(0);
}

const scale: Scale = values.quick ? "quick" : "full";
const runs = integerFlag("--runs", values.runs ?? (values.quick ? "1" : "7"), 1);
const warmup = integerFlag("--warmup", values.warmup ?? (values.quick ? "0" : "3"), 0);

function integerFlag(flag: string, text: string, least: number): number {
  const n = Number(text);
  if (Number.isSafeInteger(n) && n >= least) return n;
  // A mistyped flag is the user's to fix: the message says how, a stack trace would only bury it.
  console.error(`bench: ${flag} should be an integer of at least ${least}, got ${text}`);
  process.exit(2);
}

// The throughput figures first, the scaling ones last: a process that held a million keys or orders leaves the
// machine slower for a while after it exits (the order book's GenServer figure lost a third right after one).
const GROUP_ORDER: readonly Group[] = ["primitives", "rate_limiter", "order_book", "rate_limiter_scaling", "order_book_scaling"];
const all: readonly Bench[] = [...primitiveBenches(scale), ...rateLimiterBenches(scale), ...orderBookBenches(scale)].sort(
  (a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group),
);
// A child runs exactly the bench it is given: "…@1000" is also a part of "…@1000000".
const matches = (bench: Bench, filter: string): boolean => (values.child ? benchId(bench) === filter : benchId(bench).includes(filter));
const chosen = positionals.length === 0 ? all : all.filter((bench) => positionals.some((filter) => matches(bench, filter)));
if (chosen.length === 0) {
  console.error(`bench: no bench matches ${positionals.join(", ")}; the benches are:\n  ${all.map(benchId).join("\n  ")}`);
  process.exit(2);
}

/** Runs one bench in a fresh Node process (this script with --child) and reads the Measurement it prints. */
function measureApart(bench: Bench): Measurement {
  const script = fileURLToPath(import.meta.url);
  const args = ["--expose-gc", "--import", "tsx", script, benchId(bench), "--child", "--runs", String(runs), "--warmup", String(warmup)];
  if (values.quick) args.push("--quick");
  const output = execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
  const measured = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as Measurement;
  const id = benchId({ ...bench, ...measured });
  if (id !== benchId(bench)) throw new Error(`bench: asked a process for ${benchId(bench)}, it measured ${id}`);
  return measured;
}

function machine(beam: string | null): Machine {
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    beam,
  };
}

function mps(perSec: number): string {
  return `${(perSec / 1e6).toFixed(2)} M/s`;
}

/** One line a measurement, as it arrives: the median, the spread, and the memory figures. */
function describe(m: Measurement): string {
  const name = `${m.group}/${m.figure}/${m.implementation}${m.size === undefined ? "" : `@${m.size}`}`;
  const bytes = Object.entries(m.bytes ?? {})
    .map(([key, value]) => `  ${key}=${value} B`)
    .join("");
  const ns = `${Math.round(1e9 / m.opsPerSec.median)} ns/op`;
  return `${name.padEnd(48)} ${mps(m.opsPerSec.median).padStart(11)}  (${mps(m.opsPerSec.min)}–${mps(m.opsPerSec.max)})  ${ns}${bytes}`;
}

/** Ours against each peer, from this run: the comparisons the issue asks for, as ratios. */
function ratios(measurements: readonly Measurement[]): string[] {
  const find = (group: string, figure: string, implementation: string): Measurement | undefined =>
    measurements.find((m) => m.group === group && m.figure === figure && m.implementation === implementation);
  const pairs = [
    ["primitives", "call_roundtrip", "runtime", "bare_promise"],
    ["primitives", "call_roundtrip", "runtime", "beam"],
    ["primitives", "cast_then_sync", "runtime", "beam"],
    ["primitives", "call_via_registry", "runtime", "beam"],
    ["primitives", "start_server", "runtime", "beam"],
    ["rate_limiter", "checks", "plain", "rate-limiter-flexible"],
    ["rate_limiter", "checks", "genserver", "rate-limiter-flexible"],
    ["order_book", "workload", "plain", "nodejs-order-book"],
    ["order_book", "workload", "genserver", "nodejs-order-book"],
  ] as const;
  return pairs.flatMap(([group, figure, ours, peer]) => {
    const a = find(group, figure, ours);
    const b = find(group, figure, peer);
    if (a === undefined || b === undefined) return [];
    return [`${`${group}/${figure}`.padEnd(28)} ${ours} / ${peer} = ${(a.opsPerSec.median / b.opsPerSec.median).toFixed(2)}`];
  });
}

/** A bench's figure, with the yardstick measured before each of its runs in the same process. */
function measureBeside(bench: Bench): Promise<Measurement> {
  const roundTrips = values.quick ? 5_000 : 50_000;
  return measure(bench, { runs, warmup, yardstick: () => measureYardstick(roundTrips, 1) });
}

if (values.child) {
  for (const bench of chosen) console.log(JSON.stringify(await measureBeside(bench)));
} else {
  // With --json, stdout carries the one JSON document; progress goes to stderr.
  const progress = values.json ? console.error : console.log;
  progress(
    values.quick
      ? "Quick mode: tiny sizes, one run each. It proves the benchmarks work; its figures mean nothing."
      : `Each bench in its own process: ${warmup} warm-up runs, then the median of ${runs} (spread: slowest–fastest run).`,
  );
  const measurements: Measurement[] = [];
  for (const bench of chosen) {
    // Quick mode runs in this process: a process per bench would cost more than the benches themselves.
    const measured = values.quick ? await measureBeside(bench) : measureApart(bench);
    measurements.push(measured);
    progress(describe(measured));
  }
  const skipped: Record<string, string> = {};
  const beam = beamVersion();
  if (!chosen.some((bench) => bench.group === "primitives")) skipped.beam = "the primitives were not asked for";
  else if (beam === null) skipped.beam = "elixir is not on the PATH";
  else {
    progress(`BEAM (${beam}):`);
    for (const measured of runBeamPrimitives({ runs, warmup, quick: values.quick })) {
      measurements.push(measured);
      progress(describe(measured));
    }
  }
  const ratioLines = ratios(measurements);
  if (ratioLines.length > 0) progress(`\nRatios from this run:\n  ${ratioLines.join("\n  ")}`);
  const run: BenchRun = { machine: machine(beam), mode: scale, warmup, measurements, skipped };
  if (values.json) console.log(JSON.stringify(run, null, 2));
  if (values.report !== undefined) {
    const written = await writeReport(run, values.report);
    progress(`\nReport: ${written.join(", ")}`);
  }
}
