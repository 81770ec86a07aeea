import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { catalog } from "../catalog.ts";
import { helpText, parseCommand, UsageError } from "../cli/args.ts";
import * as commands from "../cli/commands.ts";
import { parseGradeArgs } from "../cli/grade-options.ts";
import { nextHints } from "../cli/hints.ts";
import { makeStyle } from "../render.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "cli-args-"));
const english = { LANG: "en_US.UTF-8" };

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The message a usage error says, or "" when the arguments parse. */
function refusal(argv: readonly string[], env: NodeJS.ProcessEnv = english): string {
  try {
    parseGradeArgs(argv, kitRoot, env, tmp);
    return "";
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

describe("npm run grade's arguments", () => {
  it("should take exercises by id, number or name, in course order and once each", () => {
    expect(parseGradeArgs(["05", "rate-limiter", "1", "02-price-monitor"], kitRoot, english)?.ids).toEqual([
      "01-price-cache",
      "02-price-monitor",
      "05-rate-limiter",
    ]);
    expect(parseGradeArgs([], kitRoot, english)).toMatchObject({ ids: catalog.map((exercise) => exercise.id), named: false, full: false });
  });

  it("should take --classroom's file and the exercise ids in any order, and --merge's folders up to the next flag", () => {
    expect(parseGradeArgs(["--classroom", "out.json", "01"], kitRoot, english)).toMatchObject({
      ids: ["01-price-cache"],
      classroom: { file: join(process.cwd(), "out.json") },
    });
    expect(parseGradeArgs(["--classroom", "01"], kitRoot, english)).toMatchObject({ ids: ["01-price-cache"], classroom: { file: null } });
    expect(parseGradeArgs(["--", "--watch", "-w", "--full"], kitRoot, english)).toMatchObject({ watch: true, full: true });
    expect(parseGradeArgs(["--merge", "a", "b", "--out", "merged"], kitRoot, english, tmp)?.class).toMatchObject({
      type: "merge",
      inputs: [join(process.cwd(), "a"), join(process.cwd(), "b")],
    });
  });

  it.each([
    [["99-nope"], 'There is no exercise "99-nope". Exercises: 01-price-cache'],
    [["--nope"], "Unknown option: --nope"],
    [["-x"], "Unknown option: -x"],
    [["--json"], "--json needs a value."],
    [["--json", "--watch"], "--json needs a value."],
    [["--watch=yes"], "--watch takes no value."],
    [["--seed", "x"], '--seed should be an integer or fresh, not "x".'],
    [["--lang", "fr"], "--lang should be es or en."],
    [["--solutions", "--impl", "."], "Use --solutions or --impl, not both."],
    [["--impl", "no-such-dir"], "does not exist."],
    [["--watch", "--submissions", "."], "--watch cannot be used with --submissions."],
    [["--nope", "--lang", "es"], "Opción desconocida: --nope"],
  ])("should refuse %j and say why in one line", (argv, message) => {
    expect(refusal(argv)).toContain(message);
  });

  it("should speak the locale's language unless --lang says otherwise", () => {
    expect(refusal(["--nope"], { LANG: "es_ES.UTF-8" })).toBe("Opción desconocida: --nope");
    expect(refusal(["--nope", "--lang", "en"], { LANG: "es_ES.UTF-8" })).toBe("Unknown option: --nope");
  });

  it("should ask for the help with -h or --help", () => {
    expect(parseGradeArgs(["-h"], kitRoot, english)).toBeNull();
    expect(parseGradeArgs(["01", "--help"], kitRoot, english)).toBeNull();
  });
});

describe("--help", () => {
  const all = Object.entries(commands);

  it.each(all)("should explain %s in both languages, in lines of at most 80 characters", (_name, command) => {
    for (const lang of ["es", "en"] as const) {
      const text = helpText(command, lang);
      expect(text).toContain(lang === "es" ? `Uso: ${command.run}` : `Usage: ${command.run}`);
      for (const flag of Object.keys(command.flags)) expect(text).toContain(`--${flag}`);
      expect(text).toContain("--lang es|en");
      expect(text).toContain("-h, --help");
      for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });

  it("should list the options for instructors apart from the learner's", () => {
    const text = helpText(commands.gradeCommand, "es");
    expect(text.indexOf("--watch")).toBeLessThan(text.indexOf("Para docentes:"));
    expect(text.indexOf("--submissions")).toBeGreaterThan(text.indexOf("Para docentes:"));
  });

  it("should read the positionals after a flag that takes them, but never an operand", () => {
    const parsed = parseCommand(commands.checksumsCommand, ["--check", "dir", "extra"], { env: english });
    expect(parsed.flags.get("check")?.taken).toEqual(["dir"]);
    expect(parsed.positionals).toEqual(["extra"]);
    const operand = parseCommand(commands.gradeCommand, ["--classroom", "01"], { env: english, isOperand: (arg) => arg === "01" });
    expect(operand.flags.get("classroom")?.taken).toEqual([]);
    expect(operand.positionals).toEqual(["01"]);
  });
});

describe("progressive hints", () => {
  const exercise = catalog[4];
  const task = exercise?.tasks[2];
  const style = makeStyle(false);

  it("should give one more hint each time, then say there are no more, and start over when asked", () => {
    if (exercise === undefined || task === undefined) throw new Error("the catalog has no 05 task 3");
    const hints = task.hints ?? [];
    expect(hints.length).toBeGreaterThan(1);
    const ask = (options: { all?: boolean; again?: boolean } = {}) =>
      nextHints({ kitRoot: tmp, exercise, task, lang: "es", style, ...options });
    const first = ask();
    expect(first).toContain("Tarea 3: El fin de la ventana");
    expect(first).toContain(`Pista 1 de ${hints.length}\n`);
    expect(first).not.toContain("Pista 2");
    expect(first).toContain("Otra pista: npm run hint -- 05 3");
    const second = ask();
    expect(second).toContain(`Pista 1 de ${hints.length} (ya vista)`);
    expect(second).toContain(`Pista 2 de ${hints.length}\n`);
    for (let i = 2; i < hints.length; i++) ask();
    expect(ask()).toContain("No hay más pistas para esta tarea.");
    const again = ask({ again: true });
    expect(again).toContain(`Pista 1 de ${hints.length}\n`);
    expect(again).not.toContain("Pista 2");
    expect(ask({ all: true }).match(/^ {2}Pista \d de \d$/gm)).toHaveLength(hints.length);
  });
});
