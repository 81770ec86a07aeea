import type { StopReason } from "#protocol";
import { findExercise } from "../catalog.ts";
import type { GradedExercise } from "../judge.ts";

/**
 * pass / fail / error as `npm run grade` says them (error: the tests could not run); missing: not handed in;
 * rejected: handed in with something the kit does not grade (a symbolic link, a file too large); ungraded: the
 * grading itself failed, and the next run tries again.
 */
export type ExerciseStatus = "pass" | "fail" | "error" | "missing" | "rejected" | "ungraded";

/** What an instructor should look at, one per exercise, the most telling first. */
export type Problem = "does-not-compile" | "out-of-memory" | "hung" | "crashed" | "missing" | "rejected" | "ungraded";

export interface TaskResult {
  readonly n: number;
  readonly points: number;
  readonly max: number;
}

/** A test that failed, and why in the grading language (cut to a few hundred characters). */
export interface FailedTest {
  readonly task: number;
  readonly name: string;
  readonly message: string;
}

/** A grader's process stopped early: hang (it kept running), memory (past the limit), exit (it ended). */
export interface StopResult {
  readonly reason: StopReason;
  /** The test running then (null: while the implementation was loading). */
  readonly test: string | null;
  readonly task: number | null;
}

export interface ExerciseResult {
  readonly id: string;
  readonly points: number;
  readonly max: number;
  readonly status: ExerciseStatus;
  readonly problem: Problem | null;
  /** Why the exercise was not graded, or why its tests could not run. */
  readonly error: string | null;
  /** The first type errors, `path:line:column: message`, with paths as in the learner's repository. */
  readonly typeErrors: readonly string[];
  /** Each time a grader's process stopped early. */
  readonly stops: readonly StopResult[];
  readonly tasks: readonly TaskResult[];
  readonly failed: readonly FailedTest[];
}

/** One learner's grade: what `<out>/results/<learner>.json` keeps and `grades.json` lists. */
export interface LearnerResult {
  readonly learner: string;
  readonly points: number;
  readonly max: number;
  readonly exercises: readonly ExerciseResult[];
}

const MESSAGE_CHARS = 400;
const TYPE_ERRORS_KEPT = 5;

const cut = (text: string): string => (text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS - 1)}…` : text);

/** The times a grader's process stopped early (hang, memory, exit): the one place that reads them from the report. */
function stopsOf(exercise: GradedExercise): StopResult[] {
  return exercise.stops.map((stop) => ({ reason: stop.reason, task: stop.task, test: stop.test }));
}

/** The most telling problem: code that does not compile, then memory, a hang, a crash (an exit, a failed load). */
function problemOf(exercise: GradedExercise, stops: readonly StopResult[]): Problem | null {
  if (exercise.typeErrors.length > 0) return "does-not-compile";
  if (stops.some((stop) => stop.reason === "memory")) return "out-of-memory";
  if (stops.some((stop) => stop.reason === "hang")) return "hung";
  // A request never answered is a failure like any other; ending, flooding, or garbling the channel is a crash.
  if (stops.some((stop) => stop.reason !== "no-answer") || exercise.status === "error") return "crashed";
  return null;
}

/**
 * A graded exercise as the class outputs keep it. `unstage` turns the staged copy's paths back into the learner's
 * (`exercises/<id>/…`), so that messages point at files the learner has.
 */
export function exerciseResult(exercise: GradedExercise, unstage: (text: string) => string): ExerciseResult {
  const stops = stopsOf(exercise);
  return {
    id: exercise.id,
    points: exercise.earned,
    max: exercise.points,
    status: exercise.status,
    problem: problemOf(exercise, stops),
    error: exercise.error === null ? null : unstage(exercise.error),
    typeErrors: exercise.typeErrors
      .slice(0, TYPE_ERRORS_KEPT)
      .map((error) => cut(`${unstage(error.file).replaceAll("\\", "/")}:${error.line}:${error.column}: ${error.message}`)),
    stops,
    tasks: exercise.tasks.map((task) => ({ n: task.n, points: task.earned, max: task.points })),
    failed:
      exercise.status === "error"
        ? []
        : exercise.tasks.flatMap((task) =>
            task.tests
              .filter((test) => !test.passed)
              .map((test) => ({ task: task.n, name: test.name, message: cut(unstage(test.message)) })),
          ),
  };
}

/** An exercise that earned nothing without being run: not handed in, rejected, or not gradable this time. */
export function ungradedExercise(id: string, status: "missing" | "rejected" | "ungraded", why: string): ExerciseResult {
  const tasks = findExercise(id)?.tasks ?? [];
  return {
    id,
    points: 0,
    max: tasks.reduce((sum, task) => sum + task.points, 0),
    status,
    problem: status,
    error: why,
    typeErrors: [],
    stops: [],
    tasks: tasks.map((task) => ({ n: task.n, points: 0, max: task.points })),
    failed: [],
  };
}

export function learnerResult(learner: string, exercises: readonly ExerciseResult[]): LearnerResult {
  return {
    learner,
    points: exercises.reduce((sum, exercise) => sum + exercise.points, 0),
    max: exercises.reduce((sum, exercise) => sum + exercise.max, 0),
    exercises,
  };
}

/** Whether the grading itself failed for some exercise of the learner (the run then exits 1). */
export const isUngraded = (result: LearnerResult): boolean => result.exercises.some((exercise) => exercise.status === "ungraded");
