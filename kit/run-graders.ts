import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import type { UserConsoleLog } from "vitest";
import type { Reporter, TestCase, TestModule, TestSuite, Vitest } from "vitest/node";
import { createVitest } from "vitest/node";

/** One grader test as it ran. */
export interface RawTest {
  readonly name: string;
  /** The task of its enclosing `gradeTask`, or null for a test outside any. */
  readonly task: number | null;
  readonly state: "passed" | "failed" | "skipped" | "pending";
  readonly errors: readonly string[];
  readonly line: number;
  readonly durationMs: number;
  /** What the code under test printed (console, Logger), in order. */
  readonly output: readonly string[];
}

/** A grader's test process killed by the watchdog. */
export interface HangReport {
  readonly test: string | null;
  readonly task: number | null;
  readonly boundMs: number;
  /** The tests of the file that had ended when it hung. */
  readonly finished: readonly { readonly name: string; readonly passed: boolean }[];
}

/** One grader file's outcome. */
export interface RawModule {
  readonly exercise: string;
  /** Absolute path of the grader file. */
  readonly file: string;
  readonly tests: readonly RawTest[];
  /** Errors outside any test: the file failed to load, or its process died. */
  readonly errors: readonly string[];
  readonly hang: HangReport | null;
}

export interface GraderOptions {
  readonly kitRoot: string;
  /** The directory laid out like exercises/ that `#impl/…` points at. */
  readonly implDir: string;
  readonly seed: number;
  readonly lang: "es" | "en";
  /** A test running longer than this (a blocked event loop) gets its process killed. */
  readonly hangMs?: number;
  /** A test whose promise has not settled after this fails (vitest's testTimeout). */
  readonly testTimeoutMs?: number;
  /** Grader files to run, relative to the kit (default: every `graders/<id>/**\/*.test.ts`). */
  readonly include?: readonly string[];
  /** For batches: the implementation directory for a given grader file, instead of `implDir`. */
  readonly implFor?: (graderFile: string) => string | null;
}

export interface Grader {
  /** Grades the given exercises (all with a grader when empty); resolves when every file has been reported. */
  run(exercises: readonly string[]): Promise<RawModule[]>;
  /** Forgets a changed implementation file so the next run loads it again. */
  invalidate(path: string): void;
  close(): Promise<void>;
}

const exerciseOfFile = (file: string): string => /graders[\\/]([^\\/]+)[\\/]/.exec(file)?.[1] ?? "";

function taskOf(test: TestCase): number | null {
  for (let parent: TestSuite | TestModule = test.parent; parent.type === "suite"; parent = parent.parent) {
    const match = /^task (\d+)$/.exec(parent.name);
    if (match !== null) return Number(match[1]);
  }
  return null;
}

function errorText(error: { message?: string; name?: string; stack?: string }): string {
  const message = error.message ?? String(error);
  return error.name !== undefined &&
    error.name !== "Error" &&
    error.name !== "GradingFailure" &&
    error.name !== "AssertionError" &&
    !message.startsWith(error.name)
    ? `${error.name}: ${message}`
    : message;
}

class CollectingReporter implements Reporter {
  modules: readonly TestModule[] = [];
  private readonly output = new Map<string, string[]>();

  onTestRunStart(): void {
    this.modules = [];
    this.output.clear();
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    const key = log.taskId ?? "";
    const lines = this.output.get(key) ?? [];
    lines.push(...log.content.replace(/\n$/, "").split("\n"));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
    this.output.set(key, lines);
  }

  onTestModuleStart(module: TestModule): void {
    if (process.env.GRADE_DEBUG !== undefined) process.stderr.write(`start ${module.moduleId}\n`);
  }

  onTestModuleEnd(module: TestModule): void {
    if (process.env.GRADE_DEBUG !== undefined) process.stderr.write(`end   ${module.moduleId} ${module.state()}\n`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    this.modules = modules;
  }

  outputOf(id: string): string[] {
    return this.output.get(id) ?? [];
  }
}

/** A missing implementation file, said plainly: `--impl` must point at a folder laid out like exercises/. */
function explainMissing(text: string, implDir: string, lang: "es" | "en"): string {
  const match = /Cannot find module '([^']+)'/.exec(text);
  if (match === null || !/\.ts$/.test(match[1] ?? "")) return text;
  const wanted = (match[1] ?? "").split(/[\\/]/).slice(-2).join("/");
  return lang === "es"
    ? `No se encontró ${wanted} en ${implDir}: la carpeta que se califica debe tener la misma estructura que exercises/ (<id>/<archivo>.ts).`
    : `${wanted} was not found in ${implDir}: the folder being graded must be laid out like exercises/ (<id>/<file>.ts).`;
}

