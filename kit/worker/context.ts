/**
 * The grading run's settings inside a grading worker (seed, language, replay flags, where the watchdog writes).
 * The worker's setup moves them here out of `process.env` before the implementation under grading loads, so that
 * code cannot read the seed nor find the watchdog's ledger; the graders read them through `gradingEnv`.
 */
const PREFIX = "GRADE_";

/** The seed of every grading unless `--seed` says otherwise, so that a local grade is the same on every run. */
export const DEFAULT_SEED = 20_260_501;

let captured: Readonly<Record<string, string>> | null = null;

/** Moves every GRADE_* variable of `env` into this module; later calls keep the first capture. */
export function captureGradingEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (captured !== null) return;
  const values: Record<string, string> = {};
  for (const key of Object.keys(env)) {
    const value = env[key];
    if (!key.startsWith(PREFIX) || value === undefined) continue;
    values[key] = value;
    delete env[key];
  }
  captured = values;
}

/** A GRADE_* setting: from the capture in a grading worker, else (a plain process) from `process.env`. */
export function gradingEnv(key: `${typeof PREFIX}${string}`): string | undefined {
  return captured === null ? process.env[key] : captured[key];
}
