/**
 * The grading protocol: what the kit (kit/), the graders (graders/_support) and the subject process (subject/)
 * agree on. Imported as `#protocol`; it imports none of them.
 */
export type { FailureCode, FailureFields, StopInfo, StopReason, TestObservation } from "./codes.ts";
export { describeStop, isStopReason, OBSERVATION_KEY, STOP_REASONS } from "./codes.ts";
export type { Fixture } from "./fixture.ts";
export { applyFixture } from "./fixture.ts";
export type {
  CallBody,
  CallTarget,
  Encoded,
  EncodedKind,
  EncodedNode,
  Entries,
  LoadedModule,
  Outcome,
  Pong,
  Request,
  RequestOp,
  RuntimeFunction,
  SubjectMessage,
} from "./messages.ts";
export { MAX_FRAME_BYTES, RUNTIME_FUNCTIONS, VALUE_LIMITS } from "./messages.ts";
export type { GradingSettings, SubjectPlan } from "./settings.ts";
export { DEFAULT_SEED, exerciseOfGraderFile, GRADE_ENV, PLANS_KEY, SETTINGS_KEY, slotOfGraderFile } from "./settings.ts";
export { taskOfTitle, taskTitle } from "./tasks.ts";
export type { Lang, Text } from "./text.ts";
export { langFromEnv, parseLang, plainText, say, testName, testNameIn } from "./text.ts";
