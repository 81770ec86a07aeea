import type { Lang } from "#protocol";
import { plainText, testNameIn } from "#protocol";
import { type KitChange, type KitVerdict, verdictMarkdown } from "./checksums.ts";
import { compilerLine } from "./compile-errors.ts";
import type { GradedExercise, GradedTask, GradedTest, GradeReport } from "./judge.ts";

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
          name: `${exercise.id} › task ${test.task} › ${testNameIn(report.lang, test.name)}`,
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

/** The most bytes a text takes in the Classroom JSON (as JSON, escapes included). */
export const CLASSROOM_LIMITS = { name: 200, message: 600 } as const;

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes once JSON-encoded (escapes count), on a character boundary, with
 * an ellipsis when cut; control characters go first (plainText).
 */
export function clip(text: string, maxBytes: number): string {
  const clean = plainText(text);
  const size = (s: string): number => Buffer.byteLength(JSON.stringify(s));
  if (size(clean) <= maxBytes) return clean;
  const chars = [...clean];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (size(`${chars.slice(0, mid).join("")}…`) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  return `${chars.slice(0, low).join("")}…`;
}

/** What a task's entry says when it does not pass: the first failing test and its message, or why nothing ran. */
function taskMessage(exercise: GradedExercise, task: GradedTask, lang: Lang): string {
  if (exercise.status === "error" || exercise.uncompiled.includes(task.n)) {
    const first = exercise.typeErrors[0];
    if (first !== undefined) return `${first.file}:${first.line}:${first.column}: ${compilerLine(first, lang)}`;
    return exercise.error ?? "";
  }
  const failing = task.tests.find((test) => !test.passed);
  if (failing === undefined) return "";
  return `${testNameIn(lang, failing.name)}: ${failing.message}`;
}

/**
 * The GitHub Classroom reporter's input: one entry per task of each exercise, scored with the task's points, so
 * that its size is bounded by the catalog rather than by the graders' tests or the learner's messages. The
 * reporter gets it base64-encoded in one environment variable, which Linux caps at 128 KiB; every test's full
 * message is in results.json and the job summary.
 */
export function classroomResults(report: GradeReport): ClassroomResults {
  const lang = report.lang;
  return {
    version: 1,
    status: overallStatus(report),
    max_score: report.points,
    tests: report.exercises.flatMap((exercise) =>
      exercise.tasks.map((task) => {
        const passed = exercise.status !== "error" && task.tests.length > 0 && task.tests.every((test) => test.passed);
        const failing = task.tests.find((test) => !test.passed) ?? task.tests[0];
        return {
          name: clip(`${exercise.id} › ${lang === "es" ? "tarea" : "task"} ${task.n}: ${task.title[lang]}`, CLASSROOM_LIMITS.name),
          status: exercise.status === "error" ? "error" : passed ? "pass" : "fail",
          score: finite(task.earned),
          message: passed ? "" : clip(taskMessage(exercise, task, lang), CLASSROOM_LIMITS.message),
          test_code: `npm run grade -- ${exercise.id}`,
          filename: clip(failing?.file ?? `graders/${exercise.id}`, CLASSROOM_LIMITS.name),
          line_no: Math.max(1, finite(failing?.line ?? 1)),
          duration: Math.round(task.tests.reduce((sum, test) => sum + finite(test.durationMs), 0)),
        };
      }),
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
  const details = failureDetails(report);
  return `${title}\n\n${[...head, ...rows].join("\n")}\n\n${seed}\n${verdict}${details === "" ? "" : `\n${details}`}`;
}

/** The most characters of one failure message the job summary shows (results.json has them whole). */
const SUMMARY_MESSAGE_CHARS = 2000;

const html = (text: string): string => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** `text` in a fenced block that no backticks inside it can close. */
function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

/**
 * For the job summary: under each exercise that does not pass, its compiler errors, or each unfinished task's
 * first failing test with its message, folded.
 */
export function failureDetails(report: GradeReport): string {
  const lang = report.lang;
  const es = lang === "es";
  const blocks: string[] = [];
  for (const exercise of report.exercises) {
    if (exercise.status === "pass") continue;
    const lines = [`### ${exercise.id}: ${es ? "lo que falla" : "what fails"}`, ""];
    if (exercise.typeErrors.length > 0) {
      const shown = exercise.typeErrors
        .slice(0, 10)
        .map((error) => `${error.file}:${error.line}:${error.column}: ${compilerLine(error, lang, 300)}`);
      lines.push(es ? "El código no compila:" : "The code does not compile:", "", fenced(plainText(shown.join("\n"))), "");
    } else if (exercise.error !== null) lines.push(fenced(plainText(exercise.error).slice(0, SUMMARY_MESSAGE_CHARS)), "");
    else
      for (const task of exercise.tasks) {
        const failing = task.tests.filter((test) => !test.passed);
        const first = failing[0];
        if (first === undefined) continue;
        const passing = task.tests.length - failing.length;
        const count = es ? `${passing} de ${task.tests.length} pruebas pasan` : `${passing} of ${task.tests.length} tests pass`;
        const message = plainText(first.message);
        const shown = message.length > SUMMARY_MESSAGE_CHARS ? `${message.slice(0, SUMMARY_MESSAGE_CHARS)}…` : message;
        lines.push(
          `<details><summary>${html(`${es ? "Tarea" : "Task"} ${task.n}: ${task.title[lang]} (${task.earned}/${task.points}) · ${count}`)}</summary>`,
          "",
          `✗ ${cell(clip(testNameIn(lang, first.name), 400))}`,
          "",
          fenced(shown),
          "",
          "</details>",
          "",
        );
      }
    blocks.push(lines.join("\n"));
  }
  return blocks.join("\n");
}
