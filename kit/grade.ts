/**
 * `npm run grade`: grades the exercises (all, or the ones named) and tells the learner where they stand and what to
 * do next: the current exercise in detail, one line for each other (`--full`: everything). Its flags are in
 * kit/cli/commands.ts (`npm run grade -- --help`). Exits 0 only when everything graded passes. A whole class:
 * --submissions DIR [--out DIR] [--shard I/N], and --merge OUT1 OUT2 … --out DIR (kit/class/).
 */
import { randomInt } from "node:crypto";
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED, GRADE_ENV, type Lang, type Text } from "#protocol";
import { catalog, resolveExercise } from "./catalog.ts";
import { compareWithManifest, type KitVerdict } from "./checksums.ts";
import { type ClassCommand, classCommand, runClass } from "./class/index.ts";
import { booleanFlag, parseCommand, stringFlag, UsageError } from "./cli/args.ts";
import { gradeCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";
import { openSession } from "./cli/session.ts";
import { watchLoop } from "./cli/watch.ts";
import type { GradeReport } from "./judge.ts";
import { classroomOutputLine, classroomResults, exercismResults, markdownSummary } from "./outputs.ts";
import { makeStyle, renderReport, useColour } from "./render.ts";

const kitRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

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
export function parseGradeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): GradeOptions | null {
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
    if (rawSeed === "fresh") seed = randomInt(1, 2 ** 31);
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
    cwd: process.cwd(),
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

function writeOutputs(report: GradeReport, options: GradeOptions, kit: KitVerdict): void {
  if (options.json !== null) writeFileSync(options.json, `${JSON.stringify(exercismResults(report, kit), null, 2)}\n`);
  if (options.summary !== null) appendFileSync(options.summary, markdownSummary(report, kit));
  if (options.classroom !== null) {
    const results = classroomResults(report);
    const text = JSON.stringify(results);
    if (options.classroom.file !== null) writeFileSync(options.classroom.file, `${text}\n`);
    const githubOutput = process.env.GITHUB_OUTPUT;
    if (githubOutput !== undefined && githubOutput !== "") appendFileSync(githubOutput, classroomOutputLine(results));
    else if (options.classroom.file === null) process.stdout.write(`${text}\n`);
  }
}

/** The graded folder as the learner would type it. */
function implShown(options: GradeOptions): string {
  return (relative(process.cwd(), options.implDir) || ".").replaceAll(sep, "/");
}

/** The flags that grade the same folder again, for the commands the report suggests (" --impl DIR", …). */
function implFlags(options: GradeOptions): string {
  if (options.implDir === join(kitRoot, "exercises")) return "";
  if (options.implDir === join(kitRoot, "solutions")) return " --solutions";
  const shown = implShown(options);
  return ` --impl ${/[\s"'$]/.test(shown) ? JSON.stringify(shown) : shown}`;
}

const passed = (report: GradeReport): boolean => report.exercises.every((exercise) => exercise.status === "pass");

await runCommand(gradeCommand, async () => {
  const options = parseGradeArgs(process.argv.slice(2));
  if (options === null) return { help: parseCommand(gradeCommand, process.argv.slice(2)).lang };
  if (options.class !== null) return runClass(kitRoot, options.class);
  const session = await openSession({
    kitRoot,
    implDir: options.implDir,
    lang: options.lang,
    seed: options.seed,
    // So that the replay commands the graders print grade the same folder.
    replayFlags: implFlags(options),
  });
  // Watch mode grades the whole course, so that it can move on to the next exercise once one passes.
  const ids = options.watch ? catalog.map((exercise) => exercise.id) : options.ids;
  const report = await session.grade(ids);
  // The kit that graded against its checksums: a few milliseconds, and the report says when it is not the original.
  const kit = compareWithManifest(kitRoot);
  writeOutputs(report, options, kit);
  if (options.watch)
    await watchLoop(
      session,
      {
        kitRoot,
        implDir: options.implDir,
        implRoot: implShown(options),
        implFlags: implFlags(options),
        lang: options.lang,
        start: options.named ? (options.ids[0] ?? null) : null,
      },
      report,
      kit,
    );
  await session.close();
  // With the Classroom JSON on stdout, the report for humans goes to stderr so the JSON stays parseable.
  const toStderr = options.classroom !== null && options.classroom.file === null && (process.env.GITHUB_OUTPUT ?? "") === "";
  const stream = toStderr ? process.stderr : process.stdout;
  stream.write(
    renderReport(report, makeStyle(useColour(stream)), catalog, implShown(options), implFlags(options), kit, {
      detail: options.full ? "full" : "focus",
    }),
  );
  return passed(report) ? 0 : 1;
});
