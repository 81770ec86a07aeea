/**
 * The judge: turns what the graders reported of an exercise (kit/run-graders.ts) into its grade. A pure function:
 * everything it needs comes in as arguments (the manifest of expected tests, the grader files' sources, the type
 * errors), and the same inputs always give the same grade. Its rules:
 * - the manifest says which tests count: a test that did not report counts as failed, never as passed;
 * - a test during which the subject was stopped failed, whatever else it reported;
 * - code that does not compile, or does not load, earns nothing, and says why once for the exercise;
 * - a task's points are shared by its tests, split into integers by largest remainder.
 */
import type { FailureCode, Lang, StopInfo, StopReason, Text } from "#protocol";
import { describeStop, plainText, say } from "#protocol";
import type { CatalogExercise } from "./catalog.ts";
import type { ExpectedTest } from "./expected-tests.ts";
import type { RawError, RawModule, RawTest } from "./run-graders.ts";
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
  /** The subject was stopped during this test (it hung, ran out of memory…). */
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

/** A time the subject was stopped: in which test (null: while the implementation was loading). */
export interface Stopped {
  readonly reason: StopReason;
  readonly test: string | null;
  readonly task: number | null;
}

export interface GradedExercise {
  readonly id: string;
  readonly title: Text;
  readonly points: number;
  readonly earned: number;
  readonly tasks: readonly GradedTask[];
  /** error: the tests could not run (type errors, code that does not build or load, no grader). */
  readonly status: "pass" | "fail" | "error";
  readonly typeErrors: readonly TypeErrorInfo[];
  /**
   * The tasks whose points the type errors withhold: the tasks that use a function with an error, or every task
   * (with status `error`) when an error is a syntax error or lies outside the functions the tasks use.
   */
  readonly uncompiled: readonly number[];
  /** Why the exercise is in error, in plain words. */
  readonly error: string | null;
  readonly stops: readonly Stopped[];
  /** Tests a grader file reported that graders/expected-tests.json does not list (they earn nothing: run npm run expected-tests). */
  readonly unlisted: readonly string[];
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

/** Everything the judge needs of one exercise. */
export interface JudgeInput {
  readonly exercise: CatalogExercise;
  /** The grader files' reports for this exercise, `file` relative to the kit. */
  readonly modules: readonly RawModule[];
  /** Grader file name → the tests it must report (graders/expected-tests.json). */
  readonly expected: Readonly<Record<string, readonly ExpectedTest[]>>;
  /** Grader file (relative to the kit) → its source, to show a failing test's code. */
  readonly sources: ReadonlyMap<string, string>;
  readonly typeErrors: readonly TypeErrorInfo[];
  readonly lang: Lang;
}

/** Splits `total` into `count` integers that differ by at most one, the larger ones first (largest remainder). */
export function splitPoints(total: number, count: number): number[] {
  if (count === 0) return [];
  const base = Math.floor(total / count);
  const remainder = total - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < remainder ? 1 : 0));
}

/** The body of the `it(…)` starting at `line` (1-based) of `source`, up to the line that closes it. */
export function testCodeAt(source: string, line: number): string {
  const lines = source.split(/\r?\n/);
  const first = lines[line - 1];
  if (first === undefined) return "";
  const indent = /^\s*/.exec(first)?.[0].length ?? 0;
  for (let i = line; i < lines.length; i++) {
    const current = lines[i] ?? "";
    if (/^\s*\}\)/.test(current) && (/^\s*/.exec(current)?.[0].length ?? 0) === indent) return lines.slice(line - 1, i + 1).join("\n");
  }
  return first;
}

const basename = (file: string): string => file.slice(file.lastIndexOf("/") + 1);

/** "Task N is still to do" after a one-line failure that shows a stub's TODO(task N), whoever wrapped it. */
function withTodo(lang: Lang, message: string): string {
  const todo = /TODO\(task (\d+)\)/.exec(message);
  if (todo === null || message.includes("\n")) return message;
  return `${message}\n${say(lang, { es: `La tarea ${todo[1]} aún está por hacer.`, en: `Task ${todo[1]} is still to do.` })}`;
}

