/**
 * What `npm run grade`'s command line asks for: the flags of kit/cli/commands.ts read by kit/cli/args.ts, then
 * checked together (a class, or one implementation). Apart from kit/grade.ts so that tests read it in-process.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_SEED, freshSeed, GRADE_ENV, type Lang, type Text } from "#protocol";
import { catalog, resolveExercise } from "../catalog.ts";
// Not the class barrel: it loads the class runner, and with it vitest, which parsing does not need.
import { type ClassCommand, classCommand } from "../class/options.ts";
import { booleanFlag, parseCommand, stringFlag, UsageError } from "./args.ts";
import { gradeCommand } from "./commands.ts";

export interface GradeOptions {
  readonly ids: readonly string[];
  /** Whether the ids were named on the command line (else: every exercise). */
  readonly named: boolean;
  readonly implDir: string;
  readonly lang: Lang;
  readonly seed: number;
  readonly watch: boolean;
  /** Every exercise and task in detail, rather than the current exercise only. */
  readonly full: boolean;
  readonly json: string | null;
  readonly classroom: { readonly file: string | null } | null;
  readonly summary: string | null;
  /** `--submissions` or `--merge`: a whole class instead of one implementation. */
  readonly class: ClassCommand | null;
}

/** The exercise ids that `args` name, in course order and once each; a UsageError for a name that is none. */
export function exerciseIds(args: readonly string[], lang: Lang): string[] {
  const wanted = new Set<string>();
  for (const arg of args) {
    const exercise = resolveExercise(arg);
    if (exercise === undefined) {
      const list = catalog.map((entry) => entry.id).join(", ");
      throw new UsageError(
        { es: `No existe el ejercicio «${arg}». Ejercicios: ${list}`, en: `There is no exercise "${arg}". Exercises: ${list}` },
        lang,
      );
    }
    wanted.add(exercise.id);
  }
  return catalog.map((exercise) => exercise.id).filter((id) => wanted.has(id));
}

/** `null` when the arguments ask for the help. */
export function parseGradeArgs(
  argv: readonly string[],
  kitRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): GradeOptions | null {
  const parsed = parseCommand(gradeCommand, argv, { env, isOperand: (arg) => resolveExercise(arg) !== undefined });
  if (parsed.help) return null;
  const { lang } = parsed;
  const fail = (text: Text): never => {
    throw new UsageError(text, lang);
  };
  const ids = exerciseIds(parsed.positionals, lang);
  const implFlag = stringFlag(parsed, "impl");
  const solutions = booleanFlag(parsed, "solutions");
  if (solutions && implFlag !== null) fail({ es: "Usa --solutions o --impl, no los dos.", en: "Use --solutions or --impl, not both." });
  const implDir = solutions ? join(kitRoot, "solutions") : implFlag !== null ? resolve(implFlag) : join(kitRoot, "exercises");
  const seedFromEnv = env[GRADE_ENV.seed];
  let seed = seedFromEnv !== undefined && /^\d+$/.test(seedFromEnv) ? Number(seedFromEnv) : DEFAULT_SEED;
  const rawSeed = stringFlag(parsed, "seed");
  if (rawSeed !== null) {
    // fresh: a seed nobody knows before the run, for grading that counts; the report shows it for a replay.
    if (rawSeed === "fresh") seed = freshSeed();
    else if (!/^\d+$/.test(rawSeed) || !Number.isSafeInteger(Number(rawSeed)))
      fail({ es: `--seed debe ser un entero o fresh, no «${rawSeed}».`, en: `--seed should be an integer or fresh, not "${rawSeed}".` });
    else seed = Number(rawSeed);
  }
  const path = (name: string): string | null => {
    const value = stringFlag(parsed, name);
    return value === null ? null : resolve(value);
  };
  const classroomFlag = parsed.flags.get("classroom");
  const classroomFile = classroomFlag?.taken[0];
  const classroom = classroomFlag === undefined ? null : { file: classroomFile === undefined ? null : resolve(classroomFile) };
  const mergeFlag = parsed.flags.get("merge");
  const watchMode = booleanFlag(parsed, "watch");
  const json = path("json");
  const summary = path("summary");
  if (!existsSync(implDir)) fail({ es: `No existe la carpeta ${implDir}.`, en: `The folder ${implDir} does not exist.` });
  const single = [
    [implDir !== join(kitRoot, "exercises"), solutions ? "--solutions" : "--impl"],
    [watchMode, "--watch"],
    [json !== null, "--json"],
    [classroom !== null, "--classroom"],
    [summary !== null, "--summary"],
  ] as const;
  const parsedClass = classCommand({
    submissions: path("submissions"),
    merge: mergeFlag === undefined ? null : mergeFlag.taken.map((dir) => resolve(dir)),
    out: path("out"),
    shard: stringFlag(parsed, "shard"),
    seed: rawSeed !== null ? seed : null,
    lang,
    ids,
    allIds: catalog.map((exercise) => exercise.id),
    singleFlags: single.filter(([given]) => given).map(([, flag]) => flag),
    cwd,
  });
  if (!parsedClass.ok) fail(parsedClass.message);
  return {
    ids: ids.length > 0 ? ids : catalog.map((exercise) => exercise.id),
    named: ids.length > 0,
    implDir,
    lang,
    seed,
    watch: watchMode,
    full: booleanFlag(parsed, "full"),
    json,
    classroom,
    summary,
    class: parsedClass.ok ? parsedClass.command : null,
  };
}
