/**
 * `npm run hint -- [exercise [task]]`: one more hint for a task, in the learner's language (`--lang es|en`, else the
 * locale). Without a task, the exercise's first unfinished one; without an exercise, the current step of the course
 * (both found by grading). `--all` gives every hint of the task, `--again` starts over.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED } from "#protocol";
import { catalog, resolveExercise } from "./catalog.ts";
import { booleanFlag, parseCommand, UsageError } from "./cli/args.ts";
import { hintCommand } from "./cli/commands.ts";
import { nextHints } from "./cli/hints.ts";
import { runCommand } from "./cli/main.ts";
import { makeStyle, nextStep, shortId, useColour } from "./render.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

await runCommand(hintCommand, async () => {
  const parsed = parseCommand(hintCommand, process.argv.slice(2));
  const { lang } = parsed;
  if (parsed.help) return { help: lang };
  const es = lang === "es";
  const style = makeStyle(useColour(process.stdout));
  const [exerciseArg, taskArg, extra] = parsed.positionals;
  if (extra !== undefined) throw new UsageError({ es: `Sobra «${extra}».`, en: `"${extra}" is one argument too many.` }, lang);
  const named = exerciseArg === undefined ? undefined : resolveExercise(exerciseArg);
  if (exerciseArg !== undefined && named === undefined) {
    const ids = catalog.map((exercise) => exercise.id).join(", ");
    throw new UsageError(
      { es: `No existe el ejercicio «${exerciseArg}». Ejercicios: ${ids}`, en: `There is no exercise "${exerciseArg}". Exercises: ${ids}` },
      lang,
    );
  }
  let exercise = named;
  let task = taskArg === undefined || named === undefined ? undefined : named.tasks.find((candidate) => String(candidate.n) === taskArg);
  if (named !== undefined && taskArg !== undefined && task === undefined) {
    const numbers = named.tasks.map((candidate) => candidate.n).join(", ");
    throw new UsageError(
      {
        es: `${named.id} no tiene la tarea «${taskArg}». Tareas: ${numbers}`,
        en: `${named.id} has no task "${taskArg}". Tasks: ${numbers}`,
      },
      lang,
    );
  }
  if (task === undefined) {
    // Which task: grade the exercise named, or the whole course, and take its first unfinished task.
    const ids = named === undefined ? catalog.map((entry) => entry.id) : [named.id];
    // Loaded once needed: it starts vitest, which --help and a usage mistake should not wait for.
    const { gradeOnce } = await import("./cli/session.ts");
    const report = await gradeOnce({ kitRoot, implDir: join(kitRoot, "exercises"), lang, seed: DEFAULT_SEED, replayFlags: "" }, ids);
    const next = nextStep(report);
    if (next === null) {
      console.log(
        named === undefined
          ? es
            ? "¡Todo aprobado! No quedan pistas que pedir."
            : "Everything passes! There are no hints left to ask for."
          : es
            ? `${named.id} ya está aprobado. Para las pistas de una tarea: npm run hint -- ${shortId(named.id)} TAREA`
            : `${named.id} already passes. For a task's hints: npm run hint -- ${shortId(named.id)} TASK`,
      );
      return 0;
    }
    exercise = catalog.find((entry) => entry.id === next.exercise.id);
    task = next.task === null ? undefined : exercise?.tasks.find((candidate) => candidate.n === next.task?.n);
    if (task === undefined) {
      console.log(
        es
          ? `${next.exercise.id} no compila: corrige los errores que muestra npm run grade -- ${shortId(next.exercise.id)} y vuelve a pedir la pista.`
          : `${next.exercise.id} does not compile: fix the errors npm run grade -- ${shortId(next.exercise.id)} shows and ask for the hint again.`,
      );
      return 1;
    }
  }
  if (exercise === undefined) return 1;
  process.stdout.write(
    nextHints({ kitRoot, exercise, task, lang, style, all: booleanFlag(parsed, "all"), again: booleanFlag(parsed, "again") }),
  );
  return 0;
});
