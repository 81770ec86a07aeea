import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { type CatalogExercise, catalog } from "./catalog.ts";
import type { Lang, Text } from "./lang.ts";
import type { RawModule, RawTest } from "./run-graders.ts";
import type { TypeErrorInfo } from "./typecheck.ts";

export interface GradedTest {
  readonly name: string;
  readonly task: number;
  readonly passed: boolean;
  /** The failure in plain words (empty when passed). */
  readonly message: string;
  /** The last lines the code under test printed. */
  readonly output: readonly string[];
  /** The grader file, relative to the kit. */
  readonly file: string;
  readonly line: number;
  readonly durationMs: number;
  readonly points: number;
  readonly earned: number;
  readonly hung: boolean;
  readonly testCode: string;
}

export interface GradedTask {
  readonly n: number;
  readonly title: Text;
  readonly points: number;
  readonly earned: number;
  readonly tests: readonly GradedTest[];
}

export interface GradedExercise {
  readonly id: string;
  readonly title: Text;
  readonly points: number;
  readonly earned: number;
  readonly tasks: readonly GradedTask[];
  /** error: the tests could not run (type errors, a file that does not load, no grader). */
  readonly status: "pass" | "fail" | "error";
  readonly typeErrors: readonly TypeErrorInfo[];
  /** Why the exercise is in error, in plain words. */
  readonly error: string | null;
  readonly hung: { readonly task: number | null; readonly test: string | null } | null;
  /** Grader tests outside any catalog task (a grader bug: they earn nothing). */
  readonly orphans: readonly string[];
}

export interface GradeReport {
  readonly exercises: readonly GradedExercise[];
  readonly seed: number;
  readonly lang: Lang;
  readonly points: number;
  readonly earned: number;
}

/** Splits `total` into `count` integers that differ by at most one, the larger ones first (largest remainder). */
export function splitPoints(total: number, count: number): number[] {
  if (count === 0) return [];
  const base = Math.floor(total / count);
  const remainder = total - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < remainder ? 1 : 0));
}

const say = (lang: Lang, text: Text): string => text[lang];

/** The body of the `it(…)` starting at `line` (1-based) of `source`, up to the line that closes it. */
export function testCodeAt(source: string, line: number): string {
  const lines = source.split(/\r?\n/);
  const start = line - 1;
  const first = lines[start];
  if (first === undefined) return "";
  const indent = /^\s*/.exec(first)?.[0].length ?? 0;
  for (let i = start + 1; i < lines.length; i++) {
    const current = lines[i] ?? "";
    if (/^\s*\}\)/.test(current) && (/^\s*/.exec(current)?.[0].length ?? 0) === indent) return lines.slice(start, i + 1).join("\n");
  }
  return first;
}

function explain(lang: Lang, test: RawTest): string {
  const raw = test.errors[0] ?? "";
  const timedOut = /Test timed out in (\d+)ms/.exec(raw);
  if (timedOut !== null) {
    const seconds = Number(timedOut[1]) / 1000;
    return say(lang, {
      es: `La prueba no terminó en ${seconds} s: una promesa nunca se resolvió (¿un handleCall que no llama a reply, o un call a un proceso que no responde?).`,
      en: `The test did not finish in ${seconds} s: a promise never settled (a handleCall that never replies, or a call to a process that does not answer?).`,
    });
  }
  const todo = /TODO\(task (\d+)\)/.exec(raw);
  if (todo !== null && !raw.includes("\n")) {
    return say(lang, { es: `${raw}\nLa tarea ${todo[1]} aún está por hacer.`, en: `${raw}\nTask ${todo[1]} is still to do.` });
  }
  return raw === "" ? say(lang, { es: "Falló sin mensaje.", en: "It failed without a message." }) : raw;
}

