/**
 * Reads what the judge needs from the kit (the manifest of expected tests, the grader files' sources) and has it
 * grade each exercise, in catalog order.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Lang } from "#protocol";
import { catalog } from "./catalog.ts";
import { readExpectedTests } from "./expected-tests.ts";
import { type GradeReport, judgeExercise } from "./judge.ts";
import type { RawModule } from "./run-graders.ts";
import type { TypeErrorInfo } from "./typecheck.ts";

function readSource(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export function score(options: {
  readonly ids: readonly string[];
  readonly modules: readonly RawModule[];
  readonly typeErrors: ReadonlyMap<string, readonly TypeErrorInfo[]>;
  readonly kitRoot: string;
  readonly lang: Lang;
  readonly seed: number;
}): GradeReport {
  const expected = readExpectedTests(options.kitRoot);
  // As the kit names it (`graders/<id>/<file>`), wherever the run read it from (a batch reads copies).
  const named = (module: RawModule): string => `graders/${module.exercise}/${basename(module.file)}`;
  const modules = options.modules.map((module) => ({ ...module, file: named(module) }));
  const sources = new Map<string, string>();
  for (const module of options.modules) sources.set(named(module), readSource(module.file));
  for (const [id, files] of Object.entries(expected))
    for (const name of Object.keys(files)) {
      const file = `graders/${id}/${name}`;
      if (!sources.has(file)) sources.set(file, readSource(join(options.kitRoot, file)));
    }
  const exercises = catalog
    .filter((exercise) => options.ids.includes(exercise.id))
    .map((exercise) =>
      judgeExercise({
        exercise,
        modules: modules.filter((module) => module.exercise === exercise.id),
        expected: expected[exercise.id] ?? {},
        sources,
        typeErrors: options.typeErrors.get(exercise.id) ?? [],
        lang: options.lang,
      }),
    );
  return {
    exercises,
    seed: options.seed,
    lang: options.lang,
    points: exercises.reduce((sum, exercise) => sum + exercise.points, 0),
    earned: exercises.reduce((sum, exercise) => sum + exercise.earned, 0),
  };
}
