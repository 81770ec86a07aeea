/**
 * The plumbing of `npm run mutation` (kit/mutation/), without its whole run (minutes): the subject's environment,
 * the record of equivalent mutants, and one real Stryker run on one line of a solution, where a mutant the graders
 * catch is killed and a recorded equivalent mutant is set apart.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ACTIVE_MUTANT_ENV, sandboxEnv } from "../../subject/sandbox.ts";
import { catalog } from "../catalog.ts";
import { applyMutant, exerciseFolderOf } from "../mutation/checker.ts";
import { type DescribedMutant, type EquivalentMutant, matchEquivalents } from "../mutation/equivalents.ts";
import { describeMutants, type ExerciseSummary, loadEquivalents, parseArgs, summarize, survivorLine } from "../mutation/run.ts";
import { repoRoot } from "./workflow-harness.ts";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the subject's environment in a mutation run", () => {
  it("should hold the active mutant's id when the plan names one, and nothing else more", () => {
    const plain = sandboxEnv();
    expect(plain[ACTIVE_MUTANT_ENV]).toBeUndefined();
    expect(sandboxEnv("42")).toEqual({ ...plain, [ACTIVE_MUTANT_ENV]: "42" });
  });

  it("should refuse a mutant id that is not a number", () => {
    for (const id of ["", "abc", "1 2", "1\nPATH=/tmp", "-1", "1".repeat(10)])
      expect(() => sandboxEnv(id)).toThrow(/a mutant id is a number/);
  });
});

const mutant = (fields: Partial<DescribedMutant>): DescribedMutant => ({
  id: "1",
  file: "solutions/99-x/x.ts",
  mutator: "EqualityOperator",
  original: "a < b",
  replacement: "a <= b",
  line: 10,
  column: 5,
  status: "Survived",
  ...fields,
});
const entry = (fields: Partial<EquivalentMutant>): EquivalentMutant => ({
  file: "solutions/99-x/x.ts",
  mutator: "EqualityOperator",
  original: "a < b",
  replacement: "a <= b",
  reason: "why",
  ...fields,
});

describe("the record of equivalent mutants", () => {
  it("should match a mutant by file, mutator and code, whitespace runs as one space", () => {
    const { explained, stale } = matchEquivalents([entry({ original: "a  <\n b" })], [mutant({})]);
    expect(explained.map(({ mutant }) => mutant.id)).toEqual(["1"]);
    expect(stale).toEqual([]);
  });

  it("should take the mutant nearest its line among alike ones, each mutant once", () => {
    const mutants = [mutant({ id: "1", line: 10 }), mutant({ id: "2", line: 30 }), mutant({ id: "3", line: 50 })];
    const { explained } = matchEquivalents([entry({ line: 33 }), entry({ line: 29 })], mutants);
    expect(explained.map(({ mutant }) => mutant.id).sort()).toEqual(["1", "2"]);
  });

  it("should match the start of long code when the entry ends in …", () => {
    const long = mutant({ mutator: "BlockStatement", original: "{ this.x = 1; this.y = 2; }", replacement: "{}" });
    expect(
      matchEquivalents([entry({ mutator: "BlockStatement", original: "{ this.x = 1;…", replacement: "{}" })], [long]).explained,
    ).toHaveLength(1);
  });

  it("should flag an entry that matches no mutant, or one the tests now detect", () => {
    const { explained, stale } = matchEquivalents(
      [entry({ replacement: "a >= b" }), entry({})],
      [mutant({ status: "Killed" }), mutant({ id: "2", replacement: "a > b" })],
    );
    expect(explained).toEqual([]);
    expect(stale.map(({ why }) => why)).toEqual(["it matches no mutant", "the tests now detect it (Killed)"]);
  });

  it("should describe every entry of every exercise's record with code that is in its file", async () => {
    for (const exercise of catalog) {
      for (const recorded of await loadEquivalents(repoRoot, exercise.id)) {
        expect(recorded.file.startsWith(`solutions/${exercise.id}/`), recorded.file).toBe(true);
        const source = readFileSync(join(repoRoot, recorded.file), "utf8").replace(/\s+/g, " ");
        expect(source, `${recorded.file}: ${recorded.original}`).toContain(recorded.original.replace(/\s+/g, " ").replace(/…$/, ""));
        expect(recorded.reason.trim(), `${recorded.file}:${recorded.line}`).not.toMatch(/^(…|)$/);
        expect(recorded.reason, `${recorded.file}:${recorded.line}`).not.toContain("\n");
      }
    }
  });
});

describe("the summary of an exercise", () => {
  it("should count every mutant once and score without the equivalent mutants it explains", () => {
    const mutants = [
      mutant({ id: "1", status: "Killed" }),
      mutant({ id: "2", status: "Timeout", line: 20 }),
      mutant({ id: "3", line: 30 }),
      mutant({ id: "4", line: 40, replacement: "a > b" }),
      mutant({ id: "5", line: 50, status: "CompileError" }),
    ];
    const summary = summarize("99-x", mutants, [entry({ line: 30 })], 1);
    expect(summary).toMatchObject({
      killed: 1,
      timeout: 1,
      survived: 1,
      equivalent: 1,
      compileErrors: 1,
      other: 0,
      score: 66.66,
      strykerScore: 50,
    });
    expect(summary.survivors.map(({ id }) => id)).toEqual(["4"]);
    expect(survivorLine(summary.survivors[0] as DescribedMutant)).toBe("solutions/99-x/x.ts:40:5 EqualityOperator: a < b → a > b");
  });
});

describe("the checker's copies", () => {
  it("should apply a mutant at Stryker's positions (line and column from 0)", () => {
    const text = "const a = 1;\nif (a < 2) go();\n";
    expect(applyMutant(text, { location: { start: { line: 1, column: 4 }, end: { line: 1, column: 9 } }, replacement: "a <= 2" })).toBe(
      "const a = 1;\nif (a <= 2) go();\n",
    );
  });

  it("should find the exercise folder of a mutated file", () => {
    expect(exerciseFolderOf("/kit", "/kit/solutions/06-order-book/order-book.ts")).toBe(join("/kit", "solutions", "06-order-book"));
    expect(() => exerciseFolderOf("/kit", "/elsewhere/x.ts")).toThrow();
  });
});

describe("npm run mutation", () => {
  it("should read its arguments", () => {
    expect(parseArgs(["--", "06-order-book", "--threshold", "90"])).toMatchObject({
      ids: ["06-order-book"],
      threshold: 90,
    });
    expect(parseArgs([]).ids).toEqual(catalog.map((exercise) => exercise.id));
    expect(() => parseArgs(["99-nothing"])).toThrow(/unknown argument/);
    expect(() => parseArgs(["--threshold", "101"])).toThrow(/from 0 to 100/);
    expect(parseArgs(["06-order-book", "--lines", "110-130"]).lines).toEqual({ from: 110, to: 130 });
    expect(() => parseArgs(["--lines", "110-130"])).toThrow(/one exercise/);
    expect(() => parseArgs(["06-order-book", "--lines", "130-110"])).toThrow(/range of lines/);
  });

  it("should kill a mutant the graders catch and set apart the equivalent mutant the exercise records", () => {
    const file = "solutions/06-order-book/order-book.ts";
    // One line of the solution: OrderIndex.sideOf, whose `+ SIDE` is recorded as equivalent (SIDE is 0).
    const line =
      1 +
      readFileSync(join(repoRoot, file), "utf8")
        .split("\n")
        .findIndex((text) => text.includes("[OrderIndex.at(id) + SIDE]"));
    expect(line).toBeGreaterThan(0);
    const out = mkdtempSync(join(tmpdir(), "kit-mutation-reports-"));
    temps.push(out);
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "kit", "test", "helpers", "mutate-lines.ts"), file, `${line}-${line}`, out],
      {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 170_000,
        env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_)/.test(key))),
      },
    );
    if (child.status !== 0) throw new Error(`the mutation run failed (${String(child.status)}): ${child.stdout}\n${child.stderr}`);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as ExerciseSummary;
    const mutants = describeMutants(JSON.parse(readFileSync(join(out, "mutation.json"), "utf8")));
    const on = (replacement: string): DescribedMutant | undefined => mutants.find((found) => found.replacement === replacement);

    // A page looked up at id * PAGE instead of id / PAGE: the graders see cancels fail.
    expect(on("id * PAGE")?.status).toBe("Killed");
    // `?.` dropped: TypeScript refuses it, as npm run grade would.
    expect(on("this.pages[Math.floor(id / PAGE)].cells")?.status).toBe("CompileError");
    // `- SIDE` survives, and the record in graders/06-order-book/equivalent-mutants.ts explains it.
    expect(on("OrderIndex.at(id) - SIDE")?.status).toBe("Survived");
    expect(summary.equivalent).toBe(1);
    expect(summary.survivors.map(survivorLine)).toEqual([]);
    expect(summary.score).toBe(100);
    expect(existsSync(join(out, "mutation.html"))).toBe(true);
    expect(readFileSync(join(out, "survivors.txt"), "utf8")).toContain("0 surviving mutants");
  }, 180_000);
});
