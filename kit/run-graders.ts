/**
 * Runs the graders: builds the code each subject process will run (subject/build.ts), then has vitest run the
 * grader files, which start their subjects themselves (graders/_support/lifecycle.ts). The code under grading
 * never loads into vitest's processes, so what vitest reports is the graders' own word: this file only collects
 * it, as observations for the judge (kit/judge.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import type { Reporter, TestCase, TestModule, TestSuite, Vitest } from "vitest/node";
import { createVitest } from "vitest/node";
import type { FailureCode, GradingSettings, Lang, StopInfo, SubjectPlan, TestObservation } from "#protocol";
import {
  exerciseOfGraderFile,
  FAILURE_CODES,
  isStopReason,
  OBSERVATION_KEY,
  PLANS_KEY,
  plainText,
  SETTINGS_KEY,
  taskOfTitle,
} from "#protocol";
import { buildImplementation, buildShared, buildYardsticks } from "../subject/build.ts";
import { reapSubjects } from "../subject/reap.ts";
import { catalog } from "./catalog.ts";

/** An error a grader test or file reported, with the failure fields the graders put on it (protocol/codes.ts). */
export interface RawError {
  readonly name: string;
  /** Already in the learner's language when a grader wrote it; free of terminal escapes. */
  readonly message: string;
  readonly failure: FailureCode | null;
  readonly stop: StopInfo | null;
  /** For an error of the implementation: where in its files it was thrown (`price-cache.ts:43 (handleCall)`). */
  readonly where: string | null;
}

/** One grader test as it ran. */
export interface RawTest {
  readonly name: string;
  /** The task of its enclosing `gradeTask`, or null for a test outside any. */
  readonly task: number | null;
  readonly state: "passed" | "failed" | "skipped" | "pending";
  readonly errors: readonly RawError[];
  readonly line: number;
  readonly durationMs: number;
  /** What the test observed of its subject: what the code printed, and a stop if the subject was stopped. */
  readonly observation: TestObservation | null;
}

/** One grader file's outcome. */
export interface RawModule {
  readonly exercise: string;
  /** Absolute path of the grader file. */
  readonly file: string;
  readonly tests: readonly RawTest[];
  /** Errors outside any test: the file failed to load, or its process died. */
  readonly errors: readonly RawError[];
}

/** One implementation a grader grades: a folder laid out like exercises/, under a slot ("" for the kit's graders). */
export interface GradedImplementation {
  readonly slot: string;
  readonly implDir: string;
  /** Only these tasks' tests run (see {@link SubjectPlan.tasks}); every task when absent. */
  readonly tasks?: readonly number[];
}

export interface GraderOptions {
  readonly kitRoot: string;
  readonly seed: number;
  readonly lang: Lang;
  /** The flags that grade the same folder again, for the replay commands the graders print. */
  readonly replayFlags?: string;
  /** What to grade: one implementation under slot "" (the kit's own graders/), or a batch (see kit/batch.ts). */
  readonly implementations: readonly GradedImplementation[];
  /** Grader files to run, relative to the kit (default: every `graders/<id>/**\/*.test.ts`). */
  readonly include?: readonly string[];
  /** Where the batch's grader copies and built implementations live (default: a folder of this run). */
  readonly workDir?: string;
  /** Stop a run at its first failed test, the others reported as skipped (mutation testing: one failure is enough). */
  readonly bail?: boolean;
}

/** How one run of a {@link Grader} differs from the others. */
export interface RunOptions {
  /** Mutation testing only (kit/mutation/): the Stryker mutant every subject of this run activates. */
  readonly mutant?: string;
}

export interface Grader {
  /** Grades the given exercises (all with a grader when empty); resolves when every file has been reported. */
  run(exercises: readonly string[], runOptions?: RunOptions): Promise<RawModule[]>;
  close(): Promise<void>;
}

/** A test whose promise has not settled after this fails; the subject's own bounds come long before. */
const TEST_TIMEOUT_MS = 120_000;

function taskOf(test: TestCase): number | null {
  for (let parent: TestSuite | TestModule = test.parent; parent.type === "suite"; parent = parent.parent) {
    const task = taskOfTitle(parent.name);
    if (task !== null) return task;
  }
  return null;
}

