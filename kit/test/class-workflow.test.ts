import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { catalog } from "../catalog.ts";
import {
  copyRepo,
  type Job,
  linkNodeModules,
  loadWorkflow,
  makeTempDir,
  npmScriptsUsed,
  repoRoot,
  runStep,
  type Step,
  type StepOutcome,
  stepById,
  stepByName,
  workflowProblems,
} from "./workflow-harness.ts";

const packageScripts = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const gradeClass = loadWorkflow("grade-class.yml");
const { workflow } = gradeClass;
const planJob = workflow.jobs.plan as Job;
const gradeJob = workflow.jobs.grade as Job;
const mergeJob = workflow.jobs.merge as Job;
const planStep = stepById(planJob, "plan");
const cloneStep = stepByName(gradeJob, "Clone the shard's repositories");
const gradingStep = stepById(gradeJob, "grading");
const mergingStep = stepById(mergeJob, "merging");
const allSteps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const firstExercise = catalog[0]?.id ?? "";

interface DispatchInput {
  readonly type: string;
  readonly default?: string | number;
  readonly options?: readonly string[];
}
const dispatchInputs = (workflow.on.workflow_dispatch as { inputs: Readonly<Record<string, DispatchInput>> }).inputs;

/** A plan's matrix, as the plan step writes it for `strategy.matrix`. */
interface Matrix {
  readonly include: readonly { readonly shard: number; readonly repositories: readonly string[] }[];
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  temps.push(dir);
  return dir;
}

/**
 * The values GitHub would give the `${{ }}` expressions of a step's `env:`. Every such variable must be given, and
 * nothing else, so that a step run here sees what it would see on a runner.
 */
function expressions(step: Step, values: Readonly<Record<string, string>>): Record<string, string> {
  const expected = Object.entries(step.env ?? {})
    .filter(([, value]) => value.includes("${{"))
    .map(([key]) => key)
    .sort();
  expect(Object.keys(values).sort(), `the expressions of step ${step.id ?? step.name ?? "?"}`).toEqual(expected);
  return { ...values };
}

/** A checkout of the instructor's repository for the plan job: the exercises' graders/ and a roster. */
function planWorkspace(roster: string): string {
  const workspace = tempDir("class-plan");
  for (const exercise of catalog) mkdirSync(join(workspace, "graders", exercise.id), { recursive: true });
  mkdirSync(join(workspace, "graders", "_support"));
  mkdirSync(join(workspace, "classroom"));
  writeFileSync(join(workspace, "classroom", "roster.txt"), roster);
  return workspace;
}

async function runPlan(
  workspace: string,
  values: { perShard?: string; exercises?: string; lang?: string; roster?: string; isPrivate?: string } = {},
): Promise<StepOutcome> {
  return runStep(workflow, planStep, {
    workspace,
    runnerTemp: tempDir("runner"),
    env: expressions(planStep, {
      ROSTER: values.roster ?? String(dispatchInputs.roster?.default),
      PER_SHARD: values.perShard ?? String(dispatchInputs["learners-per-shard"]?.default),
      EXERCISES: values.exercises ?? "",
      KIT_LANG: values.lang ?? "en",
      REPOSITORY_PRIVATE: values.isPrivate ?? "true",
    }),
  });
}

const matrixOf = (outcome: StepOutcome): Matrix => JSON.parse(outcome.outputs.matrix ?? "null") as Matrix;