function readHangs(dir: string): Map<string, HangReport> {
  const hangs = new Map<string, HangReport>();
  for (const name of readdirSync(dir)) {
    try {
      const report = JSON.parse(readFileSync(join(dir, name), "utf8")) as { file: string } & HangReport;
      hangs.set(resolve(report.file), { test: report.test, task: report.task, boundMs: report.boundMs, finished: report.finished ?? [] });
    } catch {
      // A half-written report: the process died while writing it; the file's error still says it died.
    }
  }
  return hangs;
}

/**
 * Starts one vitest (its workers are child processes, one per grader file) set to grade `implDir`.
 * Keep it for watch mode: later runs reuse its transformed modules.
 */
export async function createGrader(options: GraderOptions): Promise<Grader> {
  const kitRoot = resolve(options.kitRoot);
  const implDir = resolve(options.implDir);
  const hangDir = join(kitRoot, ".grade", `hangs-${process.pid}`);
  mkdirSync(hangDir, { recursive: true });
  const env = {
    GRADE_SEED: String(options.seed),
    GRADE_LANG: options.lang,
    GRADE_HANG_DIR: hangDir,
    GRADE_HANG_MS: String(options.hangMs ?? 4_000),
  };
  Object.assign(process.env, env);
  const reporter = new CollectingReporter();
  const vitest: Vitest = await createVitest(
    "test",
    {
      config: false,
      root: kitRoot,
      watch: false,
      include: [...(options.include ?? ["graders/*/**/*.test.ts"])],
      exclude: ["**/node_modules/**", "graders/_support/**"],
      reporters: [reporter],
      pool: "forks",
      // Grader files are small and mostly wait on message passing: two workers pay off even on two cores.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      setupFiles: [join(kitRoot, "kit", "watchdog.ts")],
      testTimeout: options.testTimeoutMs ?? 3_000,
      hookTimeout: options.testTimeoutMs ?? 3_000,
      teardownTimeout: 1_000,
      includeTaskLocation: true,
      env,
      passWithNoTests: true,
    },
    {
      resolve: {
        alias: [
          { find: /^#runtime$/, replacement: join(kitRoot, "runtime", "index.ts") },
          { find: /^#grading$/, replacement: join(kitRoot, "graders", "_support", "index.ts") },
        ],
      },
      plugins: [
        {
          // `#impl/<id>/<file>` is the implementation under grading; a batch picks it per grader file.
          name: "grade-impl",
          enforce: "pre",
          resolveId(source: string, importer: string | undefined) {
            const match = /^#impl\/(.*)$/.exec(source);
            if (match === null) return null;
            const chosen = importer === undefined ? null : (options.implFor?.(importer) ?? null);
            const dir = chosen === null ? implDir : chosen;
            return join(dir, match[1] ?? "");
          },
        },
      ],
      logLevel: "silent",
      server: { watch: null },
    },
  );

  return {
    async run(exercises) {
      rmSync(hangDir, { recursive: true, force: true });
      mkdirSync(hangDir, { recursive: true });
      const all = await vitest.globTestSpecifications();
      const wanted = new Set(exercises);
      const specs = all.filter((spec) => wanted.size === 0 || wanted.has(exerciseOfFile(spec.moduleId)));
      if (specs.length === 0) return [];
      await vitest.runTestSpecifications(specs);
      const hangs = readHangs(hangDir);
      return reporter.modules.map((module): RawModule => {
        const tests: RawTest[] = [];
        for (const test of module.children.allTests()) {
          const result = test.result();
          const diagnostic = test.diagnostic();
          tests.push({
            name: test.name,
            task: taskOf(test),
            state: result.state,
            errors: result.state === "failed" ? result.errors.map(errorText) : [],
            line: test.location?.line ?? 0,
            durationMs: diagnostic?.duration ?? 0,
            output: reporter.outputOf(test.id),
          });
        }
        const file = resolve(module.moduleId);
        const errors = module.errors().map((error) => explainMissing(errorText(error), options.implFor?.(file) ?? implDir, options.lang));
        return { exercise: exerciseOfFile(file), file, tests, errors, hang: hangs.get(file) ?? null };
      });
    },
    invalidate(path) {
      vitest.invalidateFile(resolve(path));
    },
    async close() {
      await vitest.close();
      rmSync(hangDir, { recursive: true, force: true });
    },
  };
}
