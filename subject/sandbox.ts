/**
 * How a subject process is started: Node's permission model (it reads its own code and nothing else, writes
 * nothing, starts no process, thread or inspector), a heap limit, an empty environment, and the channel on file
 * descriptor 3. What the code under grading can and cannot do follows from these flags alone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { SubjectPlan } from "#protocol";

/** V8's heap limit for a subject: past it, V8 aborts the process, which reads as memory. */
export const SUBJECT_HEAP_MB = 512;

/** The Node flags of a subject that may read `readable` (folders, recursively) and nothing else. */
export function sandboxFlags(readable: readonly string[]): string[] {
  const permission = process.allowedNodeEnvironmentFlags.has("--permission") ? "--permission" : "--experimental-permission";
  return [
    permission,
    ...[...new Set(readable)].map((path) => `--allow-fs-read=${path}`),
    `--max-old-space-size=${SUBJECT_HEAP_MB}`,
    // Stack traces of the code under grading point at its own .ts lines.
    "--enable-source-maps",
    "--disable-warning=ExperimentalWarning",
    "--disable-warning=SecurityWarning",
  ];
}

/** The variable through which code that Stryker instrumented reads its active mutant (@stryker-mutator/api). */
export const ACTIVE_MUTANT_ENV = "__STRYKER_ACTIVE_MUTANT__";

/**
 * The environment of a subject: nothing of the grader's (no seed, no paths, no tokens), only what Node needs on
 * Windows to start, and a fixed time zone and locale so that an implementation prints the same everywhere. In a
 * mutation run (kit/mutation/), also the id of the mutant the kit's plan activates: a number, and nothing else.
 */
export function sandboxEnv(mutant?: string): Record<string, string> {
  const env: Record<string, string> = { TZ: "UTC", LANG: "C" };
  for (const key of ["SYSTEMROOT", "SystemRoot"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  if (mutant !== undefined) {
    if (!/^\d{1,9}$/.test(mutant)) throw new Error(`sandbox: a mutant id is a number, not ${JSON.stringify(mutant)}`);
    env[ACTIVE_MUTANT_ENV] = mutant;
  }
  return env;
}

/**
 * Starts the subject process of `plan`, the channel on fd 3. What the code prints through console reaches the
 * grader on the channel; what it writes straight to stdout goes nowhere (the null device, at no cost); stderr is
 * read, for V8's own last words when it runs out of memory.
 */
export function spawnSubject(plan: SubjectPlan): ChildProcess {
  return spawn(process.execPath, [...sandboxFlags([plan.shared, plan.impl]), join(plan.shared, "host.mjs"), plan.impl], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    env: sandboxEnv(plan.mutant),
    windowsHide: true,
  });
}