/** The failure of a test that reported, in the learner's words. */
function failureText(lang: Lang, error: RawError | undefined): string {
  if (error === undefined) return say(lang, { es: "Falló sin mensaje.", en: "It failed without a message." });
  if (error.stop !== null) return say(lang, describeStop(error.stop));
  const failure: FailureCode = error.failure ?? "grader";
  switch (failure) {
    case "check":
      return withTodo(lang, error.message);
    case "load":
    case "not-run":
      return error.message;
    case "subject-error": {
      if (/^TODO\(task \d+\)$/.test(error.message)) return withTodo(lang, error.message);
      const shown = error.name === "Error" || error.message.startsWith(error.name) ? error.message : `${error.name}: ${error.message}`;
      const where = error.where === null ? { es: "", en: "" } : { es: `, en ${error.where}`, en: `, at ${error.where}` };
      return withTodo(lang, say(lang, { es: `Tu código lanzó un error: ${shown}${where.es}`, en: `Your code threw: ${shown}${where.en}` }));
    }
    case "stop":
    case "grader": {
      // vitest's own backstop, far above every bound of the subject: a grader that waited on nothing.
      const timedOut = /Test timed out in (\d+)ms/.exec(error.message);
      if (timedOut !== null) {
        const seconds = Number(timedOut[1]) / 1000;
        return say(lang, { es: `La prueba no terminó en ${seconds} s.`, en: `The test did not finish in ${seconds} s.` });
      }
      return say(lang, { es: `El corrector falló: ${error.message}`, en: `The grader failed: ${error.message}` });
    }
  }
}

/** Why the exercise's code could not run at all, from what its tests reported; null when it ran. */
function loadError(lang: Lang, tests: readonly RawTest[]): { message: string; stop: StopInfo | null } | null {
  for (const test of tests) {
    const error = test.errors.find((candidate) => candidate.failure === "load");
    if (error !== undefined)
      return { message: error.stop === null ? error.message : say(lang, describeStop(error.stop)), stop: error.stop };
  }
  return null;
}

/**
 * What the compiler's errors cost: null when there are none; every task when one of them is a syntax error (nothing
 * runs) or lies outside the functions the tasks use (a type, a constant, a function of the learner's own: it may
 * reach anything); otherwise, task by task, the functions it uses that have an error. The tests run either way (the
 * subject strips the types); a type error withholds the points of the tasks it can affect, not of the others.
 */