describe("grade-class.yml", () => {
  it("should be a valid workflow for GitHub Actions", () => {
    expect(workflowProblems(gradeClass.source)).toEqual([]);
  });

  it("should pin every action to a major version", () => {
    const uses = allSteps.flatMap((step) => (step.uses === undefined ? [] : [step.uses]));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });

  it("should only read the repository's contents, and bound every job's time", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(workflow.jobs)) {
      expect(job.permissions).toBeUndefined();
      expect(job["timeout-minutes"]).toBeGreaterThan(0);
    }
  });

  it("should only run npm scripts that package.json defines", () => {
    const used = allSteps.flatMap((step) => npmScriptsUsed(step.run ?? ""));
    expect(used).toContain("grade");
    for (const script of used) expect(packageScripts, `npm run ${script}`).toHaveProperty(script);
  });

  it("should read expressions through env: in its run: scripts, never inline", () => {
    for (const step of allSteps) expect(step.run ?? "").not.toContain("${{");
  });

  it("should run by hand, with the roster, the shard size, the exercises and the language as inputs", () => {
    expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch"]);
    expect(dispatchInputs.roster).toMatchObject({ type: "string", default: "classroom/roster.txt" });
    expect(dispatchInputs["learners-per-shard"]).toMatchObject({ type: "number", default: 25 });
    expect(dispatchInputs.exercises).toMatchObject({ type: "string", default: "" });
    expect(dispatchInputs.lang).toMatchObject({ type: "choice", options: ["es", "en"], default: "es" });
  });

  it("should grade one job per shard of the plan, all of them even when one fails", () => {
    expect(gradeJob.needs).toBe("plan");
    expect(gradeJob.strategy?.["fail-fast"]).toBe(false);
    expect(gradeJob.strategy?.matrix).toBe("${{ fromJSON(needs.plan.outputs.matrix) }}");
    expect(planJob.outputs).toEqual({
      matrix: "${{ steps.plan.outputs.matrix }}",
      shards: "${{ steps.plan.outputs.shards }}",
      seed: "${{ steps.plan.outputs.seed }}",
    });
    expect(gradingStep.env?.SEED).toBe("${{ needs.plan.outputs.seed }}");
  });

  it("should hand the token to the clone step only, never to a step that runs a learner's code", () => {
    const withSecrets = allSteps.filter(
      (step) => JSON.stringify(step).includes("secrets.") || JSON.stringify(step).includes("github.token"),
    );
    expect(withSecrets).toEqual([cloneStep]);
    expect(cloneStep.env?.CLONE_TOKEN).toBe("${{ secrets.CLASSROOM_TOKEN || github.token }}");
    expect(cloneStep.env?.SERVER_URL).toBe("${{ github.server_url }}");
    for (const step of allSteps)
      if (step.uses?.startsWith("actions/checkout@") === true) expect(step.with?.["persist-credentials"]).toBe(false);
  });

  it("should upload each shard's grades without the staged copies of the submissions", () => {
    const upload = gradeJob.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@") === true);
    expect(upload?.with).toMatchObject({ name: "grades-shard-${{ matrix.shard }}", path: "out\n!out/.staging\n", overwrite: true });
    expect(upload?.if).toBe("${{ !cancelled() && steps.grading.outcome == 'success' }}");
    expect(gradeJob.steps.indexOf(upload!)).toBeGreaterThan(gradeJob.steps.indexOf(gradingStep));
  });

  it("should merge after every shard, also when one failed, but not when the run was cancelled or had no plan", () => {
    expect(mergeJob.needs).toEqual(["plan", "grade"]);
    expect(mergeJob.if).toBe("${{ !cancelled() && needs.plan.result == 'success' }}");
    const download = mergeJob.steps.find((step) => step.uses?.startsWith("actions/download-artifact@") === true);
    expect(download?.with).toEqual({ pattern: "grades-shard-*", path: "shards" });
    const upload = mergeJob.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@") === true);
    expect(upload?.with?.name).toBe("class-grades");
    expect(mergeJob.steps.indexOf(upload!)).toBeGreaterThan(mergeJob.steps.indexOf(mergingStep));
  });
});

describe("classroom/roster.txt", () => {
  it("should explain the format in comments and list no one", () => {
    const lines = readFileSync(join(repoRoot, "classroom", "roster.txt"), "utf8").split("\n");
    expect(lines.some((line) => line.startsWith("#") && line.includes("owner/repo"))).toBe(true);
    for (const line of lines) expect(line === "" || line.startsWith("#"), line).toBe(true);
  });
});

