/**
 * `npm run lint`: Biome's linter and formatting check over the kit's TypeScript, with the rules of biome.json.
 * It runs Biome's WebAssembly build: the native CLI comes as one package per platform, and a lockfile that
 * misses any of them makes `npm ci` fail on every machine. `npm run lint -- --write` applies safe fixes and
 * formats the files.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Biome, type Configuration, type Diagnostic } from "@biomejs/js-api/nodejs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const folders = ["runtime", "exercises", "solutions", "graders", "kit", "bench"];
const skipped = new Set(["node_modules", ".grade", ".scratch"]);

/** `file:line:col rule: message`, one line a finding, readable in any terminal and clickable in editors. */
function describe(diagnostic: Diagnostic, filePath: string, source: string): string {
  const span = diagnostic.location.span;
  let where = filePath;
  if (span !== undefined) {
    // Spans are UTF-8 byte offsets.
    const before = Buffer.from(source).subarray(0, span[0]).toString("utf8").split("\n");
    where += `:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
  }
  const message = diagnostic.message.map((node) => node.content).join("");
  return `${where} ${diagnostic.severity} ${diagnostic.category ?? ""}: ${message}`;
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const write = process.argv.includes("--write");
const biome = new Biome();
const { projectKey } = biome.openProject(root);
const {
  $schema: _schema,
  vcs: _vcs,
  files: _files,
  ...configuration
} = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Configuration & {
  $schema?: string;
};
biome.applyConfiguration(projectKey, configuration);

const files = [
  ...folders.flatMap((folder) => typescriptFiles(join(root, folder))),
  ...readdirSync(root)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(root, name)),
];
let errors = 0;
let warnings = 0;
const unformatted: string[] = [];
for (const file of files) {
  const filePath = relative(root, file).replaceAll("\\", "/");
  const original = readFileSync(file, "utf8");
  const linted = biome.lintContent(projectKey, original, write ? { filePath, fixFileMode: "safeFixes" } : { filePath });
  const formatted = biome.formatContent(projectKey, linted.content, { filePath }).content;
  if (write && formatted !== original) writeFileSync(file, formatted);
  else if (formatted !== original) unformatted.push(filePath);
  const shown: Diagnostic[] = linted.diagnostics.filter(
    (d) => d.severity === "error" || d.severity === "fatal" || d.severity === "warning",
  );
  if (shown.length === 0) continue;
  errors += shown.filter((d) => d.severity !== "warning").length;
  warnings += shown.filter((d) => d.severity === "warning").length;
  for (const diagnostic of shown) console.log(describe(diagnostic, filePath, linted.content));
}
for (const file of unformatted) console.log(`${file}: not formatted (npm run lint -- --write formats it)`);
console.log(`Checked ${files.length} files: ${errors} errors, ${warnings} warnings, ${unformatted.length} not formatted.`);
process.exitCode = errors > 0 || unformatted.length > 0 ? 1 : 0;
