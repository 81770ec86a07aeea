/**
 * The helpers every grader uses, imported as `#grading`: the code under grading as a remote module, tasks with
 * points, assertions whose failures read as plain words in the learner's language, the subject's fake clock,
 * model-based property runs seeded for reproducible grades.
 */
export type { Text } from "#protocol";
export { testName } from "#protocol";
// From the runtime's errors module alone: the graders' processes need these two classes, not the runtime.
export { ExitError, StartError } from "../../runtime/errors.ts";
export type { ModelSetup } from "./assert-model.ts";
export { assertModel } from "./assert-model.ts";
export { assertAnswer, assertEqual, assertPid, assertRejects, fail, GradingFailure, startServer } from "./assertions.ts";
export { matches } from "./equality.ts";
export type { Examples } from "./examples.ts";
export { examples, seededRandom } from "./examples.ts";
export type { FakeClock } from "./fake-clock.ts";
export { useFakeClock } from "./fake-clock.ts";
export { gradeTask, gradingSeed, t } from "./grading.ts";
export type { Remote, RemoteFunction, RemoteLogEntry, RemoteRuntime, Yardstick } from "./subject.ts";
export { captureLogs, Held, RemoteProbe, startProbe, subject } from "./subject.ts";
