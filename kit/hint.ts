/**
 * `npm run hint -- <id> [task]`: prints the hints of a task of an exercise statement (every task's when no task
 * is given), in the learner's language (`--lang es|en`, else the locale).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Lang, langFromEnv, parseLang } from "#protocol";
import { catalog, findExercise } from "./catalog.ts";
import { makeStyle, useColour } from "./render.ts";
import { readStatement } from "./statement.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

function main(argv: readonly string[]): number {
  let lang: Lang = langFromEnv();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--lang" || arg.startsWith("--lang=")) {
      const value = arg.includes("=") ? arg.slice("--lang=".length) : (argv[++i] ?? "");
      const parsed = parseLang(value);
      if (parsed === null) {
        console.error(lang === "es" ? `--lang debe ser es o en, no «${value}».` : `--lang should be es or en, not "${value}".`);
        return 2;
      }
      lang = parsed;
    } else positional.push(arg);
  }
  const style = makeStyle(useColour(process.stdout));
  const [id, taskArg] = positional;
  const ids = catalog.map((exercise) => exercise.id).join(", ");
  if (id === undefined) {
    console.error(
      lang === "es"
        ? `Uso: npm run hint -- <ejercicio> [tarea]\nEjercicios: ${ids}`
        : `Usage: npm run hint -- <exercise> [task]\nExercises: ${ids}`,
    );
    return 2;
  }
  const exercise = findExercise(id);
  if (exercise === undefined) {
    console.error(lang === "es" ? `No existe el ejercicio «${id}». Ejercicios: ${ids}` : `There is no exercise "${id}". Exercises: ${ids}`);
    return 2;
  }
  const tasks = readStatement(kitRoot, id, lang);
  const numbers = tasks.map((task) => task.n).join(", ");
  const wanted = taskArg === undefined ? tasks : tasks.filter((task) => String(task.n) === taskArg);
  if (wanted.length === 0) {
    console.error(
      lang === "es"
        ? `${id} no tiene la tarea «${taskArg ?? ""}». Tareas: ${numbers}`
        : `${id} has no task "${taskArg ?? ""}". Tasks: ${numbers}`,
    );
    return 2;
  }
  const blocks = wanted.map((task) => `${style.bold(`${lang === "es" ? "Tarea" : "Task"} ${task.n}: ${task.title}`)}\n${task.hints}`);
  console.log(`${style.bold(exercise.title[lang])} (${id})\n\n${blocks.join("\n\n")}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