function gradeExercise(
  exercise: CatalogExercise,
  modules: readonly RawModule[],
  typeErrors: readonly TypeErrorInfo[],
  kitRoot: string,
  lang: Lang,
): GradedExercise {
  const mine = modules.filter((module) => module.exercise === exercise.id);
  const hang = mine.find((module) => module.hang !== null)?.hang ?? null;
  let error: string | null = null;
  if (typeErrors.length > 0) {
    error = say(lang, { es: "El código no compila (errores de tipos).", en: "The code does not compile (type errors)." });
  } else if (mine.length === 0) {
    error = say(lang, { es: `No hay corrector para ${exercise.id}.`, en: `There is no grader for ${exercise.id}.` });
  } else {
    const loadError = mine.flatMap((module) =>
      module.hang === null && module.tests.every((test) => test.state !== "failed") ? module.errors : [],
    )[0];
    if (loadError !== undefined) error = loadError;
  }
  const tests: GradedTest[] = [];
  for (const module of mine) {
    const file = relative(kitRoot, module.file).replaceAll("\\", "/");
    let source = "";
    try {
      source = readFileSync(module.file, "utf8");
    } catch {
      source = "";
    }
    for (const test of module.tests) {
      const finished = module.hang?.finished.find((done) => done.name === test.name);
      const hungHere = module.hang !== null && module.hang.test === test.name;
      let passed = test.state === "passed" || (finished?.passed ?? false);
      let message = "";
      if (typeErrors.length > 0) {
        passed = false;
        message = say(lang, { es: "No se ejecutó: el código tiene errores de tipos.", en: "Not run: the code has type errors." });
      } else if (hungHere) {
        message = say(lang, {
          es: `Se colgó: siguió ejecutándose más de ${module.hang?.boundMs ?? 0} ms sin ceder el control (¿un bucle infinito?). Se detuvo el proceso del corrector.`,
          en: `It hung: it kept running for more than ${module.hang?.boundMs ?? 0} ms without yielding (an infinite loop?). The grader's process was stopped.`,
        });
      } else if (!passed && test.state !== "failed") {
        message =
          module.hang !== null
            ? say(lang, {
                es: "No se pudo ejecutar: otra prueba de este archivo se colgó.",
                en: "Could not run: another test of this file hung.",
              })
            : say(lang, {
                es: `No se pudo ejecutar: ${module.errors[0] ?? "el proceso terminó"}`,
                en: `Could not run: ${module.errors[0] ?? "the process ended"}`,
              });
      } else if (!passed) {
        message = explain(lang, test);
      }
      tests.push({
        name: test.name,
        task: test.task ?? 0,
        passed,
        message,
        output: test.output.slice(-8),
        file,
        line: test.line,
        durationMs: test.durationMs,
        points: 0,
        earned: 0,
        hung: hungHere,
        testCode: testCodeAt(source, test.line),
      });
    }
  }
  const tasks: GradedTask[] = exercise.tasks.map((task) => {
    const own = tests.filter((test) => test.task === task.n);
    const shares = splitPoints(task.points, own.length);
    const scored = own.map((test, i) => {
      const points = shares[i] ?? 0;
      return { ...test, points, earned: test.passed && error === null ? points : 0 };
    });
    return { n: task.n, title: task.title, points: task.points, earned: scored.reduce((sum, test) => sum + test.earned, 0), tests: scored };
  });
  const points = exercise.tasks.reduce((sum, task) => sum + task.points, 0);
  const earned = tasks.reduce((sum, task) => sum + task.earned, 0);
  return {
    id: exercise.id,
    title: exercise.title,
    points,
    earned,
    tasks,
    status:
      error !== null ? "error" : earned === points && tasks.every((task) => task.tests.every((test) => test.passed)) ? "pass" : "fail",
    typeErrors,
    error,
    hung: hang === null ? null : { task: hang.task, test: hang.test },
    orphans: tests.filter((test) => !exercise.tasks.some((task) => task.n === test.task)).map((test) => test.name),
  };
}

/** Turns the graders' raw results into points per test, task and exercise, in catalog order. */
export function score(options: {
  readonly ids: readonly string[];
  readonly modules: readonly RawModule[];
  readonly typeErrors: ReadonlyMap<string, readonly TypeErrorInfo[]>;
  readonly kitRoot: string;
  readonly lang: Lang;
  readonly seed: number;
}): GradeReport {
  const exercises = catalog
    .filter((exercise) => options.ids.includes(exercise.id))
    .map((exercise) => gradeExercise(exercise, options.modules, options.typeErrors.get(exercise.id) ?? [], options.kitRoot, options.lang));
  return {
    exercises,
    seed: options.seed,
    lang: options.lang,
    points: exercises.reduce((sum, exercise) => sum + exercise.points, 0),
    earned: exercises.reduce((sum, exercise) => sum + exercise.earned, 0),
  };
}
