import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type { UserConsoleLog } from "vitest";
import type { Reporter, TestCase, TestModule, TestSuite, Vitest } from "vitest/node";
import { createVitest } from "vitest/node";
import { importPolicy } from "./import-policy.ts";
import type { LedgerEvent } from "./worker/watchdog.ts";

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

/** One time a grader file's process stopped early. */
export interface Stop {
  /** hang: the watchdog stopped a test that kept running; memory: one past the memory limit; exit: the process ended. */
  readonly reason: "hang" | "memory" | "exit";
  /** The test running then (null: while the implementation was loading). */
  readonly test: string | null;
  readonly task: number | null;
  readonly boundMs: number;
  readonly memoryMb: number;
}

/**
 * What the watchdog's ledgers say of a grader file over all its runs: they are written from a thread of their
 * own, so they survive the process being killed or exiting, when the test runner's own reports may not.
 */
export interface LedgerReport {
  /** The tests that ended, whether they passed, and what they replaced that the graders rely on. */
  readonly finished: readonly { readonly name: string; readonly passed: boolean; readonly tampered: readonly string[] }[];
  /** Each time the process stopped early, in order; after each, the file ran again without the tests done. */
  readonly stops: readonly Stop[];
  /** What the implementation replaced as it loaded. */
  readonly tamperedAtLoad: readonly string[];
}

/** One process's ledger, as written. */
interface Ledger {
  readonly pid: number;
  readonly finished: LedgerReport["finished"];
  readonly running: { readonly test: string | null; readonly task: number | null } | null;
  readonly killed: (Omit<Stop, "reason"> & { readonly reason: "hang" | "memory" }) | null;
  readonly tamperedAtLoad: readonly string[];
}

/** One grader file's outcome. */
export interface RawModule {
  readonly exercise: string;
  /** Absolute path of the grader file. */
  readonly file: string;
  readonly tests: readonly RawTest[];
  /** Errors outside any test: the file failed to load, or its process died. */
  readonly errors: readonly string[];
  /** The watchdog's ledgers of the file's processes (null when none was written: no process started). */
  readonly ledger: LedgerReport | null;
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
  /** For batches: every implementation directory `implFor` may return, so that the import rules know the code under grading. */
  readonly implDirs?: readonly string[];
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

function errorText(error: { message?: string; name?: string; stack?: string; code?: unknown; resource?: unknown }): string {
  // An error message can carry text from the graded code: it must not reach the terminal with escapes.
  const message = plainText(error.message ?? String(error));
  if (error.code === "ERR_ACCESS_DENIED") {
    // Node's permission model refused it: say so in the words of the kit, naming the file when Node did.
    const resource = typeof error.resource === "string" ? ` (${error.resource})` : "";
    return `${ACCESS_DENIED}${resource}`;
  }
  return error.name !== undefined &&
    error.name !== "Error" &&
    error.name !== "GradingFailure" &&
    error.name !== "AssertionError" &&
    !message.startsWith(error.name)
    ? `${error.name}: ${message}`
    : message;
}

const isTampering = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { tampering?: unknown }).tampering === true;

/** What a refused file access reads as; kit/score.ts puts it in the learner's language. */
export const ACCESS_DENIED = "Your code may not read or write files outside its own folder, nor start processes";

/**
 * What the graded code printed, as plain text: no terminal escapes (which could clear the screen and draw a fake
 * report) and no control characters but tabs and newlines.
 */
export function plainText(text: string): string {
  return text.replace(TERMINAL_ESCAPE, "").replace(CONTROL_CHARACTER, "");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point.
const TERMINAL_ESCAPE = /\u001b(\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(\u0007|\u001b\\)?|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

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
    lines.push(...plainText(log.content).replace(/\n$/, "").split("\n"));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
    this.output.set(key, lines);
  }

  onTestModuleStart(module: TestModule): void {
    if (process.env.GRADE_DEBUG !== undefined) process.stderr.write(`start ${module.moduleId}\n`);
  }

  onTestModuleEnd(module: TestModule): void {
    if (process.env.GRADE_DEBUG !== undefined)
      process.stderr.write(
        `end   ${module.moduleId} ${module.state()} ${module
          .errors()
          .map((error) => error.stack ?? error.message)
          .join("\n")}\n`,
      );
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

/** Reads every ledger in `dir`, by grader file. A line cut short by the process dying is skipped. */
function readLedgers(dir: string): Map<string, Ledger> {
  const ledgers = new Map<string, Ledger>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".ledger")) continue;
    let file: string | null = null;
    let pid = 0;
    const finished: { name: string; passed: boolean; tampered: readonly string[] }[] = [];
    let running: Ledger["running"] = null;
    let killed: Ledger["killed"] = null;
    let tamperedAtLoad: readonly string[] = [];
    for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
      let event: LedgerEvent;
      try {
        event = JSON.parse(line) as LedgerEvent;
      } catch {
        continue;
      }
      switch (event.type) {
        case "file":
          file = resolve(event.file);
          pid = event.pid;
          break;
        case "start":
          running = { test: event.test, task: event.task };
          break;
        case "end":
          finished.push({ name: event.test, passed: event.passed, tampered: event.tampered });
          running = null;
          break;
        case "tampered":
          if (event.test === null) tamperedAtLoad = event.labels;
          break;
        case "killed":
          // The test it stopped is the one running: the last to start and not end.
          killed = {
            reason: event.reason,
            test: running?.test ?? null,
            task: running?.task ?? null,
            boundMs: event.boundMs,
            memoryMb: event.memoryMb,
          };
          break;
      }
    }
    if (file !== null) ledgers.set(file, { pid, finished, running, killed, tamperedAtLoad });
  }
  return ledgers;
}

