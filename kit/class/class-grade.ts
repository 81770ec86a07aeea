import { join, relative } from "node:path";
import type { Lang, Text } from "#protocol";
import { type BatchEntry, gradeBatch } from "../batch.ts";
import { catalog } from "../catalog.ts";
import type { GradeReport } from "../judge.ts";
import { cacheKey, type GradingContext, readCached, writeCached } from "./cache.ts";
import type { ClassGrades } from "./class-grades.ts";
import { kitIdentity } from "./kit-identity.ts";
import { type ExerciseResult, exerciseResult, isUngraded, type LearnerResult, learnerResult, ungradedExercise } from "./learner-result.ts";
import type { ClassGradeCommand } from "./options.ts";
import { classSeed } from "./seed.ts";
import {
  type ExerciseSubmission,
  type Learner,
  listLearners,
  readSubmission,
  type Submission,
  selectShard,
  slotName,
  stageSubmission,
} from "./submissions.ts";

/**
 * Submissions per gradeBatch call: one vitest run grades a chunk on every core, and chunks keep memory bounded and
 * let the run report its progress.
 */
const CHUNK = 40;

/** What grading one learner needs once their files are staged (their bytes are not kept). */
interface Pending {
  readonly learner: Learner;
  readonly slot: string;
  readonly dir: string;
  readonly prefix: Submission["prefix"];
  readonly states: readonly { readonly id: string; readonly kind: ExerciseSubmission["kind"]; readonly why: Text | null }[];
  readonly run: readonly string[];
  readonly key: string;
  readonly file: string;
}

/**
 * Turns the staged copy's paths in a message back into the learner's own (`exercises/<id>/…`, or `<id>/…` for a
 * folder laid out like exercises/), whether written absolute or relative to the current folder, with either slash.
 */
function unstager(dir: string, prefix: string): (text: string) => string {
  const variants = [dir, relative(process.cwd(), dir)]
    .filter((path) => path !== "")
    .flatMap((path) => [path, path.replaceAll("\\", "/")])
    .sort((a, b) => b.length - a.length);
  const root = prefix === "" ? "." : prefix.slice(0, -1);
  return (text) => {
    let out = text;
    for (const path of variants) out = out.split(`${path}/`).join(prefix).split(`${path}\\`).join(prefix).split(path).join(root);
    return out;
  };
}

function resultOf(pending: Pending, report: GradeReport | null, failure: string, lang: Lang): LearnerResult {
  const unstage = unstager(pending.dir, pending.prefix);
  const exercises = pending.states.map((state): ExerciseResult => {
    const why = state.why?.[lang] ?? "";
    if (state.kind === "missing" || state.kind === "rejected") return ungradedExercise(state.id, state.kind, why);
    if (state.kind === "unreadable") return ungradedExercise(state.id, "ungraded", why);
    const graded = report?.exercises.find((exercise) => exercise.id === state.id);
    if (graded !== undefined) return exerciseResult(graded, unstage);
    return ungradedExercise(state.id, "ungraded", { es: `No se pudo calificar: ${failure}`, en: `Could not grade: ${failure}` }[lang]);
  });
  return learnerResult(pending.learner.id, exercises);
}

const NO_REPORT = "the batch returned no report for it";

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Grades a chunk in one batch. Should the batch itself fail, each submission is graded alone, so that one cannot
 * cost the others their grade; those that still fail come back as an error.
 */
async function gradeChunk(
  kitRoot: string,
  chunk: readonly Pending[],
  context: GradingContext,
): Promise<Map<string, { report: GradeReport | null; failure: string }>> {
  const entries = (list: readonly Pending[]): BatchEntry[] =>
    list.map((pending) => ({ key: pending.slot, implDir: pending.dir, ids: pending.run }));
  const outcomes = new Map<string, { report: GradeReport | null; failure: string }>();
  const options = { seed: context.seed, lang: context.lang };
  try {
    const reports = await gradeBatch(kitRoot, entries(chunk), options);
    for (const pending of chunk) outcomes.set(pending.slot, { report: reports.get(pending.slot) ?? null, failure: NO_REPORT });
    return outcomes;
  } catch (error) {
    if (chunk.length === 1) {
      outcomes.set(chunk[0]?.slot ?? "", { report: null, failure: errorText(error) });
      return outcomes;
    }
  }
  for (const pending of chunk) {
    try {
      const reports = await gradeBatch(kitRoot, entries([pending]), options);
      outcomes.set(pending.slot, { report: reports.get(pending.slot) ?? null, failure: NO_REPORT });
    } catch (error) {
      outcomes.set(pending.slot, { report: null, failure: errorText(error) });
    }
  }
  return outcomes;
}

