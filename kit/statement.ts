import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Lang } from "#protocol";

/** One `## Tarea N: …` / `## Task N: …` section of a statement. */
export interface StatementTask {
  readonly n: number;
  readonly title: string;
  readonly points: number | null;
  /** The bullet list under `### Pistas` / `### Hints`, as written. */
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
  let current: { n: number; title: string; points: number | null; hints: string[] | null } | null = null;
  const flush = (): void => {
    if (current !== null)
      tasks.push({ n: current.n, title: current.title, points: current.points, hints: (current.hints ?? []).join("\n").trim() });
  };
  for (const line of markdown.split(/\r?\n/)) {
    const heading = taskHeading.exec(line);
    if (heading !== null) {
      flush();
      current = {
        n: Number(heading[1]),
        title: heading[2] ?? "",
        points: heading[3] === undefined ? null : Number(heading[3]),
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
      current.hints = [];
      continue;
    }
    if (/^### /.test(line)) {
      if (current.hints !== null) current.hints.push("");
      continue;
    }
    current.hints?.push(line);
  }
  flush();
  return tasks;
}

export function readStatement(kitRoot: string, id: string, lang: Lang): StatementTask[] {
  return parseStatement(readFileSync(statementPath(kitRoot, id, lang), "utf8"));
}
