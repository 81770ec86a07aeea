import type { Lang, StopReason, Text } from "#protocol";
import { DEFAULT_SEED, STOP_REASONS, say, testNameIn } from "#protocol";
import type { CatalogExercise } from "./catalog.ts";
import { type KitVerdict, verdictLines } from "./checksums.ts";
import { compilerLine, explainCompileError } from "./compile-errors.ts";
import type { GradedExercise, GradedTask, GradeReport } from "./judge.ts";
import type { TypeErrorInfo } from "./typecheck.ts";

/** ANSI styles, or plain text when colours are off. */
export interface Style {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

/** Colours only on a terminal, and never when NO_COLOR is set to something (https://no-color.org). */
export function useColour(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

export function makeStyle(colour: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (colour ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

/** How much of a report to show. */
export interface ReportView {
  /**
   * `focus` (the learner's default): the current exercise in detail, with the first failure of its first unfinished
   * task, and one line for each other exercise; `full`: every exercise and every task with its first failure.
   */
  readonly detail: "focus" | "full";
  /** The exercise to show in detail in focus mode (default: the first unfinished one). */
  readonly current?: string | null;
  /** Watch mode: the next step names the keys rather than the command that grades again. */
  readonly watching?: boolean;
}

const FULL: ReportView = { detail: "full" };
const WIDTH = 72;

const taskWord: Text = { es: "Tarea", en: "Task" };

const ESC = String.fromCharCode(27);
const ansi = new RegExp(`${ESC}\\[\\d+m`, "g");

function pad(left: string, right: string, width: number): string {
  const visible = left.replace(ansi, "").length;
  return `${left}${" ".repeat(Math.max(2, width - visible - right.replace(ansi, "").length))}${right}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}

/** The short id a learner types: `05` for `05-rate-limiter`. */
export function shortId(id: string): string {
  return /^\d+/.exec(id)?.[0] ?? id;
}

/** What the code printed, without stack frames: the log lines a learner can relate to. */
function printedLines(output: readonly string[]): string[] {
  return output.filter((line) => line.trim() !== "" && !/^\s+at /.test(line)).slice(-3);
}

const isComplete = (task: GradedTask, exercise: GradedExercise): boolean =>
  task.earned === task.points && task.tests.length > 0 && exercise.status !== "error" && task.tests.every((test) => test.passed);

function taskLine(task: GradedTask, exercise: GradedExercise, lang: Lang, style: Style): string {
  const complete = isComplete(task, exercise);
  const mark = complete ? style.green("✓") : task.earned > 0 ? style.yellow("◐") : style.red("✗");
  const score = `${task.earned}/${task.points}`;
  return pad(`  ${mark} ${taskWord[lang]} ${task.n}: ${task.title[lang]}`, complete ? style.green(score) : score, WIDTH);
}

/** The first failure of a task: how many tests pass, the test, its message and what the code logged. */
function taskFailure(task: GradedTask, lang: Lang, style: Style, previousMessage: string | null): string[] {
  const failing = task.tests.filter((test) => !test.passed);
  const first = failing[0];
  if (first === undefined) return [];
  const lines = [style.dim(`      ${testsPassing(task.tests.length - failing.length, task.tests.length, lang)}`)];
  lines.push(`      ${style.red("✗")} ${testNameIn(lang, first.name)}`);
  if (first.message === previousMessage) {
    lines.push(
      style.dim(lang === "es" ? "        (el mismo fallo que en la tarea anterior)" : "        (the same failure as in the task above)"),
    );
    return lines;
  }
  lines.push(indent(first.message, "        "));
  const printed = printedLines(first.output);
  if (printed.length > 0) {
    lines.push(style.dim(`        ${lang === "es" ? "Lo último que registró tu código:" : "The last lines your code logged:"}`));
    for (const line of printed) lines.push(style.dim(`          ${line}`));
  }
  return lines;
}

const STOP_WORDS: Readonly<Record<StopReason, Text>> = {
  hang: { es: "se colgó", en: "hung" },
  "no-answer": { es: "no respondió", en: "never answered" },
  memory: { es: "se quedó sin memoria", en: "ran out of memory" },
  exit: { es: "terminó el proceso", en: "ended the process" },
  output: { es: "imprimió demasiado", en: "printed too much" },
  protocol: { es: "envió una respuesta no válida", en: "sent an invalid answer" },
};

const STOP_WORDS_PLURAL: Readonly<Record<StopReason, Text>> = {
  hang: { es: "se colgaron", en: "hung" },
  "no-answer": { es: "no respondieron", en: "never answered" },
  memory: { es: "se quedaron sin memoria", en: "ran out of memory" },
  exit: { es: "terminaron el proceso", en: "ended the process" },
  output: { es: "imprimieron demasiado", en: "printed too much" },
  protocol: { es: "enviaron respuestas no válidas", en: "sent invalid answers" },
};

/** How the grading went on after a stop: a request never answered leaves its process running. */
const WENT_ON = (reason: StopReason): Text =>
  reason === "no-answer"
    ? { es: "el corrector siguió con las demás", en: "the grader went on with the others" }
    : { es: "el corrector siguió con las demás en un proceso nuevo", en: "the grader went on with the others in a new process" };

/** One line per time the subject was stopped; past three, one line per reason. */
function renderStops(exercise: GradedExercise, lang: Lang, style: Style): string[] {
  const what = (reason: StopReason): string => say(lang, STOP_WORDS[reason]);
  const wentOn = (reason: StopReason): string => say(lang, WENT_ON(reason));
  const atLoad = exercise.stops.filter((stop) => stop.test === null);
  const inTests = exercise.stops.filter((stop) => stop.test !== null);
  const lines = atLoad.map(({ reason }) =>
    lang === "es"
      ? `Tu código ${what(reason)} al cargarse; no se pudo ejecutar ninguna prueba de este archivo.`
      : `Your code ${what(reason)} while loading; no test of this file could run.`,
  );
  if (inTests.length <= 3) {
    for (const { reason, task, test } of inTests) {
      const where = task === null ? "" : ` (${taskWord[lang].toLowerCase()} ${task})`;
      const name = testNameIn(lang, test ?? "");
      lines.push(
        lang === "es"
          ? `Tu código ${what(reason)}${where} en la prueba «${name}»; ${wentOn(reason)}.`
          : `Your code ${what(reason)}${where} in the test "${name}"; ${wentOn(reason)}.`,
      );
    }
  } else {
    for (const reason of STOP_REASONS) {
      const own = inTests.filter((stop) => stop.reason === reason);
      if (own.length === 0) continue;
      const numbers = [...new Set(own.map((stop) => stop.task).filter((task) => task !== null))];
      const tasks = `${numbers.length === 1 ? taskWord[lang].toLowerCase() : lang === "es" ? "tareas" : "tasks"} ${numbers.join(", ")}`;
      const plural = say(lang, STOP_WORDS_PLURAL[reason]);
      lines.push(
        lang === "es"
          ? `${own.length} pruebas ${plural} (${tasks}); cada vez ${wentOn(reason)}.`
          : `${own.length} tests ${plural} (${tasks}); each time ${wentOn(reason)}.`,
      );
    }
  }
  return lines.map((line) => `  ${style.red("!")} ${line}`);
}

/** Shown in detail, with a code frame; the rest get their location and message. */
const FRAMED_ERRORS = 3;
/** Listed at all; past these, a count. */
const LISTED_ERRORS = 10;

/** "1 error de sintaxis y 2 de tipos", "3 type errors". */
function countErrors(errors: readonly TypeErrorInfo[], lang: Lang): string {
  const syntax = errors.filter((error) => error.kind === "syntax").length;
  const types = errors.length - syntax;
  const es = (n: number, kind: string): string => `${n} error${n === 1 ? "" : "es"} de ${kind}`;
  const en = (n: number, kind: string): string => `${n} ${kind} error${n === 1 ? "" : "s"}`;
  const parts =
    lang === "es"
      ? [syntax > 0 ? es(syntax, "sintaxis") : "", types > 0 ? (syntax > 0 ? `${types} de tipos` : es(types, "tipos")) : ""]
      : [syntax > 0 ? en(syntax, "syntax") : "", types > 0 ? en(types, "type") : ""];
  return parts.filter((part) => part !== "").join(lang === "es" ? " y " : " and ");
}

/** Every compiler error of the exercise (up to a cap): where, what, why, and the line it points at. */
export function renderCompileErrors(
  exercise: Pick<GradedExercise, "typeErrors" | "uncompiled" | "tasks">,
  lang: Lang,
  style: Style,
): string[] {
  const errors = exercise.typeErrors;
  const lines = [
    `  ${style.red("✗")} ${lang === "es" ? `Tu código no compila: ${countErrors(errors, lang)}.` : `Your code does not compile: ${countErrors(errors, lang)}.`}`,
  ];
  let previous: string | null = null;
  errors.slice(0, LISTED_ERRORS).forEach((error, i) => {
    const kind =
      error.kind === "syntax"
        ? lang === "es"
          ? "error de sintaxis"
          : "syntax error"
        : `${lang === "es" ? "error de tipos" : "type error"}${error.code === undefined ? "" : ` ${error.code}`}`;
    lines.push(`    ${style.bold(`${error.file}:${error.line}:${error.column}`)}  ${style.red(kind)}`);
    const framed = i < FRAMED_ERRORS;
    if (framed && error.source !== undefined) {
      const number = String(error.line);
      const code = error.source.replace(/\t/g, "  ");
      // The caret under the column, counting tabs as the two spaces shown.
      const before = error.source.slice(0, Math.max(0, error.column - 1)).replace(/\t/g, "  ");
      lines.push(style.dim(`      ${number} | `) + code.slice(0, 110));
      if (before.length < 110) lines.push(style.dim(`      ${" ".repeat(number.length)} | `) + style.red(`${" ".repeat(before.length)}^`));
    }
    const explanation = framed ? explainCompileError(error) : null;
    if (explanation !== null && explanation[lang] === previous)
      lines.push(lang === "es" ? "      (El mismo motivo que el error anterior.)" : "      (The same reason as the error above.)");
    else if (explanation !== null) lines.push(indent(wrap(explanation[lang], 66), "      "));
    previous = explanation?.[lang] ?? null;
    const says = `${lang === "es" ? "TypeScript dice" : "TypeScript says"}: ${compilerLine(error, lang)}`;
    lines.push(style.dim(indent(wrap(says, 66), "      ")));
  });
  const more = errors.length - LISTED_ERRORS;
  if (more > 0)
    lines.push(style.dim(lang === "es" ? `    (y ${more} más: corrige primero estos)` : `    (and ${more} more: fix these first)`));
  const withheld = exercise.uncompiled;
  if (withheld.length === 0 || withheld.length >= exercise.tasks.length)
    lines.push(
      style.dim(lang === "es" ? "    Ninguna tarea cuenta hasta que el código compile." : "    No task counts until the code compiles."),
    );
  else {
    const tasks = `${withheld.slice(0, -1).join(", ")}${withheld.length > 1 ? (lang === "es" ? " y " : " and ") : ""}${withheld.at(-1)}`;
    lines.push(
      style.dim(
        lang === "es"
          ? `    ${withheld.length > 1 ? "Las tareas" : "La tarea"} ${tasks} no ${withheld.length > 1 ? "cuentan" : "cuenta"} hasta que compile lo que usa${withheld.length > 1 ? "n" : ""}; las demás se califican.`
          : `    ${withheld.length > 1 ? "Tasks" : "Task"} ${tasks} ${withheld.length > 1 ? "do" : "does"} not count until what ${withheld.length > 1 ? "they use" : "it uses"} compiles; the others are graded.`,
      ),
    );
  }
  return lines;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}

/**
 * An exercise with its tasks. `detail`: `all`, each unfinished task's first failure; `first`, only the first
 * unfinished task's.
 */
export function renderExercise(exercise: GradedExercise, lang: Lang, style: Style, detail: "all" | "first" = "all"): string {
  const header = pad(style.bold(`${exercise.title[lang]} (${exercise.id})`), style.bold(`${exercise.earned}/${exercise.points}`), WIDTH);
  const lines = [header];
  const compileErrors = exercise.typeErrors.length > 0;
  if (compileErrors) lines.push(...renderCompileErrors(exercise, lang, style));
  // Type errors that withhold some tasks only leave the others to run, and to fail for reasons of their own.
  if (exercise.error !== null && (!compileErrors || exercise.uncompiled.length < exercise.tasks.length)) {
    lines.push(`  ${style.red("✗")} ${lang === "es" ? "No se pudieron ejecutar las pruebas:" : "The tests could not run:"}`);
    lines.push(indent(exercise.error, "      "));
  }
  lines.push(...renderStops(exercise, lang, style));
  let previousMessage: string | null = null;
  let shown = false;
  for (const task of exercise.tasks) {
    lines.push(taskLine(task, exercise, lang, style));
    if (exercise.status === "error" || isComplete(task, exercise) || (detail === "first" && shown)) continue;
    const failure = taskFailure(task, lang, style, previousMessage);
    lines.push(...failure);
    shown ||= failure.length > 0;
    previousMessage = task.tests.find((test) => !test.passed)?.message ?? previousMessage;
  }
  return lines.join("\n");
}

/** One line for an exercise: done, started, or still to do. */
export function exerciseLine(exercise: GradedExercise, lang: Lang, style: Style): string {
  const mark =
    exercise.status === "pass"
      ? style.green("✓")
      : exercise.status === "error"
        ? style.red("✗")
        : exercise.earned > 0
          ? style.yellow("◐")
          : style.dim("○");
  const title = exercise.title[lang].replace(/^[^:]*:\s*/, "");
  const score = `${exercise.earned}/${exercise.points}`;
  return pad(`${mark} ${exercise.id.padEnd(22)}${title}`, exercise.status === "pass" ? style.green(score) : score, WIDTH);
}

/** A bar of `width` cells for `done` of `total`. */
export function progressBar(done: number, total: number, width = 24): string {
  const filled = total <= 0 ? 0 : Math.round((Math.min(done, total) / total) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

/** "Progreso ████░░ 1/6 ejercicios · 145/600 puntos". */
export function progressLine(report: GradeReport, style: Style): string {
  const lang = report.lang;
  const passed = report.exercises.filter((exercise) => exercise.status === "pass").length;
  const count = report.exercises.length;
  const words =
    lang === "es"
      ? `${passed}/${count} ejercicios · ${report.earned}/${report.points} puntos`
      : `${passed}/${count} exercises · ${report.earned}/${report.points} points`;
  return `${style.bold(lang === "es" ? "Progreso" : "Progress")}  ${style.green(progressBar(report.earned, report.points))}  ${words}`;
}

/** The first exercise and task not yet complete, in course order (from `from` on, then from the start). */
export function nextStep(report: GradeReport, from: string | null = null): { exercise: GradedExercise; task: GradedTask | null } | null {
  const start = Math.max(
    0,
    report.exercises.findIndex((exercise) => exercise.id === from),
  );
  const ordered = [...report.exercises.slice(start), ...report.exercises.slice(0, start)];
  for (const exercise of ordered) {
    if (exercise.status === "pass") continue;
    // Code that does not compile comes first, even when its errors withhold only some tasks.
    const task =
      exercise.status === "error" || exercise.typeErrors.length > 0
        ? null
        : (exercise.tasks.find((candidate) => !isComplete(candidate, exercise)) ?? null);
    return { exercise, task };
  }
  return null;
}

/** The statement of an exercise in the learner's language, as a path from the kit's root. */
export function statementFile(id: string, lang: Lang): string {
  return `exercises/${id}/${lang === "es" ? "README.md" : "README.en.md"}`;
}

/** The "next step" block: what to work on, where, and the commands for hints and grading. */
export function nextStepLines(
  report: GradeReport,
  style: Style,
  catalog: readonly CatalogExercise[],
  implRoot: string,
  implFlags: string,
  view: ReportView,
): string[] {
  const lang = report.lang;
  const next = nextStep(report, view.current ?? null);
  const es = lang === "es";
  if (next === null) {
    const whole = catalog.every((entry) => report.exercises.some((graded) => graded.id === entry.id));
    if (whole || report.exercises.length === 0 || view.watching)
      return [style.green(es ? "¡Todo aprobado! Buen trabajo." : "Everything passes! Well done.")];
    // Some exercises graded, all passing: the next one of the course after them, else the whole course.
    const done = report.exercises.map((exercise) => exercise.id).join(", ");
    const plural = report.exercises.length > 1;
    const lines = [
      style.green(
        es ? `¡${done} ${plural ? "aprobados" : "aprobado"}! Buen trabajo.` : `${done} ${plural ? "pass" : "passes"}! Well done.`,
      ),
    ];
    const last = Math.max(...report.exercises.map((graded) => catalog.findIndex((entry) => entry.id === graded.id)));
    const after = catalog.slice(last + 1).find((entry) => !report.exercises.some((graded) => graded.id === entry.id));
    const command = style.bold(
      after === undefined
        ? `npm run grade${implFlags === "" ? "" : ` --${implFlags}`}`
        : `npm run grade -- ${shortId(after.id)}${implFlags}`,
    );
    if (after !== undefined)
      lines.push(
        es
          ? `Siguiente paso: ${after.id} (${implRoot}/${after.id}/${after.file}), con ${command}.`
          : `Next step: ${after.id} (${implRoot}/${after.id}/${after.file}), with ${command}.`,
      );
    else lines.push(es ? `Para ver el curso entero: ${command}.` : `To see the whole course: ${command}.`);
    return lines;
  }
  const { exercise, task } = next;
  const file = catalog.find((entry) => entry.id === exercise.id)?.file ?? "";
  const short = shortId(exercise.id);
  const lines: string[] = [];
  if (task === null) {
    const compile = exercise.typeErrors.length > 0;
    lines.push(
      es
        ? `${style.bold("Siguiente paso:")} ${compile ? `haz que ${exercise.id} compile` : `corrige ${exercise.id}`}.`
        : `${style.bold("Next step:")} ${compile ? `make ${exercise.id} compile` : `fix ${exercise.id}`}.`,
    );
  } else
    lines.push(
      es
        ? `${style.bold("Siguiente paso:")} ${exercise.id}, tarea ${task.n} («${task.title.es}»).`
        : `${style.bold("Next step:")} ${exercise.id}, task ${task.n} ("${task.title.en}").`,
    );
  const labels = es
    ? { file: "Archivo:  ", statement: "Enunciado:", hints: "Pistas:   ", grade: "Calificar:", keys: "Teclas:   " }
    : { file: "File:     ", statement: "Statement:", hints: "Hints:    ", grade: "Grade:    ", keys: "Keys:     " };
  lines.push(`  ${labels.file} ${implRoot}/${exercise.id}/${file}`);
  lines.push(`  ${labels.statement} ${statementFile(exercise.id, lang)}`);
  if (task !== null) lines.push(`  ${labels.hints} ${style.bold(`npm run hint -- ${short} ${task.n}`)}`);
  if (view.watching)
    lines.push(
      `  ${labels.keys} ${es ? "guarda para calificar · h pista · l lista · a calificar todo · q salir" : "save to grade · h hint · l list · a grade all · q quit"}`,
    );
  else
    lines.push(
      `  ${labels.grade} ${style.bold(`npm run grade -- ${short}${implFlags}`)}${style.dim(es ? "  (con --watch, al guardar)" : "  (with --watch, on save)")}`,
    );
  return lines;
}

/**
 * `implRoot`: how to show the graded folder (exercises/ by default); `implFlags`: the flags that grade it again;
 * `kit`: the grading kit against its checksums, which adds a line when the copy is not the original; `view`: how
 * much to show (every exercise in full unless told).
 */
export function renderReport(
  report: GradeReport,
  style: Style,
  catalog: readonly CatalogExercise[],
  implRoot = "exercises",
  implFlags = "",
  kit: KitVerdict | null = null,
  view: ReportView = FULL,
): string {
  const lang = report.lang;
  const blocks: string[] = [];
  if (view.detail === "full") {
    blocks.push(...report.exercises.map((exercise) => renderExercise(exercise, lang, style)));
  } else {
    const current = nextStep(report, view.current ?? null)?.exercise.id ?? null;
    const lines: string[] = [];
    if (report.exercises.length > 1) lines.push(progressLine(report, style), "");
    for (const exercise of report.exercises) {
      if (exercise.id !== current) lines.push(exerciseLine(exercise, lang, style));
      else {
        if (lines.length > 0 && lines.at(-1) !== "") lines.push("");
        lines.push(renderExercise(exercise, lang, style, "first"), "");
      }
    }
    if (lines.at(-1) === "") lines.pop();
    blocks.push(lines.join("\n"));
  }
  const summary: string[] = [];
  if (view.detail === "full") {
    const total = `${report.earned}/${report.points}`;
    const allPassed = report.exercises.every((exercise) => exercise.status === "pass");
    summary.push(pad(style.bold("Total"), style.bold(allPassed ? style.green(total) : total), WIDTH));
  }
  summary.push(...nextStepLines(report, style, catalog, implRoot, implFlags, view));
  // Any seed but the default one is shown, so that a grade with --seed fresh can be replayed.
  if (report.seed !== DEFAULT_SEED)
    summary.push(
      style.dim(
        lang === "es"
          ? `Semilla de los ejemplos y las pruebas aleatorias: ${report.seed} (npm run grade -- --seed ${report.seed} la repite).`
          : `Seed of the examples and random tests: ${report.seed} (npm run grade -- --seed ${report.seed} replays it).`,
      ),
    );
  const tampered = kit === null ? [] : verdictLines(kit, lang, { type: "grading-kit" });
  if (tampered.length > 0) summary.push("", ...tampered.map(style.yellow));
  return `${blocks.join("\n\n")}\n\n${summary.join("\n")}\n`;
}

/** "2 of 5 tests pass", with the noun and verb agreeing with the count in both languages. */
function testsPassing(passed: number, total: number, lang: Lang): string {
  if (lang === "es") return `${passed} de ${total} ${total === 1 ? "prueba pasa" : "pruebas pasan"}`;
  return `${passed} of ${total} ${total === 1 ? "test passes" : "tests pass"}`;
}