/**
 * Grades every submission of `command.submissions` (or of its shard) with the kit's graders: each learner's `.ts`
 * files are staged under `<out>/.staging/`, submissions unchanged since an earlier run into the same out folder
 * reuse its result, and the others are graded in chunks on every core. `progress` receives a line per step.
 */
export async function gradeClass(kitRoot: string, command: ClassGradeCommand, progress: (line: Text) => void): Promise<ClassGrades> {
  const learners = selectShard(listLearners(command.submissions), command.shard);
  const seed = classSeed(command.out, command.seed);
  const ids = catalog.filter((exercise) => command.ids.includes(exercise.id)).map((exercise) => exercise.id);
  const context: GradingContext = { ids, seed, lang: command.lang, kit: kitIdentity(kitRoot) };
  const results = new Map<string, LearnerResult>();
  const pending: Pending[] = [];
  let reused = 0;
  for (const learner of learners) {
    const submission = readSubmission(learner, ids);
    const key = cacheKey(submission, context);
    const slot = slotName(learner.id);
    const file = join(command.out, "results", `${slot}.json`);
    const cached = readCached(file, learner.id, key);
    if (cached !== null) {
      results.set(learner.id, cached);
      reused++;
      continue;
    }
    const dir = join(command.out, ".staging", slot);
    stageSubmission(submission, dir);
    pending.push({
      learner,
      slot,
      dir,
      prefix: submission.prefix,
      states: submission.exercises.map((exercise) => ({
        id: exercise.id,
        kind: exercise.kind,
        why: exercise.kind === "files" ? null : exercise.why,
      })),
      run: submission.exercises.filter((exercise) => exercise.kind === "files").map((exercise) => exercise.id),
      key,
      file,
    });
  }
  const finish = (item: Pending, result: LearnerResult): void => {
    results.set(item.learner.id, result);
    // A failure of the grading itself is not the learner's: the next run tries again.
    if (!isUngraded(result)) writeCached(item.file, item.key, result);
  };
  for (const item of pending.filter((candidate) => candidate.run.length === 0)) finish(item, resultOf(item, null, "", command.lang));
  const runnable = pending.filter((candidate) => candidate.run.length > 0);
  progress({
    es: `Entregas: ${learners.length}; sin cambios desde la última ejecución: ${reused}; por calificar: ${runnable.length}.`,
    en: `Submissions: ${learners.length}; unchanged since the last run: ${reused}; to grade: ${runnable.length}.`,
  });
  const started = performance.now();
  for (let i = 0; i < runnable.length; i += CHUNK) {
    const chunk = runnable.slice(i, i + CHUNK);
    const outcomes = await gradeChunk(kitRoot, chunk, context);
    for (const item of chunk) {
      const outcome = outcomes.get(item.slot) ?? { report: null, failure: NO_REPORT };
      finish(item, resultOf(item, outcome.report, outcome.failure, command.lang));
    }
    const done = Math.min(i + CHUNK, runnable.length);
    const seconds = Math.round((performance.now() - started) / 1000);
    progress({
      es: `calificadas ${done}/${runnable.length} entregas (${seconds} s)`,
      en: `graded ${done}/${runnable.length} submissions (${seconds} s)`,
    });
  }
  const sorted = learners.map((learner) => results.get(learner.id)).filter((result) => result !== undefined);
  const ungraded = sorted.filter(isUngraded).length;
  return {
    format: "genserver-kit-class-grades",
    version: 1,
    seed,
    kit: context.kit,
    lang: command.lang,
    exercises: ids,
    shard: command.shard,
    merged: 0,
    missingShards: [],
    counts: { learners: sorted.length, graded: sorted.length - reused - ungraded, reused, ungraded },
    learners: sorted,
  };
}