/** The most a grader file's process may use (resident) before the watchdog stops it; the graders need < 400 MB. */
const MEMORY_LIMIT_MB = 768;
/** V8's heap limit, above the watchdog's: V8 dying first is recognised from what it prints, less surely. */
const HEAP_LIMIT_MB = 1536;

/**
 * Node's permission model for the processes that run learners' code: they may read the kit's code, the
 * implementations and vitest's cache, write only the watchdog's ledgers, and start no process. A submission
 * then cannot write the grader's results (GITHUB_OUTPUT, --json files, a class's grades) nor read them.
 */
function permissionFlags(readable: readonly string[], writable: string): string[] {
  const flag = process.allowedNodeEnvironmentFlags.has("--permission") ? "--permission" : "--experimental-permission";
  return [
    flag,
    // The watchdog is a worker thread.
    "--allow-worker",
    ...readable.map((path) => `--allow-fs-read=${path}`),
    `--allow-fs-write=${join(writable, "*")}`,
    "--disable-warning=ExperimentalWarning",
    "--disable-warning=SecurityWarning",
  ];
}

/** Environment variables a submission must not see: where CI writes its outputs, and credentials. */
const HIDDEN_ENV = /^(GITHUB_(OUTPUT|STEP_SUMMARY|ENV|PATH|STATE|TOKEN)|ACTIONS_.*|RUNNER_TEMP)$|TOKEN|SECRET|PASSWORD/i;

/** Removes what runs that were killed left in .grade/ (folders and files named with the pid of a process now gone). */
function sweepStale(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^(?:run|modules|batch|hangs|tsconfig\.)-?(\d+)/.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || alive(pid)) continue;
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

/** How many times a file runs again after its process stopped early. */
const MAX_RESUMES = 12;

/** A grader file's results over its runs so far, each test with vitest's id for a run of only some tests. */
interface Merged {
  readonly tests: Map<string, RawTest & { readonly id: string }>;
  readonly errors: readonly string[];
  readonly ledger: LedgerReport | null;
  /** Whether the last run stopped in a test, so another run may finish the file. */
  readonly stoppedInTest: boolean;
}

function mergeRound(
  previous: Merged | undefined,
  module: TestModule,
  ledger: Ledger | null,
  reporter: CollectingReporter,
  outOfMemory: ReadonlySet<number>,
): Merged {
  const tests = new Map(previous?.tests ?? []);
  for (const test of module.children.allTests()) {
    const result = test.result();
    const known = tests.get(test.id);
    // A test left out of this run reads as skipped: what an earlier run said of it stands.
    if (known !== undefined && (known.state === "passed" || known.state === "failed")) continue;
    tests.set(test.id, {
      id: test.id,
      name: test.name,
      task: taskOf(test),
      state: result.state,
      // A check of the worker's guard (something replaced) goes first: it is why the test does not count.
      errors:
        result.state === "failed" ? [...result.errors].sort((a, b) => Number(isTampering(b)) - Number(isTampering(a))).map(errorText) : [],
      line: test.location?.line ?? 0,
      durationMs: test.diagnostic()?.duration ?? 0,
      output: reporter.outputOf(test.id),
    });
  }
  const errors = module.errors().map(errorText);
  let stop: Stop | null = null;
  if (ledger?.killed != null) stop = ledger.killed;
  else if (ledger?.running != null && errors.length === 0) {
    // The ledger saw a test start and never end, and the runner has no result for it: the process ended there.
    const running = ledger.running;
    const reported = [...tests.values()].some((test) => test.name === running.test && (test.state === "passed" || test.state === "failed"));
    if (running.test === null ? module.children.size === 0 : !reported) {
      // V8 reaching its heap limit aborts the process after printing why, its lines tagged with the pid.
      const killedByV8 = outOfMemory.has(ledger.pid);
      stop = {
        reason: killedByV8 ? "memory" : "exit",
        test: running.test,
        task: running.task,
        boundMs: 0,
        memoryMb: killedByV8 ? HEAP_LIMIT_MB : 0,
      };
    }
  }
  const before = previous?.ledger;
  const merged: LedgerReport | null =
    ledger === null && before == null
      ? null
      : {
          finished: [...(before?.finished ?? []), ...(ledger?.finished ?? [])],
          stops: [...(before?.stops ?? []), ...(stop === null ? [] : [stop])],
          tamperedAtLoad: before?.tamperedAtLoad.length ? before.tamperedAtLoad : (ledger?.tamperedAtLoad ?? []),
        };
  return {
    tests,
    errors: previous?.errors.length ? previous.errors : errors,
    ledger: merged,
    stoppedInTest: stop !== null && stop.test !== null,
  };
}

