import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Lang } from "#protocol";
import type { CatalogExercise, CatalogTask } from "./catalog.ts";

/** One `## Tarea N: …` / `## Task N: …` section of a statement. */
export interface StatementTask {
  readonly n: number;
  readonly title: string;
  readonly points: number | null;
  /** What the task asks, as written: the section's text up to its first `###` heading. */
  readonly body: string;
  /** What is under `### Pistas` / `### Hints`, as written (the pointer to `npm run hint`). */
  readonly hints: string;
}

const taskHeadingPattern = /^## (?:Tarea|Task) (\d+): (.*?)(?: \((\d+) (?:puntos|points|punto|point)\))?\s*$/;
const hintsHeading = /^### (?:Pistas|Hints)\s*$/;

export function statementPath(kitRoot: string, id: string, lang: Lang): string {
  return join(kitRoot, "exercises", id, lang === "es" ? "README.md" : "README.en.md");
}

/** The task sections of a statement, in order. */
export function parseStatement(markdown: string): StatementTask[] {
  const tasks: StatementTask[] = [];
  let current: { n: number; title: string; points: number | null; body: string[]; inBody: boolean; hints: string[] | null } | null = null;
  const flush = (): void => {
    if (current !== null)
      tasks.push({
        n: current.n,
        title: current.title,
        points: current.points,
        body: current.body.join("\n").trim(),
        hints: (current.hints ?? []).join("\n").trim(),
      });
  };
  for (const line of markdown.split(/\r?\n/)) {
    const heading = taskHeadingPattern.exec(line);
    if (heading !== null) {
      flush();
      current = {
        n: Number(heading[1]),
        title: heading[2] ?? "",
        points: heading[3] === undefined ? null : Number(heading[3]),
        body: [],
        inBody: true,
        hints: null,
      };
      continue;
    }
    if (current === null) continue;
    if (/^##? /.test(line)) {
      flush();
      current = null;
      continue;
    }
    if (hintsHeading.test(line)) {
      current.inBody = false;
      current.hints = [];
      continue;
    }
    if (/^### /.test(line)) {
      current.inBody = false;
      if (current.hints !== null) current.hints.push("");
      continue;
    }
    if (current.inBody) current.body.push(line);
    current.hints?.push(line);
  }
  flush();
  return tasks;
}

export function readStatement(kitRoot: string, id: string, lang: Lang): StatementTask[] {
  return parseStatement(readFileSync(statementPath(kitRoot, id, lang), "utf8"));
}

/** A task's heading as the statements write it: `## Tarea 1: Arrancar el servidor (15 puntos)`. */
export function taskHeading(task: CatalogTask, lang: Lang): string {
  return lang === "es"
    ? `## Tarea ${task.n}: ${task.title.es} (${task.points} ${task.points === 1 ? "punto" : "puntos"})`
    : `## Task ${task.n}: ${task.title.en} (${task.points} ${task.points === 1 ? "point" : "points"})`;
}

/** What a statement says under a task's `### Pistas` / `### Hints`: where the hints are, not the hints. */
export function hintPointer(exercise: CatalogExercise, task: CatalogTask, lang: Lang): string[] {
  const command = `npm run hint -- ${/^\d+/.exec(exercise.id)?.[0] ?? exercise.id} ${task.n}`;
  const count = task.hints?.length ?? 0;
  return lang === "es"
    ? ["### Pistas", "", `\`${command}\` te da una; cada vez que lo pides, una más (hay ${count}).`]
    : ["### Hints", "", `\`${command}\` gives you one; each time you ask, one more (there are ${count}).`];
}

/**
 * The statement with its task headings and hint pointers written from the catalog, the one place a task's title,
 * points and hints are written (`npm run statements` applies it; kit/test/catalog.test.ts checks it is applied).
 */
export function syncStatement(markdown: string, exercise: CatalogExercise, lang: Lang): string {
  const out: string[] = [];
  let task: CatalogTask | undefined;
  let skipping = false;
  for (const line of markdown.split(/\r?\n/)) {
    const heading = taskHeadingPattern.exec(line);
    if (heading !== null) {
      skipping = false;
      task = exercise.tasks.find((candidate) => candidate.n === Number(heading[1]));
      out.push(task === undefined ? line : taskHeading(task, lang));
      continue;
    }
    if (skipping && /^#/.test(line)) skipping = false;
    if (skipping) continue;
    if (task !== undefined && hintsHeading.test(line)) {
      out.push(...hintPointer(exercise, task, lang), "");
      skipping = true;
      continue;
    }
    if (/^##? /.test(line)) task = undefined;
    out.push(line);
  }
  return `${out.join("\n").trimEnd()}\n`;
}
