/**
 * `npm run mutation [-- <id>…] [--threshold N] [--seed N] [--lines A-B] [--verbose]`: mutation
 * testing of the graders. For each exercise (all six, one after the other, when none is given), StrykerJS mutates its reference
 * solution, `solutions/<id>/**\/*.ts`, and grades every mutant with the exercise's graders (the kit's test runner,
 * kit/mutation/runner.ts); mutants that do not typecheck are compile errors, as the kit itself refuses them
 * (kit/mutation/checker.ts). It writes `reports/mutation/<id>/mutation.html`, `mutation.json` and
 * `survivors.txt`, and `reports/mutation/summary.json`; prints a summary per exercise and every survivor as
 * `file:line:column mutator: original → replacement`; and exits 1 when an exercise scores under the threshold
 * (95 % unless --threshold says otherwise) or has a stale entry in its record of equivalent mutants
 * (`graders/<id>/equivalent-mutants.ts`, see kit/mutation/equivalents.ts). `--lines A-B` (with one exercise)
 * mutates only those lines of its main file, to check a survivor quickly; its reports go to
 * `reports/mutation/<id>/lines-A-B/`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PartialStrykerOptions } from "@stryker-mutator/api/core";
import { Stryker } from "@stryker-mutator/core";
import { DEFAULT_SEED } from "#protocol";
import { catalog } from "../catalog.ts";
import { gradingNodeArgs } from "../cli/node-args.ts";
import { type DescribedMutant, type EquivalentMutant, entryText, matchEquivalents, normalizeCode, UNDETECTED } from "./equivalents.ts";
import type { GradingRunnerOptions } from "./runner.ts";

const kitRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The score every exercise should reach, in percent, once its equivalent mutants are set apart. */
export const DEFAULT_THRESHOLD = 95;

export interface MutationOptions {
  readonly ids: readonly string[];
  readonly threshold: number;
  /**
   * Stryker's concurrency: 2, one process typechecking mutants and one test runner, then two test runners once
   * the typecheck is done (Stryker hands the checker's place on; a 1 would do the same).
   */
  readonly concurrency: number;
  readonly seed: number;
  readonly verbose: boolean;
  /** Only the mutants on these lines of the exercise's main file (one exercise): to check a survivor quickly. */
  readonly lines: { readonly from: number; readonly to: number } | null;
}