/** Text a test reported, made safe to print and bounded. */
const reported = (text: string, max = 4_000): string => plainText(text).slice(0, max);

function rawError(error: { message?: unknown; name?: unknown; failure?: unknown; stop?: unknown; where?: unknown }): RawError {
  const failure =
    typeof error.failure === "string" && FAILURE_CODES.includes(error.failure as FailureCode) ? (error.failure as FailureCode) : null;
  return {
    name: typeof error.name === "string" ? reported(error.name, 100) : "Error",
    message: reported(typeof error.message === "string" ? error.message : String(error.message)),
    failure,
    stop: stopOf(error.stop),
    where: typeof error.where === "string" ? reported(error.where, 200) : null,
  };
}

/** A stop as a grader reported it, each field checked: anything else is no stop. */
function stopOf(value: unknown): StopInfo | null {
  if (typeof value !== "object" || value === null) return null;
  const stop = value as Record<keyof StopInfo, unknown>;
  if (!isStopReason(stop.reason) || (stop.during !== "load" && stop.during !== "test")) return null;
  if (
    typeof stop.bound !== "number" ||
    !Number.isFinite(stop.bound) ||
    typeof stop.measured !== "number" ||
    !Number.isFinite(stop.measured)
  )
    return null;
  const checked: StopInfo = {
    reason: stop.reason,
    during: stop.during === "load" ? "load" : "test",
    bound: stop.bound,
    measured: stop.measured,
  };
  return typeof stop.exit === "string" ? { ...checked, exit: reported(stop.exit, 60) } : checked;
}

function observationOf(test: TestCase): TestObservation | null {
  const observation = (test.meta() as Record<string, unknown>)[OBSERVATION_KEY] as Partial<TestObservation> | undefined;
  if (observation === undefined) return null;
  return {
    output: Array.isArray(observation.output) ? observation.output.filter((line) => typeof line === "string").map(plainText) : [],
    stop: stopOf(observation.stop),
  };
}

class CollectingReporter implements Reporter {
  modules: readonly TestModule[] = [];

  onTestRunStart(): void {
    this.modules = [];
  }

  onTestModuleEnd(module: TestModule): void {
    if (process.env.GRADE_DEBUG !== undefined)
      process.stderr.write(
        `graded ${module.moduleId}: ${module.state()} ${module
          .errors()
          .map((error) => error.stack ?? error.message)
          .join("\n")}\n`,
      );
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    this.modules = modules;
  }
}

function rawModule(module: TestModule): RawModule {
  return {
    exercise: exerciseOfGraderFile(module.moduleId),
    file: resolve(module.moduleId),
    tests: [...module.children.allTests()].map((test) => {
      const result = test.result();
      return {
        name: test.name,
        task: taskOf(test),
        state: result.state,
        errors: result.state === "failed" ? result.errors.map(rawError) : [],
        line: test.location?.line ?? 0,
        durationMs: test.diagnostic()?.duration ?? 0,
        observation: observationOf(test),
      };
    }),
    errors: module.errors().map(rawError),
  };
}

const INTERRUPTIONS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Removes what runs that were killed left in .grade/ (folders named with the pid of a process now gone). */
function sweepStale(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^(?:run|batch|tsconfig\.)-?(\d+)/.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || alive(pid)) continue;
    reapSubjects(join(dir, name));
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Starts one vitest set to grade `options.implementations`. Keep it for watch mode: later runs reuse its
 * transformed grader modules, and rebuild only the implementation.
 */
