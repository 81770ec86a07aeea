import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyFixture, type Fixture, testName } from "#protocol";
import { alternativesOf, writeAlternative } from "../alternatives.ts";
import type { BatchEntry } from "../batch.ts";
import { catalog } from "../catalog.ts";
import { compareWithManifest } from "../checksums.ts";
import { gradingNodeArgs } from "../cli/node-args.ts";
import { readExpectedTests } from "../expected-tests.ts";
import type { GradedExercise, GradeReport } from "../judge.ts";
import { classroomResults, exercismResults } from "../outputs.ts";
import { makeStyle, renderReport } from "../render.ts";
import { classroomSchema, exercismSchema, validate } from "./helpers/schema.ts";
import { hostileFixtures, hostileVerdict, writeHostileFixture } from "./hostile/fixtures.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const kitVerdict = compareWithManifest(kitRoot);
const graded = catalog.filter((exercise) => existsSync(join(kitRoot, "graders", exercise.id)));
const ids = graded.map((exercise) => exercise.id);

const fixturesOf = new Map<string, readonly Fixture[]>();
for (const id of ids) {
  const path = join(kitRoot, "graders", id, "fixtures.ts");
  if (existsSync(path)) fixturesOf.set(id, ((await import(path)) as { fixtures: readonly Fixture[] }).fixtures);
}
const allFixtures = [...fixturesOf].flatMap(([id, fixtures]) => fixtures.map((fixture) => ({ id, fixture })));
const alternatives = alternativesOf(kitRoot, ids);
const alternativeKey = (id: string, name: string): string => `alternative--${id}--${name}`;

/** The line of the solution where the type-error fixture puts its mistake. */
const typeErrorLine = 26;

let reports: Record<string, GradeReport> = {};

/** This process's environment without vitest's own variables, which would confuse the vitest the batch starts. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_)/.test(key)));
}
const tmp = mkdtempSync(join(tmpdir(), "grade-self-check-"));

/** Fixtures whose every task a test below reads (the tasks they do not break keep their points). */
const GRADED_WHOLE = new Set(["01-price-cache--hangs-sync-loop", "01-price-cache--hangs-never-replies"]);

const hostileKey = (exercise: string, name: string): string => `hostile--${exercise}--${name}`;

function exerciseOf(key: string, id: string): GradedExercise {
  const exercise = reports[key]?.exercises.find((candidate) => candidate.id === id);
  if (exercise === undefined) throw new Error(`no report for ${id} in ${key}`);
  return exercise;
}

