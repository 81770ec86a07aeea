import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../catalog.ts";
import {
  compareWithManifest,
  computeManifest,
  describeChanges,
  type KitChange,
  type KitVerdict,
  MANIFEST_PATH,
  manifestText,
  trackedFiles,
  verdictLines,
  verdictMarkdown,
  writeManifest,
} from "../checksums.ts";
import type { GradeReport } from "../judge.ts";
import { exercismResults, markdownSummary } from "../outputs.ts";
import { makeStyle, renderReport } from "../render.ts";
import { exercismSchema, validate } from "./helpers/schema.ts";
import { copyRepo, linkNodeModules, makeTempDir, repoRoot } from "./workflow-harness.ts";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  temps.push(dir);
  return dir;
}

function write(root: string, path: string, text: string): void {
  const file = join(root, ...path.split("/"));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The files a small kit tracks, and next to them the ones it must leave out. */
const tracked = [
  ".github/workflows/grade.yml",
  "graders/01-a/a.test.ts",
  "graders/_support/index.ts",
  "kit/grade.ts",
  "kit/worker/setup.ts",
  "package-lock.json",
  "package.json",
  "runtime/README.md",
  "runtime/index.ts",
  "tsconfig.json",
  "vitest.config.ts",
];
const untracked = [
  ".github/dependabot.yml",
  ".github/workflows/notes.md",
  ".grade/tsconfig.1.json",
  ".scratch/notes.md",
  "README.md",
  "biome.json",
  "exercises/01-a/a.ts",
  "graders/.cache/x.ts",
  "graders/01-a/.DS_Store",
  "graders/node_modules/x/index.js",
  "kit/test/grade.test.ts",
  "results.json",
  "runtime/test/mailbox.test.ts",
  "solutions/01-a/a.ts",
];

/** A small kit with its manifest written. */
function smallKit(): string {
  const root = tempDir("checksums-kit");
  for (const path of [...tracked, ...untracked]) write(root, path, `// ${path}\nexport {};\n`);
  writeManifest(root);
  return root;
}

/** A copy of `kit` to tamper with, compared with the kit's own manifest. */
function copyOf(kit: string): { copy: string; verdict: () => KitVerdict } {
  const copy = tempDir("checksums-copy");
  cpSync(kit, copy, { recursive: true });
  return { copy, verdict: () => compareWithManifest(copy, join(kit, ...MANIFEST_PATH.split("/"))) };
}

describe("kit/checksums.json", () => {
  it("should be current: the kit's files are the ones it lists", () => {
    const verdict = compareWithManifest(repoRoot);
    expect(verdict.changed, "kit/checksums.json is out of date: run npm run checksums").toEqual([]);
    expect(readFileSync(join(repoRoot, ...MANIFEST_PATH.split("/")), "utf8"), "run npm run checksums").toBe(
      manifestText(computeManifest(repoRoot)),
    );
  });
});

describe("trackedFiles", () => {
  it("should track graders/, runtime/ but its tests, kit/ but its tests, the root's configuration and the workflows", () => {
    expect(trackedFiles(smallKit())).toEqual(tracked);
  });
});

describe("computeManifest", () => {
  it("should list sorted paths and a digest of sha256sum-style lines, without the manifest itself", () => {
    const kit = smallKit();
    const manifest = JSON.parse(readFileSync(join(kit, ...MANIFEST_PATH.split("/")), "utf8")) as {
      version: number;
      algorithm: string;
      digest: string;
      files: Record<string, string>;
    };
    expect(manifest.version).toBe(1);
    expect(manifest.algorithm).toBe("sha256");
    expect(Object.keys(manifest.files)).toEqual(tracked);
    const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
    expect(manifest.files["package.json"]).toBe(sha256("// package.json\nexport {};\n"));
    expect(manifest.digest).toBe(sha256(tracked.map((path) => `${manifest.files[path]}  ${path}\n`).join("")));
  });

  it("should give the same bytes when an unchanged kit is written again", () => {
    const kit = smallKit();
    const before = readFileSync(join(kit, ...MANIFEST_PATH.split("/")), "utf8");
    writeManifest(kit);
    expect(readFileSync(join(kit, ...MANIFEST_PATH.split("/")), "utf8")).toBe(before);
  });
});

describe("compareWithManifest", () => {
  it("should find a pristine copy to match, with the manifest's digest", () => {
    const kit = smallKit();
    const { verdict } = copyOf(kit);
    const result = verdict();
    expect(result).toEqual({ matches: true, digest: result.expected, expected: computeManifest(kit).digest, changed: [] });
  });

  it("should report a modified file", () => {
    const { copy, verdict } = copyOf(smallKit());
    appendFileSync(join(copy, "graders", "01-a", "a.test.ts"), "export const pass = true;\n");
    const result = verdict();
    expect(result.matches).toBe(false);
    expect(result.changed).toEqual([{ path: "graders/01-a/a.test.ts", kind: "modified" }]);
    expect(result.digest).not.toBe(result.expected);
  });

  it("should report an added file, but not one where the kit keeps no checksums", () => {
    const { copy, verdict } = copyOf(smallKit());
    write(copy, "runtime/shortcut.ts", "export {};\n");
    write(copy, "runtime/test/new.test.ts", "export {};\n");
    write(copy, "exercises/01-a/helper.ts", "export {};\n");
    write(copy, "node_modules/vitest/index.js", "export {};\n");
    expect(verdict().changed).toEqual([{ path: "runtime/shortcut.ts", kind: "added" }]);
  });

  it("should report a missing file", () => {
    const { copy, verdict } = copyOf(smallKit());
    rmSync(join(copy, "tsconfig.json"));
    expect(verdict().changed).toEqual([{ path: "tsconfig.json", kind: "missing" }]);
  });

  it("should list the modified files first, then the missing, then the added", () => {
    const { copy, verdict } = copyOf(smallKit());
    write(copy, "graders/00-new.ts", "export {};\n");
    rmSync(join(copy, "kit", "grade.ts"));
    appendFileSync(join(copy, "vitest.config.ts"), "// edited\n");
    expect(verdict().changed.map((change) => change.kind)).toEqual(["modified", "missing", "added"]);
  });

  it("should not count CRLF line endings as a change", () => {
    const { copy, verdict } = copyOf(smallKit());
    for (const path of tracked) {
      const file = join(copy, ...path.split("/"));
      writeFileSync(file, readFileSync(file, "utf8").replaceAll("\n", "\r\n"));
    }
    expect(verdict()).toMatchObject({ matches: true, changed: [] });
  });

  it("should count a lone CR, which is not a line ending Git makes, as a change", () => {
    const { copy, verdict } = copyOf(smallKit());
    writeFileSync(join(copy, "package.json"), "// package.json\rexport {};\n");
    expect(verdict().changed).toEqual([{ path: "package.json", kind: "modified" }]);
  });

  it("should report a file it cannot read as modified, without throwing", () => {
    const { copy, verdict } = copyOf(smallKit());
    rmSync(join(copy, "runtime", "index.ts"));
    symlinkSync(join(copy, "no-such-file.ts"), join(copy, "runtime", "index.ts"));
    expect(verdict().changed).toEqual([{ path: "runtime/index.ts", kind: "modified" }]);
  });

  it("should report the manifest itself when it is missing or edited by hand", () => {
    const kit = smallKit();
    const manifestFile = join(kit, ...MANIFEST_PATH.split("/"));
    const edited = readFileSync(manifestFile, "utf8").replace(/"package\.json": "[0-9a-f]{64}"/, `"package.json": "${"0".repeat(64)}"`);
    writeFileSync(manifestFile, edited);
    expect(compareWithManifest(kit, manifestFile)).toMatchObject({
      matches: false,
      expected: "",
      changed: [{ path: MANIFEST_PATH, kind: "modified" }],
    });
    rmSync(manifestFile);
    expect(compareWithManifest(kit, manifestFile).changed).toEqual([{ path: MANIFEST_PATH, kind: "missing" }]);
  });
});

const changes = (count: number): KitChange[] =>
  Array.from({ length: count }, (_, i) => ({ path: `graders/0${i}/x.test.ts`, kind: i === 0 ? "modified" : "added" }));
const differs = (count: number): KitVerdict => ({
  matches: false,
  digest: "a".repeat(64),
  expected: "b".repeat(64),
  changed: changes(count),
});
const pristine: KitVerdict = { matches: true, digest: "b".repeat(64), expected: "b".repeat(64), changed: [] };

describe("describeChanges", () => {
  it("should list at most five paths and say how many more, in both languages", () => {
    expect(describeChanges(changes(1), "es")).toBe("graders/00/x.test.ts (modificado)");
    expect(describeChanges(changes(2), "en")).toBe("graders/00/x.test.ts (modified) and graders/01/x.test.ts (added)");
    expect(describeChanges(changes(7), "es")).toBe(
      "graders/00/x.test.ts (modificado), graders/01/x.test.ts (añadido), graders/02/x.test.ts (añadido), " +
        "graders/03/x.test.ts (añadido), graders/04/x.test.ts (añadido) y 2 más",
    );
    expect(describeChanges(changes(6), "en")).toMatch(/graders\/04\/x\.test\.ts \(added\) and 1 more$/);
  });
});

describe("the verdict for npm run grade", () => {
  const report = (lang: "es" | "en"): GradeReport => ({ exercises: [], seed: 1, lang, points: 0, earned: 0 });
  const plain = makeStyle(false);

  it("should add a plain line to the report when the copy differs, and nothing when it is the original", () => {
    const text = renderReport(report("es"), plain, catalog, "exercises", "", differs(7));
    expect(text).toContain(
      "Tu copia del kit no es la original: graders/00/x.test.ts (modificado), graders/01/x.test.ts (añadido), " +
        "graders/02/x.test.ts (añadido), graders/03/x.test.ts (añadido), graders/04/x.test.ts (añadido) y 2 más.\n" +
        "Esta nota no vale como oficial: quien califica usa su propia copia del kit.\n",
    );
    expect(renderReport(report("en"), plain, catalog, "exercises", "", differs(1))).toContain(
      "Your copy of the kit is not the original: graders/00/x.test.ts (modified).\n" +
        "This grade is not official: whoever grades uses their own copy of the kit.\n",
    );
    expect(renderReport(report("en"), plain, catalog, "exercises", "", pristine)).toBe(renderReport(report("en"), plain, catalog));
  });

  it("should put the same verdict in the Markdown summary and the Exercism JSON", () => {
    const summary = markdownSummary(report("en"), differs(2));
    expect(summary).toContain("> [!WARNING]\n> **Your copy of the kit is not the original.** This grade is not official");
    expect(summary).toContain("> - `graders/00/x.test.ts` (modified)\n> - `graders/01/x.test.ts` (added)\n");
    expect(summary).toContain(`Digest: \`${"a".repeat(64)}\`; the kit's: \`${"b".repeat(64)}\``);
    expect(markdownSummary(report("es"), pristine)).toContain(
      `> [!NOTE]\n> Calificado con la copia original del kit.\n>\n> Huella: \`${"b".repeat(64)}\``,
    );
    const json = exercismResults(report("en"), differs(2));
    expect(json.kit).toEqual({ digest: "a".repeat(64), matches: false, changed: changes(2) });
    expect(validate(json, exercismSchema)).toEqual([]);
    expect(exercismResults(report("en"))).not.toHaveProperty("kit");
  });
});

describe("verdictLines and verdictMarkdown", () => {
  it("should word a learner's repository as not used for grading, whether it matches or not", () => {
    expect(verdictLines(pristine, "en", { type: "learner", ref: "v1.2.0" })).toEqual([
      "Your repository's copy of the kit is the original.",
      "It was not used for grading: the grade comes from the kit at v1.2.0.",
      `Digest: ${"b".repeat(64)}`,
    ]);
    expect(verdictMarkdown(differs(1), "es", { type: "learner", ref: "v1.2.0" })).toBe(
      [
        "> [!WARNING]",
        "> **La copia del kit de tu repositorio no es la original.** No se usó para calificar: la nota sale del kit en v1.2.0.",
        ">",
        "> - `graders/00/x.test.ts` (modificado)",
        ">",
        `> Huella: \`${"a".repeat(64)}\`; la del kit: \`${"b".repeat(64)}\``,
        "",
        "",
      ].join("\n"),
    );
  });

  it("should list at most twenty paths in Markdown", () => {
    const markdown = verdictMarkdown(differs(23), "en", { type: "copy", dir: "x" });
    expect(markdown.match(/^> - `/gm)).toHaveLength(20);
    expect(markdown).toContain("> - and 3 more\n");
  });
});

describe("the CLI", () => {
  let kit = "";
  beforeAll(() => {
    kit = tempDir("checksums-cli");
    copyRepo(kit);
    linkNodeModules(kit);
    writeManifest(kit);
  });

  function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_|LANG|LC_)/.test(key)),
    );
    const child = spawnSync(process.execPath, ["--import", "tsx", join(kit, "kit", "checksums.ts"), ...args], {
      cwd: kit,
      encoding: "utf8",
      timeout: 30_000,
      env: { ...base, LANG: "en_US.UTF-8", ...env },
    });
    return { code: child.status, stdout: child.stdout, stderr: child.stderr };
  }

  /** A learner's repository as the template made it: the same files as the kit (copied from it, not from a tree that may be changing). */
  function learnerCopy(): string {
    const learner = tempDir("checksums-learner");
    cpSync(kit, learner, { recursive: true, filter: (source) => !source.startsWith(join(kit, "node_modules")) });
    return learner;
  }

  it("should say in English that the kit is the original and exit 0", () => {
    const digest = computeManifest(kit).digest;
    const result = cli(["--check"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`The copy of the kit in ${kit} is the original.\nDigest: ${digest}\n`);
  });

  it("should say in Spanish, under a Spanish locale, that a copy is not the original, append it as Markdown, and exit 1", () => {
    const learner = learnerCopy();
    appendFileSync(join(learner, "runtime", "mailbox.ts"), "// faster\n");
    const summary = join(tempDir("checksums-summary"), "summary.md");
    writeFileSync(summary, "# before\n");
    const result = cli(["--check", learner, "--summary", summary], { LANG: "es_ES.UTF-8" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^La copia del kit en \S+ no es la original: runtime\/mailbox\.ts \(modificado\)\.\nHuella: [0-9a-f]{64}; la del kit: [0-9a-f]{64}\n$/,
    );
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(
      /^# before\n> \[!WARNING\]\n> \*\*La copia del kit en \S+ no es la original\.\*\*\n>\n> - `runtime\/mailbox\.ts` \(modificado\)\n/,
    );
  });

  it("should take --lang and --graded-with for a learner's repository", () => {
    const result = cli(["--check", learnerCopy(), "--graded-with", "v0.1.0", "--lang", "es"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "La copia del kit de tu repositorio es la original.\nNo se usó para calificar: la nota sale del kit en v0.1.0.\n",
    );
  });

  it("should regenerate the manifest with --write", () => {
    const manifestFile = join(kit, ...MANIFEST_PATH.split("/"));
    writeFileSync(manifestFile, "{}\n");
    const result = cli(["--write"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kit\/checksums\.json: \d+ files, digest [0-9a-f]{64}\n$/);
    expect(readFileSync(manifestFile, "utf8")).toBe(manifestText(computeManifest(kit)));
  });

  it.each([
    [[], /^Usage: node --import tsx kit\/checksums\.ts --write \| --check/],
    [["--write", "--check"], /^Use --write or --check, not both\.$/],
    [["--check", "--lang", "fr"], /^--lang should be es or en\.$/],
    [["--check", "--summary"], /^--summary needs a value\.$/],
    [["--write", "--summary", "x.md"], /^--summary and --graded-with go with --check\.$/],
    [["--check", "no-such-folder"], /^The folder .*no-such-folder does not exist\.$/],
    [["--verify"], /^Unknown option: --verify$/],
  ])("should refuse %j with a clear message and exit 2", (args, message) => {
    const result = cli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toMatch(message);
  });
});

describe("npm run grade in a copy that is not the original", () => {
  it("should grade as usual and say so in the report, the JSON and the summary", { timeout: 90_000 }, () => {
    const kit = tempDir("checksums-grade");
    copyRepo(kit);
    linkNodeModules(kit);
    writeManifest(kit);
    appendFileSync(join(kit, "runtime", "README.md"), "\nEdited.\n");
    const json = join(kit, "results.json");
    const summary = join(kit, "summary.md");
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST|TEST$|NODE_ENV$|GRADE_|GITHUB_|LANG|LC_|NO_COLOR)/.test(key)),
    );
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", join(kit, "kit", "grade.ts"), firstId(), "--solutions", "--json", json, "--summary", summary],
      { cwd: kit, encoding: "utf8", timeout: 80_000, env: { ...base, LANG: "es_ES.UTF-8" } },
    );
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toContain(
      "Tu copia del kit no es la original: runtime/README.md (modificado).\n" +
        "Esta nota no vale como oficial: quien califica usa su propia copia del kit.\n",
    );
    const results = JSON.parse(readFileSync(json, "utf8")) as { kit: unknown };
    expect(results.kit).toMatchObject({ matches: false, changed: [{ path: "runtime/README.md", kind: "modified" }] });
    expect(readFileSync(summary, "utf8")).toContain("> - `runtime/README.md` (modificado)");
  });
});

function firstId(): string {
  const first = catalog[0];
  if (first === undefined) throw new Error("the catalog is empty");
  return first.id;
}
