import type { Text } from "./text.ts";

/**
 * What a failed grader test carries to the kit besides its message: a code the kit decides on, never an English
 * sentence to match. The graders set them (on the errors they throw and in the test's `meta`); the judge
 * (kit/judge.ts) reads them.
 */

/**
 * Why a subject process was stopped, judged from outside it:
 * - `hang`: it used its CPU budget for one request without answering (an infinite loop, or very slow code);
 * - `no-answer`: it sat idle with a request pending (a promise that never settles);
 * - `memory`: it went past its memory limit;
 * - `exit`: it ended by itself (`process.reallyExit`, a kill of itself, a crash of Node);
 * - `output`: it printed more than the grader reads for one test;
 * - `protocol`: it sent the grader something that is not a well-formed answer (too large, or malformed).
 */
export const STOP_REASONS = ["hang", "no-answer", "memory", "exit", "output", "protocol"] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** A stop of a subject process, with what was measured. */
export interface StopInfo {
  readonly reason: StopReason;
  /** While the implementation was loading, or during a test. */
  readonly during: "load" | "test";
  /** The bound that was passed: CPU ms for a hang, wall ms for no-answer, MB for memory and output. */
  readonly bound: number;
  /** What was measured against the bound. */
  readonly measured: number;
  /** How the process ended, for `exit` (`code 0`, `SIGKILL`…). */
  readonly exit?: string;
}

/**
 * Why a test failed:
 * - `check`: a check of the grader failed (expected one thing, got another);
 * - `subject-error`: the implementation threw or rejected, and the test did not expect it;
 * - `stop`: the subject process was stopped during the test ({@link StopInfo});
 * - `load`: the implementation could not be loaded, so no test of the exercise can run;
 * - `not-run`: the exercise already cost too many stops: its remaining tests are not run;
 * - `grader`: anything else (a fault of the grader itself).
 */
export const FAILURE_CODES = ["check", "subject-error", "stop", "load", "not-run", "grader"] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * The fields a grader puts on the errors it throws, which vitest carries to the kit. (Named `failure`, not
 * `code`: an error from the code under grading keeps its own `code`, such as Node's ERR_ACCESS_DENIED.)
 */
export interface FailureFields {
  readonly failure: FailureCode;
  readonly stop?: StopInfo | undefined;
}

/** What a grader test leaves in its `meta` for the kit: what the code under test printed, and a stop if any. */
export interface TestObservation {
  readonly output: readonly string[];
  readonly stop: StopInfo | null;
}

/** The key of {@link TestObservation} in a test's `meta`. */
export const OBSERVATION_KEY = "grading";

/** A stop in the learner's words, in both languages: the one place that says what each stop means. */
export function describeStop(stop: StopInfo): Text {
  const when = stop.during === "load" ? { es: " mientras se cargaba tu código", en: " while your code was loading" } : { es: "", en: "" };
  switch (stop.reason) {
    case "hang":
      return {
        es: `Se colgó${when.es}: usó más de ${stop.bound / 1000} s de CPU sin responder (¿un bucle infinito, o algo muy lento?). Se detuvo el proceso que ejecutaba tu código.`,
        en: `It hung${when.en}: it used more than ${stop.bound / 1000} s of CPU time without answering (an infinite loop, or something very slow?). The process running your code was stopped.`,
      };
    case "no-answer":
      return {
        es: `No respondió${when.es}: se quedó esperando sin nada que hacer (¿una promesa que nunca se resuelve, un handleCall que nunca responde?).`,
        en: `It never answered${when.en}: it sat waiting with nothing to do (a promise that never settles, a handleCall that never replies?).`,
      };
    case "memory":
      return {
        es: `Se quedó sin memoria${when.es}: pasó de ${stop.bound} MB (¿algo que crece sin fin?). Se detuvo el proceso que ejecutaba tu código.`,
        en: `It ran out of memory${when.en}: it went past ${stop.bound} MB (something that grows without bound?). The process running your code was stopped.`,
      };
    case "exit":
      return {
        es: `El proceso que ejecutaba tu código terminó${when.es} (${stop.exit ?? "?"}): ¿process.reallyExit, process.kill o un fallo de Node?`,
        en: `The process running your code ended${when.en} (${stop.exit ?? "?"}): process.reallyExit, process.kill or a crash of Node?`,
      };
    case "output":
      return {
        es: `Imprimió demasiado${when.es}: más de ${stop.bound} MB en una prueba. Se detuvo el proceso que ejecutaba tu código.`,
        en: `It printed too much${when.en}: more than ${stop.bound} MB in one test. The process running your code was stopped.`,
      };
    case "protocol":
      return {
        es: `El proceso que ejecutaba tu código envió al corrector algo que no es una respuesta válida${when.es} (demasiado grande o malformada). Se detuvo.`,
        en: `The process running your code sent the grader something that is not a valid answer${when.en} (too large, or malformed). It was stopped.`,
      };
  }
}

export function isStopReason(value: unknown): value is StopReason {
  return typeof value === "string" && (STOP_REASONS as readonly string[]).includes(value);
}
