/**
 * Tamper evidence: the SHA-256 of every file that decides a grade (graders/, protocol/, subject/, runtime/ without
 * its tests, the kit's code and configuration, the workflows), kept in kit/checksums.json, and the comparison of a
 * copy of the kit with it. The local verdict is evidence, not a lock: whoever grades officially uses their own copy of the kit.
 *
 * CLI: `--write` regenerates kit/checksums.json (`npm run checksums`); `--check [DIR]` compares DIR (default: this
 * kit) with this kit's manifest, prints the verdict and exits 0 when it matches, 1 when it differs, 2 on bad usage.
 * With `--check`: `--summary FILE` appends the verdict as Markdown (for $GITHUB_STEP_SUMMARY), `--graded-with REF`
 * words it for a learner's repository graded with the kit at REF, `--lang es|en` picks the language.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Lang, Text } from "#protocol";
import { booleanFlag, helpText, parseCommand, stringFlag, UsageError } from "./cli/args.ts";
import { checksumsCommand } from "./cli/commands.ts";

const kitRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where the manifest lives, relative to the kit's root; it is not listed in itself. */
export const MANIFEST_PATH = "kit/checksums.json";

/**
 * kit/checksums.json. `files` maps each path (relative, with `/`, sorted) to the SHA-256 of its content read with
 * CRLF as LF; `digest` is the SHA-256 of the lines `<sha256>  <path>\n` in that order, one string that names the
 * whole set.
 */
export interface Manifest {
  readonly version: 1;
  readonly algorithm: "sha256";
  readonly digest: string;
  readonly files: Readonly<Record<string, string>>;
}

export interface KitChange {
  readonly path: string;
  readonly kind: "modified" | "added" | "missing";
}

/**
 * A copy of the kit against the manifest: `digest` is the copy's own, to compare with `expected`, the manifest's;
 * `changed` lists the modified files, then the missing, then the added, each by path.
 */
export interface KitVerdict {
  readonly matches: boolean;
  readonly digest: string;
  readonly expected: string;
  readonly changed: readonly KitChange[];
}

/** Folders walked whole (a file a learner adds shows up), relative to the kit's root, with what they leave out. */
const trackedDirs: readonly { readonly dir: string; readonly skip: readonly string[]; readonly only?: RegExp }[] = [
  { dir: "graders", skip: [] },
  { dir: "protocol", skip: [] },
  { dir: "subject", skip: [] },
  { dir: "runtime", skip: ["runtime/test"] },
  { dir: "kit", skip: ["kit/test", MANIFEST_PATH] },
  // GitHub runs only these from .github/workflows.
  { dir: ".github/workflows", skip: [], only: /\.ya?ml$/ },
];

/** The files at the root that change how the kit installs, compiles or runs (tsx reads tsconfig.json too). */
const rootConfig =
  /^(package\.json|package-lock\.json|npm-shrinkwrap\.json|\.npmrc|tsconfig(\..+)?\.json|vitest\.(config|workspace)\..+|vite\.config\..+)$/;

/** Never part of a kit: dependencies, the kit's scratch folders, and what file managers leave behind. */
const skippedDirs = new Set(["node_modules", ".grade", ".scratch"]);
const skippedFiles = new Set([".DS_Store", "Thumbs.db", "desktop.ini"]);

const toPosix = (path: string): string => path.split(sep).join("/");

/** The tracked files of the kit copy in `root`, as sorted relative paths with `/`. */
export function trackedFiles(root: string): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  const walk = (dir: string, rule: (typeof trackedDirs)[number]): void => {
    const real = realpathSync(dir);
    // A symbolic link back up the tree would otherwise be walked forever.
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = toPosix(relative(root, path));
      if (rule.skip.includes(rel)) continue;
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path));
      if (isDir) {
        if (!skippedDirs.has(entry.name) && !entry.name.startsWith(".")) walk(path, rule);
      } else if (!skippedFiles.has(entry.name) && (rule.only === undefined || rule.only.test(entry.name))) found.push(rel);
    }
  };
  for (const rule of trackedDirs) {
    const dir = join(root, ...rule.dir.split("/"));
    if (isDirectory(dir)) walk(dir, rule);
  }
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() && rootConfig.test(entry.name)) found.push(entry.name);
  }
  return found.sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** SHA-256 of a file read with CRLF as LF, so that a Windows checkout hashes like the kit's. */
