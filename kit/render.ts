import type { Lang, StopReason, Text } from "#protocol";
import { DEFAULT_SEED, STOP_REASONS, say } from "#protocol";
import type { CatalogExercise } from "./catalog.ts";
import { type KitVerdict, verdictLines } from "./checksums.ts";
import type { GradedExercise, GradedTask, GradeReport } from "./judge.ts";

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

/** What the code printed, without stack frames: the log lines a learner can relate to. */
function printedLines(output: readonly string[]): string[] {
  return output.filter((line) => line.trim() !== "" && !/^\s+at /.test(line)).slice(-3);
}

function renderTask(task: GradedTask, lang: Lang, style: Style, exerciseFailed: boolean, previousMessage: string | null): string[] {
  const complete = task.earned === task.points && task.tests.length > 0 && !exerciseFailed;
  const mark = complete ? style.green("✓") : task.earned > 0 ? style.yellow("◐") : style.red("✗");
  const score = `${task.earned}/${task.points}`;
  const lines = [pad(`  ${mark} ${taskWord[lang]} ${task.n}: ${task.title[lang]}`, complete ? style.green(score) : score, 72)];
  if (exerciseFailed) return lines;
  const failing = task.tests.filter((test) => !test.passed);
  const first = failing[0];
  if (first === undefined) return lines;
  const passedCount = task.tests.length - failing.length;
  lines.push(style.dim(`      ${testsPassing(passedCount, task.tests.length, lang)}`));
  lines.push(`      ${style.red("✗")} ${first.name}`);
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
      lines.push(
        lang === "es"
          ? `Tu código ${what(reason)}${where} en la prueba «${test ?? ""}»; ${wentOn(reason)}.`
          : `Your code ${what(reason)}${where} in the test "${test ?? ""}"; ${wentOn(reason)}.`,
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

export function renderExercise(exercise: GradedExercise, lang: Lang, style: Style): string {
  const header = pad(style.bold(`${exercise.title[lang]} (${exercise.id})`), style.bold(`${exercise.earned}/${exercise.points}`), 72);
  const lines = [header];
  if (exercise.typeErrors.length > 0) {
    const first = exercise.typeErrors[0];
    if (first !== undefined) {
      lines.push(`  ${style.red("✗")} ${exercise.error ?? ""}`);
      lines.push(`    ${style.bold(`${first.file}:${first.line}:${first.column}`)}`);
      lines.push(indent(first.message.split("\n").slice(0, 4).join("\n"), "      "));
      const more = exercise.typeErrors.length - 1;
      if (more > 0)
        lines.push(
          style.dim(
            lang === "es"
              ? `    (y ${more} error${more === 1 ? "" : "es"} de tipos más)`
              : `    (and ${more} more type error${more === 1 ? "" : "s"})`,
          ),
        );
      lines.push(
        style.dim(
          lang === "es"
            ? "    Corrígelo y vuelve a calificar: las pruebas se ejecutan cuando el código compila."
            : "    Fix it and grade again: the tests run once the code compiles.",
        ),
      );
    }
  } else if (exercise.error !== null) {
    lines.push(`  ${style.red("✗")} ${lang === "es" ? "No se pudieron ejecutar las pruebas:" : "The tests could not run:"}`);
    lines.push(indent(exercise.error, "      "));
  }
  lines.push(...renderStops(exercise, lang, style));
  let previousMessage: string | null = null;
  for (const task of exercise.tasks) {
    lines.push(...renderTask(task, lang, style, exercise.typeErrors.length > 0, previousMessage));
    previousMessage = task.tests.find((test) => !test.passed)?.message ?? previousMessage;
  }
  return lines.join("\n");
}

/** The first exercise and task not yet complete, in course order. */
export function nextStep(report: GradeReport): { exercise: GradedExercise; task: GradedTask | null } | null {
  for (const exercise of report.exercises) {
    if (exercise.status === "pass") continue;
    const task =
      exercise.tasks.find((candidate) => candidate.earned < candidate.points || candidate.tests.some((test) => !test.passed)) ?? null;
    return { exercise, task };
  }
  return null;
}

/**
 * `implRoot`: how to show the graded folder (exercises/ by default); `implFlags`: the flags that grade it again;
 * `kit`: the grading kit against its checksums, which adds a line when the copy is not the original.
 */
export function renderReport(
  report: GradeReport,
  style: Style,
  catalog: readonly CatalogExercise[],
  implRoot = "exercises",
  implFlags = "",
  kit: KitVerdict | null = null,
): string {
  const lang = report.lang;
  const blocks = report.exercises.map((exercise) => renderExercise(exercise, lang, style));
  const total = `${report.earned}/${report.points}`;
  const allPassed = report.exercises.every((exercise) => exercise.status === "pass");
  const summary = [pad(style.bold(lang === "es" ? "Total" : "Total"), style.bold(allPassed ? style.green(total) : total), 72)];
  const next = nextStep(report);
  if (next === null) {
    summary.push(style.green(lang === "es" ? "¡Todo aprobado! Buen trabajo." : "Everything passes! Well done."));
  } else {
    const { exercise, task } = next;
    const file = catalog.find((entry) => entry.id === exercise.id)?.file ?? "";
    const statement = lang === "es" ? `exercises/${exercise.id}/README.md` : `exercises/${exercise.id}/README.en.md`;
    if (exercise.typeErrors.length > 0 || task === null) {
      summary.push(
        lang === "es"
          ? `Siguiente paso: corrige ${exercise.id} (${implRoot}/${exercise.id}/${file}).`
          : `Next step: fix ${exercise.id} (${implRoot}/${exercise.id}/${file}).`,
      );
    } else {
      summary.push(
        lang === "es"
          ? `Siguiente paso: ${exercise.id}, tarea ${task.n} («${task.title.es}») en ${implRoot}/${exercise.id}/${file}.`
          : `Next step: ${exercise.id}, task ${task.n} ("${task.title.en}") in ${implRoot}/${exercise.id}/${file}.`,
      );
      const labels = lang === "es" ? ["Enunciado:", "Pistas:   ", "Calificar:"] : ["Statement:", "Hints:    ", "Grade:    "];
      summary.push(`  ${labels[0]} ${statement}`);
      summary.push(`  ${labels[1]} ${style.bold(`npm run hint -- ${exercise.id} ${task.n}`)}`);
      summary.push(`  ${labels[2]} ${style.bold(`npm run grade -- ${exercise.id}${implFlags}`)}`);
    }
  }
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
