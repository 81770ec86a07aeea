import { readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { type CatalogExercise, catalog } from "./catalog.ts";
import { type ExpectedTest, type ExpectedTests, readExpectedTests } from "./expected-tests.ts";
import type { Lang, Text } from "./lang.ts";
import { ACCESS_DENIED, type RawModule, type RawTest, type Stop } from "./run-graders.ts";
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
  /** Each time a grader file's process stopped early (a hang, memory, an exit). */
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

/** The permission model's refusal, in the learner's language. */
function localiseDenied(lang: Lang, text: string): string {
  if (!text.startsWith(ACCESS_DENIED)) return text;
  const rest = text.slice(ACCESS_DENIED.length);
  return say(lang, {
    es: `Tu código no puede leer ni escribir archivos fuera de su carpeta, ni arrancar procesos${rest}: el corrector no lo permite.`,
    en: `${ACCESS_DENIED}${rest}: the grader does not allow it.`,
  });
}

function explain(lang: Lang, test: RawTest): string {
  const raw = localiseDenied(lang, test.errors[0] ?? "");
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

/** A time a grader file's process stopped early, as the report names it. */
export type Stopped = Pick<Stop, "reason" | "test" | "task">;

/** What happened to a test that never reported, in plain words; culprit when it is the test that stopped the process. */
function unreported(lang: Lang, name: string, module: RawModule | undefined): { message: string; culprit: boolean } {
  const stops = module?.ledger?.stops ?? [];
  const own = stops.find((stop) => stop.test === name);
  if (own !== undefined) {
    switch (own.reason) {
      case "hang":
        return {
          culprit: true,
          message: say(lang, {
            es: `Se colgó: siguió ejecutándose más de ${own.boundMs} ms sin ceder el control (¿un bucle infinito?). Se detuvo el proceso del corrector.`,
            en: `It hung: it kept running for more than ${own.boundMs} ms without yielding (an infinite loop?). The grader's process was stopped.`,
          }),
        };
      case "memory":
        return {
          culprit: true,
          message: say(lang, {
            es: `Se quedó sin memoria: el proceso llegó a ${own.memoryMb} MB, por encima del límite (¿algo que crece sin fin?). Se detuvo el proceso del corrector.`,
            en: `It ran out of memory: the process reached ${own.memoryMb} MB, over the limit (something that grows without bound?). The grader's process was stopped.`,
          }),
        };
      case "exit":
        return {
          culprit: true,
          message: say(lang, {
            es: "El proceso que ejecutaba tu código terminó durante esta prueba (¿process.exit, process.kill o un fallo de Node?).",
            en: "The process running your code ended during this test (process.exit, process.kill or a crash of Node?).",
          }),
        };
    }
  }
  const last = stops.at(-1);
  if (last !== undefined) return { culprit: false, message: stopText(lang, last) };
  const error = module?.errors[0];
  return {
    culprit: false,
    message:
      error !== undefined
        ? say(lang, { es: `No se pudo ejecutar: ${localiseDenied(lang, error)}`, en: `Could not run: ${localiseDenied(lang, error)}` })
        : say(lang, {
            es: "No informó de su resultado: el proceso que ejecutaba tu código terminó antes. Cuenta como fallida.",
            en: "It never reported a result: the process running your code ended first. It counts as failed.",
          }),
  };
}

/** "Could not run: it hung in the test …" for the tests a stop left without a result. */
function stopText(lang: Lang, stop: Stopped): string {
  const during =
    stop.test === null
      ? say(lang, { es: "mientras se cargaba tu código", en: "while your code was loading" })
      : say(lang, { es: `en la prueba «${stop.test}»`, en: `in the test "${stop.test}"` });
  const what = {
    hang: say(lang, { es: "se colgó", en: "it hung" }),
    memory: say(lang, { es: "se quedó sin memoria", en: "it ran out of memory" }),
    exit: say(lang, { es: "el proceso terminó", en: "the process ended" }),
  }[stop.reason];
  return say(lang, { es: `No se pudo ejecutar: ${what} ${during}.`, en: `Could not run: ${what} ${during}.` });
}

function tamperedMessage(lang: Lang, labels: readonly string[], atLoad: boolean): string {
  const shown = labels.slice(0, 6).join(", ") + (labels.length > 6 ? "…" : "");
  return atLoad
    ? say(lang, {
        es: `Al cargarse, tu código cambió lo que usa el corrector: ${shown}. Ninguna prueba de este ejercicio puede darse por buena así.`,
        en: `When it loaded, your code changed what the grader relies on: ${shown}. No test of this exercise can be trusted like that.`,
      })
    : say(lang, {
        es: `Durante esta prueba tu código cambió lo que usa el corrector: ${shown}. La prueba no cuenta.`,
        en: `During this test your code changed what the grader relies on: ${shown}. The test does not count.`,
      });
}

function gradeExercise(
  exercise: CatalogExercise,
  modules: readonly RawModule[],
  typeErrors: readonly TypeErrorInfo[],
  kitRoot: string,
  lang: Lang,
  expected: ExpectedTests,
): GradedExercise {
  const mine = modules.filter((module) => module.exercise === exercise.id);
  const stops: Stopped[] = mine.flatMap((module) => (module.ledger?.stops ?? []).map(({ reason, test, task }) => ({ reason, test, task })));
  const atLoadStop = stops.find((stop) => stop.test === null);
  let error: string | null = null;
  if (typeErrors.length > 0) {
    error = say(lang, { es: "El código no compila (errores de tipos).", en: "The code does not compile (type errors)." });
  } else if (mine.length === 0) {
    error = say(lang, { es: `No hay corrector para ${exercise.id}.`, en: `There is no grader for ${exercise.id}.` });
  } else if (atLoadStop !== undefined) {
    error = stopText(lang, atLoadStop);
  } else {
    const loadError = mine.flatMap((module) =>
      (module.ledger?.stops.length ?? 0) === 0 && module.tests.every((test) => test.state !== "failed") ? module.errors : [],
    )[0];
    if (loadError !== undefined) error = localiseDenied(lang, loadError);
  }
  // The tests to score: the manifest's, so that a test that never reported counts as failed (a grader file
  // missing from the manifest, which the kit's tests forbid, falls back to what it reported).
  const files = new Map<string, { module: RawModule | undefined; tests: readonly ExpectedTest[] }>();
  for (const [name, tests] of Object.entries(expected[exercise.id] ?? {})) {
    files.set(name, { module: mine.find((module) => basename(module.file) === name), tests });
  }
  for (const module of mine) {
    if (!files.has(basename(module.file)))
      files.set(basename(module.file), { module, tests: module.tests.map((test) => ({ task: test.task ?? 0, name: test.name })) });
  }
  const unlisted = [...files.values()].flatMap(({ module, tests: wanted }) =>
    (module?.tests ?? [])
      .filter((test) => !wanted.some((want) => want.name === test.name && want.task === (test.task ?? 0)))
      .map((test) => test.name),
  );
  const tests: GradedTest[] = [];
  for (const [name, { module, tests: wanted }] of files) {
    const path = module?.file ?? join(kitRoot, "graders", exercise.id, name);
    const file = relative(kitRoot, path).replaceAll("\\", "/");
    let source = "";
    try {
      source = readFileSync(path, "utf8");
    } catch {
      source = "";
    }
    const atLoad = module?.ledger?.tamperedAtLoad ?? [];
    for (const want of wanted) {
      const test = module?.tests.find((candidate) => candidate.name === want.name && (candidate.task ?? 0) === want.task);
      const ended = module?.ledger?.finished.find((done) => done.name === want.name);
      let passed = false;
      let message = "";
      let hung = false;
      if (typeErrors.length > 0) {
        message = say(lang, { es: "No se ejecutó: el código tiene errores de tipos.", en: "Not run: the code has type errors." });
      } else if (atLoad.length > 0) {
        message = tamperedMessage(lang, atLoad, true);
      } else if (ended !== undefined && !ended.passed) {
        // The watchdog's ledger saw it fail: that stands, whatever the test runner's report says.
        message = ended.tampered.length > 0 ? tamperedMessage(lang, ended.tampered, false) : test !== undefined ? explain(lang, test) : "";
        if (message === "") message = say(lang, { es: "Falló.", en: "It failed." });
      } else if (test?.state === "passed" || (test?.state !== "failed" && ended?.passed === true)) {
        passed = true;
      } else if (test?.state === "failed") {
        message = explain(lang, test);
      } else {
        const why = unreported(lang, want.name, module);
        message = why.message;
        hung = why.culprit;
      }
      tests.push({
        name: want.name,
        task: want.task,
        passed,
        message,
        output: (test?.output ?? []).slice(-8),
        file,
        line: test?.line ?? 0,
        durationMs: test?.durationMs ?? 0,
        points: 0,
        earned: 0,
        hung,
        testCode: test === undefined ? "" : testCodeAt(source, test.line),
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
    stops,
    unlisted,
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
  const expected = readExpectedTests(options.kitRoot);
  const exercises = catalog
    .filter((exercise) => options.ids.includes(exercise.id))
    .map((exercise) =>
      gradeExercise(exercise, options.modules, options.typeErrors.get(exercise.id) ?? [], options.kitRoot, options.lang, expected),
    );
  return {
    exercises,
    seed: options.seed,
    lang: options.lang,
    points: exercises.reduce((sum, exercise) => sum + exercise.points, 0),
    earned: exercises.reduce((sum, exercise) => sum + exercise.earned, 0),
  };
}
