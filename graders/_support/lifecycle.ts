/**
 * The graders' setup file (vitest `setupFiles`): it starts this grader file's subject at once, so that the subject
 * boots while vitest loads the grader, and wraps every test: a live subject before it (a fresh one after a stop),
 * and after it, the test's processes stopped and what the test observed (its output, a stop) left in its `meta`
 * for the kit.
 */
import { afterAll, afterEach, beforeEach, expect, inject } from "vitest";
import type { GradingSettings, SubjectPlan, TestObservation } from "#protocol";
import { exerciseOfGraderFile, OBSERVATION_KEY, PLANS_KEY, SETTINGS_KEY, slotOfGraderFile } from "#protocol";
import { SubjectStopped } from "../../subject/client.ts";
import { Session, setCurrentSession } from "./session.ts";

declare module "vitest" {
  export interface ProvidedContext {
    [SETTINGS_KEY]: GradingSettings;
    [PLANS_KEY]: Readonly<Record<string, SubjectPlan>>;
  }
  export interface TaskMeta {
    /** protocol/codes.ts OBSERVATION_KEY */
    grading?: TestObservation;
  }
}

const file = expect.getState().testPath ?? "";
const exercise = exerciseOfGraderFile(file);
const plan = inject(PLANS_KEY)[slotOfGraderFile(file)];
if (plan === undefined) throw new Error(`grading: no subject plan for ${file}`);
// This file runs again before each grader file, even where vitest reuses a worker for several files.
const session = new Session(plan, exercise, plan.modules[exercise] ?? []);
setCurrentSession(session);

beforeEach(async () => {
  await session.beginTest();
});

afterEach(async (context) => {
  const observation = await session.endTest();
  context.task.meta[OBSERVATION_KEY] = observation;
  // A test that caught the stop (or expected a rejection and got one) still failed.
  if (observation.stop !== null && context.task.result?.state !== "fail") throw new SubjectStopped(observation.stop);
});

afterAll(async () => {
  await session.close();
});
