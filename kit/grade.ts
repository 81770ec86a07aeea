/**
 * `npm run grade`: grades the exercises (all, or the ids given) and tells the learner where they stand and what to
 * do next. Flags: --solutions, --impl DIR, --watch, --lang es|en, --seed N|fresh, --json FILE, --classroom [FILE],
 * --summary FILE. Exits 0 only when everything graded passes. A whole class: --submissions DIR [--out DIR]
 * [--shard I/N], and --merge OUT1 OUT2 … --out DIR (kit/class/).
 */
import { appendFileSync, existsSync, watch, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED, freshSeed, GRADE_ENV, type Lang, langFromEnv, parseLang } from "#protocol";
import { catalog } from "./catalog.ts";
import { compareWithManifest, type KitVerdict } from "./checksums.ts";
import { type ClassCommand, classCommand, runClass } from "./class/index.ts";
import type { GradeReport } from "./judge.ts";
import { classroomOutputLine, classroomResults, exercismResults, markdownSummary } from "./outputs.ts";
import { makeStyle, nextStep, renderReport, useColour } from "./render.ts";
import { createGrader, type Grader } from "./run-graders.ts";
import { score } from "./score.ts";
import { readStatement } from "./statement.ts";
import { typecheck } from "./typecheck.ts";

const kitRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface GradeOptions {
  readonly ids: readonly string[];
  readonly implDir: string;
  readonly lang: Lang;
  readonly seed: number;
  readonly watch: boolean;
  readonly json: string | null;
  readonly classroom: { readonly file: string | null } | null;
  readonly summary: string | null;
  /** `--submissions` or `--merge`: a whole class instead of one implementation. */
  readonly class: ClassCommand | null;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): GradeOptions {
  let lang = langFromEnv(env);
  const ids: string[] = [];
  let implDir = join(kitRoot, "exercises");
  const seedFromEnv = env[GRADE_ENV.seed];
  let seed = seedFromEnv !== undefined && /^\d+$/.test(seedFromEnv) ? Number(seedFromEnv) : DEFAULT_SEED;
  let watchMode = false;
  let json: string | null = null;
  let classroom: { file: string | null } | null = null;
  let summary: string | null = null;
  let submissions: string | null = null;
  let merge: string[] | null = null;
  let out: string | null = null;
  let shard: string | null = null;
  const known = new Set(catalog.map((exercise) => exercise.id));
  const args = argv.flatMap((arg) =>
    arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg],
  );
  // Language first, so that usage errors are already in the learner's language.
  const langAt = args.indexOf("--lang");
  if (langAt >= 0) {
    const parsed = parseLang(args[langAt + 1] ?? "");
    if (parsed === null) throw new UsageError(lang === "es" ? "--lang debe ser es o en." : "--lang should be es or en.");
    lang = parsed;
  }
  const value = (i: number, flag: string): string => {
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--"))
      throw new UsageError(lang === "es" ? `Falta el valor de ${flag}.` : `${flag} needs a value.`);
    return next;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    switch (arg) {
      case "--":
        // PowerShell with an older npm passes the separator through: `npm run grade -- -- --solutions`.
        break;
      case "--lang":
        i++;
        break;
      case "--solutions":
        implDir = join(kitRoot, "solutions");
        break;
      case "--impl":
        implDir = resolve(value(i, arg));
        i++;
        break;
      case "--watch":
        watchMode = true;
        break;
      case "--seed": {
        const raw = value(i, arg);
        // fresh: a seed nobody knows before the run, for grading that counts; the report shows it for a replay.
        if (raw === "fresh") seed = freshSeed();
        else if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
          throw new UsageError(
            lang === "es" ? `--seed debe ser un entero o fresh, no «${raw}».` : `--seed should be an integer or fresh, not "${raw}".`,
          );
        else seed = Number(raw);
        i++;
        break;
      }
      case "--json":
        json = resolve(value(i, arg));
        i++;
        break;
      case "--summary":
        summary = resolve(value(i, arg));
        i++;
        break;
      case "--classroom": {
        const next = args[i + 1];
        // An optional file: anything that is not a flag nor an exercise id.
        if (next !== undefined && !next.startsWith("--") && !known.has(next)) {
          classroom = { file: resolve(next) };
          i++;
        } else classroom = { file: null };
        break;
      }
      case "--submissions":
        submissions = resolve(value(i, arg));
        i++;
        break;
      case "--out":
        out = resolve(value(i, arg));
        i++;
        break;
      case "--shard":
        shard = value(i, arg);
        i++;
        break;
      case "--merge":
        // The folders to merge: every argument up to the next flag.
        merge = [];
        while (args[i + 1] !== undefined && !(args[i + 1] ?? "").startsWith("--")) merge.push(resolve(args[++i] ?? ""));
        break;
      default:
        if (arg.startsWith("--")) throw new UsageError(lang === "es" ? `Opción desconocida: ${arg}` : `Unknown option: ${arg}`);
        if (!known.has(arg)) {
          const list = [...known].join(", ");
          throw new UsageError(
            lang === "es" ? `No existe el ejercicio «${arg}». Ejercicios: ${list}` : `There is no exercise "${arg}". Exercises: ${list}`,
          );
        }
        ids.push(arg);
    }
  }
  if (!existsSync(implDir))
    throw new UsageError(lang === "es" ? `No existe la carpeta ${implDir}.` : `The folder ${implDir} does not exist.`);
  const single = [
    [implDir !== join(kitRoot, "exercises"), implDir === join(kitRoot, "solutions") ? "--solutions" : "--impl"],
    [watchMode, "--watch"],
    [json !== null, "--json"],
    [classroom !== null, "--classroom"],
    [summary !== null, "--summary"],
  ] as const;
  const parsedClass = classCommand({
    submissions,
    merge,
    out,
    shard,
    seed: args.includes("--seed") ? seed : null,
    lang,
    ids,
    allIds: [...known],
    singleFlags: single.filter(([given]) => given).map(([, flag]) => flag),
    cwd: process.cwd(),
  });
  if (!parsedClass.ok) throw new UsageError(parsedClass.message[lang]);
  return {
    ids: ids.length > 0 ? ids : [...known],
    implDir,
    lang,
    seed,
    watch: watchMode,
    json,
    classroom,
    summary,
    class: parsedClass.command,
  };
}

