/**
 * `npm run grade`: grades the exercises (all, or the ones named) and tells the learner where they stand and what to
 * do next: the current exercise in detail, one line for each other (`--full`: everything). Its flags are in
 * kit/cli/commands.ts (`npm run grade -- --help`). Exits 0 only when everything graded passes. A whole class:
 * --submissions DIR [--out DIR] [--shard I/N], and --merge OUT1 OUT2 … --out DIR (kit/class/).
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { catalog } from "./catalog.ts";
import { compareWithManifest, type KitVerdict } from "./checksums.ts";
import { parseCommand } from "./cli/args.ts";
import { gradeCommand } from "./cli/commands.ts";
import { type GradeOptions, parseGradeArgs } from "./cli/grade-options.ts";
import { runCommand } from "./cli/main.ts";
import { watchLoop } from "./cli/watch.ts";
import type { GradeReport } from "./judge.ts";
import { classroomOutputLine, classroomResults, exercismResults, markdownSummary } from "./outputs.ts";
import { makeStyle, renderReport, useColour } from "./render.ts";

const kitRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

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
  const options = parseGradeArgs(process.argv.slice(2), kitRoot);
  if (options === null) return { help: parseCommand(gradeCommand, process.argv.slice(2)).lang };
  if (options.class !== null) {
    const { runClass } = await import("./class/index.ts");
    return runClass(kitRoot, options.class);
  }
  // Loaded once needed: it starts vitest, which --help and a usage mistake should not wait for.
  const { openSession } = await import("./cli/session.ts");
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
