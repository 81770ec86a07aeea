import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Text } from "#protocol";
import { ClassError } from "./class-error.ts";
import type { Shard } from "./options.ts";

/** One learner: a folder of the submissions folder, named after the learner. */
export interface Learner {
  readonly id: string;
  readonly dir: string;
}

/** A `.ts` file of an exercise, by its path inside `<id>/` (with `/`). */
export interface SubmittedFile {
  readonly path: string;
  readonly bytes: Buffer;
}

/**
 * What a learner handed in for one exercise: its `.ts` files, nothing (missing), something the kit will not grade
 * (rejected: a symbolic link, a file too large), or a folder the kit could not read (unreadable: the grading
 * machine's problem, not the learner's, so it is tried again on the next run).
 */
export type ExerciseSubmission =
  | { readonly kind: "files"; readonly id: string; readonly files: readonly SubmittedFile[] }
  | { readonly kind: "missing" | "rejected" | "unreadable"; readonly id: string; readonly why: Text };

export interface Submission {
  readonly learner: Learner;
  /** Where the exercises are inside the learner's folder: "exercises/" (a clone of the kit) or "" (like exercises/). */
  readonly prefix: "exercises/" | "";
  readonly exercises: readonly ExerciseSubmission[];
}

/** A learner's file larger than this is not graded: exercise files are a few kilobytes. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Bounds on one exercise folder, so that a submission cannot fill the grading machine's disk or memory. */
export const MAX_FILES = 100;
export const MAX_EXERCISE_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 8;

/** Sorts by UTF-16 code units: the same order on every machine and Node version, unlike localeCompare. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The learners of a submissions folder: each immediate subfolder (a symbolic link to a folder counts, since the
 * instructor made it), sorted by name; dot-folders are skipped.
 */
export function listLearners(dir: string): Learner[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ClassError({
      es: `No se pudo leer la carpeta de entregas ${dir} (${code}).`,
      en: `The submissions folder ${dir} could not be read (${code}).`,
    });
  }
  return entries
    .filter((name) => !name.startsWith("."))
    .filter((name) => {
      try {
        return statSync(join(dir, name)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort(byCodeUnits)
    .map((id) => ({ id, dir: join(dir, id) }));
}

/** The learners of shard `index`/`count`: those whose index in the sorted list is `index - 1` modulo `count`. */
export function selectShard<T>(learners: readonly T[], shard: Shard | null): T[] {
  return shard === null ? [...learners] : learners.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * The folder name a learner's staged copy and cached result go under: the id itself when it is plain, else a hash
 * of it, so that an id with glob or shell characters never ends up in a path the compiler or vitest reads as a
 * pattern. `~` never appears in a plain id, so the two kinds cannot collide.
 */
export function slotName(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id) ? id : `~${createHash("sha256").update(id).digest("hex").slice(0, 20)}`;
}

type Kind = "symlink" | "large" | "special" | "count" | "total" | "deep";

function rejection(kind: Kind, shown: string, size = 0): Text {
  const mb = (size / (1024 * 1024)).toFixed(2);
  switch (kind) {
    case "symlink":
      return {
        es: `${shown} es un enlace simbólico: los enlaces no se siguen; entrega el archivo mismo.`,
        en: `${shown} is a symbolic link: links are not followed; hand in the file itself.`,
      };
    case "large":
      return {
        es: `${shown} pesa ${mb} MB, más que el límite de 1 MB por archivo.`,
        en: `${shown} is ${mb} MB, over the limit of 1 MB per file.`,
      };
    case "special":
      return { es: `${shown} no es un archivo normal.`, en: `${shown} is not a regular file.` };
    case "count":
      return {
        es: `${shown} tiene más de ${MAX_FILES} archivos .ts.`,
        en: `${shown} holds more than ${MAX_FILES} .ts files.`,
      };
    case "total":
      return {
        es: `Los archivos .ts de ${shown} pesan más de ${MAX_EXERCISE_BYTES / (1024 * 1024)} MB en total.`,
        en: `The .ts files of ${shown} add up to more than ${MAX_EXERCISE_BYTES / (1024 * 1024)} MB.`,
      };
    case "deep":
      return {
        es: `${shown} tiene carpetas anidadas a más de ${MAX_DEPTH} niveles.`,
        en: `${shown} has folders nested more than ${MAX_DEPTH} levels deep.`,
      };
    default: {
      const unknown: never = kind;
      throw new Error(`rejection: unknown kind ${String(unknown)}`);
    }
  }
}

class Rejected extends Error {
  readonly why: Text;
  constructor(why: Text) {
    super(why.en);
    this.why = why;
  }
}

/** Opens without following a symbolic link where the platform can (POSIX); lstat has already refused links. */
const noFollow = constants.O_NOFOLLOW ?? 0;

function readOwnFile(path: string, shown: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | noFollow);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Rejected(rejection("special", shown));
    if (stats.size > MAX_FILE_BYTES) throw new Rejected(rejection("large", shown, stats.size));
    const bytes = readFileSync(fd);
    if (bytes.length > MAX_FILE_BYTES) throw new Rejected(rejection("large", shown, bytes.length));
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The `.ts` files under `dir` (skipping dot-entries and node_modules), never following a symbolic link. */
function collect(dir: string, shownDir: string, rel: string, depth: number, found: SubmittedFile[], budget: { bytes: number }): void {
  if (depth > MAX_DEPTH) throw new Rejected(rejection("deep", shownDir));
  const names = readdirSync(join(dir, rel)).sort(byCodeUnits);
  for (const name of names) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, rel, name);
    const relPath = rel === "" ? name : `${rel}/${name}`;
    const shown = `${shownDir}${relPath}`;
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) throw new Rejected(rejection("symlink", shown));
    if (stats.isDirectory()) {
      collect(dir, shownDir, relPath, depth + 1, found, budget);
      continue;
    }
    if (!name.endsWith(".ts")) continue;
    if (!stats.isFile()) throw new Rejected(rejection("special", shown));
    if (stats.size > MAX_FILE_BYTES) throw new Rejected(rejection("large", shown, stats.size));
    if (found.length >= MAX_FILES) throw new Rejected(rejection("count", shownDir));
    const bytes = readOwnFile(path, shown);
    budget.bytes += bytes.length;
    if (budget.bytes > MAX_EXERCISE_BYTES) throw new Rejected(rejection("total", shownDir));
    found.push({ path: relPath, bytes });
  }
}

