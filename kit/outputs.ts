import type { Lang } from "#protocol";
import { type KitChange, type KitVerdict, verdictMarkdown } from "./checksums.ts";
import type { GradedExercise, GradedTest, GradeReport } from "./judge.ts";

/** Exercism's test-runner results.json (version 3), extended with points, totals and the seed. */
export interface ExercismResults {
  readonly version: 3;
  readonly status: "pass" | "fail" | "error";
  readonly message?: string;
  readonly tests: readonly {
    readonly name: string;
    readonly status: "pass" | "fail" | "error";
    readonly message?: string;
    readonly output?: string;
    readonly test_code: string;
    readonly task_id: number;
    readonly exercise: string;
    readonly points: number;
    readonly score: number;
  }[];
  readonly totals: {
    readonly score: number;
    readonly max_score: number;
    readonly exercises: readonly {
      readonly id: string;
      readonly status: "pass" | "fail" | "error";
      readonly score: number;
      readonly max_score: number;
    }[];
  };
  readonly seed: number;
  /** The grading kit against its checksums: `digest` names the set of files that graded. */
  readonly kit?: { readonly digest: string; readonly matches: boolean; readonly changed: readonly KitChange[] };
}

/** GitHub Classroom's grading-reporter input (classroom-resources/autograding-grading-reporter). */
export interface ClassroomResults {
  readonly version: 1;
  readonly status: "pass" | "fail" | "error";
  readonly max_score: number;
  readonly tests: readonly {
    readonly name: string;
    readonly status: "pass" | "fail" | "error";
    readonly score: number;
    readonly message: string;
    readonly test_code: string;
    readonly filename: string;
    readonly line_no: number;
    readonly duration: number;
  }[];
}

const testsOf = (exercise: GradedExercise): GradedTest[] => exercise.tasks.flatMap((task) => task.tests);

function overallStatus(report: GradeReport): "pass" | "fail" | "error" {
  if (report.exercises.some((exercise) => exercise.status === "error")) return "error";
  return report.exercises.every((exercise) => exercise.status === "pass") ? "pass" : "fail";
}

function errorMessage(report: GradeReport): string {
  return report.exercises
    .filter((exercise) => exercise.status === "error")
    .map((exercise) => {
      const first = exercise.typeErrors[0];
      return first === undefined
        ? `${exercise.id}: ${exercise.error ?? ""}`
        : `${exercise.id}: ${first.file}:${first.line}:${first.column}: ${first.message}`;
    })
    .join("\n");
}

function testStatus(exercise: GradedExercise, test: GradedTest): "pass" | "fail" | "error" {
  if (exercise.status === "error") return "error";
  return test.passed ? "pass" : "fail";
}

const finite = (n: number): number => (Number.isFinite(n) ? n : 0);

export function exercismResults(report: GradeReport, kit: KitVerdict | null = null): ExercismResults {
  const status = overallStatus(report);
  return {
    version: 3,
    status,
    ...(status === "error" ? { message: errorMessage(report) } : {}),
    tests: report.exercises.flatMap((exercise) =>
      testsOf(exercise).map((test) => {
        const output = test.output.join("\n");
        const message = test.passed ? "" : test.message;
        return {
          name: `${exercise.id} › task ${test.task} › ${test.name}`,
          status: testStatus(exercise, test),
          ...(message === "" ? {} : { message }),
          ...(output === "" ? {} : { output: output.length > 500 ? output.slice(-500) : output }),
          test_code: test.testCode,
          task_id: test.task,
          exercise: exercise.id,
          points: finite(test.points),
          score: finite(test.earned),
        };
      }),
    ),
    totals: {
      score: report.earned,
      max_score: report.points,
      exercises: report.exercises.map((exercise) => ({
        id: exercise.id,
        status: exercise.status,
        score: exercise.earned,
        max_score: exercise.points,
      })),
    },
    seed: report.seed,
    ...(kit === null ? {} : { kit: { digest: kit.digest, matches: kit.matches, changed: kit.changed } }),
  };
}

export function classroomResults(report: GradeReport): ClassroomResults {
  return {
    version: 1,
    status: overallStatus(report),
    max_score: report.points,
    tests: report.exercises.flatMap((exercise) =>
      testsOf(exercise).map((test) => ({
        name: `${exercise.id} › task ${test.task} › ${test.name}`,
        status: testStatus(exercise, test),
        score: finite(test.earned),
        message: test.passed ? "" : test.message,
        test_code: test.testCode,
        filename: test.file,
        line_no: finite(test.line),
        duration: Math.round(finite(test.durationMs)),
      })),
    ),
  };
}

/** The `result=…` line a workflow step writes to $GITHUB_OUTPUT for the Classroom reporter. */
export function classroomOutputLine(results: ClassroomResults): string {
  return `result=${Buffer.from(JSON.stringify(results)).toString("base64")}\n`;
}

const cell = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** A Markdown table of points per exercise and task, for a GitHub job summary; `kit`: the grading kit's verdict. */
export function markdownSummary(report: GradeReport, kit: KitVerdict | null = null): string {
  const lang: Lang = report.lang;
  const head =
    lang === "es" ? ["| Ejercicio | Tarea | Puntos |", "| --- | --- | ---: |"] : ["| Exercise | Task | Points |", "| --- | --- | ---: |"];
  const rows: string[] = [];
  for (const exercise of report.exercises) {
    const mark = exercise.status === "pass" ? "✅" : exercise.status === "error" ? "⚠️" : "❌";
    rows.push(`| ${mark} **${cell(exercise.id)}** ${cell(exercise.title[lang])} | | **${exercise.earned}/${exercise.points}** |`);
    if (exercise.status === "error") rows.push(`| | ${cell(exercise.error ?? "")} | |`);
    for (const task of exercise.tasks) rows.push(`| | ${task.n}. ${cell(task.title[lang])} | ${task.earned}/${task.points} |`);
  }
  const title = lang === "es" ? `## Calificación: ${report.earned}/${report.points}` : `## Grade: ${report.earned}/${report.points}`;
  const seed = lang === "es" ? `Semilla de las pruebas aleatorias: ${report.seed}` : `Seed of the random tests: ${report.seed}`;
  const verdict = kit === null ? "" : `\n${verdictMarkdown(kit, lang, { type: "grading-kit" }).trimEnd()}\n`;
  return `${title}\n\n${[...head, ...rows].join("\n")}\n\n${seed}\n${verdict}`;
}
