/**
 * `npm run next`: the next step of the course. Grades every exercise, then shows the current task's statement,
 * where to write it and the commands for its hints and its grade; or the compiler's errors when the current
 * exercise does not compile.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED } from "#protocol";
import { catalog } from "./catalog.ts";
import { parseCommand } from "./cli/args.ts";
import { nextCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";
import { makeStyle, nextStep, nextStepLines, progressLine, renderCompileErrors, useColour } from "./render.ts";
import { readStatement } from "./statement.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

await runCommand(nextCommand, async () => {
  const parsed = parseCommand(nextCommand, process.argv.slice(2));
  const { lang } = parsed;
  if (parsed.help) return { help: lang };
  const es = lang === "es";
  const style = makeStyle(useColour(process.stdout));
  // Loaded once needed: it starts vitest, which --help and a usage mistake should not wait for.
  const { gradeOnce } = await import("./cli/session.ts");
  const report = await gradeOnce(
    { kitRoot, implDir: join(kitRoot, "exercises"), lang, seed: DEFAULT_SEED, replayFlags: "" },
    catalog.map((exercise) => exercise.id),
  );
  const lines = [progressLine(report, style), ""];
  const next = nextStep(report);
  if (next === null) {
    lines.push(style.green(es ? "¡Todo aprobado! Buen trabajo." : "Everything passes! Well done."));
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  }
  const { exercise, task } = next;
  lines.push(style.bold(`${exercise.title[lang]} (${exercise.id})`));
  if (task === null) lines.push(...renderCompileErrors(exercise, lang, style));
  else {
    const section = readStatement(kitRoot, exercise.id, lang).find((candidate) => candidate.n === task.n);
    lines.push(
      style.bold(`${es ? "Tarea" : "Task"} ${task.n}: ${task.title[lang]} (${task.earned}/${task.points} ${es ? "puntos" : "points"})`),
      "",
    );
    if (section !== undefined && section.body !== "") lines.push(section.body, "");
  }
  lines.push(...nextStepLines(report, style, catalog, "exercises", "", { detail: "focus" }));
  process.stdout.write(`${lines.join("\n")}\n`);
  return 1;
});