export function hashFile(path: string): string {
  const bytes = readFileSync(path);
  // latin1 maps every byte to one character and back, so only the CR LF pairs change.
  const normalised = bytes.includes(13) ? Buffer.from(bytes.toString("latin1").replaceAll("\r\n", "\n"), "latin1") : bytes;
  return createHash("sha256").update(normalised).digest("hex");
}

/** The digest of a whole set: SHA-256 of `<sha256>  <path>\n` for each file, sorted by path. */
export function digestOf(files: Readonly<Record<string, string>>): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(files).sort()) hash.update(`${files[path] ?? ""}  ${path}\n`);
  return hash.digest("hex");
}

/** Path → SHA-256 of the kit copy in `root`; `lenient`: a file that cannot be read hashes as "unreadable". */
function hashKit(root: string, lenient: boolean): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of trackedFiles(root)) {
    const file = join(root, ...path.split("/"));
    try {
      files[path] = hashFile(file);
    } catch (error) {
      if (!lenient) throw error;
      files[path] = "unreadable";
    }
  }
  return files;
}

/** The manifest of the kit copy in `root`. */
export function computeManifest(root: string): Manifest {
  const files = hashKit(root, false);
  return { version: 1, algorithm: "sha256", digest: digestOf(files), files };
}

/** The manifest's text: stable, so that regenerating an unchanged kit changes no byte. */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Regenerates `<root>/kit/checksums.json`. */
export function writeManifest(root: string): Manifest {
  const manifest = computeManifest(root);
  writeFileSync(join(root, ...MANIFEST_PATH.split("/")), manifestText(manifest));
  return manifest;
}

const sha256Hex = /^[0-9a-f]{64}$/;

/** The manifest in `file`: "missing" when there is none, "invalid" when it is not one the kit wrote. */
export function readManifest(file: string): Manifest | "missing" | "invalid" {
  if (!existsSync(file)) return "missing";
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return "invalid";
  }
  if (typeof value !== "object" || value === null) return "invalid";
  const { version, algorithm, digest, files } = value as Record<string, unknown>;
  if (version !== 1 || algorithm !== "sha256" || typeof digest !== "string" || typeof files !== "object" || files === null)
    return "invalid";
  const entries = Object.entries(files);
  if (!entries.every(([, hash]) => typeof hash === "string" && sha256Hex.test(hash))) return "invalid";
  const checked = Object.fromEntries(entries) as Record<string, string>;
  // A digest that does not sum up its own files means the manifest was edited by hand.
  if (digestOf(checked) !== digest) return "invalid";
  return { version, algorithm, digest, files: checked };
}

const kindOrder: Readonly<Record<KitChange["kind"], number>> = { modified: 0, missing: 1, added: 2 };

/**
 * Compares the kit copy in `dir` with the manifest in `manifestFile` (this kit's, by default). Without a valid
 * manifest nothing can be compared: the manifest itself is then the one change, "missing" or "modified".
 */
export function compareWithManifest(dir: string, manifestFile: string = join(kitRoot, ...MANIFEST_PATH.split("/"))): KitVerdict {
  // A dangling link or an unreadable file is not the kit's file, and no reason to stop a grade.
  const files = hashKit(dir, true);
  const actual = { digest: digestOf(files), files };
  const manifest = readManifest(manifestFile);
  if (typeof manifest === "string") {
    return {
      matches: false,
      digest: actual.digest,
      expected: "",
      changed: [{ path: MANIFEST_PATH, kind: manifest === "missing" ? "missing" : "modified" }],
    };
  }
  const changed: KitChange[] = [];
  const paths = [...new Set([...Object.keys(manifest.files), ...Object.keys(actual.files)])].sort();
  for (const path of paths) {
    const want = manifest.files[path];
    const have = actual.files[path];
    if (want === undefined) changed.push({ path, kind: "added" });
    else if (have === undefined) changed.push({ path, kind: "missing" });
    else if (want !== have) changed.push({ path, kind: "modified" });
  }
  // An edited file says more than an added one, and a short list shows the first few.
  changed.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind]);
  return { matches: changed.length === 0, digest: actual.digest, expected: manifest.digest, changed };
}

/** Whose copy a verdict is about, which decides how it is worded. */
export type VerdictSubject =
  /** The copy `npm run grade` graded with: the learner's own, usually. */
  | { readonly type: "grading-kit" }
  /** A copy checked with `--check DIR`, shown as `dir`. */
  | { readonly type: "copy"; readonly dir: string }
  /** A learner's repository, graded with the kit at `ref` (grade.yml). */
  | { readonly type: "learner"; readonly ref: string };

