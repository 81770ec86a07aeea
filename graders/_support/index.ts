/**
 * The helpers every grader uses, imported as `#grading`: tasks with points, assertions whose failures read as
 * plain words in the learner's language, fake clocks, model-based property runs seeded for reproducible grades.
 */
export type { Text } from "../../kit/lang.ts";
export type { ModelSetup } from "./assert-model.ts";
export { assertModel } from "./assert-model.ts";
export { assertEqual, assertRejects, fail, GradingFailure } from "./assertions.ts";
export type { Examples } from "./examples.ts";
export { examples, seededRandom } from "./examples.ts";
export { useFakeClock } from "./fake-clock.ts";
export { captureLogs, gradeTask, gradingSeed, t } from "./grading.ts";
