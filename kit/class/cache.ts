import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Lang } from "#protocol";
import type { LearnerResult } from "./learner-result.ts";
import type { Submission } from "./submissions.ts";

/** Bumped when the shape of a cached result, or how it is built, changes: older results are graded again. */
const CACHE_VERSION = 1;

/** What, besides the learner's files, decides a grade. */
export interface GradingContext {
  readonly ids: readonly string[];
  readonly seed: number;
  readonly lang: Lang;
  /** kitIdentity(): the graders, runtime and scoring that grade. */
  readonly kit: string;
}

/**
 * The SHA-256 of everything a learner's grade depends on: the files that would be staged (sorted paths and bytes)
 * and why any exercise was not (missing, rejected), the exercises graded, the seed, the language and the kit.
 * Two runs with the same key grade the same way, so the second can reuse the first's result.
 */
export function cacheKey(submission: Submission, context: GradingContext): string {
  const hash = createHash("sha256");
  const field = (text: string): void => {
    hash.update(`${Buffer.byteLength(text)}:${text}\0`);
  };
  field(`v${CACHE_VERSION}`);
  field(context.kit);
  field(String(context.seed));
  field(context.lang);
  field(context.ids.join(","));
  field(submission.prefix);
  for (const exercise of submission.exercises) {
    field(exercise.id);
    field(exercise.kind);
    if (exercise.kind !== "files") {
      field(exercise.why.en);
      continue;
    }
    // readSubmission lists each folder's files in sorted order; sorting again keeps the key independent of it.
    const files = [...exercise.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const file of files) {
      field(file.path);
      hash.update(`${file.bytes.length}:`);
      hash.update(file.bytes);
    }
  }
  return hash.digest("hex");
}

interface CachedResult {
  readonly version: number;
  readonly key: string;
  readonly result: LearnerResult;
}

/** The result stored for this learner under this key, or null (none, another key, or a file that does not parse). */
export function readCached(file: string, learner: string, key: string): LearnerResult | null {
  if (!existsSync(file)) return null;
  try {
    const cached = JSON.parse(readFileSync(file, "utf8")) as Partial<CachedResult>;
    if (cached.version !== CACHE_VERSION || cached.key !== key || cached.result?.learner !== learner) return null;
    return cached.result;
  } catch {
    return null;
  }
}

/** Stores a learner's result with its key; written whole or not at all, so a run cut short leaves no torn file. */
export function writeCached(file: string, key: string, result: LearnerResult): void {
  const cached: CachedResult = { version: CACHE_VERSION, key, result };
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(cached, null, 2)}\n`);
  renameSync(partial, file);
}
