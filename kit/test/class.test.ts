import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyFixture, type Fixture } from "#protocol";
import { cacheKey, type GradingContext } from "../class/cache.ts";
import type { ClassGrades } from "../class/class-grades.ts";
import { csvCell } from "../class/csv.ts";
import type { ExerciseResult, LearnerResult } from "../class/learner-result.ts";
import { mergeClassGrades } from "../class/merge.ts";
import { classCommand, parseShard } from "../class/options.ts";
import { runClass } from "../class/run-class.ts";
import { MAX_FILES, readSubmission, selectShard, slotName } from "../class/submissions.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "grade-class-"));
const submissions = join(tmp, "submissions");
const ids = ["01-price-cache", "02-price-monitor"] as const;
/** A learner id a spreadsheet would read as a formula; Windows forbids `"` in a folder name. */
const formulaId = process.platform === "win32" ? "=cmd,x" : '=cmd,"x"';

/** Runs `npm run grade -- …` as an instructor would, without vitest's variables, in English. */
function grade(args: readonly string[]) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_|GITHUB_OUTPUT$|LANG|LC_|NO_COLOR)/.test(key)),
  );
  const child = spawnSync(process.execPath, ["--import", "tsx", join(kitRoot, "kit", "grade.ts"), ...args], {
    cwd: kitRoot,
    encoding: "utf8",
    timeout: 90_000,
    env: { ...env, LANG: "en_US.UTF-8" },
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

const gradeClass = (out: string, ...extra: string[]) => grade(["--submissions", submissions, "--out", out, ...extra, ...ids]);

/** An RFC 4180 reader, enough for the kit's own CSVs: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length > 0) throw new Error(`parseCsv: the last record does not end with CRLF: ${JSON.stringify(row)}`);
  return rows;
}

const readGrades = (out: string): ClassGrades => JSON.parse(readFileSync(join(out, "grades.json"), "utf8")) as ClassGrades;

function exerciseOf(grades: ClassGrades, learner: string, id: string): ExerciseResult {
  const found = grades.learners.find((candidate) => candidate.learner === learner)?.exercises.find((exercise) => exercise.id === id);
  if (found === undefined) throw new Error(`no ${id} for ${learner}`);
  return found;
}

const out = join(tmp, "out");
let first: ReturnType<typeof grade>;

beforeAll(async () => {
  const copy = (from: string, to: string): void => cpSync(join(kitRoot, from), join(submissions, to), { recursive: true });
  // ana: a folder laid out like exercises/, with the solution of 01 only.
  copy("solutions/01-price-cache", "ana/01-price-cache");
  // bea: the stubs; her 02 holds a file too large to grade.
  copy("exercises/01-price-cache", "bea/01-price-cache");
  copy("exercises/02-price-monitor", "bea/02-price-monitor");
  writeFileSync(join(submissions, "bea", "02-price-monitor", "data.ts"), `export const data = "${"x".repeat(1_100_000)}";\n`);
  // A wrong implementation of 01 under a name that is a formula; its 02 links out of the submission.
  const { fixtures } = (await import(join(kitRoot, "graders", "01-price-cache", "fixtures.ts"))) as { fixtures: readonly Fixture[] };
  const fixture = fixtures.find((candidate) => candidate.name === "name-not-registered");
  if (fixture === undefined) throw new Error("the fixture name-not-registered of 01-price-cache is gone");
  copy("solutions/01-price-cache", `${formulaId}/01-price-cache`);
  const wrong = join(submissions, formulaId, "01-price-cache", fixture.file);
  writeFileSync(wrong, applyFixture(readFileSync(wrong, "utf8"), fixture));
  copy("exercises/02-price-monitor", `${formulaId}/02-price-monitor`);
  const outside = join(tmp, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.ts"), "export const secret = 1;\n");
  symlinkSync(outside, join(submissions, formulaId, "02-price-monitor", "lib"), "junction");
  // dan: a clone of the kit with the solution of 01, the stub of 02, and graders, runtime and package.json of
  // their own that would fail everything if they were used.
  copy("exercises", "dan/exercises");
  copy("solutions/01-price-cache", "dan/exercises/01-price-cache");
  copy("graders/01-price-cache", "dan/graders/01-price-cache");
  writeFileSync(
    join(submissions, "dan", "graders", "01-price-cache", "price-cache.test.ts"),
    'throw new Error("the learner\'s grader");\n',
  );
  mkdirSync(join(submissions, "dan", "runtime"));
  writeFileSync(join(submissions, "dan", "runtime", "index.ts"), 'throw new Error("the learner\'s runtime");\n');
  writeFileSync(join(submissions, "dan", "package.json"), '{ "imports": { "#runtime": "./runtime/index.ts" } }\n');
  // Not learners: a dot-folder and a file.
  mkdirSync(join(submissions, ".git"));
  writeFileSync(join(submissions, "roster.txt"), "ana\nbea\n");
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("npm run grade -- --submissions", () => {
  beforeAll(() => {
    first = gradeClass(out, "--lang", "en");
  }, 90_000);

  it("should grade each learner's exercises with the kit's own graders and runtime", () => {
    expect(first.stderr).toContain("graded 4/4 submissions");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Submissions: 4; graded: 4; reused (unchanged): 0; not graded: 0.");
    const grades = readGrades(out);
    expect(grades.learners.map((learner) => learner.learner)).toEqual([formulaId, "ana", "bea", "dan"]);
    expect(exerciseOf(grades, "ana", "01-price-cache")).toMatchObject({ status: "pass", points: 100, max: 100 });
    expect(exerciseOf(grades, "dan", "01-price-cache")).toMatchObject({ status: "pass", points: 100 });
    expect(exerciseOf(grades, "dan", "02-price-monitor")).toMatchObject({ status: "fail", points: 0, max: 100 });
    expect(exerciseOf(grades, "bea", "01-price-cache")).toMatchObject({ status: "fail", points: 0 });
    const wrong = exerciseOf(grades, formulaId, "01-price-cache");
    expect(wrong.status).toBe("fail");
    expect(wrong.tasks.find((task) => task.n === 4)?.points).toBeLessThan(20);
    expect(wrong.points).toBeGreaterThan(0);
    expect(wrong.failed.length).toBeGreaterThan(0);
  });

  it("should score a missing exercise 0 as missing, and reject a symbolic link and a file over 1 MB", () => {
    const grades = readGrades(out);
    expect(exerciseOf(grades, "ana", "02-price-monitor")).toMatchObject({ status: "missing", problem: "missing", points: 0, max: 100 });
    const large = exerciseOf(grades, "bea", "02-price-monitor");
    expect(large).toMatchObject({ status: "rejected", points: 0 });
    expect(large.error).toContain("02-price-monitor/data.ts");
    expect(large.error).toContain("1 MB");
    const link = exerciseOf(grades, formulaId, "02-price-monitor");
    expect(link).toMatchObject({ status: "rejected", points: 0 });
    expect(link.error).toContain("02-price-monitor/lib is a symbolic link");
    expect(existsSync(join(out, ".staging", slotName(formulaId), "02-price-monitor"))).toBe(false);
  });

  it("should stage only the .ts files of the exercises, never the learner's graders or configuration", () => {
    const staged = join(out, ".staging", "dan");
    expect(existsSync(join(staged, "01-price-cache", "price-cache.ts"))).toBe(true);
    expect(existsSync(join(staged, "01-price-cache", "README.md"))).toBe(false);
    expect(existsSync(join(staged, "03-price-worker"))).toBe(false);
    expect(existsSync(join(staged, "graders"))).toBe(false);
    expect(existsSync(join(staged, "package.json"))).toBe(false);
  });

  it("should write one CSV row per learner, exercise and task, RFC 4180 quoted and safe from formulas", () => {
    const text = readFileSync(join(out, "grades.csv"), "utf8");
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["learner", "exercise", "task", "points", "max", "status"]);
    // 5 tasks in 01 and 4 in 02, for each of the 4 learners.
    expect(rows).toHaveLength(1 + 4 * 9);
    expect(rows.filter((row) => row[0] === "ana" && row[1] === "01-price-cache")).toEqual([
      ["ana", "01-price-cache", "1", "15", "15", "pass"],
      ["ana", "01-price-cache", "2", "30", "30", "pass"],
      ["ana", "01-price-cache", "3", "15", "15", "pass"],
      ["ana", "01-price-cache", "4", "20", "20", "pass"],
      ["ana", "01-price-cache", "5", "20", "20", "pass"],
    ]);
    expect(rows.filter((row) => row[0] === "ana" && row[1] === "02-price-monitor").map((row) => [row[3], row[5]])).toEqual(
      Array.from({ length: 4 }, () => ["0", "missing"]),
    );
    const wrongRows = rows.filter((row) => row[0] === `'${formulaId}`);
    expect(wrongRows).toHaveLength(9);
    expect(wrongRows.find((row) => row[1] === "01-price-cache" && row[2] === "4")?.[5]).toBe("fail");
    if (formulaId.includes('"')) expect(text).toContain(`\r\n"'=cmd,""x""",01-price-cache,1,`);
    const totals = parseCsv(readFileSync(join(out, "totals.csv"), "utf8"));
    expect(totals[0]).toEqual(["learner", ...ids, "total", "max"]);
    expect(totals.find((row) => row[0] === "ana")).toEqual(["ana", "100", "0", "100", "200"]);
    expect(totals.find((row) => row[0] === "dan")).toEqual(["dan", "100", "0", "100", "200"]);
  });

  it("should record the seed drawn for the out folder, the kit's identity, and summarise the class", () => {
    const grades = readGrades(out);
    expect(readFileSync(join(out, "seed"), "utf8").trim()).toBe(String(grades.seed));
    expect(grades.seed).toBeGreaterThan(0);
    expect(grades.seed).toBeLessThan(2 ** 48);
    expect(grades.kit).toMatch(/^[0-9a-f]{64}$/);
    expect(grades.exercises).toEqual(ids);
    expect(grades.counts).toEqual({ learners: 4, graded: 4, reused: 0, ungraded: 0 });
    const summary = readFileSync(join(out, "summary.md"), "utf8");
    expect(summary).toContain("| Learner | 01-price-cache | 02-price-monitor | Total |");
    expect(summary).toContain("| ana | 100 ✅ | — | 100/200 |");
    expect(summary).toContain(`Seed of the random tests: ${grades.seed}.`);
    expect(summary).toMatch(
      /### Rejected \(2\)\n\n- .+ · 02-price-monitor: 02-price-monitor\/lib is a symbolic link.*\n- bea · 02-price-monitor: 02-price-monitor\/data\.ts is 1\.05 MB/,
    );
    expect(summary).toMatch(/### Not submitted \(1\)\n\n- ana: 02-price-monitor/);
  });

  it("should keep a result per learner with the key it was graded under", () => {
    const cached = JSON.parse(readFileSync(join(out, "results", "ana.json"), "utf8")) as { key: string; result: LearnerResult };
    expect(cached.key).toMatch(/^[0-9a-f]{64}$/);
    expect(cached.result.learner).toBe("ana");
    expect(existsSync(join(out, "results", `${slotName(formulaId)}.json`))).toBe(true);
    expect(slotName(formulaId)).toMatch(/^~[0-9a-f]{20}$/);
  });

  it("should reuse every result when no submission changed", () => {
    const before = readGrades(out);
    const again = gradeClass(out, "--lang", "en");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Submissions: 4; graded: 0; reused (unchanged): 4; not graded: 0.");
    expect(readGrades(out).learners).toEqual(before.learners);
  });

  it("should grade again only the learner whose file changed", () => {
    appendFileSync(join(submissions, "ana", "01-price-cache", "price-cache.ts"), "\n// A last comment.\n");
    const again = gradeClass(out, "--lang", "en");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Submissions: 4; graded: 1; reused (unchanged): 3; not graded: 0.");
    expect(exerciseOf(readGrades(out), "ana", "01-price-cache").points).toBe(100);
  });

  it("should give the same grades split into two shards and merged", () => {
    const seed = String(readGrades(out).seed);
    const one = gradeClass(join(tmp, "shard-1"), "--shard", "1/2", "--seed", seed, "--lang", "en");
    const two = gradeClass(join(tmp, "shard-2"), "--shard", "2/2", "--seed", seed, "--lang", "en");
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(readGrades(join(tmp, "shard-1")).learners.map((learner) => learner.learner)).toEqual([formulaId, "bea"]);
    expect(readGrades(join(tmp, "shard-2")).learners.map((learner) => learner.learner)).toEqual(["ana", "dan"]);
    const merged = join(tmp, "merged");
    const merge = grade(["--merge", join(tmp, "shard-1"), join(tmp, "shard-2"), "--out", merged, "--lang", "en"]);
    expect(merge.stderr).toBe("");
    expect(merge.code).toBe(0);
    expect(merge.stdout).toContain("Merged 2 folders: 4 submissions.");
    for (const file of ["grades.csv", "totals.csv"])
      expect(readFileSync(join(merged, file), "utf8")).toBe(readFileSync(join(out, file), "utf8"));
    const combined = readGrades(merged);
    expect(combined.learners).toEqual(readGrades(out).learners);
    expect(combined).toMatchObject({ seed: Number(seed), kit: readGrades(out).kit, merged: 2, missingShards: [] });
  }, 60_000);

  it("should refuse to merge shards graded with another seed, a learner in two shards, or a folder twice", () => {
    const otherSeed = join(tmp, "other-seed");
    cpSync(join(tmp, "shard-2"), otherSeed, { recursive: true });
    const grades = readGrades(otherSeed);
    writeFileSync(join(otherSeed, "grades.json"), JSON.stringify({ ...grades, seed: grades.seed + 1 }));
    expect(() => mergeClassGrades([join(tmp, "shard-1"), otherSeed], "en")).toThrow("were graded with different seeds");
    const otherKit = join(tmp, "other-kit");
    cpSync(join(tmp, "shard-2"), otherKit, { recursive: true });
    writeFileSync(join(otherKit, "grades.json"), JSON.stringify({ ...grades, kit: "0".repeat(64) }));
    expect(() => mergeClassGrades([join(tmp, "shard-1"), otherKit], "en")).toThrow("were graded by different versions of the kit");
    expect(() => mergeClassGrades([out, join(tmp, "shard-1")], "en")).toThrow("a submission belongs to one shard only");
    expect(() => mergeClassGrades([join(tmp, "shard-1"), join(tmp, "shard-1")], "en")).toThrow("is given twice to --merge");
    mkdirSync(join(tmp, "not-grades"));
    writeFileSync(join(tmp, "not-grades", "grades.json"), '{ "format": "something else" }');
    expect(() => mergeClassGrades([join(tmp, "not-grades")], "en")).toThrow("is not the grades.json of a class grading");
  });

  it("should name the shards missing from a merge, and still write it and exit 0", async () => {
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      written.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture);
    try {
      const code = await runClass(kitRoot, { type: "merge", inputs: [join(tmp, "shard-1")], out: join(tmp, "partial"), lang: "es" });
      expect(code).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(written.join("")).toContain("Faltan partes (2)");
    expect(readGrades(join(tmp, "partial")).missingShards).toEqual([2]);
    expect(readFileSync(join(tmp, "partial", "summary.md"), "utf8")).toContain("⚠️ Faltan partes (2)");
  });
});

describe("class usage errors", () => {
  it.each([
    [["--submissions", "SUBS", "--shard", "3/2"], '--shard should be I/N, with 1 ≤ I ≤ N (for example 2/5), not "3/2".'],
    [
      ["--merge", "SUBS", "--out", "OUT", "--lang", "es"],
      "no tiene grades.json: ¿es la carpeta de salida de npm run grade -- --submissions?",
    ],
  ])("should exit 2 and say what is wrong: %j", (args, message) => {
    const result = grade(args.map((arg) => (arg === "SUBS" ? submissions : arg === "OUT" ? join(tmp, "never") : arg)));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
  });

  const base = {
    submissions: null,
    merge: null,
    out: null,
    shard: null,
    seed: null,
    lang: "en",
    ids: [],
    allIds: [...ids],
    singleFlags: [],
    cwd: tmp,
  } as const;
  const message = (args: Partial<Parameters<typeof classCommand>[0]>): string => {
    const parsed = classCommand({ ...base, ...args });
    if (parsed.ok) throw new Error("expected a usage error");
    return parsed.message.en;
  };

  it("should default the out folder to grades/ in the current folder, and grade every exercise when none is given", () => {
    const parsed = classCommand({ ...base, submissions });
    expect(parsed).toEqual({
      ok: true,
      command: { type: "grade", submissions, out: join(tmp, "grades"), shard: null, seed: null, lang: "en", ids },
    });
    expect(classCommand(base)).toEqual({ ok: true, command: null });
  });

  it("should refuse flags that do not go together", () => {
    expect(message({ submissions, merge: [out] })).toBe("--submissions and --merge cannot be used together.");
    expect(message({ submissions, singleFlags: ["--watch"] })).toBe("--watch cannot be used with --submissions.");
    expect(message({ out })).toBe("--out only goes with --submissions or --merge.");
    expect(message({ shard: "1/2" })).toBe("--shard only goes with --submissions.");
    expect(message({ merge: [] })).toContain("--merge needs at least one results folder");
    expect(message({ merge: [out], seed: 3 })).toContain("--merge takes no --seed");
    expect(message({ merge: [out], ids: ["01-price-cache"] })).toContain("--merge takes no exercise ids");
    expect(message({ merge: [out], out })).toContain("cannot be, or hold, one of the folders being merged");
    expect(message({ submissions: join(tmp, "nowhere") })).toContain("does not exist");
    expect(message({ submissions, out: join(submissions, "grades") })).toContain("cannot be inside the submissions folder");
  });

  it("should read a shard as I/N with 1 ≤ I ≤ N and pick every N-th learner from the I-th", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/2", "3/2", "1/0", "-1/2", "1", "a/b", "1/2/3", ""]) expect(parseShard(bad)).toBeNull();
    const learners = ["a", "b", "c", "d", "e"];
    expect(selectShard(learners, { index: 1, count: 2 })).toEqual(["a", "c", "e"]);
    expect(selectShard(learners, { index: 2, count: 2 })).toEqual(["b", "d"]);
    expect(selectShard(learners, { index: 3, count: 3 })).toEqual(["c"]);
    expect(selectShard(learners, null)).toEqual(learners);
  });
});

describe("csvCell", () => {
  it("should quote commas, quotes and line breaks, and defuse formulas", () => {
    expect(csvCell("ana")).toBe("ana");
    expect(csvCell(85)).toBe("85");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell('=cmd,"x"')).toBe('"\'=cmd,""x"""');
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      expect(csvCell(`${start}1+1`).startsWith(`'${start}`) || csvCell(`${start}1+1`).startsWith(`"'${start}`)).toBe(true);
    expect(() => csvCell(Number.NaN)).toThrow(/finite/);
  });
});

describe("readSubmission", () => {
  const learnerDir = (name: string): string => {
    const dir = join(tmp, "units", name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const context: GradingContext = { ids: ["01-price-cache"], seed: 1, lang: "en", kit: "k" };

  it("should take only the .ts files of the exercise, outside dot-folders and node_modules", () => {
    const dir = learnerDir("plain");
    mkdirSync(join(dir, "01-price-cache", "lib", "node_modules"), { recursive: true });
    mkdirSync(join(dir, "01-price-cache", ".hidden"));
    writeFileSync(join(dir, "01-price-cache", "price-cache.ts"), "export {};\n");
    writeFileSync(join(dir, "01-price-cache", "lib", "util.ts"), "export {};\n");
    writeFileSync(join(dir, "01-price-cache", "lib", "notes.md"), "#\n");
    writeFileSync(join(dir, "01-price-cache", "lib", "node_modules", "x.ts"), "export {};\n");
    writeFileSync(join(dir, "01-price-cache", ".hidden", "y.ts"), "export {};\n");
    const submission = readSubmission({ id: "plain", dir }, ["01-price-cache"]);
    expect(submission.prefix).toBe("");
    const [exercise] = submission.exercises;
    expect(exercise?.kind === "files" ? exercise.files.map((file) => file.path) : exercise).toEqual(["lib/util.ts", "price-cache.ts"]);
  });

  it("should reject an exercises/ folder that is a link, and too many files; a folder without .ts is missing", () => {
    const linked = learnerDir("linked");
    symlinkSync(join(kitRoot, "solutions"), join(linked, "exercises"), "junction");
    expect(readSubmission({ id: "linked", dir: linked }, ["01-price-cache"]).exercises[0]).toMatchObject({
      kind: "rejected",
      why: { en: "exercises is a symbolic link: links are not followed; hand in the file itself." },
    });
    const many = learnerDir("many");
    mkdirSync(join(many, "exercises", "01-price-cache"), { recursive: true });
    for (let i = 0; i <= MAX_FILES; i++) writeFileSync(join(many, "exercises", "01-price-cache", `f${i}.ts`), "export {};\n");
    expect(readSubmission({ id: "many", dir: many }, ["01-price-cache"]).exercises[0]).toMatchObject({
      kind: "rejected",
      why: { en: `exercises/01-price-cache/ holds more than ${MAX_FILES} .ts files.` },
    });
    const empty = learnerDir("empty");
    mkdirSync(join(empty, "01-price-cache"));
    writeFileSync(join(empty, "01-price-cache", "README.md"), "#\n");
    expect(readSubmission({ id: "empty", dir: empty }, ["01-price-cache"]).exercises[0]).toMatchObject({
      kind: "missing",
      why: { en: "Not submitted: 01-price-cache/ has no .ts file." },
    });
  });

  it("should change the cache key with a file's bytes, the seed, the language or the kit, and only then", () => {
    const dir = learnerDir("keyed");
    mkdirSync(join(dir, "01-price-cache"));
    const file = join(dir, "01-price-cache", "price-cache.ts");
    writeFileSync(file, "export const a = 1;\n");
    const key = (extra: Partial<GradingContext> = {}): string =>
      cacheKey(readSubmission({ id: "keyed", dir }, ["01-price-cache"]), { ...context, ...extra });
    const original = key();
    expect(key()).toBe(original);
    expect(key({ seed: 2 })).not.toBe(original);
    expect(key({ lang: "es" })).not.toBe(original);
    expect(key({ kit: "other" })).not.toBe(original);
    writeFileSync(file, "export const a = 2;\n");
    expect(key()).not.toBe(original);
  });
});
