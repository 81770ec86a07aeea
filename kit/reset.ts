/**
 * `npm run reset -- <exercise> [--yes]`: puts an exercise's file back to its stub as shipped (kit/stubs.ts), after
 * asking, and keeps the learner's version beside it as `<file>.<time>.bak`.
 */
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { catalog, resolveExercise } from "./catalog.ts";
import { booleanFlag, parseCommand, UsageError } from "./cli/args.ts";
import { resetCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";
import { isUntouched, stubText } from "./stubs.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `2025-03-14T09-26-53`: a backup's time, sortable and valid in a file name everywhere. */
export function backupStamp(date: Date): string {
  return date.toISOString().slice(0, 19).replaceAll(":", "-");
}

await runCommand(resetCommand, async () => {
  const parsed = parseCommand(resetCommand, process.argv.slice(2));
  const { lang } = parsed;
  if (parsed.help) return { help: lang };
  const es = lang === "es";
  const ids = catalog.map((exercise) => exercise.id).join(", ");
  const [arg, extra] = parsed.positionals;
  if (arg === undefined) throw new UsageError({ es: `¿Qué ejercicio? Ejercicios: ${ids}`, en: `Which exercise? Exercises: ${ids}` }, lang);
  if (extra !== undefined) throw new UsageError({ es: `Sobra «${extra}».`, en: `"${extra}" is one argument too many.` }, lang);
  const exercise = resolveExercise(arg);
  if (exercise === undefined)
    throw new UsageError(
      { es: `No existe el ejercicio «${arg}». Ejercicios: ${ids}`, en: `There is no exercise "${arg}". Exercises: ${ids}` },
      lang,
    );
  const file = join(kitRoot, "exercises", exercise.id, exercise.file);
  const shown = (relative(process.cwd(), file) || file).replaceAll(sep, "/");
  if (existsSync(file) && isUntouched(kitRoot, exercise, file) === true) {
    console.log(es ? `${shown} ya es el esqueleto: no hay nada que deshacer.` : `${shown} already is the stub: there is nothing to undo.`);
    return 0;
  }
  const stub = stubText(kitRoot, exercise);
  if (!stub.ok) {
    console.error(stub.reason[lang]);
    return 1;
  }
  const backup = `${file}.${backupStamp(new Date())}.bak`;
  const backupShown = (relative(process.cwd(), backup) || backup).replaceAll(sep, "/");
  if (!booleanFlag(parsed, "yes")) {
    if (!process.stdin.isTTY)
      throw new UsageError(
        {
          es: "Sin terminal no puedo preguntar: añade --yes para confirmarlo.",
          en: "Without a terminal I cannot ask: add --yes to confirm.",
        },
        lang,
      );
    const question = existsSync(file)
      ? es
        ? `¿Devolver ${shown} a su esqueleto? Tu versión quedará en ${backupShown}. [s/N] `
        : `Put ${shown} back to its stub? Your version will stay in ${backupShown}. [y/N] `
      : es
        ? `¿Volver a crear ${shown} a partir del esqueleto? [s/N] `
        : `Create ${shown} again from the stub? [y/N] `;
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await prompt.question(question)).trim().toLowerCase();
    prompt.close();
    if (!["s", "si", "sí", "y", "yes"].includes(answer)) {
      console.log(es ? "No he cambiado nada." : "Nothing changed.");
      return 1;
    }
  }
  if (existsSync(file)) copyFileSync(file, backup);
  writeFileSync(file, stub.text);
  console.log(
    existsSync(backup)
      ? es
        ? `Listo: ${shown} vuelve a ser el esqueleto. Tu versión está en ${backupShown}.`
        : `Done: ${shown} is the stub again. Your version is in ${backupShown}.`
      : es
        ? `Listo: ${shown} vuelve a ser el esqueleto.`
        : `Done: ${shown} is the stub again.`,
  );
  return 0;
});