describe("the plan step", () => {
  it("should split the roster into shards, skipping comments, blank lines and Windows line endings", async () => {
    const roster = [
      "\uFEFF# Grupo A",
      "ana-lopez/genserver-ana",
      "",
      "  ben-ruiz/genserver.ben   # late",
      "carla-diaz/GenServer_carla\r",
      "   # end",
      "dan/g",
      "eva-2/genserver-eva",
    ].join("\n");
    const outcome = await runPlan(planWorkspace(roster), { perShard: "4" });

    expect(outcome.status, outcome.stdout + outcome.stderr).toBe(0);
    // 5 repositories at most 4 per job: 2 jobs of 3 and 2, rather than 4 and 1.
    expect(matrixOf(outcome)).toEqual({
      include: [
        { shard: 1, repositories: ["ana-lopez/genserver-ana", "ben-ruiz/genserver.ben", "carla-diaz/GenServer_carla"] },
        { shard: 2, repositories: ["dan/g", "eva-2/genserver-eva"] },
      ],
    });
    expect(outcome.outputs.shards).toBe("2");
    expect(outcome.summary).toContain("5 repositories from `classroom/roster.txt` in 2 job(s)");
  });

  it("should draw one fresh seed per run, a positive safe integer of 48 bits", async () => {
    const workspace = planWorkspace("ana-lopez/genserver-ana\n");
    const seeds = await Promise.all([runPlan(workspace), runPlan(workspace)]).then((outcomes) =>
      outcomes.map((outcome) => outcome.outputs.seed ?? ""),
    );
    for (const seed of seeds) {
      expect(seed).toMatch(/^\d+$/);
      expect(Number(seed)).toBeGreaterThan(0);
      expect(Number(seed)).toBeLessThan(2 ** 48);
    }
    expect(seeds[0]).not.toBe(seeds[1]);
  });

  it("should fail with a clear message when the roster lists no repository, as the example shipped does", async () => {
    const workspace = planWorkspace(readFileSync(join(repoRoot, "classroom", "roster.txt"), "utf8"));
    const english = await runPlan(workspace);
    expect(english.status).toBe(1);
    expect(english.stdout).toContain("::error::classroom/roster.txt lists no repository: add one owner/repo line per learner.");
    expect(english.summary).toContain("> [!CAUTION]");
    expect(english.outputs.matrix).toBeUndefined();

    const spanish = await runPlan(workspace, { lang: "es" });
    expect(spanish.status).toBe(1);
    expect(spanish.stdout).toContain("::error::classroom/roster.txt no lista ningún repositorio");
  });

  it("should point at every malformed or repeated line of the roster", async () => {
    const roster = [
      "ana-lopez/genserver-ana",
      "https://github.com/ben-ruiz/genserver-ben",
      "carla diaz/genserver",
      "-dan/genserver",
      "eva/..",
      "Ana-Lopez/GenServer-Ana",
      "fer/genserver/extra",
    ].join("\n");
    const outcome = await runPlan(planWorkspace(roster));

    expect(outcome.status).toBe(1);
    const annotations = outcome.stdout.split("\n").filter((line) => line.startsWith("::error file="));
    expect(annotations.map((line) => /line=(\d+)/.exec(line)?.[1])).toEqual(["2", "3", "4", "5", "6", "7"]);
    expect(annotations[0]).toContain('"https://github.com/ben-ruiz/genserver-ben" is not owner/repo');
    expect(annotations[4]).toContain("Ana-Lopez/GenServer-Ana is already on line 1.");
    expect(outcome.stdout).toContain("::error::classroom/roster.txt has 6 line(s) that are not valid");
    expect(outcome.outputs.matrix).toBeUndefined();
  });

  it("should refuse a roster that does not exist, a bad shard size and an unknown exercise", async () => {
    const workspace = planWorkspace("ana-lopez/genserver-ana\n");
    const noRoster = await runPlan(workspace, { roster: "classroom/missing.txt" });
    expect(noRoster.status).toBe(1);
    expect(noRoster.stdout).toContain("::error::The roster classroom/missing.txt (the roster input) does not exist.");

    for (const perShard of ["0", "2.5", "", "-3"]) {
      const outcome = await runPlan(workspace, { perShard });
      expect(outcome.status, perShard).toBe(1);
      expect(outcome.stdout).toContain(`::error::learners-per-shard should be an integer from 1 to 9999, not "${perShard}".`);
    }

    const unknown = await runPlan(workspace, { exercises: `${firstExercise} 07-nope` });
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain(
      `::error::There is no exercise "07-nope". Exercises: ${catalog.map((exercise) => exercise.id).join(" ")}`,
    );
    expect((await runPlan(workspace, { exercises: `${firstExercise}  ${catalog[1]?.id ?? ""}` })).status).toBe(0);
  });

  it("should refuse more than the 256 jobs a matrix may have", async () => {
    const roster = Array.from({ length: 257 }, (_, i) => `learner-${i}/genserver`).join("\n");
    const workspace = planWorkspace(roster);
    const outcome = await runPlan(workspace, { perShard: "1" });
    expect(outcome.status).toBe(1);
    expect(outcome.stdout).toContain("257 repositories at 1 per job make 257 jobs; GitHub allows 256: raise learners-per-shard.");
    expect((await runPlan(workspace, { perShard: "2" })).outputs.shards).toBe("129");
  });

  it("should refuse to run in a public repository, where anyone could read the grades", async () => {
    const outcome = await runPlan(planWorkspace("ana-lopez/genserver-ana\n"), { isPrivate: "false" });
    expect(outcome.status).toBe(1);
    expect(outcome.stdout).toContain("::error::This repository is public");
    expect(outcome.outputs.matrix).toBeUndefined();
  });
});

