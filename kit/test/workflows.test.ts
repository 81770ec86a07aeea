import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { catalog } from "../catalog.ts";
import { writeManifest } from "../checksums.ts";
import { gradeCommand } from "../cli/commands.ts";
import {
  copyRepo,
  type Job,
  linkNodeModules,
  loadWorkflow,
  makeTempDir,
  npmScriptsUsed,
  repoRoot,
  runStep,
  stepById,
  stepByName,
  type Workflow,
  workflowProblems,
} from "./workflow-harness.ts";

const packageScripts = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const ci = loadWorkflow("ci.yml");
const grade = loadWorkflow("grade.yml");
const gradeJob = grade.workflow.jobs["run-autograding-tests"] as Job;
const firstExercise = catalog[0]?.id ?? "";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  temps.push(dir);
  return dir;
}

const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe.each([ci, grade])("$file", ({ source, workflow }) => {
  it("should be a valid workflow for GitHub Actions", () => {
    expect(workflowProblems(source)).toEqual([]);
  });

  it("should pin every action to a major version", () => {
    const uses = allSteps(workflow).flatMap((step) => (step.uses === undefined ? [] : [step.uses]));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });

  it("should declare its permissions and bound every job's time", () => {
    expect(workflow.permissions?.contents).toBe("read");
    for (const job of Object.values(workflow.jobs)) expect(job["timeout-minutes"]).toBeGreaterThan(0);
  });

  it("should only run npm scripts that package.json defines", () => {
    const used = allSteps(workflow).flatMap((step) => npmScriptsUsed(step.run ?? ""));
    for (const script of used) expect(packageScripts, `npm run ${script}`).toHaveProperty(script);
  });
});

