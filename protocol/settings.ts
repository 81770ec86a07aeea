/**
 * What a grading run tells its graders, and the environment variables the kit reads. The kit hands the settings
 * to the graders' processes through vitest's `provide` (key {@link SETTINGS_KEY}); the code under grading never
 * sees them: it runs in a subject process of its own, started with an empty environment.
 */
import type { Lang } from "./text.ts";

import { randomInt } from "node:crypto";

/** The seed of every grading unless `--seed` says otherwise, so that a local grade is the same on every run. */
export const DEFAULT_SEED = 20_260_501;

/**
 * A seed nobody knows in advance (`--seed fresh`, a class's seed): 48 random bits, too many to find again from the
 * values the tests show, and still a safe integer everywhere a seed is written.
 */
export function freshSeed(): number {
  return randomInt(1, 2 ** 48);
}

/** The settings every grader reads: the seed its examples come from, the learner's language, the replay flags. */
export interface GradingSettings {
  readonly seed: number;
  readonly lang: Lang;
  /** The flags that grade the same folder again (" --impl DIR", " --solutions" or ""), for replay commands. */
  readonly replayFlags: string;
}

/** Where one grader file's subject finds its code: the folder built for it (see subject/build.ts). */
export interface SubjectPlan {
  /** The shared folder with the subject's host and the runtime (read-only for every subject). */
  readonly shared: string;
  /** The folder with this implementation's compiled modules (`<id>/<file>.js`). */
  readonly impl: string;
  /** Exercise id → why its code could not be built (a syntax error, a refused import), in the learner's words. */
  readonly buildErrors: Readonly<Record<string, string>>;
  /** Exercise id → the modules a subject loads for it (`<id>/<file>.ts`, the main file first). */
  readonly modules: Readonly<Record<string, readonly string[]>>;
  /**
   * Mutation testing only (kit/mutation/): the id of the mutant to activate in code that Stryker instrumented.
   * The kit sets it, never the code under grading; a subject gets it as its one extra environment variable.
   */
  readonly mutant?: string;
  /**
   * The kit's self-check only: the tasks whose tests run; the others are skipped and earn nothing. A known-wrong
   * fixture need only be shown to lose points on the tasks it breaks, and grading the rest would cost most of the
   * self-check's time.
   */
  readonly tasks?: readonly number[];
}

/** vitest `provide` keys. */
export const SETTINGS_KEY = "gradingSettings" as const;
/** A map from a grader file's slot (see {@link slotOfGraderFile}) to its {@link SubjectPlan}. */
export const PLANS_KEY = "subjectPlans" as const;

/** The slot of a grader file: the batch slot folder it was copied to, or "" for the kit's own graders/. */
export function slotOfGraderFile(file: string): string {
  return /[\\/]\.grade[\\/]batch-[^\\/]+[\\/]([^\\/]+)[\\/]graders[\\/]/.exec(file)?.[1] ?? "";
}

/** The exercise id of a grader file: its folder under graders/. */
export function exerciseOfGraderFile(file: string): string {
  return /graders[\\/]([^\\/]+)[\\/][^\\/]+$/.exec(file)?.[1] ?? "";
}

/** The environment variables the kit reads, each for one thing. */
export const GRADE_ENV = {
  /** A default for `--seed`. */
  seed: "GRADE_SEED",
  /** A default for `--lang`. */
  lang: "GRADE_LANG",
  /** Set: the kit prints what its vitest and subjects do, for maintainers. */
  debug: "GRADE_DEBUG",
} as const;
