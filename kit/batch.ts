import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Lang } from "#protocol";
import type { GradeReport } from "./judge.ts";
import { createGrader } from "./run-graders.ts";
import { score } from "./score.ts";
import { typecheckDirs } from "./typecheck.ts";

/** One implementation to grade in a batch: a directory laid out like exercises/, and which exercises of it. */
export interface BatchEntry {
  readonly key: string;
  readonly implDir: string;
  readonly ids: readonly string[];
  /** Only these tasks are graded; the others earn nothing (see SubjectPlan.tasks). Every task when absent. */
  readonly tasks?: readonly number[];
}

/**
 * Grades many implementations in one vitest run (the kit's self-test, a class): each entry gets a slot under
 * .grade/ with its own copy of the graders (vitest runs each copy as a file of its own) and its own built code,
 * which only that entry's subjects may read.
 */
export async function gradeBatch(
  kitRoot: string,
  entries: readonly BatchEntry[],
  options: { readonly seed: number; readonly lang: Lang },
): Promise<Map<string, GradeReport>> {
  const root = join(kitRoot, ".grade", `batch-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  entries.forEach((entry, slot) => {
    for (const id of entry.ids) {
      const graders = join(kitRoot, "graders", id);
      if (existsSync(graders)) cpSync(graders, join(root, String(slot), "graders", id), { recursive: true });
    }
    mkdirSync(join(root, String(slot)), { recursive: true });
  });
  const grader = await createGrader({
    kitRoot,
    seed: options.seed,
    lang: options.lang,
    implementations: entries.map((entry, slot) => ({
      slot: String(slot),
      implDir: resolve(entry.implDir),
      ...(entry.tasks === undefined ? {} : { tasks: entry.tasks }),
    })),
    include: [`.grade/batch-${process.pid}/*/graders/*/**/*.test.ts`],
    workDir: root,
  });
  try {
    const folders = entries.flatMap((entry) => entry.ids.map((id) => join(resolve(entry.implDir), id)));
    const ids = [...new Set(entries.flatMap((entry) => entry.ids))];
    const [modules, byDir] = await Promise.all([grader.run(ids), typecheckDirs(kitRoot, folders)]);
    const reports = new Map<string, GradeReport>();
    entries.forEach((entry, slot) => {
      const own = modules.filter((module) => module.file.startsWith(join(root, String(slot), "graders")));
      const typeErrors = new Map(entry.ids.map((id) => [id, byDir.get(join(resolve(entry.implDir), id)) ?? []] as const));
      reports.set(entry.key, score({ ids: entry.ids, modules: own, typeErrors, kitRoot, lang: options.lang, seed: options.seed }));
    });
    return reports;
  } finally {
    await grader.close();
    rmSync(root, { recursive: true, force: true });
  }
}
