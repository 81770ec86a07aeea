/**
 * The stubs as shipped, so that a learner can start an exercise over (`npm run reset`) and the kit can tell an
 * exercise not started from one started. kit/stubs.json keeps each stub's git blob id (what `git hash-object`
 * prints, with CRLF read as LF): a clone of the kit or of a repository made from it holds that blob, whatever the
 * learner committed since, and `git cat-file` gives it back. `npm run stubs` rewrites the manifest; the kit's tests
 * fail while it is stale.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Text } from "#protocol";
import { type CatalogExercise, catalog } from "./catalog.ts";
import { parseCommand } from "./cli/args.ts";
import { stubsCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";

export const STUBS_PATH = "kit/stubs.json";

/** Stub path (`exercises/<id>/<file>`) → git blob id. */
export type StubManifest = Readonly<Record<string, string>>;

const kitRootHere = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The path of an exercise's stub, relative to the kit, with `/`. */
export const stubPath = (exercise: CatalogExercise): string => `exercises/${exercise.id}/${exercise.file}`;

/** Git's blob id of a text file's content, line endings read as LF as git stores text. */
export function gitBlobId(content: string): string {
  const bytes = Buffer.from(content.replace(/\r\n/g, "\n"), "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The manifest of the stubs now in `kitRoot`'s exercises/. */
export function computeStubs(kitRoot: string): StubManifest {
  return Object.fromEntries(
    catalog.map((exercise) => [stubPath(exercise), gitBlobId(readFileSync(join(kitRoot, stubPath(exercise)), "utf8"))]),
  );
}

export function stubsText(manifest: StubManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function readStubs(kitRoot: string): StubManifest {
  try {
    return JSON.parse(readFileSync(join(kitRoot, STUBS_PATH), "utf8")) as StubManifest;
  } catch {
    return {};
  }
}

/** Whether `file` still holds the exercise's stub as shipped; null when the kit does not know the stub. */
export function isUntouched(kitRoot: string, exercise: CatalogExercise, file: string): boolean | null {
  const blob = readStubs(kitRoot)[stubPath(exercise)];
  if (blob === undefined) return null;
  try {
    return gitBlobId(readFileSync(file, "utf8")) === blob;
  } catch {
    return null;
  }
}

/** The stub's text as shipped, from git; or why it cannot be had. */
export function stubText(kitRoot: string, exercise: CatalogExercise): { ok: true; text: string } | { ok: false; reason: Text } {
  const blob = readStubs(kitRoot)[stubPath(exercise)];
  if (blob === undefined)
    return {
      ok: false,
      reason: { es: `${STUBS_PATH} no conoce el esqueleto de ${exercise.id}.`, en: `${STUBS_PATH} does not know ${exercise.id}'s stub.` },
    };
  try {
    const text = execFileSync("git", ["cat-file", "blob", blob], { cwd: kitRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { ok: true, text };
  } catch {
    return {
      ok: false,
      reason: {
        es: `No encuentro el esqueleto original en git (blob ${blob.slice(0, 12)}): hace falta un clon con git de tu repositorio, no una copia descargada. También puedes copiarlo de la plantilla del curso.`,
        en: `I cannot find the original stub in git (blob ${blob.slice(0, 12)}): this needs a git clone of your repository, not a downloaded copy. You can also copy it from the course's template.`,
      },
    };
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain())
  await runCommand(stubsCommand, async () => {
    const parsed = parseCommand(stubsCommand, process.argv.slice(2));
    if (parsed.help) return { help: parsed.lang };
    const manifest = computeStubs(kitRootHere);
    writeFileSync(join(kitRootHere, STUBS_PATH), stubsText(manifest));
    console.log(`${STUBS_PATH}: ${Object.keys(manifest).length} ${parsed.lang === "es" ? "esqueletos" : "stubs"}`);
    return 0;
  });
