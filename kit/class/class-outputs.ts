import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Lang, StopReason, Text } from "#protocol";
import type { ClassGrades } from "./class-grades.ts";
import { type CsvCell, csvText } from "./csv.ts";
import type { ExerciseResult, ExerciseStatus, Problem } from "./learner-result.ts";

/** The files a class run or a merge writes into its out folder. */
export const OUTPUT_FILES = ["grades.csv", "totals.csv", "grades.json", "summary.md"] as const;

/** A task's status in grades.csv: the exercise's when it did not run normally, else whether the task earned all. */
function taskStatus(exercise: ExerciseResult, points: number, max: number): ExerciseStatus {
  return exercise.status === "pass" || exercise.status === "fail" ? (points === max ? "pass" : "fail") : exercise.status;
}

/**
 * grades.csv: one row per learner, exercise and task, and nothing else, so that a column sums to the real total and
 * a pivot table by learner or exercise counts every point once (a total row among them would count it twice).
 */
export function gradesCsv(grades: ClassGrades): string {
  const rows: CsvCell[][] = [];
  for (const learner of grades.learners)
    for (const exercise of learner.exercises)
      for (const task of exercise.tasks)
        rows.push([learner.learner, exercise.id, task.n, task.points, task.max, taskStatus(exercise, task.points, task.max)]);
  return csvText(["learner", "exercise", "task", "points", "max", "status"], rows);
}

/**
 * totals.csv: one row per learner with a column per exercise, then the total and the maximum: the shape of a
 * gradebook, ready to paste or import. An exercise not handed in counts 0, so that every column adds up.
 */
export function totalsCsv(grades: ClassGrades): string {
  const rows = grades.learners.map((learner): CsvCell[] => [
    learner.learner,
    ...grades.exercises.map((id) => learner.exercises.find((exercise) => exercise.id === id)?.points ?? 0),
    learner.points,
    learner.max,
  ]);
  return csvText(["learner", ...grades.exercises, "total", "max"], rows);
}

/**
 * Text in a Markdown table or list, shown as written, on one line: the characters that could open emphasis, code,
 * a link, HTML or an entity, or end a table cell, are escaped (mid-line, nothing else changes how it renders).
 */
