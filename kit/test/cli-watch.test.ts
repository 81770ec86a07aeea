import { describe, expect, it } from "vitest";
import { afterGrading, type WatchState } from "../cli/watch.ts";
import type { GradedExercise, GradeReport } from "../judge.ts";

/** An exercise of the report with its status, and earning what its status says. */
function exercise(id: string, status: GradedExercise["status"], earned = status === "pass" ? 100 : 0): GradedExercise {
  return {
    id,
    title: { es: id, en: id },
    points: 100,
    earned,
    tasks: [],
    status,
    typeErrors: [],
    uncompiled: [],
    error: null,
    stops: [],
    unlisted: [],
    orphans: [],
  };
}

function report(...exercises: GradedExercise[]): GradeReport {
  return { exercises, seed: 1, lang: "es", points: 100 * exercises.length, earned: exercises.reduce((sum, e) => sum + e.earned, 0) };
}

const course = (a: GradedExercise["status"], b: GradedExercise["status"], c: GradedExercise["status"]): GradeReport =>
  report(exercise("01", a), exercise("02", b), exercise("03", c));

describe("afterGrading", () => {
  it.each<{ case: string; before: WatchState; graded: GradeReport; ids: string[]; current: string | null; passed: string | null }>([
    {
      case: "the exercise in focus passes: on to the next unfinished one",
      before: { report: course("fail", "fail", "fail"), current: "01" },
      graded: report(exercise("01", "pass")),
      ids: ["01"],
      current: "02",
      passed: "01",
    },
    {
      case: "the last unfinished exercise passes: on to an earlier unfinished one",
      before: { report: course("fail", "pass", "fail"), current: "03" },
      graded: report(exercise("03", "pass")),
      ids: ["03"],
      current: "01",
      passed: "03",
    },
    {
      case: "everything passes: nothing in focus",
      before: { report: course("pass", "pass", "fail"), current: "03" },
      graded: report(exercise("03", "pass")),
      ids: ["03"],
      current: null,
      passed: "03",
    },
    {
      case: "a save in the exercise in focus that still fails: it stays",
      before: { report: course("fail", "fail", "fail"), current: "01" },
      graded: report(exercise("01", "fail", 40)),
      ids: ["01"],
      current: "01",
      passed: null,
    },
    {
      case: "a save in another unfinished exercise: it takes the focus",
      before: { report: course("fail", "fail", "fail"), current: "01" },
      graded: report(exercise("03", "fail", 10)),
      ids: ["03"],
      current: "03",
      passed: null,
    },
    {
      case: "a save in an exercise that already passed: the focus stays",
      before: { report: course("pass", "fail", "fail"), current: "02" },
      graded: report(exercise("01", "pass")),
      ids: ["01"],
      current: "02",
      passed: null,
    },
    {
      case: "grading everything again: the focus stays, and moves on if it passes",
      before: { report: course("fail", "fail", "fail"), current: "02" },
      graded: course("fail", "pass", "fail"),
      ids: ["01", "02", "03"],
      current: "03",
      passed: "02",
    },
  ])("$case", ({ before, graded, ids, current, passed }) => {
    const after = afterGrading(before, graded, ids);
    expect(after.current).toBe(current);
    expect(after.passed).toBe(passed);
    expect(after.report.earned).toBe(after.report.exercises.reduce((sum, e) => sum + e.earned, 0));
    expect(after.report.exercises.map((e) => e.id)).toEqual(["01", "02", "03"]);
  });
});
