import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyFixture, type Fixture } from "#protocol";
import { copyRepo, linkNodeModules, makeTempDir } from "./workflow-harness.ts";

const kit = makeTempDir("new-exercise");
copyRepo(kit);
linkNodeModules(kit);

afterAll(() => {
  rmSync(kit, { recursive: true, force: true });
});

function run(args: readonly string[], cwd = kit) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_|GITHUB_|LANG|LC_)/.test(key)),
  );
  const child = spawnSync(process.execPath, ["--import", "tsx", ...args], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...env, LANG: "en_US.UTF-8" },
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("npm run new-exercise", () => {
  it("should scaffold an exercise that works end to end, registered in the catalog and the manifests", { timeout: 240_000 }, async () => {
    const made = run([
      "kit/new-exercise.ts",
      "07-trade-journal",
      "--title",
      "TradeJournal: un diario",
      "--title-en",
      "TradeJournal: a journal",
    ]);
    expect(made.code, made.stderr + made.stdout).toBe(0);
    for (const path of [
      "kit/catalog/07-trade-journal.ts",
      "exercises/07-trade-journal/trade-journal.ts",
      "exercises/07-trade-journal/README.md",
      "exercises/07-trade-journal/README.en.md",
      "solutions/07-trade-journal/trade-journal.ts",
      "graders/07-trade-journal/trade-journal.test.ts",
      "graders/07-trade-journal/fixtures.ts",
    ])
      expect(made.stdout).toContain(path);
    expect(readFileSync(join(kit, "kit", "catalog.ts"), "utf8")).toMatch(
      /import \{ tradeJournal \} from "\.\/catalog\/07-trade-journal\.ts";/,
    );
    expect(readFileSync(join(kit, "graders", "expected-tests.json"), "utf8")).toContain('"07-trade-journal"');
    expect(readFileSync(join(kit, "kit", "stubs.json"), "utf8")).toContain("exercises/07-trade-journal/trade-journal.ts");
    expect(readFileSync(join(kit, "exercises", "07-trade-journal", "README.md"), "utf8")).toContain(
      "## Tarea 2: Responder con un call (35 puntos)",
    );

    // It compiles and is formatted as the kit's code is, and its statements agree with its catalog entry.
    expect(run([join(kit, "node_modules", "typescript", "bin", "tsc"), "-p", "."]).code).toBe(0);
    expect(run(["kit/lint.ts"]).stdout).toMatch(/0 errors, 0 warnings, 0 not formatted/);
    expect(run(["kit/sync-statements.ts"]).stdout).toContain("Statements rewritten: 0");

    // The solution earns everything, the stub nothing, and each fixture loses the points of the task it breaks.
    expect(run(["kit/grade.ts", "07", "--solutions", "--full"]).stdout).toMatch(/^Total +100\/100$/m);
    const stub = run(["kit/grade.ts", "07", "--full"]);
    expect(stub.stdout).toMatch(/^Total +0\/100$/m);
    // The scaffold's grader names its tests in both languages: the report shows the learner's.
    expect(run(["kit/grade.ts", "07", "--lang", "es"]).stdout).toContain("debería arrancar un servidor vivo con su valor inicial");
    const { fixtures } = (await import(join(kit, "graders", "07-trade-journal", "fixtures.ts"))) as { fixtures: readonly Fixture[] };
    const solution = readFileSync(join(kit, "solutions", "07-trade-journal", "trade-journal.ts"), "utf8");
    for (const fixture of fixtures) {
      const dir = join(kit, ".scratch", fixture.name, "07-trade-journal");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "trade-journal.ts"), applyFixture(solution, fixture));
      const graded = run(["kit/grade.ts", "07", "--impl", join(kit, ".scratch", fixture.name), "--full"]).stdout;
      for (const n of fixture.breaks) expect(graded, fixture.name).toMatch(new RegExp(`✗ Task ${n}: .* 0/\\d+$`, "m"));
    }
  });

  it.each([
    [["7-x"], '"7-x" is not an id'],
    [["01-price-cache"], "01-price-cache already exists"],
    [[], "The exercise's id is missing"],
  ])("should refuse %j and say why", (args, message) => {
    const result = run(["kit/new-exercise.ts", ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
