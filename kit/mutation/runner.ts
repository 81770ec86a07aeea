/**
 * Stryker's test runner for the kit: it grades Stryker's sandbox copy of the reference solutions with the kit's own
 * graders, through one `createGrader` kept for the whole run (one vitest, started once). The code under grading
 * runs in subject processes, where Stryker's usual runners cannot reach: a mutant is activated by the grading
 * run's plan (`SubjectPlan.mutant`), which every subject of the run gets as `__STRYKER_ACTIVE_MUTANT__`, the one
 * variable Stryker's instrumented code reads at load. Every grader file starts fresh subjects, so mutants in
 * module-level code (static mutants) are activated like the others.
 *
 * A mutant is killed when a test fails or a grader file fails to run; a subject stopped for a hang counts as a
 * timeout; a run where every test passes lets the mutant survive. A run stops at its first failed test.
 */
import { join, relative, resolve, sep } from "node:path";
import type { StrykerOptions } from "@stryker-mutator/api/core";
import { commonTokens, tokens } from "@stryker-mutator/api/plugin";
import {
  type DryRunResult,
  DryRunStatus,
  type MutantRunOptions,
  type MutantRunResult,
  MutantRunStatus,
  type TestResult,
  type TestRunner,
  type TestRunnerCapabilities,
  TestStatus,
} from "@stryker-mutator/api/test-runner";
import { DEFAULT_SEED } from "#protocol";
import { createGrader, type Grader, type RawError, type RawModule } from "../run-graders.ts";

/** The runner's own options, under `grading` in Stryker's options (see kit/mutation/run.ts). */
export interface GradingRunnerOptions {
  /** The exercise whose graders run. */
  readonly exercise: string;
  /** The seed of the graders' examples. */
  readonly seed?: number;
}

/** Stryker validates its options against the schemas of its plugins: this is the runner's. */
export const gradingOptionsSchema = {
  $schema: "http://json-schema.org/draft-07/schema",
  type: "object",
  properties: {
    grading: {
      type: "object",
      description: "The kit's grading test runner (kit/mutation/runner.ts).",
      properties: {
        exercise: { type: "string", description: "The exercise whose graders run." },
        seed: { type: "integer", description: "The seed of the graders' examples." },
      },
      required: ["exercise"],
      additionalProperties: false,
    },
  },
} as const;

/** One test as Stryker reports it: `Task N › test name`, with the grader file it comes from. */
function testResults(modules: readonly RawModule[], root: string): TestResult[] {
  return modules.flatMap((module) => {
    const file = relative(root, module.file).split(sep).join("/");
    const tests = module.tests.map((test): TestResult => {
      const base = {
        id: `${file}#${test.task === null ? "" : `Task ${test.task} › `}${test.name}`,
        name: `${test.task === null ? "" : `Task ${test.task} › `}${test.name}`,
        timeSpentMs: Math.round(test.durationMs),
        fileName: module.file,
        startPosition: { line: Math.max(0, test.line - 1), column: 0 },
      };
      if (test.state === "failed") return { ...base, status: TestStatus.Failed, failureMessage: failureMessage(test.errors) };
      if (test.state === "passed") return { ...base, status: TestStatus.Success };
      return { ...base, status: TestStatus.Skipped };
    });
    // A grader file that failed outside its tests (it did not load, its process died) fails as one test.
    if (module.errors.length > 0)
      tests.push({
        id: `${file}#(file)`,
        name: `${file} (the file itself)`,
        timeSpentMs: 0,
        fileName: module.file,
        status: TestStatus.Failed,
        failureMessage: failureMessage(module.errors),
      });
    return tests;
  });
}

function failureMessage(errors: readonly RawError[]): string {
  const first = errors[0];
  if (first === undefined) return "failed";
  const stop = first.stop === null ? "" : ` [subject stopped: ${first.stop.reason}]`;
  return `${first.name}: ${first.message.split("\n")[0] ?? ""}${stop}`;
}

/** Every failure of the run was a subject stopped for a hang: Stryker's timeout, not a test that caught the mutant. */
function onlyHangs(modules: readonly RawModule[]): boolean {
  const failed = modules.flatMap((module) => [
    ...module.tests.filter((test) => test.state === "failed"),
    ...(module.errors.length > 0 ? [module] : []),
  ]);
  return (
    failed.length > 0 &&
    failed.every(
      (item) => item.errors.length > 0 && item.errors.every((error) => error.stop?.reason === "hang" || error.failure === "not-run"),
    )
  );
}

export class GradingTestRunner implements TestRunner {
  static inject = tokens(commonTokens.options);

  private grader: Grader | null = null;
  private readonly root = resolve(process.cwd());
  private readonly settings: GradingRunnerOptions;
  private readonly bail: boolean;

  constructor(options: StrykerOptions) {
    const settings = (options as StrykerOptions & { grading?: GradingRunnerOptions }).grading;
    if (settings === undefined) throw new Error("grading runner: set grading.exercise in Stryker's options");
    this.settings = settings;
    this.bail = !options.disableBail;
  }

  capabilities(): TestRunnerCapabilities {
    // Every run starts fresh subjects, which load the module while the mutant is already active.
    return { reloadEnvironment: true };
  }

  async init(): Promise<void> {
    // The runner works in Stryker's sandbox: its copy of the kit, with the instrumented solutions.
    this.grader = await createGrader({
      kitRoot: this.root,
      seed: this.settings.seed ?? DEFAULT_SEED,
      lang: "en",
      implementations: [{ slot: "", implDir: join(this.root, "solutions") }],
      // One failed test kills a mutant: the rest of the file is skipped (Stryker's --disableBail runs it all).
      bail: this.bail,
    });
  }

  async dryRun(): Promise<DryRunResult> {
    try {
      const modules = await this.run(undefined);
      if (modules.length === 0) return { status: DryRunStatus.Error, errorMessage: `no grader ran for ${this.settings.exercise}` };
      return { status: DryRunStatus.Complete, tests: testResults(modules, this.root) };
    } catch (error) {
      return { status: DryRunStatus.Error, errorMessage: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
  }

  async mutantRun(options: MutantRunOptions): Promise<MutantRunResult> {
    let modules: RawModule[];
    try {
      modules = await this.run(options.activeMutant.id);
    } catch (error) {
      return { status: MutantRunStatus.Error, errorMessage: error instanceof Error ? error.message : String(error) };
    }
    const tests = testResults(modules, this.root);
    const failed = tests.filter((test) => test.status === TestStatus.Failed);
    const nrOfTests = tests.filter((test) => test.status !== TestStatus.Skipped).length;
    if (failed.length === 0) return { status: MutantRunStatus.Survived, nrOfTests };
    if (onlyHangs(modules)) return { status: MutantRunStatus.Timeout, reason: "the subject was stopped for a hang" };
    return {
      status: MutantRunStatus.Killed,
      killedBy: failed.map((test) => test.id),
      failureMessage: failed[0]?.status === TestStatus.Failed ? failed[0].failureMessage : "",
      nrOfTests,
    };
  }

  async dispose(): Promise<void> {
    await this.grader?.close();
    this.grader = null;
  }

  private run(mutant: string | undefined): Promise<RawModule[]> {
    if (this.grader === null) throw new Error("grading runner: not initialised");
    return this.grader.run([this.settings.exercise], mutant === undefined ? {} : { mutant });
  }
}
