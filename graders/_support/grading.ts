import { describe, expect, inject } from "vitest";
import type { GradingSettings, Text } from "#protocol";
import { DEFAULT_SEED, langFromEnv, SETTINGS_KEY, taskTitle } from "#protocol";
import { streamSeed } from "./examples.ts";
import { currentSession } from "./session.ts";

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
  (currentSession().grades(n) ? describe : describe.skip)(taskTitle(n), body);
}

/** The grading run's settings (the seed, the language, the replay flags), as the kit provided them. */
export function gradingSettings(): GradingSettings {
  return inject(SETTINGS_KEY) ?? { seed: DEFAULT_SEED, lang: langFromEnv(), replayFlags: "" };
}

/** The text in the grading language. */
export function t(text: Text): string {
  return text[gradingSettings().lang];
}

/** The run's seed, as `--seed` takes it: to show in a command that replays the run. */
export function runSeed(): number {
  return gradingSettings().seed;
}

/**
 * The seed of the running test's own random streams (fast-check's runs, a test's seeded stream), derived from the
 * run's seed and the test's name: `fc.assert(prop, { seed: gradingSeed() })`. A 31-bit integer, as fast-check wants.
 */
export function gradingSeed(): number {
  return streamSeed(runSeed(), "stream", expect.getState().currentTestName ?? "") >>> 1;
}
