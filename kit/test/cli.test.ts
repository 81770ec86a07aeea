import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { catalog } from "../catalog.ts";
import { classroomSchema, exercismSchema, validate } from "./helpers/schema.ts";
import { copyRepo, linkNodeModules } from "./workflow-harness.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "grade-cli-"));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

type Script = "grade" | "hint" | "list" | "next" | "reset" | "stubs" | "checksums";

/** Runs a kit command as a learner would (`npm run grade -- …` runs exactly this), without vitest's variables. */
function run(script: Script, args: readonly string[], env: NodeJS.ProcessEnv = {}, root = kitRoot) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_|GITHUB_OUTPUT$|LANG|LC_|NO_COLOR)/.test(key)),
  );
  const child = spawnSync(process.execPath, ["--import", "tsx", join(root, "kit", `${script}.ts`), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 90_000,
    env: { ...base, LANG: "en_US.UTF-8", ...env },
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** A copy of the kit as a fresh clone has it, with git, its dependencies linked. */
function clone(name: string): string {
  const dir = join(tmp, name);
  copyRepo(dir);
  linkNodeModules(dir);
  const git = (...args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });
  git("init", "-q");
  git("add", "exercises");
  git("-c", "user.name=kit", "-c", "user.email=kit@example.com", "commit", "-q", "-m", "stubs");
  return dir;
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

  it("should show a Spanish learner's first run in one terminal page, with the progress and one next step", () => {
    const result = run("grade", [], { LANG: "es_ES.UTF-8" });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split("\n");
    // The verdict on the kit's copy (two lines) only shows on a branch whose checksums are stale.
    expect(lines.filter((line) => !/^(Tu copia del kit|Esta nota no vale)/.test(line)).length).toBeLessThanOrEqual(40);
    expect(lines[0]).toMatch(/^Progreso +░+ +0\/6 ejercicios · 0\/600 puntos$/);
    expect(result.stdout).toContain("Tarea 1: Arrancar el servidor");
    expect(result.stdout.match(/Siguiente paso/g)).toHaveLength(1);
    expect(result.stdout).toContain("npm run hint -- 01 1");
    for (const exercise of catalog.slice(1)) expect(result.stdout).toMatch(new RegExp(`^○ ${exercise.id} .* 0/100$`, "m"));
    // The first unfinished task in detail; the others one line each.
    expect(result.stdout.match(/pruebas? pasan?/g)).toHaveLength(1);
  });

  it("should take short ids and show every task's failure with --full", () => {
    const result = run("grade", ["01", "--full", "--lang", "en"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("PriceCache: a price cache (01-price-cache)");
    expect(result.stdout.match(/tests? pass/g)?.length).toBe(catalog[0]?.tasks.length);
    expect(result.stdout).toMatch(/^Total +0\/100$/m);
  });

  it("should list a file's compiler errors with where, what and why, and name a syntax error as such", () => {
    const impl = join(tmp, "type-errors");
    const dir = join(impl, "01-price-cache");
    mkdirSync(dir, { recursive: true });
    const solution = readFileSync(join(kitRoot, "solutions", "01-price-cache", "price-cache.ts"), "utf8");
    writeFileSync(join(dir, "price-cache.ts"), solution.replace("return ok(new Map());", "return new Map();").replace("  reply,\n", ""));
    const types = run("grade", ["01", "--impl", impl, "--lang", "es"]);
    expect(types.code).toBe(1);
    expect(types.stdout).toContain("Tu código no compila: 2 errores de tipos.");
    expect(types.stdout).toMatch(/price-cache\.ts:\d+:\d+ {2}error de tipos TS2322\n +\d+ \| +init\(\) \{\n +\| +\^/);
    expect(types.stdout).toContain("`init` debe devolver `ok(estado)`");
    expect(types.stdout).toContain("Falta importar `reply` de `#runtime`");
    expect(types.stdout).toContain("Siguiente paso: haz que 01-price-cache compile.");
    writeFileSync(join(dir, "price-cache.ts"), solution.replace("return noreply(state);", "return noreply(state;"));
    const syntax = run("grade", ["01", "--impl", impl, "--lang", "en"]);
    expect(syntax.stdout).toContain("Your code does not compile: 1 syntax error.");
    expect(syntax.stdout).toMatch(/price-cache\.ts:\d+:\d+ {2}syntax error\n/);
  });

  it("should print the Classroom JSON on stdout when there is no file nor GITHUB_OUTPUT", () => {
    const result = run("grade", ["01-price-cache", "--solutions", "--classroom", "--lang", "en"]);
    expect(result.code).toBe(0);
    expect(validate(JSON.parse(result.stdout) as unknown, classroomSchema)).toEqual([]);
    expect(result.stderr).toContain("100/100");
  });

  it("should refuse a wrong argument with one line in the user's language, where the help is, and exit 2", () => {
    const result = run("grade", ["--nope", "--lang", "es"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("Opción desconocida: --nope\nAyuda: npm run grade -- --help\n");
  });
});

describe("--help", () => {
  // Each command's text is checked in kit/test/cli-args.test.ts; here, that each entry point prints it.
  it.each<[Script, string]>([
    ["grade", "Usage: npm run grade -- [EXERCISE…] [options]"],
    ["hint", "Usage: npm run hint -- [EXERCISE [TASK]] [options]"],
    ["list", "Usage: npm run list -- [options]"],
    ["next", "Usage: npm run next -- [options]"],
    ["reset", "Usage: npm run reset -- EXERCISE [options]"],
    ["stubs", "Usage: npm run stubs"],
    ["checksums", "Usage: node --import tsx kit/checksums.ts --write | --check [DIR] [options]"],
  ])("should explain npm run %s and exit 0", (script, usage) => {
    const result = run(script, ["--help"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(usage);
  });

  it("should speak Spanish with -h under a Spanish locale", () => {
    const result = run("grade", ["-h"], { LANG: "es_ES.UTF-8" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Uso: npm run grade -- [EJERCICIO…] [opciones]");
  });
});

describe("npm run hint", () => {
  const dir = (): string => {
    const path = join(tmp, "hints");
    if (!existsSync(path)) {
      copyRepo(path);
      linkNodeModules(path);
    }
    return path;
  };

  it("should give a named task's first hint, then the next, and keep count in the kit's .grade/", () => {
    const first = run("hint", ["05", "3", "--lang", "es"], {}, dir());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Tarea 3: El fin de la ventana");
    expect(first.stdout).toMatch(/Pista 1 de \d\n/);
    expect(run("hint", ["rate-limiter", "3", "--lang", "es"], {}, dir()).stdout).toMatch(/Pista 2 de \d\n/);
    expect(existsSync(join(dir(), ".grade", "hints.json"))).toBe(true);
  });

  it("should find the current step when no task is named", () => {
    const result = run("hint", [], { LANG: "es_ES.UTF-8" }, dir());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("PriceCache: una caché de precios (01-price-cache) · Tarea 1: Arrancar el servidor");
  });

  it("should explain an unknown task or exercise", () => {
    expect(run("hint", ["01", "9"]).stderr).toContain("Tasks: 1, 2, 3, 4, 5");
    expect(run("hint", ["nope"]).code).toBe(2);
  });
});

describe("npm run list", () => {
  it("should list every exercise with its status and points, and the progress", () => {
    const result = run("list", ["--lang", "es"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^▶ 01-price-cache +en curso +0\/100 +una caché de precios$/m);
    for (const exercise of catalog.slice(1)) expect(result.stdout).toMatch(new RegExp(`^○ ${exercise.id} +sin empezar +0/100 `, "m"));
    expect(result.stdout).toContain("0/6 ejercicios · 0/600 puntos");
  });
});

describe("npm run next", () => {
  it("should show the current task's statement and where to write it", () => {
    const result = run("next", ["--lang", "en"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Task 1: Start the server (0/15 points)");
    expect(result.stdout).toContain("`init` receives `undefined`");
    expect(result.stdout).toContain("File:      exercises/01-price-cache/price-cache.ts");
  });
});

describe("npm run reset", () => {
  it("should put the stub back, keep the learner's file as a backup, and say when there is nothing to undo", () => {
    const dir = clone("reset");
    const file = join(dir, "exercises", "01-price-cache", "price-cache.ts");
    const stub = readFileSync(file, "utf8");
    expect(run("reset", ["01"], {}, dir).stdout).toContain("already is the stub");
    writeFileSync(file, "// my work\n");
    const refused = run("reset", ["01"], {}, dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("add --yes");
    expect(readFileSync(file, "utf8")).toBe("// my work\n");
    const result = run("reset", ["01", "--yes", "--lang", "es"], {}, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("vuelve a ser el esqueleto");
    expect(readFileSync(file, "utf8")).toBe(stub);
    const backups = readdirSync(dirname(file)).filter((name) => name.endsWith(".bak"));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dirname(file), backups[0] ?? ""), "utf8")).toBe("// my work\n");
  });

  it("should say why it cannot without git", () => {
    const dir = join(tmp, "no-git");
    copyRepo(dir);
    linkNodeModules(dir);
    writeFileSync(join(dir, "exercises", "02-price-monitor", "price-monitor.ts"), "// mine\n");
    const result = run("reset", ["02", "--yes"], {}, dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("this needs a git clone");
  });
});
