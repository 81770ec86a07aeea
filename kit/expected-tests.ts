/**
 * The manifest of the tests every grader file is expected to report (graders/expected-tests.json). The score is
 * computed from it, outside the processes that run the learner's code: a test that did not report counts as
 * failed, never as passed, and a task's points are shared by the tests the manifest lists, whatever ran.
 * `npm run expected-tests` writes it again from a grading of solutions/; the kit's tests check it is current.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface ExpectedTest {
  readonly task: number;
  readonly name: string;
}

/** Exercise id → grader file name → its tests in file order. */
export type ExpectedTests = Readonly<Record<string, Readonly<Record<string, readonly ExpectedTest[]>>>>;

export const EXPECTED_TESTS_FILE = join("graders", "expected-tests.json");

export function readExpectedTests(kitRoot: string): ExpectedTests {
  const path = join(kitRoot, EXPECTED_TESTS_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as ExpectedTests) : {};
}

/** The manifest's form of a grading run: each grader file's tests, by exercise, sorted for stable diffs. */
export function expectedTestsOf(
  modules: readonly {
    readonly exercise: string;
    readonly file: string;
    readonly tests: readonly { task: number | null; name: string }[];
  }[],
): ExpectedTests {
  const manifest: Record<string, Record<string, ExpectedTest[]>> = {};
  for (const module of [...modules].sort((a, b) => a.file.localeCompare(b.file))) {
    const files = manifest[module.exercise] ?? {};
    manifest[module.exercise] = files;
    files[basename(module.file)] = module.tests.map((test) => ({ task: test.task ?? 0, name: test.name }));
  }
  return Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
}

/** One test per line, so that a renamed or added test reads as a one-line diff. */
export function formatExpectedTests(manifest: ExpectedTests): string {
  const exercises = Object.entries(manifest).map(([id, files]) => {
    const entries = Object.entries(files).map(
      ([file, tests]) => `    ${JSON.stringify(file)}: [\n${tests.map((test) => `      ${JSON.stringify(test)}`).join(",\n")}\n    ]`,
    );
    return `  ${JSON.stringify(id)}: {\n${entries.join(",\n")}\n  }`;
  });
  return `{\n${exercises.join(",\n")}\n}\n`;
}

async function main(): Promise<void> {
  const kitRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const { createGrader } = await import("./run-graders.ts");
  const { DEFAULT_SEED } = await import("#protocol");
  const grader = await createGrader({
    kitRoot,
    seed: DEFAULT_SEED,
    lang: "en",
    implementations: [{ slot: "", implDir: join(kitRoot, "solutions") }],
  });
  try {
    const modules = await grader.run([]);
    const broken = modules.filter((module) => module.errors.length > 0 || module.tests.some((test) => test.state !== "passed"));
    if (broken.length > 0) {
      console.error(
        `expected-tests: the solutions do not pass every grader test (${broken.map((module) => module.exercise).join(", ")}); fix them first.`,
      );
      process.exitCode = 1;
      return;
    }
    writeFileSync(join(kitRoot, EXPECTED_TESTS_FILE), formatExpectedTests(expectedTestsOf(modules)));
    console.log(`expected-tests: wrote ${EXPECTED_TESTS_FILE} (${modules.reduce((sum, module) => sum + module.tests.length, 0)} tests).`);
  } finally {
    await grader.close();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