export async function createGrader(options: GraderOptions): Promise<Grader> {
  const kitRoot = resolve(options.kitRoot);
  sweepStale(join(kitRoot, ".grade"));
  const workDir = options.workDir ?? join(kitRoot, ".grade", `run-${process.pid}-${randomBytes(6).toString("hex")}`);
  const shared = join(workDir, "shared");
  mkdirSync(workDir, { recursive: true });
  // Interrupted (Ctrl-C, a cancelled job), the run takes its subjects down first: one that is busy, or that keeps
  // the signal from ending it, would outlive the workers that watch it. Then the signal does what it would have.
  const interrupted = (signal: NodeJS.Signals): void => {
    for (const other of INTERRUPTIONS) process.removeListener(other, interrupted);
    reapSubjects(workDir);
    rmSync(workDir, { recursive: true, force: true });
    process.kill(process.pid, signal);
  };
  for (const signal of INTERRUPTIONS) process.on(signal, interrupted);
  const building = buildShared(kitRoot, shared).then(() => buildYardsticks(kitRoot, shared, catalog));
  const settings: GradingSettings = { seed: options.seed, lang: options.lang, replayFlags: options.replayFlags ?? "" };
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
      // Threads, not processes: the graders are the kit's own code (what they grade runs in subject processes), and a
      // thread spares a Node process start and speaks to vitest over a message port (about 0.4 s of CPU a run).
      pool: "threads",
      // Not this process's flags: tsx, which vitest does without, would be loaded again in every thread.
      execArgv: [],
      // The workers run graders only (never the code under grading): one worker may serve several grader files,
      // which spares a module graph per file (about 1 s of the six exercises).
      isolate: false,
      // The kit's graders and #grading, transformed once and kept in node_modules/.experimental-vitest-cache, keyed
      // by their path, content and this config: about 1 s of CPU of each learner's run (no code under grading goes
      // through vitest). Not for a batch: its grader copies have a new path each run, and would only pile up.
      ...(options.include === undefined ? { experimental: { fsModuleCache: true } } : {}),
      // Grader files mostly wait on their subjects: two workers pay off even on two cores.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      setupFiles: [join(kitRoot, "graders", "_support", "lifecycle.ts")],
      testTimeout: TEST_TIMEOUT_MS,
      hookTimeout: TEST_TIMEOUT_MS,
      teardownTimeout: 5_000,
      includeTaskLocation: true,
      passWithNoTests: true,
      ...(options.bail === true ? { bail: 1 } : {}),
      provide: { [SETTINGS_KEY]: settings, [PLANS_KEY]: {} },
    },
    {
      resolve: {
        alias: [
          { find: /^#runtime$/, replacement: join(kitRoot, "runtime", "index.ts") },
          { find: /^#protocol$/, replacement: join(kitRoot, "protocol", "index.ts") },
          { find: /^#grading$/, replacement: join(kitRoot, "graders", "_support", "index.ts") },
        ],
      },
      plugins: [
        {
          name: "graders-never-load-implementations",
          enforce: "pre",
          resolveId(source: string) {
            // Graders see the implementation only through their subject: a value import of #impl is a grader bug.
            if (source.startsWith("#impl/"))
              throw new Error(`a grader imports ${source} as a value: use subject.module<typeof import("${source}")>() instead`);
            return null;
          },
        },
      ],
      logLevel: "silent",
      server: { watch: null },
    },
  );
  await building;

  return {
    async run(exercises, runOptions = {}) {
      const wanted = new Set(exercises.length > 0 ? exercises : catalog.map((exercise) => exercise.id));
      const plans: Record<string, SubjectPlan> = {};
      await Promise.all(
        options.implementations.map(async ({ slot, implDir, tasks }) => {
          const impl = join(workDir, slot === "" ? "impl" : join(slot, "impl"));
          const ids = catalog.filter((exercise) => wanted.has(exercise.id));
          const failures = await buildImplementation({ implDir, exercises: ids, sharedDir: shared, outDir: impl, lang: options.lang });
          plans[slot] = {
            shared,
            impl,
            buildErrors: Object.fromEntries(failures),
            modules: Object.fromEntries(ids.map((exercise) => [exercise.id, [`${exercise.id}/${exercise.file}`]])),
            ...(runOptions.mutant === undefined ? {} : { mutant: runOptions.mutant }),
            ...(tasks === undefined ? {} : { tasks }),
          };
        }),
      );
      vitest.provide(PLANS_KEY, plans);
      const specs = (await vitest.globTestSpecifications()).filter((spec) => wanted.has(exerciseOfGraderFile(spec.moduleId)));
      await vitest.runTestSpecifications(specs);
      // Every grader file closed its subjects; any left is one whose vitest process died under it.
      reapSubjects(workDir);
      return reporter.modules.map(rawModule);
    },
    async close() {
      for (const signal of INTERRUPTIONS) process.removeListener(signal, interrupted);
      await vitest.close();
      reapSubjects(workDir);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
