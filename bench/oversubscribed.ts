/**
 * `npm run bench:loaded`: grades with the machine oversubscribed, to show that no verdict depends on how busy it
 * is. Starts busy processes (by default two per core, each spinning on a core), then grades `solutions/` and the
 * second correct implementations (graders/<id>/alternatives/) with several fresh seeds and, with `--self-check`,
 * runs the kit's self-check as many times, each on a fresh seed; every grade must be what it is on an idle machine
 * (every point). Prints each run's time and the load average, and exits 1 on any departure.
 *
 * Flags: `--busy N` busy processes, `--runs N` runs with fresh seeds, `--self-check`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freshSeed, plainText } from "#protocol";
import { alternativesOf, writeAlternative } from "../kit/alternatives.ts";
import { catalog } from "../kit/catalog.ts";
import { gradingNodeArgs } from "../kit/cli/node-args.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

let flags: { busy: number; runs: number; selfCheck: boolean };
try {
  const { values } = parseArgs({
    options: { busy: { type: "string" }, runs: { type: "string" }, "self-check": { type: "boolean" } },
    strict: true,
  });
  flags = {
    busy: Number(values.busy ?? availableParallelism() * 2),
    runs: Number(values.runs ?? 3),
    selfCheck: values["self-check"] === true,
  };
  if (!Number.isInteger(flags.busy) || flags.busy < 0 || !Number.isInteger(flags.runs) || flags.runs < 1)
    throw new Error("--busy and --runs take whole numbers");
} catch (error) {
  console.error(
    `bench:loaded: ${error instanceof Error ? error.message : String(error)}\nUsage: npm run bench:loaded [-- --busy N] [--runs N] [--self-check]`,
  );
  process.exit(2);
}

const busy: ChildProcess[] = Array.from({ length: flags.busy }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
const stopBusy = (): void => {
  for (const child of busy) child.kill("SIGKILL");
};
process.on("exit", stopBusy);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const load = (): string => loadavg()[0]?.toFixed(1) ?? "?";
const failures: string[] = [];
console.log(`bench:loaded: ${flags.busy} busy processes on ${availableParallelism()} cores`);

/** Grades with the kit's CLI under `seed` and records every test that did not pass. */
function grade(label: string, seed: number, args: readonly string[]): void {
  const json = join(tmpdir(), `bench-loaded-${process.pid}.json`);
  const started = performance.now();
  spawnSync(
    process.execPath,
    [...gradingNodeArgs(kitRoot), join(kitRoot, "kit", "grade.ts"), ...args, "--seed", String(seed), "--json", json, "--lang", "en"],
    {
      cwd: kitRoot,
      stdio: "ignore",
    },
  );
  const seconds = (performance.now() - started) / 1000;
  try {
    const results = JSON.parse(readFileSync(json, "utf8")) as {
      totals: { score: number; max_score: number };
      tests: { name: string; status: string; message?: string }[];
    };
    console.log(
      `  ${label}, seed ${seed}: ${results.totals.score}/${results.totals.max_score} in ${seconds.toFixed(1)} s (load ${load()})`,
    );
    for (const test of results.tests.filter((candidate) => candidate.status !== "pass"))
      failures.push(`${label}, seed ${seed}: ${test.name}: ${(test.message ?? "").split("\n")[0]}`);
  } catch (error) {
    failures.push(`${label}, seed ${seed}: no results (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    rmSync(json, { force: true });
  }
}

// The solutions, and the second correct implementation of each exercise (graders/<id>/alternatives/).
const alternatives = alternativesOf(
  kitRoot,
  catalog.map((exercise) => exercise.id),
);
const alternativesDir = mkdtempSync(join(tmpdir(), "bench-loaded-"));
for (const alternative of alternatives) writeAlternative(alternative, join(alternativesDir, alternative.name));
try {
  for (let run = 1; run <= flags.runs; run++) {
    const seed = freshSeed();
    grade("solutions", seed, ["--solutions"]);
    for (const alternative of alternatives)
      grade(`${alternative.id} ${alternative.name}`, seed, [alternative.id, "--impl", join(alternativesDir, alternative.name)]);
  }
} finally {
  rmSync(alternativesDir, { recursive: true, force: true });
}

// The self-check, once per run, each with a fresh seed: fixtures, alternatives and hostile code graded as always.
for (let run = 1; flags.selfCheck && run <= flags.runs; run++) {
  const seed = freshSeed();
  const started = performance.now();
  const child = spawnSync(process.execPath, [join(kitRoot, "node_modules", "vitest", "vitest.mjs"), "run", "kit/test/self-check.test.ts"], {
    cwd: kitRoot,
    encoding: "utf8",
    env: { ...process.env, SELF_CHECK_SEED: String(seed) },
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = /Tests\s+(.*)$/m.exec(plainText(child.stdout))?.[1] ?? "?";
  console.log(`  self-check, seed ${seed}: ${summary} in ${seconds.toFixed(1)} s (load ${load()})`);
  if (child.status !== 0) failures.push(`self-check, seed ${seed}, failed:\n${plainText(child.stdout).slice(-4_000)}`);
}

stopBusy();
if (failures.length > 0) {
  for (const failure of failures) console.log(`  ✗ ${failure}`);
  process.exitCode = 1;
} else console.log("bench:loaded: every grade is what it is on an idle machine.");