export function uncompiledTasks(exercise: CatalogExercise, typeErrors: readonly TypeErrorInfo[]): "all" | Map<number, string[]> | null {
  if (typeErrors.length === 0) return null;
  const byTask = new Map<number, string[]>();
  for (const error of typeErrors) {
    // Only the exercise's own file names the functions the tasks use.
    const within = error.kind !== "syntax" && basename(error.file.replaceAll("\\", "/")) === exercise.file ? error.within : undefined;
    const users = within === undefined ? [] : exercise.tasks.filter((task) => task.uses?.includes(within) === true);
    if (within === undefined || users.length === 0) return "all";
    for (const task of users) byTask.set(task.n, [...new Set([...(byTask.get(task.n) ?? []), within])]);
  }
  return byTask.size === exercise.tasks.length ? "all" : byTask;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(lang: Lang, items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${lang === "es" ? "y" : "and"} ${items.at(-1)}`;
}

/** Grades one exercise from what its grader files reported. */
export function judgeExercise(input: JudgeInput): GradedExercise {
  const { exercise, lang } = input;
  const reported = input.modules.flatMap((module) => module.tests);
  const loaded = loadError(lang, reported);
  const uncompiled = uncompiledTasks(exercise, input.typeErrors);
  let error: string | null = null;
  if (uncompiled === "all")
    error = say(lang, { es: "El código no compila (errores de tipos).", en: "The code does not compile (type errors)." });
  else if (input.modules.length === 0)
    error = say(lang, { es: `No hay corrector para ${exercise.id}.`, en: `There is no grader for ${exercise.id}.` });
  else if (loaded !== null) error = loaded.message;
  else {
    const fileError = input.modules.flatMap((module) => module.errors)[0];
    if (fileError !== undefined) error = failureText(lang, fileError);
  }

  // The tests to score: the manifest's; a grader file missing from it (which the kit's tests forbid) falls back to
  // what it reported.
  const files = new Map<string, { module: RawModule | undefined; wanted: readonly ExpectedTest[] }>();
  for (const [name, wanted] of Object.entries(input.expected))
    files.set(name, { module: input.modules.find((module) => basename(module.file) === name), wanted });
  for (const module of input.modules)
    if (!files.has(basename(module.file)))
      files.set(basename(module.file), { module, wanted: module.tests.map((test) => ({ task: test.task ?? 0, name: test.name })) });

  const unlisted: string[] = [];
  const stops: Stopped[] = [];
  if (loaded?.stop != null) stops.push({ reason: loaded.stop.reason, test: null, task: null });
  const tests: GradedTest[] = [];
  for (const [name, { module, wanted }] of files) {
    const file = module?.file ?? `graders/${exercise.id}/${name}`;
    for (const test of module?.tests ?? [])
      if (!wanted.some((want) => want.name === test.name && want.task === (test.task ?? 0))) unlisted.push(test.name);
    for (const want of wanted) {
      const test = module?.tests.find((candidate) => candidate.name === want.name && (candidate.task ?? 0) === want.task);
      const stop = test?.observation?.stop ?? null;
      if (stop !== null) stops.push({ reason: stop.reason, test: want.name, task: want.task });
      let passed = false;
      let message: string;
      const withheld = uncompiled instanceof Map ? uncompiled.get(want.task) : undefined;
      if (uncompiled === "all")
        message = say(lang, { es: "No cuenta: el código tiene errores de tipos.", en: "Not counted: the code has type errors." });
      else if (withheld !== undefined)
        message = say(lang, {
          es: `No cuenta: esta tarea usa ${listed("es", withheld)}, que no compila${withheld.length > 1 ? "n" : ""} (errores de tipos, arriba).`,
          en: `Not counted: this task uses ${listed("en", withheld)}, which ${withheld.length > 1 ? "do" : "does"} not compile (type errors, above).`,
        });
      else if (loaded !== null)
        message = say(lang, { es: `No se pudo ejecutar: ${loaded.message}`, en: `Could not run: ${loaded.message}` });
      else if (test === undefined)
        message = say(lang, {
          es: "No informó de su resultado: el proceso del corrector terminó antes. Cuenta como fallida.",
          en: "It never reported a result: the grader's process ended first. It counts as failed.",
        });
      else if (stop !== null) message = say(lang, describeStop(stop));
      else if (test.state === "passed") {
        passed = true;
        message = "";
      } else message = failureText(lang, test.errors[0]);
      tests.push({
        name: want.name,
        task: want.task,
        passed,
        // What the code under grading can put in a message or its output reaches the report as plain text: the
        // graders and the runner sanitise it already, and the judge does again, for every path.
        message: plainText(message),
        output: (test?.observation?.output ?? []).slice(-8).map(plainText),
        file,
        line: test?.line ?? 0,
        durationMs: test?.durationMs ?? 0,
        points: 0,
        earned: 0,
        hung: stop !== null,
        testCode: test === undefined ? "" : testCodeAt(input.sources.get(file) ?? "", test.line),
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
    typeErrors: input.typeErrors,
    uncompiled:
      uncompiled === null ? [] : uncompiled === "all" ? exercise.tasks.map((task) => task.n) : [...uncompiled.keys()].sort((a, b) => a - b),
    error,
    stops,
    unlisted,
    orphans: tests.filter((test) => !exercise.tasks.some((task) => task.n === test.task)).map((test) => test.name),
  };
}
