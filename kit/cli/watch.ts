/**
 * `npm run grade -- --watch`: grades every exercise once, then grades an exercise again each time one of its files
 * is saved. The screen shows the current exercise in detail; once it passes, the next unfinished one becomes the
 * current one. Keys: h (one more hint of the current step), l (the list), a (grade all again), q (quit).
 */
import { existsSync, watch } from "node:fs";
import { join } from "node:path";
import type { Lang } from "#protocol";
import { catalog } from "../catalog.ts";
import type { KitVerdict } from "../checksums.ts";
import type { GradeReport } from "../judge.ts";
import { exerciseLine, makeStyle, nextStep, progressLine, renderReport, type Style, useColour } from "../render.ts";
import { nextHints } from "./hints.ts";
import type { Session } from "./session.ts";

export interface WatchOptions {
  readonly kitRoot: string;
  readonly implDir: string;
  /** How to show the graded folder, and the flags that grade it again. */
  readonly implRoot: string;
  readonly implFlags: string;
  readonly lang: Lang;
  /** The exercise to start with (default: the first unfinished one). */
  readonly start: string | null;
}

/** The state of a watch session: the whole course's report and the exercise in focus. */
export interface WatchState {
  readonly report: GradeReport;
  readonly current: string | null;
}

/**
 * The state after `ids` were graded again into `graded`: the merged report, and the exercise in focus. A save in an
 * exercise that does not pass puts it in focus; once the exercise in focus passes, the next unfinished one takes
 * its place. Pure: the table test is in kit/test/cli-watch.test.ts.
 */
export function afterGrading(state: WatchState, graded: GradeReport, ids: readonly string[]): WatchState & { passed: string | null } {
  const exercises = state.report.exercises.map((exercise) =>
    ids.includes(exercise.id) ? (graded.exercises.find((candidate) => candidate.id === exercise.id) ?? exercise) : exercise,
  );
  const report: GradeReport = { ...state.report, exercises, earned: exercises.reduce((sum, exercise) => sum + exercise.earned, 0) };
  const saved = ids.length === 1 ? ids[0] : undefined;
  const wasPassing = (id: string): boolean => state.report.exercises.find((exercise) => exercise.id === id)?.status === "pass";
  const nowPassing = (id: string): boolean => exercises.find((exercise) => exercise.id === id)?.status === "pass";
  let focus = saved !== undefined && !nowPassing(saved) ? saved : state.current;
  let passed: string | null = null;
  if (focus !== null && nowPassing(focus)) {
    if (!wasPassing(focus)) passed = focus;
    focus = nextStep(report, focus)?.exercise.id ?? null;
  }
  return { report, current: focus, passed };
}

export async function watchLoop(session: Session, options: WatchOptions, first: GradeReport, kit: KitVerdict): Promise<never> {
  const style = makeStyle(useColour(process.stdout));
  const es = options.lang === "es";
  let state: WatchState = { report: first, current: nextStep(first, options.start)?.exercise.id ?? null };
  const show = (note: string | null): void => {
    if (process.stdout.isTTY) process.stdout.write("\u001b[2J\u001b[H");
    if (note !== null) process.stdout.write(`${note}\n\n`);
    process.stdout.write(
      renderReport(state.report, style, catalog, options.implRoot, options.implFlags, kit, {
        detail: "focus",
        current: state.current,
        watching: true,
      }),
    );
  };
  show(null);
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const regrade = async (): Promise<void> => {
    if (running || pending.size === 0) return;
    running = true;
    const ids = catalog.map((exercise) => exercise.id).filter((id) => pending.has(id));
    pending = new Set();
    const started = performance.now();
    try {
      const graded = await session.grade(ids);
      const next = afterGrading(state, graded, ids);
      state = next;
      const moved =
        next.passed === null
          ? null
          : style.green(
              next.current === null
                ? es
                  ? `✓ ${next.passed} aprobado.`
                  : `✓ ${next.passed} passes.`
                : es
                  ? `✓ ${next.passed} aprobado. Sigues con ${next.current}.`
                  : `✓ ${next.passed} passes. On to ${next.current}.`,
            );
      show(moved);
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
  for (const { id } of catalog) {
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
        const passing = state.report.exercises.every((exercise) => exercise.status === "pass");
        void session.close().finally(() => process.exit(passing ? 0 : 1));
      } else if (key === "a") {
        for (const { id } of catalog) pending.add(id);
        void regrade();
      } else if (key === "h") process.stdout.write(`\n${hintText(state, options, style)}`);
      else if (key === "l") process.stdout.write(`\n${listText(state.report, style)}\n`);
    });
  }
  return new Promise<never>(() => undefined);
}

/** One more hint of the current step; never nothing. */
function hintText(state: WatchState, options: WatchOptions, style: Style): string {
  const es = options.lang === "es";
  const next = nextStep(state.report, state.current);
  if (next === null)
    return `${es ? "¡Todo aprobado! No quedan pistas que pedir." : "Everything passes! There are no hints left to ask for."}\n`;
  const exercise = catalog.find((entry) => entry.id === next.exercise.id);
  const task = exercise?.tasks.find((candidate) => candidate.n === next.task?.n);
  if (exercise === undefined || task === undefined)
    return `${es ? `${next.exercise.id} no compila: corrige los errores de arriba.` : `${next.exercise.id} does not compile: fix the errors above.`}\n`;
  return nextHints({ kitRoot: options.kitRoot, exercise, task, lang: options.lang, style });
}

function listText(report: GradeReport, style: Style): string {
  return [progressLine(report, style), "", ...report.exercises.map((exercise) => exerciseLine(exercise, report.lang, style))].join("\n");
}