export function markdownText(text: string): string {
  return text.replace(/\r?\n|\r/g, " ").replace(/[\\`*_[\]<>|~&]/g, "\\$&");
}

const oneLine = (text: string, max = 200): string => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const marks: Readonly<Record<ExerciseStatus, string>> = {
  pass: "✅",
  fail: "",
  error: "⚠️",
  rejected: "⛔",
  missing: "—",
  ungraded: "❓",
};

function tableCell(exercise: ExerciseResult | undefined): string {
  if (exercise === undefined || exercise.status === "missing") return marks.missing;
  if (exercise.status === "ungraded") return marks.ungraded;
  const mark = marks[exercise.status];
  return mark === "" ? String(exercise.points) : `${exercise.points} ${mark}`;
}

const problemTitles: Readonly<Record<Problem, Text>> = {
  ungraded: {
    es: "No se pudo calificar (vuelve a intentarse en la próxima ejecución)",
    en: "Could not be graded (tried again on the next run)",
  },
  "does-not-compile": { es: "No compila", en: "Does not compile" },
  "out-of-memory": { es: "Se quedó sin memoria", en: "Ran out of memory" },
  hung: { es: "Se colgó", en: "Hung" },
  crashed: { es: "Se cayó o no cargó", en: "Crashed or failed to load" },
  rejected: { es: "Rechazado", en: "Rejected" },
  missing: { es: "No entregado", en: "Not submitted" },
};

const problemOrder: readonly Problem[] = ["ungraded", "does-not-compile", "out-of-memory", "hung", "crashed", "rejected", "missing"];

/** At most this many lines per kind of problem; grades.json has them all. */
const LINES_PER_PROBLEM = 100;

function problemDetail(exercise: ExerciseResult, lang: Lang): string {
  const es = lang === "es";
  if (exercise.problem === "does-not-compile" && exercise.typeErrors[0] !== undefined) return oneLine(exercise.typeErrors[0]);
  const wanted: readonly StopReason[] =
    exercise.problem === "hung" ? ["hang"] : exercise.problem === "out-of-memory" ? ["memory"] : ["exit", "output", "protocol"];
  const stopped = exercise.stops.find((stop) => wanted.includes(stop.reason));
  if (stopped !== undefined) {
    const task = stopped.task === null ? "" : `${es ? "tarea" : "task"} ${stopped.task}`;
    const test = stopped.test === null ? (es ? "al cargar el código" : "while loading the code") : `«${stopped.test}»`;
    return oneLine([task, test].filter((part) => part !== "").join(": "));
  }
  if (exercise.error !== null) return oneLine(exercise.error);
  const first = exercise.failed[0];
  return first === undefined ? "" : oneLine(`${first.name}: ${first.message}`);
}

function problemLines(grades: ClassGrades, lang: Lang): string[] {
  const es = lang === "es";
  const lines: string[] = [];
  for (const problem of problemOrder) {
    const found: string[] = [];
    for (const learner of grades.learners) {
      const mine = learner.exercises.filter((exercise) => exercise.problem === problem);
      if (mine.length === 0) continue;
      const who = markdownText(learner.learner);
      if (problem === "missing") found.push(`- ${who}: ${mine.map((exercise) => exercise.id).join(", ")}`);
      else for (const exercise of mine) found.push(`- ${who} · ${exercise.id}: ${markdownText(problemDetail(exercise, lang))}`);
    }
    if (found.length === 0) continue;
    lines.push(`### ${problemTitles[problem][lang]} (${found.length})`, "");
    lines.push(...found.slice(0, LINES_PER_PROBLEM));
    if (found.length > LINES_PER_PROBLEM)
      lines.push(
        es
          ? `- … y ${found.length - LINES_PER_PROBLEM} más (en grades.json)`
          : `- … and ${found.length - LINES_PER_PROBLEM} more (in grades.json)`,
      );
    lines.push("");
  }
  return lines;
}

/** summary.md: the class at a glance, in the instructor's language: a table of learners by exercise, then what to look at. */
export function summaryMarkdown(grades: ClassGrades, lang: Lang): string {
  const es = lang === "es";
  const { counts } = grades;
  const lines: string[] = [es ? "# Calificaciones del grupo" : "# Class grades", ""];
  if (grades.shard !== null)
    lines.push(es ? `Parte ${grades.shard.index} de ${grades.shard.count}.` : `Shard ${grades.shard.index} of ${grades.shard.count}.`, "");
  if (grades.merged > 0)
    lines.push(es ? `Combinación de ${grades.merged} carpetas de resultados.` : `Merged from ${grades.merged} results folders.`, "");
  if (grades.missingShards.length > 0)
    lines.push(
      es
        ? `⚠️ Faltan partes (${grades.missingShards.join(", ")}): sus entregas no están en estas calificaciones.`
        : `⚠️ Missing shards (${grades.missingShards.join(", ")}): their submissions are not in these grades.`,
      "",
    );
  lines.push(
    es
      ? `- Entregas: ${counts.learners}; calificadas ahora: ${counts.graded}; reutilizadas de una ejecución anterior (sin cambios): ${counts.reused}; sin calificar: ${counts.ungraded}.`
      : `- Submissions: ${counts.learners}; graded now: ${counts.graded}; reused from an earlier run (unchanged): ${counts.reused}; not graded: ${counts.ungraded}.`,
    `- ${es ? "Ejercicios" : "Exercises"}: ${grades.exercises.join(", ")}.`,
    `- ${es ? "Semilla de las pruebas aleatorias" : "Seed of the random tests"}: ${grades.seed}.`,
    `- ${es ? "Kit" : "Kit"}: \`${grades.kit.slice(0, 16)}\` (SHA-256${es ? ", en grades.json completo" : ", in full in grades.json"}).`,
    "",
  );
  if (grades.learners.length === 0) lines.push(es ? "No hay entregas." : "There are no submissions.", "");
  else {
    lines.push(
      `| ${es ? "Estudiante" : "Learner"} | ${grades.exercises.join(" | ")} | Total |`,
      `| --- |${grades.exercises.map(() => " ---: |").join("")} ---: |`,
    );
    for (const learner of grades.learners) {
      const cells = grades.exercises.map((id) => tableCell(learner.exercises.find((exercise) => exercise.id === id)));
      lines.push(`| ${markdownText(learner.learner)} | ${cells.join(" | ")} | ${learner.points}/${learner.max} |`);
    }
    lines.push(
      "",
      es
        ? "✅ todo pasa · ⚠️ las pruebas no pudieron ejecutarse · ⛔ rechazado · — no entregado · ❓ sin calificar"
        : "✅ everything passes · ⚠️ the tests could not run · ⛔ rejected · — not submitted · ❓ not graded",
      "",
    );
  }
  const problems = problemLines(grades, lang);
  lines.push(es ? "## Problemas destacados" : "## Notable problems", "");
  if (problems.length === 0) lines.push(es ? "Ninguno." : "None.", "");
  else lines.push(...problems);
  return `${lines.join("\n").trimEnd()}\n`;
}

/** Writes a file whole or not at all: a reader never sees half of it. */
function writeWhole(path: string, text: string): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** Writes grades.csv, totals.csv, grades.json and summary.md into `out`. */
export function writeClassOutputs(out: string, grades: ClassGrades, lang: Lang): void {
  mkdirSync(out, { recursive: true });
  writeWhole(join(out, "grades.csv"), gradesCsv(grades));
  writeWhole(join(out, "totals.csv"), totalsCsv(grades));
  writeWhole(join(out, "grades.json"), `${JSON.stringify(grades, null, 2)}\n`);
  writeWhole(join(out, "summary.md"), summaryMarkdown(grades, lang));
}
