import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { catalog, resolveExercise } from "../catalog.ts";
import { functionAt, functionSpans } from "../functions.ts";
import { splitPoints } from "../judge.ts";
import { parseStatement, readStatement, statementPath, syncStatement } from "../statement.ts";
import { computeStubs, readStubs } from "../stubs.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ids = catalog.map((exercise) => exercise.id);

describe("catalog", () => {
  it("should list the exercises once each, in course order", () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it.each(ids)("should number the tasks of %s from 1 with points summing to 100", (id) => {
    const exercise = catalog.find((candidate) => candidate.id === id);
    expect(exercise?.tasks.map((task) => task.n)).toEqual(exercise?.tasks.map((_, i) => i + 1));
    expect(exercise?.tasks.reduce((sum, task) => sum + task.points, 0)).toBe(100);
    for (const task of exercise?.tasks ?? []) expect(task.points).toBeGreaterThan(0);
  });

  it.each(ids)("should give each task of %s hints in both languages, from a nudge to the most concrete", (id) => {
    const exercise = catalog.find((candidate) => candidate.id === id);
    for (const task of exercise?.tasks ?? []) {
      expect(task.hints?.length, `task ${task.n}`).toBeGreaterThanOrEqual(2);
      for (const hint of task.hints ?? []) {
        expect(hint.es.trim(), `task ${task.n}`).not.toBe("");
        expect(hint.en.trim(), `task ${task.n}`).not.toBe("");
      }
    }
  });

  it.each(ids)(
    "should name in each task of %s functions of the stub and the solution, every function where the stub has its TODO",
    (id) => {
      const exercise = catalog.find((candidate) => candidate.id === id);
      if (exercise === undefined) throw new Error(id);
      const stubSource = readFileSync(join(kitRoot, "exercises", id, exercise.file), "utf8");
      const stub = functionSpans(stubSource) ?? [];
      const solution = functionSpans(readFileSync(join(kitRoot, "solutions", id, exercise.file), "utf8")) ?? [];
      for (const task of exercise.tasks) {
        expect(task.uses?.length, `task ${task.n}`).toBeGreaterThan(0);
        for (const name of task.uses ?? []) {
          expect(
            stub.map((fn) => fn.name),
            `task ${task.n}: ${name} in the stub`,
          ).toContain(name);
          expect(
            solution.map((fn) => fn.name),
            `task ${task.n}: ${name} in the solution`,
          ).toContain(name);
        }
      }
      stubSource.split("\n").forEach((line, i) => {
        const todo = /TODO\(task (\d+)\)/.exec(line);
        const within = todo === null ? null : functionAt(stub, i + 1);
        if (todo === null || within === null) return;
        const task = exercise.tasks.find((candidate) => candidate.n === Number(todo[1]));
        expect(task?.uses, `line ${i + 1}: TODO(task ${todo[1]}) in ${within}`).toContain(within);
      });
    },
  );

  it("should name an exercise by its id, its number or its name", () => {
    expect(resolveExercise("05-rate-limiter")?.id).toBe("05-rate-limiter");
    expect(resolveExercise("05")?.id).toBe("05-rate-limiter");
    expect(resolveExercise("5")?.id).toBe("05-rate-limiter");
    expect(resolveExercise("rate-limiter")?.id).toBe("05-rate-limiter");
    expect(resolveExercise("07")).toBeUndefined();
    expect(resolveExercise("rate")).toBeUndefined();
  });

  it.each(ids)("should have the stub, the solution and the grader of %s", (id) => {
    const exercise = catalog.find((candidate) => candidate.id === id);
    expect(existsSync(join(kitRoot, "exercises", id, exercise?.file ?? ""))).toBe(true);
    expect(existsSync(join(kitRoot, "solutions", id, exercise?.file ?? ""))).toBe(true);
    expect(existsSync(join(kitRoot, "graders", id))).toBe(true);
  });
});

describe("statements", () => {
  for (const lang of ["es", "en"] as const) {
    it.each(ids)(`should have a ${lang} section per task of %s, with its points and where its hints are`, (id) => {
      const exercise = catalog.find((candidate) => candidate.id === id);
      const sections = readStatement(kitRoot, id, lang);
      expect(sections.map((section) => section.n)).toEqual(exercise?.tasks.map((task) => task.n));
      for (const section of sections) {
        const task = exercise?.tasks.find((candidate) => candidate.n === section.n);
        expect(section.points, `${lang} task ${section.n} points`).toBe(task?.points);
        expect(section.body, `${lang} task ${section.n} text`).not.toBe("");
        expect(section.hints, `${lang} task ${section.n} hints`).toContain(`npm run hint -- ${id.slice(0, 2)} ${section.n}`);
      }
    });

    it.each(ids)(`should write the ${lang} statement of %s from the catalog (npm run statements)`, (id) => {
      const exercise = catalog.find((candidate) => candidate.id === id);
      if (exercise === undefined) throw new Error(id);
      const text = readFileSync(statementPath(kitRoot, id, lang), "utf8");
      expect(syncStatement(text, exercise, lang), "run npm run statements").toBe(text);
    });

    it.each(ids)(`should show in the ${lang} statement of %s the chapter's Elixir and link the runtime's table`, (id) => {
      const text = readFileSync(statementPath(kitRoot, id, lang), "utf8");
      expect(text).toMatch(lang === "es" ? /^## Del Elixir del capítulo a TypeScript$/m : /^## From the chapter's Elixir to TypeScript$/m);
      expect(text).toContain("```elixir\n");
      expect(text).toContain(lang === "es" ? "(../../runtime/README.md)" : "(../../runtime/README.en.md)");
      // The hints are npm run hint's, one at a time: the statement only says where they are.
      expect(text).not.toMatch(/^### (Pistas|Hints)\n+- /m);
    });
  }

  it.each(["README.md", "README.en.md"])("should agree with runtime/%s, which shows no exercise's solution", (readme) => {
    const text = readFileSync(join(kitRoot, "runtime", readme), "utf8");
    // Exercise 02 asks for this line, with Logger.info: a learner who copies the runtime's catch-all keeps task 4.
    expect(text).toContain(`Logger.info(\`Mensaje desconocido: \${JSON.stringify(message)}\`)`);
    expect(text).not.toMatch(/Logger\.warn\(`(Unknown message|Mensaje desconocido)/);
    expect(text).not.toContain("interface PriceCacheProtocol");
  });

  it("should not call an open window closed in 05's statements", () => {
    const text = readFileSync(statementPath(kitRoot, "05-rate-limiter", "es"), "utf8");
    expect(text).not.toMatch(/cerrad[ao]/);
  });

  it("should read a task's hints up to the next section", () => {
    const tasks = parseStatement(
      "# T\n\n## Tarea 1: Uno (60 puntos)\nTexto.\n### Pistas\n- a\n- b\n## Tarea 2: Dos (40 puntos)\n### Pistas\n- c\n## Notas\n- no\n",
    );
    expect(tasks).toEqual([
      { n: 1, title: "Uno", points: 60, body: "Texto.", hints: "- a\n- b" },
      { n: 2, title: "Dos", points: 40, body: "", hints: "- c" },
    ]);
  });
});

describe("kit/stubs.json", () => {
  it("should hold the git blob of every stub as shipped (npm run stubs)", () => {
    expect(readStubs(kitRoot), "run npm run stubs").toEqual(computeStubs(kitRoot));
    expect(Object.keys(readStubs(kitRoot))).toEqual(catalog.map((exercise) => `exercises/${exercise.id}/${exercise.file}`));
  });
});

describe("splitPoints", () => {
  it("should split points into integers by largest remainder, summing to the total", () => {
    expect(splitPoints(20, 3)).toEqual([7, 7, 6]);
    expect(splitPoints(15, 2)).toEqual([8, 7]);
    expect(splitPoints(10, 0)).toEqual([]);
    for (let count = 1; count <= 12; count++) expect(splitPoints(35, count).reduce((a, b) => a + b, 0)).toBe(35);
  });
});