describe("the merge step", () => {
  it("should fail with a clear message when no shard left grades", async () => {
    const workspace = tempDir("class-merge");
    mkdirSync(join(workspace, "shards"));
    const outcome = await runStep(workflow, mergingStep, {
      workspace,
      runnerTemp: tempDir("runner"),
      env: expressions(mergingStep, { SHARDS: "3", KIT_LANG: "es" }),
    });
    expect(outcome.status).toBe(1);
    expect(outcome.stdout).toContain("::error::Ningún trabajo dejó notas: mira los registros de los trabajos «Grade shard».");
    expect(outcome.summary).toContain("> [!CAUTION]");
    expect(existsSync(join(workspace, "class-grades"))).toBe(false);
  });
});

describe("the last steps of grade and merge", () => {
  it.each([
    { job: gradeJob, name: "Fail unless every submission was graded", values: { EXIT_CODE: "1" } },
    { job: mergeJob, name: "Fail unless every shard was merged", values: { MISSING_SHARDS: "2 3" } },
  ])("$name: should fail the job, after the results are uploaded", async ({ job, name, values }) => {
    const step = stepByName(job, name);
    const upload = job.steps.find((candidate) => candidate.uses?.startsWith("actions/upload-artifact@") === true);
    expect(job.steps.indexOf(step)).toBe(job.steps.length - 1);
    expect(job.steps.indexOf(upload!)).toBe(job.steps.length - 2);
    const outcome = await runStep(workflow, step, {
      workspace: tempDir("class-last"),
      runnerTemp: tempDir("runner"),
      env: expressions(step, values),
    });
    expect(outcome.status).toBe(1);
    expect(outcome.stdout).toContain(Object.values(values)[0]);
  });
});

