import { describe } from "vitest";
import { type LogEntry, Logger } from "#runtime";
import { langFromEnv, type Text } from "../../kit/lang.ts";
import { DEFAULT_SEED, gradingEnv } from "../../kit/worker/context.ts";

/** The describe title of task `n`; the kit finds a test's task (and so its points) from it. */
export function taskTitle(n: number): string {
  return `task ${n}`;
}

/**
 * Groups the tests of task `n` of the statement; they share the task's points equally (the kit splits them into
 * integers by largest remainder). The exercise is the folder of the test file.
 *
 * @example
 * gradeTask(1, () => {
 *   it("should return the price stored with put", async () => { … });
 * });
 */
export function gradeTask(n: number, body: () => void): void {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`gradeTask: n should be a positive integer, got ${String(n)}`);
  describe(taskTitle(n), body);
}

/** The text in the grading language (`--lang`, else the locale). */
export function t(text: Text): string {
  const lang = gradingEnv("GRADE_LANG");
  return text[lang === "es" || lang === "en" ? lang : langFromEnv()];
}

/** The run's seed for any fast-check use: `fc.assert(prop, { seed: gradingSeed() })`. */
export function gradingSeed(): number {
  const raw = gradingEnv("GRADE_SEED");
  if (raw === undefined || raw === "") return DEFAULT_SEED;
  const seed = Number(raw);
  return Number.isSafeInteger(seed) ? seed : DEFAULT_SEED;
}

/** Runs `fn` and resolves to the log lines every process wrote meanwhile (they do not reach the console). */
export function captureLogs(fn: () => unknown): Promise<LogEntry[]> {
  return Logger.captureLog(fn);
}