/** The ids of the tests another run should try: none finished, none reported, none stopped the process. */
function resumable(merged: Merged): string[] {
  if (!merged.stoppedInTest || merged.ledger === null) return [];
  const done = new Set(merged.ledger.finished.map((test) => test.name));
  const culprits = new Set(merged.ledger.stops.map((stop) => stop.test));
  return [...merged.tests.values()]
    .filter((test) => test.state !== "passed" && test.state !== "failed" && !done.has(test.name) && !culprits.has(test.name))
    .map((test) => test.id);
}

/**
 * Starts one vitest (its workers are child processes, one per grader file) set to grade `implDir`.
 * Keep it for watch mode: later runs reuse its transformed modules.
 */
export async function createGrader(options: GraderOptions): Promise<Grader> {
  const kitRoot = resolve(options.kitRoot);
  sweepStale(join(kitRoot, ".grade"));
  const implDir = resolve(options.implDir);
  // Random, so that code under grading that guesses paths cannot find the ledgers either.
  const hangDir = join(kitRoot, ".grade", `run-${process.pid}-${randomBytes(8).toString("hex")}`);
  mkdirSync(hangDir, { recursive: true });
  const implDirs = [implDir, ...(options.implDirs ?? []).map((dir) => resolve(dir))];
  const env: Record<string, string | undefined> = {
    GRADE_SEED: String(options.seed),
    GRADE_LANG: options.lang,
    GRADE_FLAGS: process.env.GRADE_FLAGS ?? "",
    GRADE_HANG_DIR: hangDir,
    GRADE_HANG_MS: String(options.hangMs ?? 4_000),
    GRADE_MEMORY_MB: String(MEMORY_LIMIT_MB),
  };
  for (const key of Object.keys(process.env)) if (HIDDEN_ENV.test(key)) env[key] = undefined;
  // Vitest hands its workers their transformed modules through files in a temporary folder: put it where only
  // these workers may read it (os.tmpdir() reads TMPDIR when vitest picks the folder, below).
  const moduleCache = join(hangDir, "..", `modules-${process.pid}-${randomBytes(8).toString("hex")}`);
  const readable = [
    ...new Set([
      ...["node_modules", "runtime", "graders", "kit", "package.json"].map((path) => join(kitRoot, path)),
      // The permission model checks real paths: a node_modules linked from elsewhere is read where it lives.
      realpathSync(join(kitRoot, "node_modules")),
      join(kitRoot, ".grade", "batch-*"),
      moduleCache,
    ]),
  ];
  const policy = importPolicy({ kitRoot, implDirs, lang: options.lang });
  // Whatever the implementation prints outside console (process.stdout.write, say) goes here, not to the
  // learner's terminal, where it could pass for the kit's report.
  const workerOutput: string[] = [];
  // V8 reaching its heap limit prints "[pid:0x…] … Mark-Compact …" then "heap out of memory" before it aborts.
  const outOfMemory = new Set<number>();
  let lastPid = 0;
  const capture = (): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        for (const line of String(chunk).split("\n")) {
          const pid = /^\[(\d+):0x/.exec(line);
          if (pid !== null) lastPid = Number(pid[1]);
          else if (/heap out of memory|Reached heap limit/.test(line) && lastPid !== 0) outOfMemory.add(lastPid);
          workerOutput.push(line);
        }
        if (workerOutput.length > 400) workerOutput.splice(0, workerOutput.length - 400);
        done();
      },
    });
  // Vitest throws from a child's exit event when a worker dies between two of its messages (code under grading
  // can end its process at any moment, on a timer, after its tests). That death is already in the ledger; it
  // must not take the whole grading run down with it.
  const survive = (error: unknown): void => {
    if (error instanceof Error && error.message === "Worker exited unexpectedly") return;
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  };
  process.on("uncaughtException", survive);
  const reporter = new CollectingReporter();
  const tmpVariables = ["TMPDIR", "TMP", "TEMP"] as const;
  const savedTmp = tmpVariables.map((name) => process.env[name]);
  mkdirSync(moduleCache, { recursive: true });
  for (const name of tmpVariables) process.env[name] = moduleCache;
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
      execArgv: [`--max-old-space-size=${HEAP_LIMIT_MB}`, ...permissionFlags(readable, hangDir)],
      setupFiles: [join(kitRoot, "kit", "worker", "setup.ts")],
      testTimeout: options.testTimeoutMs ?? 3_000,
      hookTimeout: options.testTimeoutMs ?? 3_000,
      teardownTimeout: 1_000,
      includeTaskLocation: true,
      env: env as Record<string, string>,
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
          name: "grade-impl",
          enforce: "pre",
          async resolveId(source: string, importer: string | undefined) {
            // `#impl/<id>/<file>` is the implementation under grading; a batch picks it per grader file.
            const match = /^#impl\/(.*)$/.exec(source);
            if (match !== null) {
              const chosen = importer === undefined ? null : (options.implFor?.(importer) ?? null);
              return join(chosen === null ? implDir : chosen, match[1] ?? "");
            }
            if (importer === undefined) return null;
            const root = policy.rootOf(importer);
            if (root === undefined) return null;
            const refused = policy.refusal(source, importer.replace(/[?#].*$/, ""), root);
            if (refused !== null) throw new Error(refused);
            return null;
          },
          transform(code: string, id: string) {
            const root = policy.rootOf(id);
            if (root !== undefined) policy.checkSource(code, id.replace(/[?#].*$/, ""), root);
            return null;
          },
        },
      ],
      logLevel: "silent",
      server: { watch: null },
    },
    { stdout: capture(), stderr: capture() },
  ).finally(() => {
    tmpVariables.forEach((name, i) => {
      const value = savedTmp[i];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    });
  });

  return {
    async run(exercises) {
      workerOutput.length = 0;
      const all = await vitest.globTestSpecifications();
      const wanted = new Set(exercises);
      let pending = all.filter((spec) => wanted.size === 0 || wanted.has(exerciseOfFile(spec.moduleId)));
      const results = new Map<string, Merged>();
      // A process stopped in a test (a hang, memory, an exit) takes the file's later tests with it: run the file
      // again without the tests that are done and the one that stopped it, so other tasks keep their points.
      for (let round = 0; pending.length > 0 && round <= MAX_RESUMES; round++) {
        rmSync(hangDir, { recursive: true, force: true });
        mkdirSync(hangDir, { recursive: true });
        workerOutput.length = 0;
        await vitest.runTestSpecifications(pending);
        const ledgers = readLedgers(hangDir);
        // A process that died may still be flushing what it printed through the pipe: V8's out-of-memory notice.
        if ([...ledgers.values()].some((ledger) => ledger.running !== null && ledger.killed === null)) await delay(250);
        if (process.env.GRADE_DEBUG !== undefined) process.stderr.write(`${workerOutput.join("\n")}\n`);
        pending = [];
        for (const module of reporter.modules) {
          const file = resolve(module.moduleId);
          const merged = mergeRound(results.get(file), module, ledgers.get(file) ?? null, reporter, outOfMemory);
          results.set(file, merged);
          const remaining = round < MAX_RESUMES ? resumable(merged) : [];
          if (remaining.length > 0) pending.push(module.project.createSpecification(module.moduleId, { testIds: remaining }));
        }
      }
      return [...results].map(([file, merged]): RawModule => {
        const errors = merged.errors.map((error) => explainMissing(error, options.implFor?.(file) ?? implDir, options.lang));
        return {
          exercise: exerciseOfFile(file),
          file,
          tests: [...merged.tests.values()].map(({ id: _, ...test }) => test),
          errors,
          ledger: merged.ledger,
        };
      });
    },
    invalidate(path) {
      vitest.invalidateFile(resolve(path));
    },
    async close() {
      await vitest.close();
      process.off("uncaughtException", survive);
      rmSync(moduleCache, { recursive: true, force: true });
      rmSync(hangDir, { recursive: true, force: true });
    },
  };
}
