/**
 * Reads the repository's GitHub workflows and runs their `run:` scripts here, the way a runner would: GitHub is
 * not reachable from the tests, but bash, git and npm are.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { type ValidationError, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

export const repoRoot = join(import.meta.dirname, "..", "..");

export interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly shell?: string;
  readonly "working-directory"?: string;
  readonly "continue-on-error"?: boolean | string;
  readonly env?: Readonly<Record<string, string>>;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
}

export interface Job {
  readonly "runs-on": string;
  readonly name?: string;
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly "timeout-minutes"?: number;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly strategy?: { readonly "fail-fast"?: boolean; readonly matrix?: Readonly<Record<string, readonly unknown[]>> };
  readonly steps: readonly Step[];
}

export interface Workflow {
  readonly name: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

export interface LoadedWorkflow {
  readonly file: string;
  readonly path: string;
  readonly source: string;
  readonly workflow: Workflow;
}

export function loadWorkflow(name: string): LoadedWorkflow {
  const path = join(repoRoot, ".github", "workflows", name);
  const source = readFileSync(path, "utf8");
  return { file: name, path, source, workflow: parse(source) as Workflow };
}

/** The validator's findings as one line each (its errors nest the alternatives of a `oneOf`). */
export function workflowProblems(source: string): string[] {
  const lines: string[] = [];
  const walk = (errors: readonly ValidationError[]): void => {
    for (const error of errors) {
      const where = "path" in error ? error.path : `line ${error.location?.line ?? "?"}`;
      lines.push(`${where}: ${error.title}${error.detail === undefined ? "" : ` (${error.detail})`}`);
      if ("states" in error && error.states !== undefined) for (const state of error.states) walk(state.errors);
    }
  };
  walk(validateWorkflow(source).errors);
  return lines;
}

export function stepById(job: Job, id: string): Step {
  const step = job.steps.find((candidate) => candidate.id === id);
  if (step === undefined) throw new Error(`no step with id ${id}`);
  return step;
}

export function stepByName(job: Job, name: string): Step {
  const step = job.steps.find((candidate) => candidate.name === name);
  if (step === undefined) throw new Error(`no step named ${JSON.stringify(name)}`);
  return step;
}

/** The `npm run <script>` names a script text uses. */
export function npmScriptsUsed(script: string): string[] {
  return [...script.matchAll(/\bnpm run ([\w:-]+)/g)].map((match) => match[1] ?? "");
}

export interface StepOutcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the step appended to GITHUB_OUTPUT, as name → value. */
  readonly outputs: Readonly<Record<string, string>>;
  /** What the step appended to GITHUB_STEP_SUMMARY. */
  readonly summary: string;
}

/** Variables of the process running the tests that must not leak into a step (they would steer the kit or vitest). */
const leaks = /^(VITEST|GRADE_|GITHUB_|RUNNER_|NODE_OPTIONS$|NODE_ENV$|FORCE_COLOR$|NO_COLOR$|TEST$)/;

/**
 * Runs a step's `run:` script with the runner's default shell for Linux (`bash --noprofile --norc -eo pipefail`),
 * in `workspace` (or its `working-directory`), with the workflow's and the step's `env:` and the runner's file
 * variables pointing into `runnerTemp`.
 */
export async function runStep(
  workflow: Workflow,
  step: Step,
  options: { workspace: string; runnerTemp: string; env?: Readonly<Record<string, string>>; timeoutMs?: number },
): Promise<StepOutcome> {
  if (step.run === undefined) throw new Error(`step ${step.id ?? step.name ?? "?"} has no run:`);
  const outputFile = join(options.runnerTemp, `output-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const summaryFile = `${outputFile}.summary`;
  const scriptFile = `${outputFile}.sh`;
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !leaks.test(key)));
  const env = {
    ...inherited,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: options.runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...workflow.env,
    ...step.env,
    ...options.env,
  };
  const script = step.run;
  if (script.includes("${{")) throw new Error("a run: script with ${{ }} expressions cannot run here; pass them through env:");
  writeFileSync(scriptFile, script);
  const cwd = step["working-directory"] === undefined ? options.workspace : join(options.workspace, step["working-directory"]);
  // Its own process group, so that a step that runs past its time is killed with everything it started.
  const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(() => {
    stderr += `\n[killed after ${timeoutMs} ms]`;
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }, timeoutMs);
  const status = await new Promise<number | null>((done) => {
    child.on("close", (code) => done(code));
    child.on("error", (error) => {
      stderr += String(error);
      done(null);
    });
  });
  clearTimeout(timer);
  return {
    status,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, "utf8")),
    summary: readFileSync(summaryFile, "utf8"),
  };
}

/** GITHUB_OUTPUT lines: `name=value`, or `name<<DELIMITER` … `DELIMITER` for several lines. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc !== null) {
      const [, name = "", delimiter = ""] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? "");
      outputs[name] = body.join("\n");
      continue;
    }
    const equals = line.indexOf("=");
    if (equals > 0) outputs[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return outputs;
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

const notCopied = new Set(["node_modules", ".git", ".grade", ".scratch", ".cache", "coverage", ".stryker-tmp", "reports"]);

/** Copies the repository as a fresh clone would have it (no node_modules), optionally with a folder swapped in. */
export function copyRepo(to: string, options: { exercisesFrom?: string } = {}): void {
  cpSync(repoRoot, to, {
    recursive: true,
    filter: (source) => {
      const top = relative(repoRoot, source).split(sep)[0] ?? "";
      return !notCopied.has(top) && !(options.exercisesFrom !== undefined && top === "exercises");
    },
  });
  if (options.exercisesFrom !== undefined) cpSync(join(repoRoot, options.exercisesFrom), join(to, "exercises"), { recursive: true });
}

/** Stands in for `npm ci` in a copy of the kit: its dependencies are the ones installed here. */
export function linkNodeModules(kitCopy: string): void {
  symlinkSync(join(repoRoot, "node_modules"), join(kitCopy, "node_modules"), "junction");
}
