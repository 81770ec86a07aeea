import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createGrader } from "./run-graders.ts";
import { type GradeReport, score } from "./score.ts";
import { typecheckDirs } from "./typecheck.ts";

/** One implementation to grade in a batch: a directory laid out like exercises/, and which exercises of it. */
export interface BatchEntry {
  readonly key: string;
  readonly implDir: string;
  readonly ids: readonly string[];
}

/**
 * Grades many implementations in one vitest run (the kit's self-test): each entry gets its own copy of the
 * graders under .grade/, whose `#impl` points at that entry's directory.
 */
export async function gradeBatch(
  kitRoot: string,
  entries: readonly BatchEntry[],
  options: { seed: number; lang: "es" | "en" },
): Promise<Map<string, GradeReport>> {
  const root = join(kitRoot, ".grade", `batch-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  const implOf = new Map<string, string>();
  entries.forEach((entry, i) => {
    const slot = join(root, String(i));
    for (const id of entry.ids) {
      const graders = join(kitRoot, "graders", id);
      if (existsSync(graders)) cpSync(graders, join(slot, "graders", id), { recursive: true });
    }
    mkdirSync(slot, { recursive: true });
    implOf.set(slot, resolve(entry.implDir));
  });
  const slotOf = (file: string): string | null => {
    const match = /batch-\d+[\\/](\d+)[\\/]/.exec(file);
    return match === null ? null : join(root, match[1] ?? "");
  };
  const grader = await createGrader({
    kitRoot,
    implDir: join(kitRoot, "exercises"),
    seed: options.seed,
    lang: options.lang,
    include: [`.grade/batch-${process.pid}/*/graders/*/**/*.test.ts`],
    implDirs: [...implOf.values()],
    implFor: (file) => {
      const slot = slotOf(file);
      return slot === null ? null : (implOf.get(slot) ?? null);
    },
  });
  try {
    const folders = entries.flatMap((entry) => entry.ids.map((id) => join(resolve(entry.implDir), id)));
    const [modules, byDir] = await Promise.all([grader.run([]), typecheckDirs(kitRoot, folders)]);
    const reports = new Map<string, GradeReport>();
    entries.forEach((entry, i) => {
      const slot = join(root, String(i));
      const own = modules.filter((module) => slotOf(module.file) === slot);
      const typeErrors = new Map(entry.ids.map((id) => [id, byDir.get(join(resolve(entry.implDir), id)) ?? []] as const));
      reports.set(entry.key, score({ ids: entry.ids, modules: own, typeErrors, kitRoot, lang: options.lang, seed: options.seed }));
    });
    return reports;
  } finally {
    await grader.close();
    rmSync(root, { recursive: true, force: true });
  }
}
