/**
 * Grades a whole class the way an instructor does (`npm run grade -- --submissions DIR`, a fresh seed) and checks
 * every grade it writes: copies of the reference solutions must earn every point, copies of the stubs none, and
 * every hostile fixture exactly what kit/test/hostile/fixtures.ts says. Prints the wall time of the run, of a
 * second run that finds nothing changed, and every point given that should not have been.
 *
 *   npm run bench:class [-- --solutions 200 --stubs 200 --keep DIR]
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { catalog } from "../kit/catalog.ts";
import type { LearnerResult } from "../kit/class/learner-result.ts";
import { gradingNodeArgs } from "../kit/cli/node-args.ts";
import { type HostileFixture, hostileFixtures, writeHostileFixture } from "../kit/test/hostile/fixtures.ts";

const kitRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`bench:class: ${name} should be a whole number, got ${String(process.argv[at + 1])}`);
    process.exit(2);
  }
  return value;
}

const solutions = flag("--solutions", 200);
const stubs = flag("--stubs", 200);
const keepAt = process.argv.indexOf("--keep");
const root = keepAt >= 0 ? resolve(process.argv[keepAt + 1] ?? "class-drill") : mkdtempSync(join(tmpdir(), "class-drill-"));
const submissions = join(root, "submissions");
const out = join(root, "out");
rmSync(root, { recursive: true, force: true });
mkdirSync(submissions, { recursive: true });

const pad = (n: number): string => String(n).padStart(3, "0");
for (let i = 1; i <= solutions; i++)
  cpSync(join(kitRoot, "solutions"), join(submissions, `solution-${pad(i)}`, "exercises"), { recursive: true });
for (let i = 1; i <= stubs; i++) cpSync(join(kitRoot, "exercises"), join(submissions, `stub-${pad(i)}`, "exercises"), { recursive: true });
const hostileOf = new Map<string, HostileFixture>();
for (const fixture of hostileFixtures) {
  const learner = `hostile-${fixture.exercise}--${fixture.name}`;
  writeHostileFixture(kitRoot, fixture, join(submissions, learner, "exercises"));
  hostileOf.set(learner, fixture);
}
const total = solutions + stubs + hostileFixtures.length;
console.log(`bench:class: ${total} submissions (${solutions} solutions, ${stubs} stubs, ${hostileFixtures.length} hostile) in ${root}`);

function grade(): number {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [...gradingNodeArgs(kitRoot), join(kitRoot, "kit", "grade.ts"), "--submissions", submissions, "--out", out, "--lang", "en"],
    { cwd: kitRoot, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, CI: "true" } },
  );
  if (child.status !== 0 && child.status !== 1) {
    console.error(`bench:class: the class run failed (exit ${String(child.status)})`);
    process.exit(1);
  }
  return (performance.now() - started) / 1000;
}

const first = grade();
const second = grade();
const grades = JSON.parse(readFileSync(join(out, "grades.json"), "utf8")) as { seed: number; learners: readonly LearnerResult[] };

/** Every way `learner`'s grade departs from what it must be. */
function problems(learner: LearnerResult, byName: ReadonlyMap<string, LearnerResult>): string[] {
  const found: string[] = [];
  if (learner.learner.startsWith("solution-") && learner.points !== learner.max) {
    found.push(`earned ${learner.points} of ${learner.max}`);
    // What cost a correct solution its points, for whoever has to find out why.
    for (const exercise of learner.exercises) {
      for (const stop of exercise.stops)
        found.push(`  ${exercise.id} task ${String(stop.task)}: stopped (${stop.reason}) in ${String(stop.test)}`);
      for (const test of exercise.failed)
        found.push(`  ${exercise.id} task ${test.task}: ${test.name}: ${test.message.replaceAll("\n", " ⏎ ")}`);
      if (exercise.error !== null) found.push(`  ${exercise.id}: ${exercise.error}`);
    }
  }
  if (learner.learner.startsWith("stub-") && learner.points !== 0) found.push(`a stub earned ${learner.points}`);
  const fixture = hostileOf.get(learner.learner);
  if (fixture === undefined) return found;
  for (const exercise of learner.exercises) {
    if (exercise.id !== fixture.exercise && exercise.points !== 0)
      found.push(`${exercise.id} was not handed in yet earned ${exercise.points}`);
  }
  const own = learner.exercises.find((exercise) => exercise.id === fixture.exercise);
  if (own === undefined) return [...found, `no grade for ${fixture.exercise}`];
  const outcome = fixture.expect;
  if ("earnsAs" in outcome) {
    const control = byName
      .get(`hostile-${fixture.exercise}--${outcome.earnsAs}`)
      ?.exercises.find((exercise) => exercise.id === fixture.exercise);
    for (const task of own.tasks) {
      const expected = control?.tasks.find((candidate) => candidate.n === task.n)?.points;
      if (task.points !== expected) found.push(`task ${task.n}: ${task.points}, ${outcome.earnsAs} earned ${String(expected)}`);
    }
  } else if ("sameAsBase" in outcome || "atMostBase" in outcome) {
    // Its base is a solution (which earns every point, as the solutions of this run show) or a stub (none).
    for (const task of own.tasks) {
      const base = fixture.base === "solution" ? task.max : 0;
      if ("sameAsBase" in outcome ? task.points !== base : task.points > base)
        found.push(`task ${task.n}: ${task.points}, its base (${fixture.base}) earns ${base}`);
    }
  } else if ("loses" in outcome) {
    for (const n of outcome.loses) {
      const task = own.tasks.find((candidate) => candidate.n === n);
      if (task === undefined || task.points >= task.max) found.push(`task ${n} lost nothing`);
    }
  } else {
    const zero = outcome.zero === "all" ? own.tasks.map((task) => task.n) : outcome.zero;
    for (const task of own.tasks) {
      if (zero.includes(task.n) && task.points !== 0) found.push(`task ${task.n}: ${task.points}, expected 0`);
      if (!zero.includes(task.n) && fixture.base === "solution" && task.points !== task.max)
        found.push(`task ${task.n}: ${task.points} of ${task.max}`);
    }
    // Messages are checked in full (with what the code logged) by the kit's self-test; grades.json keeps the
    // failures' messages only, so a missing one is a note here, not a wrong grade.
    const said = [own.error ?? "", ...own.failed.map((test) => test.message)];
    if (!said.some((text) => outcome.says.test(text))) notes.push(`${learner.learner}: grades.json does not say ${String(outcome.says)}`);
  }
  return found;
}

const notes: string[] = [];
const byName = new Map(grades.learners.map((learner) => [learner.learner, learner]));
const wrong = grades.learners.flatMap((learner) => problems(learner, byName).map((problem) => `${learner.learner}: ${problem}`));
const missing = [...hostileOf.keys(), ...Array.from({ length: solutions }, (_, i) => `solution-${pad(i + 1)}`)].filter(
  (name) => !byName.has(name),
);
const maxPoints = catalog.length * 100;
console.log(`bench:class: seed ${grades.seed}, ${grades.learners.length} learners graded (${maxPoints} points each)`);
console.log(
  `bench:class: first run ${first.toFixed(1)} s (${((first * 1000) / total).toFixed(0)} ms per submission), second run (nothing changed) ${second.toFixed(1)} s`,
);
for (const note of notes) console.log(`  · ${note}`);
if (wrong.length > 0 || missing.length > 0) {
  for (const line of [...wrong, ...missing.map((name) => `${name}: no grade`)]) console.log(`  ✗ ${line}`);
  process.exitCode = 1;
} else console.log("bench:class: every grade is what it must be; no submission got a point it should not.");
if (keepAt < 0 && existsSync(root)) rmSync(root, { recursive: true, force: true });