export function parseArgs(argv: readonly string[]): MutationOptions {
  const known = new Set(catalog.map((exercise) => exercise.id));
  const ids: string[] = [];
  let threshold = DEFAULT_THRESHOLD;
  let seed = DEFAULT_SEED;
  let verbose = false;
  let lines: { from: number; to: number } | null = null;
  const number = (flag: string, raw: string | undefined, min: number, max: number): number => {
    const value = Number(raw);
    if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw) || value < min || value > max)
      throw new Error(`${flag} needs a number from ${min} to ${max}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") continue;
    else if (arg === "--threshold") threshold = number(arg, argv[++i], 0, 100);
    else if (arg === "--seed") seed = Math.round(number(arg, argv[++i], 0, Number.MAX_SAFE_INTEGER));
    else if (arg === "--verbose") verbose = true;
    else if (arg === "--lines") {
      const match = /^(\d+)-(\d+)$/.exec(argv[++i] ?? "");
      if (match === null || Number(match[1]) < 1 || Number(match[2]) < Number(match[1]))
        throw new Error("--lines needs a range of lines, as 110-130");
      lines = { from: Number(match[1]), to: Number(match[2]) };
    } else if (known.has(arg)) ids.push(arg);
    else throw new Error(`unknown argument ${arg}: exercises are ${[...known].join(", ")}`);
  }
  if (lines !== null && ids.length !== 1) throw new Error("--lines needs one exercise");
  return { ids: ids.length > 0 ? ids : [...known], threshold, concurrency: 2, seed, verbose, lines };
}

/** Where an exercise's reports go. */
export function reportDir(root: string, id: string): string {
  return join(root, "reports", "mutation", id);
}

/** What a caller other than `npm run mutation` may change: the kit's own tests mutate a few lines only. */
export interface StrykerOverrides {
  /** Stryker's `mutate` patterns (default: every file of the exercise's solution). */
  readonly mutate?: readonly string[];
  /** Where the reports go (default: reports/mutation/<id>). */
  readonly reportsDir?: string;
  /** The folder of Stryker's sandboxes (default: .stryker-tmp). */
  readonly tempDir?: string;
}

/** Stryker's options for one exercise. */
export function strykerOptions(id: string, options: MutationOptions, overrides: StrykerOverrides = {}): PartialStrykerOptions {
  const reports = overrides.reportsDir ?? join("reports", "mutation", id);
  const grading: GradingRunnerOptions = { exercise: id, seed: options.seed };
  return {
    mutate: [...(overrides.mutate ?? [`solutions/${id}/**/*.ts`])],
    plugins: [join(kitRoot, "kit", "mutation", "plugin.ts")],
    testRunner: "grading",
    checkers: ["tsc"],
    // Stryker's workers load the plugins, written in TypeScript, through tsx as the kit's scripts do; the test
    // runner's grade, with vitest loaded first.
    testRunnerNodeArgs: gradingNodeArgs(kitRoot),
    checkerNodeArgs: ["--import", "tsx"],
    // The runner cannot see which mutants a test reaches: the code runs in subject processes.
    coverageAnalysis: "off",
    concurrency: options.concurrency,
    reporters: options.verbose ? ["html", "json", "progress", "clear-text"] : ["html", "json", "progress"],
    htmlReporter: { fileName: join(reports, "mutation.html") },
    jsonReporter: { fileName: join(reports, "mutation.json") },
    // A subject stopped for a hang ends its run at once (the runner bails at the first failed test); this bound
    // is only a backstop, generous because the machine may be busy.
    timeoutMS: 30_000,
    timeoutFactor: 2,
    // Stryker rewrites tsconfig.json's `extends` and `references` for its sandbox through TypeScript's JavaScript
    // API, which TypeScript 7 lacks; the kit's tsconfig.json has neither, so there is nothing to rewrite.
    tsconfigFile: "tsconfig.stryker-none.json",
    ...(overrides.tempDir === undefined ? {} : { tempDirName: overrides.tempDir }),
    ignorePatterns: ["/.grade", "/.scratch", "/reports", "/grades", "/coverage", "/bench/report"],
    thresholds: { high: options.threshold, low: Math.min(options.threshold, 80), break: null },
    // LogLevel is a const enum of Stryker's declarations: its values, spelled out.
    logLevel: (options.verbose ? "info" : "warn") as NonNullable<PartialStrykerOptions["logLevel"]>,
    fileLogLevel: "off" as NonNullable<PartialStrykerOptions["fileLogLevel"]>,
    cleanTempDir: true,
    // The runner's own options, which Stryker checks against the plugin's schema.
    grading,
  };
}

/** Stryker's JSON report, as much of it as this file reads (mutation-testing-report-schema). */
interface JsonReport {
  readonly files: Readonly<
    Record<
      string,
      {
        readonly source: string;
        readonly mutants: readonly {
          readonly id: string;
          readonly mutatorName: string;
          readonly replacement?: string;
          readonly status: DescribedMutant["status"];
          readonly statusReason?: string;
          readonly location: {
            readonly start: { readonly line: number; readonly column: number };
            readonly end: { readonly line: number; readonly column: number };
          };
        }[];
      }
    >
  >;
}

/** The mutants of a report, with the code each replaces. */
export function describeMutants(report: JsonReport): DescribedMutant[] {
  return Object.entries(report.files).flatMap(([file, result]) => {
    const lines = result.source.split("\n");
    const offset = (position: { line: number; column: number }): number =>
      lines.slice(0, position.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + position.column - 1;
    return result.mutants.map((mutant) => ({
      id: mutant.id,
      file: file.replaceAll("\\", "/"),
      mutator: mutant.mutatorName,
      original: result.source.slice(offset(mutant.location.start), offset(mutant.location.end)),
      replacement: mutant.replacement ?? "",
      line: mutant.location.start.line,
      column: mutant.location.start.column,
      status: mutant.status,
      ...(mutant.statusReason === undefined ? {} : { statusReason: mutant.statusReason }),
    }));
  });
}

export interface ExerciseSummary {
  readonly id: string;
  /** Detected over detected and undetected, the explained equivalent mutants set apart; null: nothing to score. */
  readonly score: number | null;
  /** Stryker's own score (its HTML report's), which counts the equivalent mutants as survivors. */
  readonly strykerScore: number | null;
  /** Every mutant: the counts below add up to it. */
  readonly mutants: number;
  readonly killed: number;
  readonly timeout: number;
  /** Survivors that no entry of the record explains. */
  readonly survived: number;
  /** Mutants no test reached, that no entry explains (none while the runner cannot see coverage). */
  readonly noCoverage: number;
  /** Undetected mutants the record explains as equivalent. */
  readonly equivalent: number;
  readonly compileErrors: number;
  /** Runtime errors and ignored mutants (Stryker's other statuses). */
  readonly other: number;
  readonly durationS: number;
  /** Undetected mutants no entry explains. */
  readonly survivors: readonly DescribedMutant[];
  readonly stale: readonly { readonly entry: EquivalentMutant; readonly why: string }[];
}

/** Counts and score of an exercise's mutants, its equivalent mutants set apart. */
export function summarize(
  id: string,
  mutants: readonly DescribedMutant[],
  equivalents: readonly EquivalentMutant[],
  durationS: number,
): ExerciseSummary {
  const { explained, stale } = matchEquivalents(equivalents, mutants);
  const explainedIds = new Set(explained.map(({ mutant }) => mutant.id));
  const count = (status: DescribedMutant["status"]): number =>
    mutants.filter((mutant) => mutant.status === status && !explainedIds.has(mutant.id)).length;
  const detected = count("Killed") + count("Timeout");
  const undetected = count("Survived") + count("NoCoverage");
  const percent = (part: number, whole: number): number | null => (whole === 0 ? null : Math.floor((part / whole) * 10_000) / 100);
  const counted = detected + undetected + explainedIds.size + count("CompileError");
  return {
    id,
    score: percent(detected, detected + undetected),
    strykerScore: percent(detected, detected + undetected + explainedIds.size),
    mutants: mutants.length,
    killed: count("Killed"),
    timeout: count("Timeout"),
    survived: count("Survived"),
    noCoverage: count("NoCoverage"),
    equivalent: explainedIds.size,
    compileErrors: count("CompileError"),
    other: mutants.length - counted,
    durationS,
    survivors: mutants
      .filter((mutant) => UNDETECTED.has(mutant.status) && !explainedIds.has(mutant.id))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column),
    stale,
  };
}

/** One survivor on one line: where, which mutator, and the change. */
export function survivorLine(mutant: DescribedMutant): string {
  const code = (text: string): string => {
    const normal = normalizeCode(text);
    return normal.length > 100 ? `${normal.slice(0, 99)}…` : normal;
  };
  const status = mutant.status === "NoCoverage" ? " (no coverage)" : "";
  return `${mutant.file}:${mutant.line}:${mutant.column} ${mutant.mutator}${status}: ${code(mutant.original)} → ${code(mutant.replacement) || "(nothing)"}`;
}

/** The survivors file of an exercise: the survivors, then each as an entry for the record of equivalent mutants. */
export function survivorsText(summary: ExerciseSummary): string {
  const lines = [
    `${summary.id}: ${summary.survivors.length} surviving mutants (score ${scoreText(summary.score)})`,
    "",
    ...summary.survivors.map(survivorLine),
  ];
  if (summary.stale.length > 0)
    lines.push(
      "",
      "Stale entries in the record of equivalent mutants:",
      ...summary.stale.map(({ entry, why }) => `${staleLine(entry)}: ${why}`),
    );
  if (summary.survivors.length > 0)
    lines.push(
      "",
      `A survivor that no test can kill goes into graders/${summary.id}/equivalent-mutants.ts, with its reason:`,
      "",
      ...summary.survivors.map(entryText),
    );
  return `${lines.join("\n")}\n`;
}

function staleLine(entry: EquivalentMutant): string {
  return `${entry.file}${entry.line === undefined ? "" : `:${entry.line}`} ${entry.mutator}: ${normalizeCode(entry.original)} → ${normalizeCode(entry.replacement)}`;
}

function scoreText(score: number | null): string {
  return score === null ? "n/a" : `${score.toFixed(2)} %`;
}

/** The record of equivalent mutants of an exercise (none when it has no file). */
export async function loadEquivalents(root: string, id: string): Promise<readonly EquivalentMutant[]> {
  const file = join(root, "graders", id, "equivalent-mutants.ts");
  if (!existsSync(file)) return [];
  const module = (await import(pathToFileURL(file).href)) as { equivalentMutants?: readonly EquivalentMutant[] };
  if (!Array.isArray(module.equivalentMutants)) throw new Error(`${file} should export equivalentMutants, an array`);
  return module.equivalentMutants;
}

/** The summary table: one row per exercise. */
export function summaryTable(summaries: readonly ExerciseSummary[], threshold: number): string {
  const header = ["exercise", "score", "killed", "timeout", "survived", "no cov.", "equivalent", "compile err.", "mutants", "time"];
  const rows = summaries.map((s) => [
    s.id,
    `${scoreText(s.score)}${s.score !== null && s.score < threshold ? " ✗" : ""}`,
    String(s.killed),
    String(s.timeout),
    String(s.survived),
    String(s.noCoverage),
    String(s.equivalent),
    String(s.compileErrors),
    String(s.mutants),
    `${Math.round(s.durationS)} s`,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** `reports/mutation/summary.json`: the latest summary of every exercise mutated so far, this run's replacing older ones. */
function writeSummaryFile(summaries: readonly ExerciseSummary[]): void {
  const file = join(kitRoot, "reports", "mutation", "summary.json");
  let kept: { id: string }[] = [];
  try {
    kept = (JSON.parse(readFileSync(file, "utf8")) as { id: string }[]).filter(
      (entry) => !summaries.some((summary) => summary.id === entry.id),
    );
  } catch {
    // No summary yet, or one that does not parse: this run's alone.
  }
  const fresh = summaries.map(({ survivors, stale, ...counts }) => ({
    ...counts,
    survivors: survivors.map(survivorLine),
    stale: stale.map(({ entry, why }) => `${staleLine(entry)}: ${why}`),
    at: new Date().toISOString(),
  }));
  const order = (id: string): number => catalog.findIndex((exercise) => exercise.id === id);
  const all = [...kept, ...fresh].sort((a, b) => order(a.id) - order(b.id));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

/**
 * Mutates one exercise's solution and grades the mutants (from the kit's root, the current directory: Stryker's
 * sandbox is a copy of it); writes its reports and resolves to its summary.
 */
export async function mutateExercise(id: string, options: MutationOptions, overrides: StrykerOverrides = {}): Promise<ExerciseSummary> {
  const started = performance.now();
  await new Stryker(strykerOptions(id, options, overrides)).runMutationTest();
  const durationS = (performance.now() - started) / 1000;
  const dir = overrides.reportsDir ?? reportDir(kitRoot, id);
  const report = JSON.parse(readFileSync(join(dir, "mutation.json"), "utf8")) as JsonReport;
  const full = summarize(id, describeMutants(report), await loadEquivalents(kitRoot, id), durationS);
  // A run on some lines sees only their mutants: it cannot tell whether an entry is stale.
  const summary = overrides.mutate === undefined ? full : { ...full, stale: [] };
  writeFileSync(join(dir, "survivors.txt"), survivorsText(summary));
  return summary;
}

async function main(): Promise<number> {
  let options: MutationOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  // Stryker runs from the kit's root: its sandbox is a copy of the kit.
  process.chdir(kitRoot);
  const summaries: ExerciseSummary[] = [];
  const failed: string[] = [];
  for (const id of options.ids) {
    const lines = options.lines;
    const file = `solutions/${id}/${catalog.find((exercise) => exercise.id === id)?.file ?? ""}`;
    const overrides: StrykerOverrides =
      lines === null
        ? {}
        : { mutate: [`${file}:${lines.from}-${lines.to}`], reportsDir: join("reports", "mutation", id, `lines-${lines.from}-${lines.to}`) };
    console.log(`\n${id}: mutating ${lines === null ? `solutions/${id}/` : `${file}, lines ${lines.from} to ${lines.to}`}`);
    let summary: ExerciseSummary;
    try {
      summary = await mutateExercise(id, options, overrides);
    } catch (error) {
      // Stryker stops before any mutant when the graders fail the solution itself (its "initial test run").
      failed.push(id);
      console.log(`${id}: could not be mutation-tested: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    summaries.push(summary);
    console.log(`${id}: score ${scoreText(summary.score)} in ${Math.round(summary.durationS)} s`);
    for (const mutant of summary.survivors) console.log(`  survived: ${survivorLine(mutant)}`);
    for (const { entry, why } of summary.stale) console.log(`  stale equivalent entry: ${staleLine(entry)}: ${why}`);
  }
  // The summary file keeps whole runs only.
  if (options.lines === null) writeSummaryFile(summaries);
  console.log(`\n${summaryTable(summaries, options.threshold)}`);
  const below = summaries.filter((summary) => summary.score !== null && summary.score < options.threshold);
  const stale = summaries.filter((summary) => summary.stale.length > 0);
  const where = options.lines === null ? "reports/mutation/<id>" : `reports/mutation/<id>/lines-${options.lines.from}-${options.lines.to}`;
  console.log(`\nReports: ${where}/mutation.html, mutation.json and survivors.txt (survivors, and entries to record equivalent ones).`);
  if (below.length > 0) console.log(`Under ${options.threshold} %: ${below.map((summary) => summary.id).join(", ")}.`);
  if (stale.length > 0)
    console.log(`Stale equivalent entries in: ${stale.map((summary) => `graders/${summary.id}/equivalent-mutants.ts`).join(", ")}.`);
  if (failed.length > 0) console.log(`Not mutation-tested: ${failed.join(", ")}.`);
  return below.length > 0 || stale.length > 0 || failed.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main();
