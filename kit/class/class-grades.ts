import type { Lang } from "#protocol";
import { ClassError } from "./class-error.ts";
import type { LearnerResult } from "./learner-result.ts";
import type { Shard } from "./options.ts";

/** How many learners a run covered, and how: graded now, reused from an earlier run, or not gradable. */
export interface ClassCounts {
  readonly learners: number;
  readonly graded: number;
  readonly reused: number;
  readonly ungraded: number;
}

/** `<out>/grades.json`: a class's grades, and what they were graded with. */
export interface ClassGrades {
  readonly format: "genserver-kit-class-grades";
  readonly version: 1;
  readonly seed: number;
  /** kitIdentity(): results graded by kits with different identities are not comparable. */
  readonly kit: string;
  readonly lang: Lang;
  /** The exercises graded, in course order. */
  readonly exercises: readonly string[];
  /** The shard this run graded (null: every learner, or a merge). */
  readonly shard: Shard | null;
  /** For a merge: how many out folders it combined (0 for a run that graded). */
  readonly merged: number;
  /** For a merge of shards: the shards of the split that were not among the inputs. */
  readonly missingShards: readonly number[];
  readonly counts: ClassCounts;
  /** Sorted by learner id, as the shards split them. */
  readonly learners: readonly LearnerResult[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

function isLearner(value: unknown): value is LearnerResult {
  return (
    isRecord(value) &&
    typeof value.learner === "string" &&
    isCount(value.points) &&
    isCount(value.max) &&
    Array.isArray(value.exercises) &&
    value.exercises.every((exercise) => isRecord(exercise) && typeof exercise.id === "string" && isCount(exercise.points))
  );
}

function isShard(value: unknown): value is Shard {
  return isRecord(value) && isCount(value.index) && isCount(value.count) && value.index >= 1 && value.index <= value.count;
}

/** Reads a grades.json written by a class run, or says plainly why it is not one. */
export function parseClassGrades(text: string, file: string): ClassGrades {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ClassError({ es: `${file} no es JSON válido: ${why}`, en: `${file} is not valid JSON: ${why}` });
  }
  const ok =
    isRecord(value) &&
    value.format === "genserver-kit-class-grades" &&
    value.version === 1 &&
    isCount(value.seed) &&
    typeof value.kit === "string" &&
    (value.lang === "es" || value.lang === "en") &&
    Array.isArray(value.exercises) &&
    value.exercises.every((id) => typeof id === "string") &&
    (value.shard === null || isShard(value.shard)) &&
    isCount(value.merged) &&
    Array.isArray(value.missingShards) &&
    value.missingShards.every(isCount) &&
    isRecord(value.counts) &&
    ["learners", "graded", "reused", "ungraded"].every((key) => isCount(isRecord(value.counts) ? value.counts[key] : undefined)) &&
    Array.isArray(value.learners) &&
    value.learners.every(isLearner);
  if (!ok)
    throw new ClassError({
      es: `${file} no es un grades.json de una calificación de grupo (npm run grade -- --submissions), o es de otra versión del kit.`,
      en: `${file} is not the grades.json of a class grading (npm run grade -- --submissions), or comes from another version of the kit.`,
    });
  return value as unknown as ClassGrades;
}
