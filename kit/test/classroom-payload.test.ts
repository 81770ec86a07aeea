import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { catalog } from "../catalog.ts";
import type { GradedExercise, GradeReport } from "../judge.ts";
import { CLASSROOM_LIMITS, type ClassroomResults, classroomOutputLine, classroomResults, clip, markdownSummary } from "../outputs.ts";
import { classroomSchema, validate } from "./helpers/schema.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "classroom-payload-"));
/** What grade.yml's reporter step may hold in its one environment variable; Linux allows 128 KiB. */
const LIMIT = 64 * 1024;

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The size of `GRADING_RESULTS=<base64>`, the string the reporter's environment holds. */
const envSize = (results: ClassroomResults): number =>
  Buffer.byteLength(`GRADING_RESULTS=${classroomOutputLine(results).slice("result=".length).trimEnd()}`);

describe("the Classroom reporter's input", () => {
  /** Grades `implDir` as grade.yml does, and reads the Classroom JSON it wrote. */
  function graded(name: string, args: readonly string[]): ClassroomResults {
    const file = join(tmp, `${name}.json`);
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_|GITHUB_)/.test(key)),
    );
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", join(kitRoot, "kit", "grade.ts"), ...args, "--seed", "fresh", "--classroom", file],
      {
        cwd: kitRoot,
        encoding: "utf8",
        timeout: 120_000,
        env: { ...base, LANG: "es_ES.UTF-8" },
      },
    );
    expect(child.status, child.stderr).not.toBeNull();
    return JSON.parse(readFileSync(file, "utf8")) as ClassroomResults;
  }

  it.each([
    ["a stub", () => graded("stub", [])],
    [
      "a half-done submission",
      () => {
        const impl = join(tmp, "half");
        cpSync(join(kitRoot, "exercises"), impl, { recursive: true });
        for (const exercise of catalog.slice(0, 3))
          cpSync(join(kitRoot, "solutions", exercise.id), join(impl, exercise.id), { recursive: true });
        return graded("half", ["--impl", impl]);
      },
    ],
    ["a complete submission", () => graded("complete", ["--solutions"])],
  ])("should stay under 64 KiB for %s, one entry per task", { timeout: 150_000 }, (_, grade) => {
    const results = grade();
    expect(validate(results, classroomSchema)).toEqual([]);
    expect(results.tests).toHaveLength(catalog.reduce((sum, exercise) => sum + exercise.tasks.length, 0));
    expect(envSize(results)).toBeLessThan(LIMIT);
  });

  it("should stay under 64 KiB for any submission: every test failing with huge messages of escapes and accents", () => {
    // What a learner's code controls: the values in its failure messages and what it prints. Titles and test names
    // are the kit's.
    const hostile = `${'\u0001ñ\u001b[2J€𝄞\\"'.repeat(10_000)}`;
    const exercises: GradedExercise[] = catalog.map((exercise) => ({
      id: exercise.id,
      title: exercise.title,
      points: 100,
      earned: 0,
      status: "fail",
      typeErrors: [],
      uncompiled: [],
      error: null,
      stops: [],
      unlisted: [],
      orphans: [],
      tasks: exercise.tasks.map((task) => ({
        n: task.n,
        title: task.title,
        points: task.points,
        earned: 0,
        tests: Array.from({ length: 500 }, (_, i) => ({
          name: `should ${"do something rather long ".repeat(20)}${i}`,
          task: task.n,
          passed: false,
          message: hostile,
          output: [hostile],
          file: `graders/${exercise.id}/${exercise.file.replace(/\.ts$/, ".test.ts")}`,
          line: 1,
          durationMs: 1,
          points: 0,
          earned: 0,
          hung: false,
          testCode: hostile,
        })),
      })),
    }));
    const report: GradeReport = { exercises, seed: 1, lang: "es", points: 600, earned: 0 };
    const results = classroomResults(report);
    expect(validate(JSON.parse(JSON.stringify(results)), classroomSchema)).toEqual([]);
    expect(envSize(results)).toBeLessThan(LIMIT);
    for (const test of results.tests) {
      expect(Buffer.byteLength(JSON.stringify(test.message))).toBeLessThanOrEqual(CLASSROOM_LIMITS.message);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
      expect(test.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    }
    // The job summary folds each message to a bounded length too.
    expect(Buffer.byteLength(markdownSummary(report))).toBeLessThan(1024 * 1024);
  });
});

describe("clip", () => {
  it("should cut on a character boundary, escapes counted, and leave a short text alone", () => {
    expect(clip("short", 100)).toBe("short");
    const cut = clip("𝄞".repeat(100), 42);
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(42);
    expect(cut.endsWith("…")).toBe(true);
    expect([...cut.slice(0, -1)].every((char) => char === "𝄞")).toBe(true);
    expect(clip("a\u0000b", 100)).toBe("ab");
  });
});
