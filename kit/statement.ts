import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Lang } from "#protocol";

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

const taskHeading = /^## (?:Tarea|Task) (\d+): (.*?)(?: \((\d+) (?:puntos|points|punto|point)\))?\s*$/;
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
    const heading = taskHeading.exec(line);
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