function unreadable(id: string, shown: string, error: unknown): ExerciseSubmission {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return {
    kind: "unreadable",
    id,
    why: { es: `No se pudo leer ${shown} (${code}).`, en: `${shown} could not be read (${code}).` },
  };
}

function readExercise(base: string, prefix: string, id: string): ExerciseSubmission {
  const dir = join(base, id);
  const shownDir = `${prefix}${id}/`;
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return unreadable(id, shownDir, error);
    return { kind: "missing", id, why: { es: `No entregado: no existe ${shownDir}`, en: `Not submitted: there is no ${shownDir}` } };
  }
  if (stats.isSymbolicLink()) return { kind: "rejected", id, why: rejection("symlink", `${prefix}${id}`) };
  if (!stats.isDirectory())
    return {
      kind: "missing",
      id,
      why: { es: `No entregado: ${prefix}${id} no es una carpeta.`, en: `Not submitted: ${prefix}${id} is not a folder.` },
    };
  const files: SubmittedFile[] = [];
  try {
    collect(dir, shownDir, "", 0, files, { bytes: 0 });
  } catch (error) {
    if (error instanceof Rejected) return { kind: "rejected", id, why: error.why };
    return unreadable(id, shownDir, error);
  }
  if (files.length === 0)
    return {
      kind: "missing",
      id,
      why: { es: `No entregado: ${shownDir} no tiene archivos .ts.`, en: `Not submitted: ${shownDir} has no .ts file.` },
    };
  return { kind: "files", id, files };
}

/**
 * Reads what a learner handed in for each of `ids`: only the `.ts` files of `exercises/<id>/` (a clone of the kit)
 * or of `<id>/` (a folder laid out like exercises/). Nothing else of the learner's folder is read: their graders/,
 * runtime/, package.json and configuration play no part in their grade.
 */
export function readSubmission(learner: Learner, ids: readonly string[]): Submission {
  const exercises = join(learner.dir, "exercises");
  let kind: "folder" | "link" | "none" = "none";
  try {
    const stats = lstatSync(exercises);
    kind = stats.isSymbolicLink() ? "link" : stats.isDirectory() ? "folder" : "none";
  } catch {
    kind = "none";
  }
  if (kind === "link")
    return {
      learner,
      prefix: "exercises/",
      exercises: ids.map((id) => ({ kind: "rejected", id, why: rejection("symlink", "exercises") })),
    };
  const prefix = kind === "folder" ? "exercises/" : "";
  const base = kind === "folder" ? exercises : learner.dir;
  return { learner, prefix, exercises: ids.map((id) => readExercise(base, prefix, id)) };
}

/** Writes the submission's files into `dir` (`<dir>/<id>/<path>`), replacing whatever an earlier run left there. */
export function stageSubmission(submission: Submission, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const exercise of submission.exercises) {
    if (exercise.kind !== "files") continue;
    for (const file of exercise.files) {
      const path = join(dir, exercise.id, ...file.path.split("/"));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.bytes);
    }
  }
}