const kindWords: Readonly<Record<KitChange["kind"], { readonly es: string; readonly en: string }>> = {
  modified: { es: "modificado", en: "modified" },
  added: { es: "añadido", en: "added" },
  missing: { es: "falta", en: "missing" },
};

/** "a (modificado), b (añadido) y 3 más": the first `limit` changes and how many more. */
export function describeChanges(changed: readonly KitChange[], lang: Lang, limit = 5): string {
  const shown = changed.slice(0, limit).map((change) => `${change.path} (${kindWords[change.kind][lang]})`);
  const more = changed.length - shown.length;
  if (more > 0) shown.push(lang === "es" ? `y ${more} más` : `and ${more} more`);
  if (shown.length === 1) return shown[0] ?? "";
  const last = shown.pop() ?? "";
  return lang === "es" ? `${shown.join(", ")} y ${last.replace(/^y /, "")}` : `${shown.join(", ")} and ${last.replace(/^and /, "")}`;
}

/** The verdict's headline: whose copy, and whether it is the original. */
function headline(verdict: KitVerdict, lang: Lang, subject: VerdictSubject): string {
  const es = lang === "es";
  switch (subject.type) {
    case "grading-kit":
      return verdict.matches
        ? es
          ? "Calificado con la copia original del kit."
          : "Graded with the original copy of the kit."
        : es
          ? "Tu copia del kit no es la original"
          : "Your copy of the kit is not the original";
    case "copy":
      return verdict.matches
        ? es
          ? `La copia del kit en ${subject.dir} es la original.`
          : `The copy of the kit in ${subject.dir} is the original.`
        : es
          ? `La copia del kit en ${subject.dir} no es la original`
          : `The copy of the kit in ${subject.dir} is not the original`;
    case "learner":
      return verdict.matches
        ? es
          ? "La copia del kit de tu repositorio es la original."
          : "Your repository's copy of the kit is the original."
        : es
          ? "La copia del kit de tu repositorio no es la original"
          : "Your repository's copy of the kit is not the original";
    default: {
      const unknown: never = subject;
      throw new Error(`checksums: unknown verdict subject ${JSON.stringify(unknown)}`);
    }
  }
}

/** What the verdict means for the grade. */
function consequence(verdict: KitVerdict, lang: Lang, subject: VerdictSubject): string {
  const es = lang === "es";
  switch (subject.type) {
    case "grading-kit":
      return verdict.matches
        ? ""
        : es
          ? "Esta nota no vale como oficial: quien califica usa su propia copia del kit."
          : "This grade is not official: whoever grades uses their own copy of the kit.";
    case "copy":
      return "";
    case "learner":
      return es
        ? `No se usó para calificar: la nota sale del kit en ${subject.ref}.`
        : `It was not used for grading: the grade comes from the kit at ${subject.ref}.`;
    default: {
      const unknown: never = subject;
      throw new Error(`checksums: unknown verdict subject ${JSON.stringify(unknown)}`);
    }
  }
}

function digestLine(verdict: KitVerdict, lang: Lang, code: (s: string) => string): string {
  const es = lang === "es";
  if (verdict.matches) return es ? `Huella: ${code(verdict.digest)}` : `Digest: ${code(verdict.digest)}`;
  const expected =
    verdict.expected === "" ? (es ? "ninguna (no hay manifiesto válido)" : "none (no valid manifest)") : code(verdict.expected);
  return es ? `Huella: ${code(verdict.digest)}; la del kit: ${expected}` : `Digest: ${code(verdict.digest)}; the kit's: ${expected}`;
}

/**
 * The verdict in plain text, one sentence a line. For `npm run grade` a copy that matches says nothing (an empty
 * list): the report only speaks up when the copy differs.
 */
export function verdictLines(verdict: KitVerdict, lang: Lang, subject: VerdictSubject): string[] {
  if (subject.type === "grading-kit" && verdict.matches) return [];
  const head = headline(verdict, lang, subject);
  const lines = [verdict.matches ? head : `${head}: ${describeChanges(verdict.changed, lang)}.`];
  const then = consequence(verdict, lang, subject);
  if (then !== "") lines.push(then);
  if (subject.type !== "grading-kit") lines.push(digestLine(verdict, lang, (s) => s));
  return lines;
}

