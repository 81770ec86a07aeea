import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Lang } from "#protocol";
import { ClassError } from "./class-error.ts";
import { type ClassGrades, parseClassGrades } from "./class-grades.ts";
import { byCodeUnits } from "./submissions.ts";

function readGrades(dir: string): ClassGrades {
  const file = join(dir, "grades.json");
  if (!existsSync(file))
    throw new ClassError({
      es: `${dir} no tiene grades.json: ¿es la carpeta de salida de npm run grade -- --submissions?`,
      en: `${dir} has no grades.json: is it the output folder of npm run grade -- --submissions?`,
    });
  return parseClassGrades(readFileSync(file, "utf8"), file);
}

/**
 * Combines the grades of several out folders (the shards of one class, each graded by its own job) into one.
 * It refuses folders graded with another seed, another kit or other exercises, and a learner found in two of them:
 * their grades would not be comparable, or one of them would be dropped without a word.
 */
export function mergeClassGrades(inputs: readonly string[], lang: Lang): ClassGrades {
  const twice = inputs.find((dir, i) => inputs.indexOf(dir) !== i);
  if (twice !== undefined) throw new ClassError({ es: `${twice} está dos veces en --merge.`, en: `${twice} is given twice to --merge.` });
  const all = inputs.map((dir) => ({ dir, grades: readGrades(dir) }));
  const [first, ...rest] = all;
  if (first === undefined) throw new ClassError({ es: "No hay nada que combinar.", en: "There is nothing to merge." });
  for (const { dir, grades } of rest) {
    if (grades.seed !== first.grades.seed)
      throw new ClassError({
        es: `${first.dir} y ${dir} se calificaron con semillas distintas (${first.grades.seed} y ${grades.seed}): las partes de un grupo deben compartirla (--seed).`,
        en: `${first.dir} and ${dir} were graded with different seeds (${first.grades.seed} and ${grades.seed}): the shards of a class must share one (--seed).`,
      });
    if (grades.kit !== first.grades.kit)
      throw new ClassError({
        es: `${first.dir} y ${dir} se calificaron con versiones distintas del kit (${first.grades.kit.slice(0, 16)} y ${grades.kit.slice(0, 16)}).`,
        en: `${first.dir} and ${dir} were graded by different versions of the kit (${first.grades.kit.slice(0, 16)} and ${grades.kit.slice(0, 16)}).`,
      });
    if (grades.exercises.join(",") !== first.grades.exercises.join(","))
      throw new ClassError({
        es: `${first.dir} y ${dir} calificaron ejercicios distintos (${first.grades.exercises.join(", ")} y ${grades.exercises.join(", ")}).`,
        en: `${first.dir} and ${dir} graded different exercises (${first.grades.exercises.join(", ")} and ${grades.exercises.join(", ")}).`,
      });
  }
  const owner = new Map<string, string>();
  for (const { dir, grades } of all)
    for (const learner of grades.learners) {
      const other = owner.get(learner.learner);
      if (other !== undefined)
        throw new ClassError({
          es: `La entrega «${learner.learner}» está en ${other} y en ${dir}: una entrega debe estar en una sola parte.`,
          en: `The submission "${learner.learner}" is in both ${other} and ${dir}: a submission belongs to one shard only.`,
        });
      owner.set(learner.learner, dir);
    }
  const shards = all.map(({ grades }) => grades.shard);
  let missingShards: number[] = [];
  const count = shards[0]?.count;
  if (count !== undefined && shards.every((shard) => shard !== null && shard.count === count)) {
    const seen = new Set<number>();
    for (const [i, shard] of shards.entries()) {
      const index = shard?.index ?? 0;
      if (seen.has(index))
        throw new ClassError({
          es: `La parte ${index}/${count} aparece dos veces (${all[i]?.dir ?? ""}).`,
          en: `Shard ${index}/${count} is given twice (${all[i]?.dir ?? ""}).`,
        });
      seen.add(index);
    }
    missingShards = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
  }
  const learners = all.flatMap(({ grades }) => grades.learners).sort((a, b) => byCodeUnits(a.learner, b.learner));
  const sum = (key: "graded" | "reused" | "ungraded"): number => all.reduce((total, { grades }) => total + grades.counts[key], 0);
  return {
    format: "genserver-kit-class-grades",
    version: 1,
    seed: first.grades.seed,
    kit: first.grades.kit,
    lang,
    exercises: first.grades.exercises,
    shard: null,
    merged: all.length,
    missingShards,
    counts: { learners: learners.length, graded: sum("graded"), reused: sum("reused"), ungraded: sum("ungraded") },
    learners,
  };
}