beforeAll(() => {
  const entries: BatchEntry[] = [
    { key: "solutions", implDir: join(kitRoot, "solutions"), ids },
    { key: "stubs", implDir: join(kitRoot, "exercises"), ids },
  ];
  for (const { id, fixture } of allFixtures) {
    const dir = join(tmp, `${id}--${fixture.name}`);
    cpSync(join(kitRoot, "solutions", id), join(dir, id), { recursive: true });
    const file = join(dir, id, fixture.file);
    writeFileSync(file, applyFixture(readFileSync(file, "utf8"), fixture));
    const key = `${id}--${fixture.name}`;
    // Graded on the tasks it breaks only, which is what is asserted of it, unless a test below reads its others.
    entries.push({ key, implDir: dir, ids: [id], ...(GRADED_WHOLE.has(key) ? {} : { tasks: fixture.breaks }) });
  }
  for (const alternative of alternatives) {
    const key = alternativeKey(alternative.id, alternative.name);
    writeAlternative(alternative, join(tmp, key));
    entries.push({ key, implDir: join(tmp, key), ids: [alternative.id] });
  }
  const typeErrorDir = join(tmp, "type-error");
  cpSync(join(kitRoot, "solutions", "01-price-cache"), join(typeErrorDir, "01-price-cache"), { recursive: true });
  const file = join(typeErrorDir, "01-price-cache", "price-cache.ts");
  const lines = readFileSync(file, "utf8").split("\n");
  lines.splice(typeErrorLine - 1, 0, `    const oops: number = "not a number";`);
  writeFileSync(file, lines.join("\n"));
  entries.push({ key: "type-error", implDir: typeErrorDir, ids: ["01-price-cache"] });
  // The same mistake inside put, which task 1 does not use.
  const inPutDir = join(tmp, "type-error-in-put");
  cpSync(join(kitRoot, "solutions", "01-price-cache"), join(inPutDir, "01-price-cache"), { recursive: true });
  const inPut = join(inPutDir, "01-price-cache", "price-cache.ts");
  writeFileSync(
    inPut,
    readFileSync(inPut, "utf8").replace(/^(export function put\(.*\n)/m, (line) => `${line}  const oops: number = "not a number";\n`),
  );
  entries.push({ key: "type-error-in-put", implDir: inPutDir, ids: ["01-price-cache"] });

  for (const fixture of hostileFixtures) {
    const dir = join(tmp, `hostile--${fixture.exercise}--${fixture.name}`);
    writeHostileFixture(kitRoot, fixture, dir);
    entries.push({ key: hostileKey(fixture.exercise, fixture.name), implDir: dir, ids: [fixture.exercise] });
  }

  const manifest = join(tmp, "manifest.json");
  const out = join(tmp, "reports.json");
  writeFileSync(manifest, JSON.stringify(entries));
  const child = spawnSync(
    process.execPath,
    [...gradingNodeArgs(kitRoot), join(kitRoot, "kit", "test", "helpers", "run-batch.ts"), manifest, out],
    {
      cwd: kitRoot,
      encoding: "utf8",
      // A backstop only: nothing here is judged by time, and an oversubscribed machine takes several times longer.
      timeout: 1_800_000,
      env: cleanEnv(),
    },
  );
  if (child.status !== 0) throw new Error(`the batch failed (${String(child.status)}): ${child.stderr}`);
  reports = JSON.parse(readFileSync(out, "utf8")) as Record<string, GradeReport>;
}, 1_860_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("graders on solutions/", () => {
  it.each(ids)("should score 100 on %s with every test passing", (id) => {
    const exercise = exerciseOf("solutions", id);
    const failing = exercise.tasks.flatMap((task) =>
      task.tests.filter((test) => !test.passed).map((test) => `${test.name}: ${test.message}`),
    );
    expect(exercise.typeErrors).toEqual([]);
    expect(failing).toEqual([]);
    expect(exercise.earned).toBe(100);
    expect(exercise.status).toBe("pass");
  });

  it.each(ids)("should put every test of %s inside a task of the catalog, every task with a test", (id) => {
    const exercise = exerciseOf("solutions", id);
    expect(exercise.orphans).toEqual([]);
    for (const task of exercise.tasks) expect(task.tests.length, `task ${task.n}`).toBeGreaterThan(0);
  });
});

describe("graders on second correct implementations (graders/<id>/alternatives/)", () => {
  it("should have one for every exercise", () => {
    expect(ids.filter((id) => !alternatives.some((alternative) => alternative.id === id))).toEqual([]);
  });

  it.each(alternatives.map((alternative) => [`${alternative.id} ${alternative.name}`, alternative] as const))(
    "should score 100 on %s with every test passing",
    (_title, alternative) => {
      const exercise = exerciseOf(alternativeKey(alternative.id, alternative.name), alternative.id);
      const failing = exercise.tasks.flatMap((task) =>
        task.tests.filter((test) => !test.passed).map((test) => `${test.name}: ${test.message}`),
      );
      expect(exercise.typeErrors).toEqual([]);
      expect(failing).toEqual([]);
      expect(exercise.earned).toBe(100);
    },
  );
});

describe("the manifest of expected tests", () => {
  it.each(ids)("should list every test the grader of %s reports (npm run expected-tests writes it)", (id) => {
    expect(exerciseOf("solutions", id).unlisted).toEqual([]);
    expect(Object.values(readExpectedTests(kitRoot)[id] ?? {}).flat().length).toBeGreaterThan(0);
  });
});

describe("graders on the shipped stubs", () => {
  it.each(ids)("should fail every test of %s", (id) => {
    const exercise = exerciseOf("stubs", id);
    const passing = exercise.tasks.flatMap((task) => task.tests.filter((test) => test.passed).map((test) => test.name));
    expect(exercise.typeErrors, "the stub should compile").toEqual([]);
    expect(passing).toEqual([]);
    expect(exercise.earned).toBe(0);
  });
});

describe("known-wrong fixtures", () => {
  it.each(allFixtures.map(({ id, fixture }) => [`${id} ${fixture.name}`, id, fixture] as const))(
    "should make %s lose points on the tasks it breaks",
    (_title, id, fixture) => {
      const exercise = exerciseOf(`${id}--${fixture.name}`, id);
      expect(exercise.typeErrors, "the fixture should compile").toEqual([]);
      expect(fixture.breaks.length).toBeGreaterThan(0);
      for (const n of fixture.breaks) {
        const task = exercise.tasks.find((candidate) => candidate.n === n);
        expect(task, `task ${n} exists`).toBeDefined();
        expect(task?.earned, `task ${n} of ${fixture.name}`).toBeLessThan(task?.points ?? 0);
      }
    },
  );

  it("should grade a fixture on the tasks it breaks only: the others do not run and earn nothing", () => {
    const partial = allFixtures.filter(({ id, fixture }) => !GRADED_WHOLE.has(`${id}--${fixture.name}`));
    expect(partial.length).toBeGreaterThan(0);
    for (const { id, fixture } of partial) {
      const others = exerciseOf(`${id}--${fixture.name}`, id).tasks.filter((task) => !fixture.breaks.includes(task.n));
      expect(others.flatMap((task) => task.tests.filter((test) => test.passed).map((test) => `${fixture.name}: ${test.name}`))).toEqual([]);
    }
  });

  it("should report a synchronous infinite loop as a hang on its test, and grade the others in a new process", () => {
    const exercise = exerciseOf("01-price-cache--hangs-sync-loop", "01-price-cache");
    expect(exercise.stops[0]).toEqual({
      reason: "hang",
      task: 3,
      test: testName({ en: "should give undefined for a symbol never stored", es: "debería dar undefined para un símbolo nunca guardado" }),
    });
    expect(exercise.stops.every((stop) => stop.reason === "hang" && (stop.task === 3 || stop.task === 5))).toBe(true);
    const task3 = exercise.tasks.find((task) => task.n === 3);
    expect(task3?.tests.find((test) => test.hung)?.message).toMatch(/hung/);
    // The tasks that never ask for an unknown symbol keep all their points, before and after the hangs.
    const earned = Object.fromEntries(exercise.tasks.map((task) => [task.n, task.earned]));
    expect(earned).toMatchObject({ 1: 15, 2: 30, 3: 0, 4: 20 });
    expect(exerciseOf("solutions", "01-price-cache").earned).toBe(100);
  });

  it("should report a promise that never settles as a failure of its task saying so", () => {
    const exercise = exerciseOf("01-price-cache--hangs-never-replies", "01-price-cache");
    const task3 = exercise.tasks.find((task) => task.n === 3);
    expect(task3?.tests[0]?.message).toMatch(/^It never answered: it sat waiting with nothing to do/);
    expect(exercise.stops.length).toBeGreaterThan(0);
    expect(exercise.stops.every((stop) => stop.reason === "no-answer" && (stop.task === 3 || stop.task === 5))).toBe(true);
    expect(exercise.tasks.find((task) => task.n === 4)?.earned).toBe(20);
  });
});

describe("hostile and broken submissions", () => {
  it.each(hostileFixtures.map((fixture) => [`${fixture.exercise} ${fixture.name}`, fixture] as const))(
    "should grade %s as its outcome says, and say what happened",
    (_title, fixture) => {
      const exercise = exerciseOf(hostileKey(fixture.exercise, fixture.name), fixture.exercise);
      const base = exerciseOf(fixture.base === "stub" ? "stubs" : "solutions", fixture.exercise);
      const problems = hostileVerdict(fixture, exercise, base, (name) => reports[hostileKey(fixture.exercise, name)]?.exercises[0]);
      expect(problems).toEqual([]);
    },
  );

  it.each(hostileFixtures.map((fixture) => [`${fixture.exercise} ${fixture.name}`, fixture] as const))(
    "should print the report of %s with no control character the code put in it",
    (_title, fixture) => {
      const report = reports[hostileKey(fixture.exercise, fixture.name)] as GradeReport;
      const text = renderReport(report, makeStyle(false), catalog, "submission", "", kitVerdict);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
      expect(text.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g) ?? []).toEqual([]);
    },
  );
});

describe("type errors", () => {
  it("should report a type error as one file, line and message instead of the tests", () => {
    const exercise = exerciseOf("type-error", "01-price-cache");
    expect(exercise.status).toBe("error");
    expect(exercise.earned).toBe(0);
    expect(exercise.typeErrors).toHaveLength(1);
    expect(exercise.typeErrors[0]?.line).toBe(typeErrorLine);
    expect(exercise.typeErrors[0]?.file).toMatch(/price-cache\.ts$/);
    expect(exercise.typeErrors[0]?.message).toMatch(/not assignable to type 'number'/);
    const results = exercismResults(reports["type-error"] as GradeReport);
    expect(results.status).toBe("error");
    expect(results.message).toMatch(new RegExp(`price-cache\\.ts:${typeErrorLine}:`));
  });

  it("should withhold only the tasks that use the function with a type error, and grade the others", () => {
    const exercise = exerciseOf("type-error-in-put", "01-price-cache");
    expect(exercise.typeErrors.map((error) => error.within)).toEqual(["put"]);
    expect(exercise.status).toBe("fail");
    const usingPut = (catalog.find((entry) => entry.id === "01-price-cache")?.tasks ?? []).filter((task) => task.uses?.includes("put"));
    expect(exercise.uncompiled).toEqual(usingPut.map((task) => task.n));
    for (const task of exercise.tasks) {
      if (exercise.uncompiled.includes(task.n)) {
        expect(task.earned, `task ${task.n}`).toBe(0);
        expect(task.tests[0]?.message).toMatch(/this task uses put, which does not compile/);
      } else expect(task.earned, `task ${task.n}`).toBe(task.points);
    }
    expect(exercise.earned).toBeGreaterThan(0);
  });
});

describe("output formats", () => {
  const keys = ["solutions", "stubs", "type-error", "01-price-cache--hangs-sync-loop"];

  it.each(keys)("should write a valid Exercism results.json (v3) for %s", (key) => {
    const results = exercismResults(reports[key] as GradeReport);
    const roundTrip = JSON.parse(JSON.stringify(results)) as unknown;
    expect(validate(roundTrip, exercismSchema)).toEqual([]);
    expect(results.tests.length).toBeGreaterThan(0);
    expect(results.totals.max_score).toBe(100 * (reports[key]?.exercises.length ?? 0));
  });

  it.each(keys)("should write a valid Classroom reporter JSON for %s, scores summing to the total", (key) => {
    const report = reports[key] as GradeReport;
    const results = classroomResults(report);
    const roundTrip = JSON.parse(JSON.stringify(results)) as typeof results;
    expect(validate(roundTrip, classroomSchema)).toEqual([]);
    expect(roundTrip.tests.reduce((sum, test) => sum + test.score, 0)).toBe(report.earned);
    expect(roundTrip.max_score).toBe(report.points);
  });

  it("should give the tests' points summing to each task's points", () => {
    for (const exercise of reports.solutions?.exercises ?? []) {
      for (const task of exercise.tasks)
        expect(
          task.tests.reduce((sum, test) => sum + test.points, 0),
          `${exercise.id} task ${task.n}`,
        ).toBe(task.points);
    }
  });
});