const listedInMarkdown = 20;

/** The verdict as Markdown for a GitHub job summary: a note when the copy is the original, a warning otherwise. */
export function verdictMarkdown(verdict: KitVerdict, lang: Lang, subject: VerdictSubject): string {
  const code = (s: string): string => `\`${s}\``;
  const head = headline(verdict, lang, subject);
  const then = consequence(verdict, lang, subject);
  const lines = [
    verdict.matches ? "> [!NOTE]" : "> [!WARNING]",
    `> ${verdict.matches ? head : `**${head}.**`}${then === "" ? "" : ` ${then}`}`,
  ];
  if (!verdict.matches) {
    lines.push(">");
    for (const change of verdict.changed.slice(0, listedInMarkdown))
      lines.push(`> - ${code(change.path)} (${kindWords[change.kind][lang]})`);
    const more = verdict.changed.length - listedInMarkdown;
    if (more > 0) lines.push(`> - ${lang === "es" ? `y ${more} más` : `and ${more} more`}`);
  }
  lines.push(">", `> ${digestLine(verdict, lang, code)}`);
  return `${lines.join("\n")}\n\n`;
}

interface CliOptions {
  readonly mode: "write" | "check";
  readonly dir: string;
  readonly lang: Lang;
  readonly summary: string | null;
  readonly gradedWith: string | null;
}

/** The options of the command line, or null for `--help` (in `lang`). */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions | { help: Lang } {
  const parsed = parseCommand(checksumsCommand, argv, { env });
  const { lang } = parsed;
  if (parsed.help) return { help: lang };
  const fail = (text: Text): never => {
    throw new UsageError(text, lang);
  };
  const stray = parsed.positionals[0];
  if (stray !== undefined) fail({ es: `Argumento de más: ${stray}`, en: `Unexpected argument: ${stray}` });
  const write = booleanFlag(parsed, "write");
  const check = parsed.flags.get("check");
  if (write && check !== undefined) fail({ es: "Usa --write o --check, no los dos.", en: "Use --write or --check, not both." });
  if (!write && check === undefined)
    fail({
      es: "Uso: node --import tsx kit/checksums.ts --write | --check [CARPETA] [--summary ARCHIVO] [--graded-with REF] [--lang es|en]",
      en: "Usage: node --import tsx kit/checksums.ts --write | --check [DIR] [--summary FILE] [--graded-with REF] [--lang es|en]",
    });
  const summaryFlag = stringFlag(parsed, "summary");
  const gradedWith = stringFlag(parsed, "graded-with");
  if (write && (summaryFlag !== null || gradedWith !== null))
    fail({ es: "--summary y --graded-with van con --check.", en: "--summary and --graded-with go with --check." });
  const given = check?.taken[0];
  const dir = given === undefined ? kitRoot : resolve(given);
  if (!isDirectory(dir)) fail({ es: `No existe la carpeta ${dir}.`, en: `The folder ${dir} does not exist.` });
  return { mode: write ? "write" : "check", dir, lang, summary: summaryFlag === null ? null : resolve(summaryFlag), gradedWith };
}

function main(argv: readonly string[]): number {
  let options: CliOptions | { help: Lang };
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if ("help" in options) {
    process.stdout.write(helpText(checksumsCommand, options.help));
    return 0;
  }
  const es = options.lang === "es";
  if (options.mode === "write") {
    const manifest = writeManifest(kitRoot);
    const count = Object.keys(manifest.files).length;
    console.log(
      es ? `${MANIFEST_PATH}: ${count} archivos, huella ${manifest.digest}` : `${MANIFEST_PATH}: ${count} files, digest ${manifest.digest}`,
    );
    return 0;
  }
  const verdict = compareWithManifest(options.dir);
  const subject: VerdictSubject =
    options.gradedWith !== null
      ? { type: "learner", ref: options.gradedWith }
      : { type: "copy", dir: toPosix(relative(process.cwd(), options.dir)) || options.dir };
  console.log(verdictLines(verdict, options.lang, subject).join("\n"));
  if (options.summary !== null) appendFileSync(options.summary, verdictMarkdown(verdict, options.lang, subject));
  return verdict.matches ? 0 : 1;
}

/** Run as a script rather than imported (render.ts and outputs.ts import it); real paths, as a symlinked folder may differ. */
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = main(process.argv.slice(2));
