import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { classroomSchema, exercismSchema, validate } from "./helpers/schema.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "grade-cli-"));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs a kit command as a learner would (`npm run grade -- …` runs exactly this), without vitest's variables. */
function run(script: "grade" | "hint", args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_|GITHUB_OUTPUT$|LANG|LC_|NO_COLOR)/.test(key)),
  );
  const child = spawnSync(process.execPath, ["--import", "tsx", join(kitRoot, "kit", `${script}.ts`), ...args], {
    cwd: kitRoot,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...base, LANG: "en_US.UTF-8", ...env },
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("npm run grade", () => {
  it("should grade one exercise's solution to 100 and write every output format", () => {
    const json = join(tmp, "results.json");
    const classroom = join(tmp, "classroom.json");
    const summary = join(tmp, "summary.md");
    const githubOutput = join(tmp, "github-output");
    writeFileSync(githubOutput, "");
    const result = run("grade", ["01-price-cache", "--solutions", "--json", json, "--classroom", classroom, "--summary", summary], {
      GITHUB_OUTPUT: githubOutput,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("100/100");
    expect(result.stdout).not.toContain(String.fromCharCode(27));
    const exercism = JSON.parse(readFileSync(json, "utf8")) as { status: string };
    expect(validate(exercism, exercismSchema)).toEqual([]);
    expect(exercism.status).toBe("pass");
    const written = JSON.parse(readFileSync(classroom, "utf8")) as unknown;
    expect(validate(written, classroomSchema)).toEqual([]);
    const line = readFileSync(githubOutput, "utf8");
    expect(line).toMatch(/^result=[A-Za-z0-9+/=]+\n$/);
    expect(JSON.parse(Buffer.from(line.slice("result=".length).trim(), "base64").toString("utf8"))).toEqual(written);
    expect(readFileSync(summary, "utf8")).toMatch(/\| ✅ \*\*01-price-cache\*\* .* \| \| \*\*100\/100\*\* \|/);
  });

  it("should grade the stub to 0 in Spanish under a Spanish locale, name the next step, and exit 1", () => {
    const result = run("grade", ["01-price-cache"], { LANG: "es_ES.UTF-8" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("0/100");
    expect(result.stdout).toContain("Tarea 1: Arrancar el servidor");
    expect(result.stdout).toContain("npm run hint -- 01-price-cache 1");
  });

  it("should print the Classroom JSON on stdout when there is no file nor GITHUB_OUTPUT", () => {
    const result = run("grade", ["01-price-cache", "--solutions", "--classroom", "--lang", "en"]);
    expect(result.code).toBe(0);
    expect(validate(JSON.parse(result.stdout) as unknown, classroomSchema)).toEqual([]);
    expect(result.stderr).toContain("100/100");
  });

  it("should refuse an unknown exercise with the list of exercises", () => {
    const result = run("grade", ["99-nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("01-price-cache");
  });
});

describe("npm run hint", () => {
  it("should print a task's hints in the chosen language", () => {
    const result = run("hint", ["01-price-cache", "2", "--lang", "es"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Tarea 2: Leer y guardar precios");
    expect(result.stdout).toMatch(/^- /m);
    expect(result.stdout).not.toContain("Tarea 3");
  });

  it("should print every task's hints when no task is given", () => {
    const result = run("hint", ["01-price-cache"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Task 1:");
    expect(result.stdout).toContain("Task 5:");
  });

  it("should explain an unknown task or exercise", () => {
    expect(run("hint", ["01-price-cache", "9"]).stderr).toContain("Tasks: 1, 2, 3, 4, 5");
    expect(run("hint", ["nope"]).code).toBe(2);
  });
});