describe("ci.yml", () => {
  it("should run npm ci and npm test on Node 20, 22 and 24", () => {
    const test = ci.workflow.jobs.test as Job;
    expect(test.strategy?.matrix?.node).toEqual([20, 22, 24]);
    expect(test.steps.flatMap((step) => (step.run === undefined ? [] : [step.run]))).toEqual(["npm ci", "npm test"]);
  });

  it("should take a learner's first steps on Windows", () => {
    const windows = ci.workflow.jobs["learner-windows"] as Job;
    expect(windows["runs-on"]).toMatch(/^windows-/);
    expect(windows.steps.flatMap((step) => (step.run === undefined ? [] : [step.run]))).toEqual([
      "npm ci",
      "npm run grade -- --solutions",
      "npm run hint -- 01-price-cache 1",
    ]);
  });

  it("should run only in the kit's own repository, a template, not in the learners' copies", () => {
    for (const job of Object.values(ci.workflow.jobs)) expect(job.if).toBe("github.event.repository.is_template");
  });

  it("should ask for hints the kit can print", async () => {
    const windows = ci.workflow.jobs["learner-windows"] as Job;
    const hint = windows.steps.find((step) => step.run?.startsWith("npm run hint") === true);
    // In a copy: asking for a hint records it in the kit's .grade/.
    const workspace = tempDir("hint");
    copyRepo(workspace);
    linkNodeModules(workspace);
    const outcome = await runStep(ci.workflow, hint!, { workspace, runnerTemp: tempDir("runner"), env: { LANG: "en_US.UTF-8" } });
    expect(outcome.status, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain("Task 1:");
  });
});

describe(".ci/run", () => {
  it("should run the README's commands, npm ci then npm test, then the tests on Node 22 and 24", () => {
    const script = readFileSync(join(repoRoot, ".ci", "run"), "utf8");
    const commands = script.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
    expect(commands).toEqual([
      "set -euo pipefail",
      'cd "$(dirname "$0")/.."',
      "npm ci",
      "npm test",
      "for version in 22 24; do",
      '  npm run test:node -- "$version" runtime/test subject/test graders/_support/test kit/test/self-check.test.ts',
      "done",
    ]);
    expect(packageScripts, "package.json has no test script for npm test").toHaveProperty("test");
    for (const readme of ["README.md", "README.en.md"]) {
      const text = readFileSync(join(repoRoot, readme), "utf8");
      expect(text, readme).toContain("```sh\nnpm ci\nnpm test\n```");
    }
  });
});

describe.each(["README.md", "README.en.md"])("%s", (readme) => {
  const text = readFileSync(join(repoRoot, readme), "utf8");

  it("should list every exercise of the catalog with its file", () => {
    for (const exercise of catalog) {
      expect(text).toContain(`| \`${exercise.id}\` | \`${exercise.file}\` |`);
    }
  });

  it("should document exactly the options npm run grade takes", () => {
    // The table of the section on npm run grade's options, up to the next heading.
    const section = /^### .*`npm run grade`\n[\s\S]*?(?=^##)/m.exec(text)?.[0] ?? "";
    const documented = [...section.matchAll(/^\| (?:`-[a-z]`, )?`(--[a-z-]+)[^`]*` \|/gm)].map((match) => match[1]).sort();
    const parsed = [...Object.keys(gradeCommand.flags), "lang", "help"].map((name) => `--${name}`).sort();
    expect(documented).toEqual(parsed);
  });
});

describe("grade.yml", () => {
  it("should be laid out as GitHub Classroom's autograding workflows are, which is where Classroom reads points", () => {
    expect(grade.workflow.name).toBe("Autograding Tests");
    expect(Object.keys(grade.workflow.jobs)).toEqual(["run-autograding-tests"]);
    expect(gradeJob.name, "the job's name is its id").toBeUndefined();
    expect(grade.workflow.on).toHaveProperty("push");
    expect(grade.workflow.on).toHaveProperty("repository_dispatch");
    expect(grade.workflow.permissions).toMatchObject({ checks: "write", actions: "read", contents: "read" });
  });

  it("should hand each runner's result to the reporter in <RUNNER ID IN CAPITALS>_RESULTS", () => {
    const reporter = gradeJob.steps.find((step) => step.uses?.startsWith("classroom-resources/autograding-grading-reporter@") === true);
    const runners = String(reporter?.with?.runners ?? "")
      .split(/[\s,]/)
      .filter(Boolean);
    expect(runners.length).toBeGreaterThan(0);
    for (const runner of runners) {
      // The reporter's own check of its input: ids of letters and digits.
      expect(runner).toMatch(/^[a-zA-Z0-9]+$/);
      expect(reporter?.env?.[`${runner.toUpperCase()}_RESULTS`]).toBe(`\${{ steps.${runner}.outputs.result }}`);
      expect(stepById(gradeJob, runner).run).toContain("--classroom");
    }
  });

  it("should run only in the learners' repositories, and not on Classroom's first commit", () => {
    expect(gradeJob.if).toBe("${{ !github.event.repository.is_template && github.actor != 'github-classroom[bot]' }}");
  });

  it("should take the kit's repository and ref from the workflow's env", () => {
    const kitCheckout = stepByName(gradeJob, "Check out the kit at its pinned ref");
    expect(grade.workflow.env).toHaveProperty("KIT_REPOSITORY");
    expect(grade.workflow.env).toHaveProperty("KIT_REF");
    expect(kitCheckout.with).toMatchObject({ repository: "${{ env.KIT_REPOSITORY }}", ref: "${{ env.KIT_REF }}", path: ".kit" });
  });

  it("should read expressions through env: in its run: scripts, never inline", () => {
    for (const step of gradeJob.steps) expect(step.run ?? "").not.toContain("${{");
  });

  it("should feed the grading step's result to the Classroom reporter", () => {
    const grading = stepById(gradeJob, "grading");
    const reporter = gradeJob.steps.find((step) => step.uses?.startsWith("classroom-resources/autograding-grading-reporter@") === true);
    expect(grading["continue-on-error"]).toBeUndefined();
    expect(reporter?.with?.runners).toBe("grading");
    expect(reporter?.env).toEqual({ GRADING_RESULTS: "${{ steps.grading.outputs.result }}" });
    expect(reporter?.if).toBe("${{ !cancelled() && steps.grading.outputs.result != '' }}");
    expect(gradeJob.steps.indexOf(reporter!)).toBeGreaterThan(gradeJob.steps.indexOf(grading));
  });

  describe("the comparison of the learner's copy with the kit's checksums", () => {
    const compare = stepByName(gradeJob, "Compare the learner's copy of the kit with the kit's checksums");

    /** A learner's repository as the template made it, with the kit checked out and installed in .kit/. */
    function learnerAndKit(): { workspace: string; kitDigest: string } {
      const workspace = tempDir("grade-compare");
      const kit = join(workspace, ".kit");
      // One copy of the repository for both, so that they hold the same files even while the repository changes.
      copyRepo(kit);
      cpSync(kit, workspace, { recursive: true });
      linkNodeModules(kit);
      // The manifest as the maintainer commits it, whatever state this checkout's copy is in.
      return { workspace, kitDigest: writeManifest(kit).digest };
    }

    it("should run after the kit is installed and before the grading", () => {
      const install = stepByName(gradeJob, "Install the kit");
      expect(gradeJob.steps.indexOf(compare)).toBeGreaterThan(gradeJob.steps.indexOf(install));
      expect(gradeJob.steps.indexOf(compare)).toBeLessThan(gradeJob.steps.indexOf(stepById(gradeJob, "grading")));
    });

    it("should say in the summary that a pristine copy is the original and was not used for grading", async () => {
      const { workspace, kitDigest } = learnerAndKit();
      const outcome = await runStep(grade.workflow, compare, { workspace, runnerTemp: tempDir("runner"), env: { KIT_LANG: "en" } });
      expect(outcome.status, outcome.stderr).toBe(0);
      expect(outcome.stdout).not.toContain("::warning::");
      expect(outcome.summary).toContain("> [!NOTE]");
      expect(outcome.summary).toContain("Your repository's copy of the kit is the original.");
      expect(outcome.summary).toContain("It was not used for grading: the grade comes from the kit at v0.1.0.");
      expect(outcome.summary).toContain(`Digest: \`${kitDigest}\``);
    });

    it("should warn, in Spanish when the kit's language is Spanish, that an edited grader was not used", async () => {
      const { workspace, kitDigest } = learnerAndKit();
      const path = `graders/${firstExercise}/${(catalog[0]?.file ?? "").replace(/\.ts$/, ".test.ts")}`;
      writeFileSync(join(workspace, ...path.split("/")), 'import { it } from "vitest";\nit("passes", () => {});\n');
      const outcome = await runStep(grade.workflow, compare, { workspace, runnerTemp: tempDir("runner"), env: { KIT_LANG: "es" } });
      expect(outcome.status, outcome.stderr).toBe(0);
      expect(outcome.stdout).toContain(`::warning::La copia del kit de tu repositorio no es la original: ${path} (modificado).`);
      expect(outcome.summary).toContain("> [!WARNING]");
      expect(outcome.summary).toContain(`> - \`${path}\` (modificado)`);
      expect(outcome.summary).toContain("No se usó para calificar: la nota sale del kit en v0.1.0.");
      expect(outcome.summary).toContain(`la del kit: \`${kitDigest}\``);
    });

    it("should fail the step on a usage error rather than pass it off as a verdict", async () => {
      const { workspace } = learnerAndKit();
      const outcome = await runStep(grade.workflow, compare, { workspace, runnerTemp: tempDir("runner"), env: { KIT_LANG: "fr" } });
      expect(outcome.status).toBe(2);
      expect(outcome.stderr).toContain("--lang");
      expect(outcome.summary).toBe("");
    });
  });

  describe("the grading step", () => {
    const grading = stepById(gradeJob, "grading");

    /**
     * A learner's repository with the reference solutions in exercises/ except for the first exercise, left as
     * shipped, and a grader for it edited to pass anything; the kit checked out and installed in .kit/.
     */
    function learnerRepository(): string {
      if (!existsSync(join(repoRoot, "kit", "grade.ts")) || packageScripts.grade === undefined) {
        throw new Error("kit/grade.ts and the `grade` script are needed to run grade.yml's grading step; they are not there yet");
      }
      const workspace = tempDir("grade-run");
      copyRepo(workspace, { exercisesFrom: "solutions" });
      rmSync(join(workspace, "exercises", firstExercise), { recursive: true });
      cpSync(join(repoRoot, "exercises", firstExercise), join(workspace, "exercises", firstExercise), { recursive: true });
      rmSync(join(workspace, "graders", firstExercise), { recursive: true });
      mkdirSync(join(workspace, "graders", firstExercise));
      writeFileSync(join(workspace, "graders", firstExercise, "edited.test.ts"), 'import { it } from "vitest";\nit("passes", () => {});\n');
      copyRepo(join(workspace, ".kit"));
      linkNodeModules(join(workspace, ".kit"));
      return workspace;
    }

    it("should grade with the kit's graders, hand the result to the reporter and succeed even when tasks fail", {
      timeout: 120_000,
    }, async () => {
      const workspace = learnerRepository();

      const outcome = await runStep(grade.workflow, grading, {
        workspace,
        runnerTemp: tempDir("runner"),
        env: { KIT_LANG: "en" },
        timeoutMs: 110_000,
      });

      const log = outcome.stdout + outcome.stderr;
      expect(outcome.status, log).toBe(0);
      expect(outcome.outputs["exit-code"], log).toBe("1");
      expect(outcome.outputs.result, "the step's `result` output").toBeTruthy();
      // What the reporter's environment variable will hold: far under Linux's 128 KiB for one variable.
      expect(Buffer.byteLength(`GRADING_RESULTS=${outcome.outputs.result ?? ""}`)).toBeLessThan(64 * 1024);
      const classroom = JSON.parse(Buffer.from(outcome.outputs.result ?? "", "base64").toString("utf8")) as {
        status: string;
        max_score: number;
        tests: { score: number; line_no: number }[];
      };
      expect(classroom.status).not.toBe("pass");
      expect(classroom.max_score).toBe(100 * catalog.length);
      for (const test of classroom.tests) {
        expect(Number.isFinite(test.score)).toBe(true);
        expect(test.line_no).toBeGreaterThan(0);
      }
      const results = JSON.parse(readFileSync(join(workspace, ".kit", "results.json"), "utf8")) as {
        version: number;
        totals: { exercises: { id: string; score: number; max_score: number }[] };
      };
      expect(results.version).toBe(3);
      const scores = Object.fromEntries(results.totals.exercises.map((exercise) => [exercise.id, exercise.score]));
      expect(scores, log).toEqual(Object.fromEntries(catalog.map((exercise) => [exercise.id, exercise.id === firstExercise ? 0 : 100])));
      expect(outcome.summary).toMatch(new RegExp(`^\\|.*${firstExercise}.*\\|$`, "m"));
    });
  });
});
