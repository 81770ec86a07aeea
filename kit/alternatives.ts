/**
 * Second correct implementations, kept next to a grader in `graders/<id>/alternatives/<name>/`: each a whole
 * implementation folder, built on another data structure or another design than the reference solution, that
 * must score every point. A grader that only passes the solution's own choices (its ordering of equal things, its
 * way of storing) would fail them: they prove the grader checks what the statement asks, nothing more.
 */
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface Alternative {
  readonly id: string;
  /** kebab-case, unique within the exercise: what it is built on (`sorted-array`, `binary-heap`…). */
  readonly name: string;
  /** The folder that holds its files, named as the exercise's. */
  readonly dir: string;
}

/** The alternatives of the exercises `ids`, in order. */
export function alternativesOf(kitRoot: string, ids: readonly string[]): Alternative[] {
  return ids.flatMap((id) => {
    const root = join(kitRoot, "graders", id, "alternatives");
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => ({ id, name: entry.name, dir: join(root, entry.name) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** Writes `alternative` as an implementation folder under `target` (`target/<id>/…`), ready to grade. */
export function writeAlternative(alternative: Alternative, target: string): void {
  cpSync(alternative.dir, join(target, alternative.id), { recursive: true });
}
