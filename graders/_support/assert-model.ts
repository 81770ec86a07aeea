import fc from "fast-check";
import { expect } from "vitest";
import { GradingFailure } from "./assertions.ts";
import { formatValue } from "./format.ts";
import { gradingSeed, gradingSettings, runSeed, t } from "./grading.ts";

/** A fresh model and real system for one run, and how to tear the real one down. */
export interface ModelSetup<Model extends object, Real> {
  readonly model: Model;
  readonly real: Real;
  readonly cleanup?: () => unknown;
}

/** The commands of a failing sequence that ran (fast-check wraps each one and marks those it ran). */
function ranSteps(commands: Iterable<unknown>): string[] {
  const steps: string[] = [];
  for (const wrapper of commands) {
    const ran = typeof wrapper === "object" && wrapper !== null && "hasRan" in wrapper ? wrapper.hasRan === true : true;
    if (ran) steps.push(String(wrapper));
  }
  return steps;
}

/** The exercise id of the running grader file (its folder under graders/). */
function currentExercise(): string {
  const path = expect.getState().testPath ?? "";
  const match = /graders[\\/]([^\\/]+)[\\/]/.exec(path);
  return match?.[1] ?? "<id>";
}

/**
 * A model-based property run: random sequences of `commands` against `setup()`'s real system and model, seeded
 * by the grading seed. On failure it throws the shrunk sequence of commands, the failing check, the seed and the
 * command that replays it.
 *
 * @example
 * await assertModel({ setup: async () => ({ model: new Map(), real: await PriceCache.start() }), commands: [putCommand, getCommand] });
 */
export async function assertModel<Model extends object, Real>(options: {
  readonly setup: () => ModelSetup<Model, Real> | Promise<ModelSetup<Model, Real>>;
  readonly commands: readonly fc.Arbitrary<fc.AsyncCommand<Model, Real, boolean>>[];
  readonly numRuns?: number;
  readonly maxCommands?: number;
  /**
   * fast-check's size for the sequences. By default ("small") a sequence has at most 10 commands, 4 or 5 for
   * half the runs, whatever `maxCommands` says; "medium" spreads them over 0 to `maxCommands`.
   */
  readonly size?: fc.SizeForArbitrary;
}): Promise<void> {
  const seed = runSeed();
  const sequences = fc.commands([...options.commands], {
    maxCommands: options.maxCommands ?? 30,
    ...(options.size === undefined ? {} : { size: options.size }),
  });
  const property = fc.asyncProperty(sequences, async (commands) => {
    const { model, real, cleanup } = await options.setup();
    try {
      await fc.asyncModelRun(() => ({ model, real }), commands);
    } finally {
      await cleanup?.();
    }
  });
  const details = await fc.check(property, { seed: gradingSeed(), numRuns: options.numRuns ?? 50 });
  if (!details.failed) return;
  const steps = ranSteps(details.counterexample === null ? [] : details.counterexample[0]);
  const error = details.errorInstance;
  const cause = error instanceof GradingFailure ? error.message : formatValue(error);
  const exercise = currentExercise();
  const lines = [
    t({
      es: `Falló una prueba con secuencias aleatorias de operaciones (tras ${details.numRuns} ${details.numRuns === 1 ? "caso" : "casos"}). La secuencia más corta que falla:`,
      en: `A test with random sequences of operations failed (after ${details.numRuns} ${details.numRuns === 1 ? "case" : "cases"}). The shortest failing sequence:`,
    }),
    ...steps.map((step, i) => `  ${i + 1}. ${step}`),
    t({ es: "En el último paso:", en: "At the last step:" }),
    ...cause.split("\n").map((line) => `  ${line}`),
    t({
      es: `Semilla: ${seed}. Para repetirla: npm run grade -- ${exercise}${gradeFlags()} --seed ${seed}`,
      en: `Seed: ${seed}. To replay it: npm run grade -- ${exercise}${gradeFlags()} --seed ${seed}`,
    }),
  ];
  throw new GradingFailure(lines.join("\n"));
}

/** The flags of the grading run (" --impl DIR", " --solutions" or nothing), so the replay grades the same folder. */
function gradeFlags(): string {
  return gradingSettings().replayFlags;
}
