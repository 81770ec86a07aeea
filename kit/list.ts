/**
 * `npm run list`: every exercise in course order with its status and points, and the progress bar, after grading
 * them all.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED, type Lang } from "#protocol";
import { catalog } from "./catalog.ts";
import { parseCommand } from "./cli/args.ts";
import { listCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";
import type { GradedExercise, GradeReport } from "./judge.ts";
import { makeStyle, nextStep, progressLine, type Style, shortId, useColour } from "./render.ts";
import { isUntouched } from "./stubs.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

type Status = "pass" | "current" | "broken" | "started" | "untouched" | "todo";

const STATUS_WORDS: Readonly<Record<Status, { es: string; en: string }>> = {
  pass: { es: "aprobado", en: "passes" },
  current: { es: "en curso", en: "current" },
  broken: { es: "no compila", en: "won't compile" },
  started: { es: "empezado", en: "started" },
  untouched: { es: "sin empezar", en: "not started" },
  todo: { es: "por hacer", en: "to do" },
};

function statusOf(exercise: GradedExercise, current: string | null, untouched: boolean | null): Status {
  if (exercise.status === "pass") return "pass";
  if (exercise.id === current) return "current";
  if (exercise.typeErrors.length > 0) return "broken";
  if (exercise.earned > 0 || untouched === false) return "started";
  return untouched === true ? "untouched" : "todo";
}

/** The list as printed: a header, one row per exercise, the progress line and the next step. */
export function renderList(report: GradeReport, style: Style, untouched: (id: string) => boolean | null): string {
  const lang: Lang = report.lang;
  const es = lang === "es";
  const current = nextStep(report)?.exercise.id ?? null;
  const rows = report.exercises.map((exercise) => {
    const status = statusOf(exercise, current, untouched(exercise.id));
    const mark = {
      pass: style.green("✓"),
      current: style.yellow("▶"),
      broken: style.red("✗"),
      started: style.yellow("◐"),
      untouched: style.dim("○"),
      todo: style.dim("○"),
    }[status];
    const points = `${exercise.earned}/${exercise.points}`.padStart(7);
    const word = STATUS_WORDS[status][lang].padEnd(12);
    const title = exercise.title[lang].replace(/^[^:]*:\s*/, "");
    const line = `${mark} ${exercise.id.padEnd(22)}${word}${points}   ${title}`;
    return status === "current" ? style.bold(line) : line;
  });
  const header = style.dim(
    `  ${(es ? "Ejercicio" : "Exercise").padEnd(22)}${(es ? "Estado" : "Status").padEnd(12)}${(es ? "Puntos" : "Points").padStart(7)}   ${es ? "Qué practicas" : "What you practise"}`,
  );
  const next =
    current === null
      ? null
      : `${es ? "Sigue con" : "Go on with"} ${style.bold(`npm run grade -- ${shortId(current)}`)}${es ? " o " : " or "}${style.bold("npm run next")}.`;
  return `${[header, ...rows, "", progressLine(report, style), ...(next === null ? [] : [next])].join("\n")}\n`;
}

await runCommand(listCommand, async () => {
  const parsed = parseCommand(listCommand, process.argv.slice(2));
  if (parsed.help) return { help: parsed.lang };
  const implDir = join(kitRoot, "exercises");
  // Loaded once needed: it starts vitest, which --help and a usage mistake should not wait for.
  const { gradeOnce } = await import("./cli/session.ts");
  const report = await gradeOnce(
    { kitRoot, implDir, lang: parsed.lang, seed: DEFAULT_SEED, replayFlags: "" },
    catalog.map((exercise) => exercise.id),
  );
  const untouched = (id: string): boolean | null => {
    const exercise = catalog.find((entry) => entry.id === id);
    return exercise === undefined ? null : isUntouched(kitRoot, exercise, join(implDir, exercise.id, exercise.file));
  };
  process.stdout.write(renderList(report, makeStyle(useColour(process.stdout)), untouched));
  return 0;
});