/** Typechecks and runs the graders of `ids` in parallel, and scores them. */
async function gradeOnce(grader: Grader, options: GradeOptions, ids: readonly string[]): Promise<GradeReport> {
  const [typeErrors, modules] = await Promise.all([typecheck(kitRoot, options.implDir, ids), grader.run(ids)]);
  return score({ ids, modules, typeErrors, kitRoot, lang: options.lang, seed: options.seed });
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

async function watchLoop(grader: Grader, options: GradeOptions, first: GradeReport, kit: KitVerdict): Promise<never> {
  const style = makeStyle(useColour(process.stdout));
  const es = options.lang === "es";
  let last = first;
  const help = style.dim(
    es
      ? "Modo vigilancia: guarda un archivo para volver a calificar su ejercicio. Teclas: h pista, a calificar todo, q salir."
      : "Watch mode: save a file to grade its exercise again. Keys: h hint, a grade all, q quit.",
  );
  const show = (report: GradeReport, ids: readonly string[]): void => {
    if (process.stdout.isTTY) process.stdout.write("\u001b[2J\u001b[H");
    const merged: GradeReport = {
      ...last,
      exercises: last.exercises.map((exercise) =>
        ids.includes(exercise.id) ? (report.exercises.find((e) => e.id === exercise.id) ?? exercise) : exercise,
      ),
    };
    const total = merged.exercises.reduce((sum, exercise) => sum + exercise.earned, 0);
    last = { ...merged, earned: total };
    const partial: GradeReport = { ...last, exercises: last.exercises.filter((exercise) => ids.includes(exercise.id)) };
    process.stdout.write(
      renderReport({ ...partial, earned: last.earned, points: last.points }, style, catalog, implShown(options), implFlags(options), kit),
    );
    process.stdout.write(`\n${help}\n`);
  };
  show(first, options.ids);
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const regrade = async (): Promise<void> => {
    if (running || pending.size === 0) return;
    running = true;
    const ids = options.ids.filter((id) => pending.has(id));
    pending = new Set();
    const started = performance.now();
    try {
      const report = await gradeOnce(grader, options, ids);
      show(report, ids);
      process.stdout.write(style.dim(`${es ? "Calificado en" : "Graded in"} ${Math.round(performance.now() - started)} ms\n`));
    } catch (error) {
      process.stdout.write(
        `${es ? "No se pudo calificar" : "Could not grade"}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    } finally {
      running = false;
    }
    if (pending.size > 0) void regrade();
  };
  // One watcher per exercise folder: a directory watch survives editors that save by replacing the file.
  for (const id of options.ids) {
    const dir = join(options.implDir, id);
    if (!existsSync(dir)) continue;
    watch(dir, (_event, name) => {
      if (name === null || !/\.(ts|mts|cts)$/.test(name)) return;
      pending.add(id);
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => void regrade(), 80);
    });
  }
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (key: string) => {
      if (key === "q" || key === "\u0003") {
        void grader.close().finally(() => process.exit(passed(last) ? 0 : 1));
      } else if (key === "a") {
        for (const id of options.ids) pending.add(id);
        void regrade();
      } else if (key === "h") {
        const next = nextStep(last);
        if (next?.task != null) {
          const hints = readStatement(kitRoot, next.exercise.id, options.lang).find((task) => task.n === next.task?.n);
          process.stdout.write(
            `\n${style.bold(`${es ? "Pistas" : "Hints"} — ${next.exercise.id}, ${es ? "tarea" : "task"} ${next.task.n}`)}\n${hints?.hints ?? ""}\n`,
          );
        }
      }
    });
  }
  return new Promise<never>(() => undefined);
}

async function main(): Promise<number> {
  let options: GradeOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (options.class !== null) return runClass(kitRoot, options.class);
  const grader = await createGrader({
    kitRoot,
    seed: options.seed,
    lang: options.lang,
    // So that the replay commands the graders print grade the same folder.
    replayFlags: implFlags(options),
    implementations: [{ slot: "", implDir: options.implDir }],
  });
  const report = await gradeOnce(grader, options, options.ids);
  // The kit that graded against its checksums: a few milliseconds, and the report says when it is not the original.
  const kit = compareWithManifest(kitRoot);
  writeOutputs(report, options, kit);
  if (options.watch) await watchLoop(grader, options, report, kit);
  await grader.close();
  // With the Classroom JSON on stdout, the report for humans goes to stderr so the JSON stays parseable.
  const toStderr = options.classroom !== null && options.classroom.file === null && (process.env.GITHUB_OUTPUT ?? "") === "";
  const stream = toStderr ? process.stderr : process.stdout;
  stream.write(renderReport(report, makeStyle(useColour(stream)), catalog, implShown(options), implFlags(options), kit));
  return passed(report) ? 0 : 1;
}

// A reader that stops early (`| head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 1);
    throw error;
  });
}

process.exitCode = await main();
