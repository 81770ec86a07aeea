/**
 * A grading session for the learner's commands: one vitest set (kit/run-graders.ts) that grades the exercises asked
 * for, typechecked at the same time, and scored (kit/score.ts). Watch mode keeps one open; the other commands grade
 * once and close it.
 */
import type { Lang } from "#protocol";
import type { GradeReport } from "../judge.ts";
import { createGrader } from "../run-graders.ts";
import { score } from "../score.ts";
import { typecheck } from "../typecheck.ts";

export interface SessionOptions {
  readonly kitRoot: string;
  /** A folder laid out like exercises/. */
  readonly implDir: string;
  readonly lang: Lang;
  readonly seed: number;
  /** The flags that grade the same folder again, for the replay commands the graders print. */
  readonly replayFlags: string;
}

export interface Session {
  /** Typechecks and runs the graders of `ids` in parallel, and scores them. */
  grade(ids: readonly string[]): Promise<GradeReport>;
  close(): Promise<void>;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const grader = await createGrader({
    kitRoot: options.kitRoot,
    seed: options.seed,
    lang: options.lang,
    replayFlags: options.replayFlags,
    implementations: [{ slot: "", implDir: options.implDir }],
  });
  return {
    async grade(ids) {
      const [typeErrors, modules] = await Promise.all([typecheck(options.kitRoot, options.implDir, ids), grader.run(ids)]);
      return score({ ids, modules, typeErrors, kitRoot: options.kitRoot, lang: options.lang, seed: options.seed });
    },
    close: () => grader.close(),
  };
}

/** Grades `ids` once, saying on stderr what it is doing while it works (on a terminal only). */
export async function gradeOnce(options: SessionOptions, ids: readonly string[]): Promise<GradeReport> {
  const status = statusLine(options.lang === "es" ? `Calificando ${describe(ids, "es")}…` : `Grading ${describe(ids, "en")}…`);
  const session = await openSession(options);
  try {
    return await session.grade(ids);
  } finally {
    status.clear();
    await session.close();
  }
}

function describe(ids: readonly string[], lang: Lang): string {
  if (ids.length === 1) return ids[0] ?? "";
  return lang === "es" ? `${ids.length} ejercicios` : `${ids.length} exercises`;
}

/** A line on stderr while something runs, erased when it is done; nothing when stderr is not a terminal. */
export function statusLine(text: string, stream: NodeJS.WriteStream = process.stderr): { clear(): void } {
  if (!stream.isTTY) return { clear: () => undefined };
  stream.write(text);
  return {
    clear: () => {
      stream.write("\r\u001b[2K");
    },
  };
}