describe("a class graded end to end", () => {
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync(
      "git",
      [
        "-c",
        "user.name=Learner",
        "-c",
        "user.email=learner@example.com",
        "-c",
        "init.defaultBranch=main",
        "-c",
        "commit.gpgsign=false",
        ...args,
      ],
      {
        cwd,
        encoding: "utf8",
      },
    ).trim();

  /** A learner's repository at `<origin>/<owner>/<repo>`, with `files` (path → content) in one commit; its HEAD. */
  function learnerRepository(origin: string, repository: string, files: Readonly<Record<string, string>>): string {
    const dir = join(origin, ...repository.split("/"));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, ...path.split("/").slice(0, -1)), { recursive: true });
      writeFileSync(join(dir, ...path.split("/")), content);
    }
    git(dir, "init", "--quiet");
    git(dir, "add", ".");
    git(dir, "commit", "--quiet", "-m", "Entrega");
    return git(dir, "rev-parse", "HEAD");
  }

  /** The exercise's folder of `from` (solutions/ or exercises/), as files of a learner's repository. */
  function exerciseFiles(from: "solutions" | "exercises", id: string): Record<string, string> {
    const dir = join(repoRoot, from, id);
    return Object.fromEntries(
      readdirSync(dir)
        .filter((name) => name.endsWith(".ts"))
        .map((name) => [`exercises/${id}/${name}`, readFileSync(join(dir, name), "utf8")]),
    );
  }

  /** What actions/upload-artifact keeps of `from` (hidden files and folders are left out), put where download-artifact puts it. */
  function uploadAndDownload(from: string, to: string): void {
    cpSync(from, to, { recursive: true, filter: (source) => !basename(source).startsWith(".") || source === from });
  }

  /** RFC 4180: fields quoted when they hold a comma, a quote or a line break; quotes doubled. */
  function parseCsv(text: string): Record<string, string>[] {
    const rows: string[][] = [[]];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      const row = rows[rows.length - 1]!;
      if (quoted) {
        if (char === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (char === '"') quoted = false;
        else field += char;
      } else if (char === '"') quoted = true;
      else if (char === ",") {
        row.push(field);
        field = "";
      } else if (char === "\n" || (char === "\r" && text[i + 1] === "\n")) {
        if (char === "\r") i++;
        row.push(field);
        field = "";
        rows.push([]);
      } else field += char;
    }
    if (field !== "" || rows[rows.length - 1]!.length > 0) rows[rows.length - 1]!.push(field);
    const [header = [], ...body] = rows.filter((row) => row.length > 0);
    return body.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ""])));
  }

  it("should plan, clone and grade each shard, and merge them into one CSV", { timeout: 120_000 }, async () => {
    const root = tempDir("class-run");
    // Stands for GitHub: the learners' repositories at <origin>/<owner>/<repo>.
    const origin = join(root, "github");
    const installed = join(root, "installed");
    const solved = learnerRepository(origin, "ana-lopez/genserver", exerciseFiles("solutions", firstExercise));
    const stub = learnerRepository(origin, "ben-ruiz/genserver", {
      ...exerciseFiles("exercises", firstExercise),
      // Nothing of a learner's repository is installed or run: these would leave a trace.
      "package.json": JSON.stringify({
        name: "genserver",
        scripts: Object.fromEntries(
          ["preinstall", "install", "postinstall", "prepare"].map((hook) => [
            hook,
            `node -e "require('fs').writeFileSync('${installed}', '')"`,
          ]),
        ),
      }),
    });
    // carla-diaz/genserver does not exist: it cannot be cloned.
    const repositories = ["ana-lopez/genserver", "ben-ruiz/genserver", "carla-diaz/genserver"];

    const planned = await runPlan(planWorkspace(`# Grupo A\n${repositories.join("\n")}\n`), { perShard: "2", exercises: firstExercise });
    expect(planned.status, planned.stdout + planned.stderr).toBe(0);
    const matrix = matrixOf(planned);
    expect(matrix.include).toEqual([
      { shard: 1, repositories: repositories.slice(0, 2) },
      { shard: 2, repositories: repositories.slice(2) },
    ]);

    const mergeWorkspace = join(root, "merge");
    copyRepo(mergeWorkspace);
    linkNodeModules(mergeWorkspace);
    // The matrix's jobs, at the same time as on GitHub.
    await Promise.all(
      matrix.include.map(async ({ shard, repositories: shardRepositories }) => {
        const workspace = join(root, `shard-${shard}`);
        const runnerTemp = join(root, `runner-${shard}`);
        copyRepo(workspace);
        linkNodeModules(workspace);
        mkdirSync(runnerTemp);
        const cloned = await runStep(workflow, cloneStep, {
          workspace,
          runnerTemp,
          env: expressions(cloneStep, {
            REPOSITORIES: shardRepositories.join(" "),
            SERVER_URL: pathToFileURL(origin).href,
            CLONE_TOKEN: "not-a-real-token",
            KIT_LANG: "en",
          }),
        });
        expect(cloned.status, cloned.stdout + cloned.stderr).toBe(0);
        const graded = await runStep(workflow, gradingStep, {
          workspace,
          runnerTemp,
          env: expressions(gradingStep, { SEED: planned.outputs.seed ?? "", EXERCISES: firstExercise, KIT_LANG: "en" }),
          timeoutMs: 100_000,
        });
        expect(graded.status, graded.stdout + graded.stderr).toBe(0);
        expect(graded.outputs["exit-code"], graded.stdout + graded.stderr).toBe("0");
        if (shard === 2)
          expect(cloned.stdout).toContain("::warning::Could not clone carla-diaz/genserver: it is graded as an empty submission.");
        uploadAndDownload(join(workspace, "out"), join(mergeWorkspace, "shards", `grades-shard-${shard}`));
      }),
    );

    const merged = await runStep(workflow, mergingStep, {
      workspace: mergeWorkspace,
      runnerTemp: tempDir("runner"),
      env: expressions(mergingStep, { SHARDS: planned.outputs.shards ?? "", KIT_LANG: "en" }),
    });
    const log = merged.stdout + merged.stderr;
    expect(merged.status, log).toBe(0);
    expect(merged.outputs["missing-shards"], log).toBe("");

    const out = join(mergeWorkspace, "class-grades");
    const grades = parseCsv(readFileSync(join(out, "grades.csv"), "utf8"));
    const tasks = catalog[0]?.tasks ?? [];
    const pointsOf = (learner: string): Record<string, string>[] =>
      grades.filter((row) => row.learner === learner && row.exercise === firstExercise && row.task !== "");
    expect(pointsOf("ana-lopez--genserver").map((row) => [row.task, row.points, row.max])).toEqual(
      tasks.map((task) => [String(task.n), String(task.points), String(task.points)]),
    );
    expect(pointsOf("ben-ruiz--genserver").map((row) => [row.task, row.points, row.status])).toEqual(
      tasks.map((task) => [String(task.n), "0", "fail"]),
    );
    expect(pointsOf("carla-diaz--genserver").map((row) => [row.task, row.points, row.status])).toEqual(
      tasks.map((task) => [String(task.n), "0", "missing"]),
    );
    expect(new Set(grades.map((row) => row.exercise))).toEqual(new Set([firstExercise]));

    expect(readFileSync(join(out, "clones.csv"), "utf8")).toBe(
      [
        "learner,repository,cloned,commit",
        `ana-lopez--genserver,ana-lopez/genserver,yes,${solved}`,
        `ben-ruiz--genserver,ben-ruiz/genserver,yes,${stub}`,
        "carla-diaz--genserver,carla-diaz/genserver,no,",
        "",
      ].join("\n"),
    );
    for (const file of ["grades.csv", "grades.json", "summary.md", "clones.csv"]) expect(readdirSync(out)).toContain(file);
    expect(merged.summary).toContain(readFileSync(join(out, "summary.md"), "utf8"));
    expect(merged.summary).toContain("### Repositories that could not be cloned");
    expect(merged.summary).toContain("- `carla-diaz/genserver`");
    expect(existsSync(installed), "a learner's install script ran").toBe(false);

    // A shard whose job failed before uploading: the others are merged, the missing one named.
    rmSync(out, { recursive: true });
    rmSync(join(mergeWorkspace, "shards", "grades-shard-1"), { recursive: true });
    const partial = await runStep(workflow, mergingStep, {
      workspace: mergeWorkspace,
      runnerTemp: tempDir("runner"),
      env: expressions(mergingStep, { SHARDS: planned.outputs.shards ?? "", KIT_LANG: "en" }),
    });
    expect(partial.status, partial.stdout + partial.stderr).toBe(0);
    expect(partial.outputs["missing-shards"]).toBe("1");
    expect(partial.stdout).toContain("::error::The grades of jobs 1 of 2 are missing: their learners are not in grades.csv.");
    expect(new Set(parseCsv(readFileSync(join(out, "grades.csv"), "utf8")).map((row) => row.learner))).toEqual(
      new Set(["carla-diaz--genserver"]),
    );
  });
});
