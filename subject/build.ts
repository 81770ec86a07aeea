/**
 * Builds what subject processes run, with esbuild, before any grader starts:
 * - once per grading run, the shared folder: the subject's host and the runtime (`host.mjs`, `runtime.mjs`);
 * - per implementation, each exercise's main file bundled with the files it imports (`<id>/<file>.mjs`, with a
 *   source map so that stack traces point at the learner's own lines).
 * An implementation may import `#runtime` (the shared runtime.mjs), Node's own modules and the files of its own
 * exercise folder; any other import is refused here, with the file and line, in the learner's language. (The
 * boundary itself is the subject's sandbox: this check only says early and plainly what would fail anyway.)
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { type BuildFailure, build, type Plugin } from "esbuild";
import type { Lang } from "#protocol";
import { say } from "#protocol";
import { yardstickFolder } from "./layout.ts";

const TARGET = "node20";

/** Builds the shared folder (host and runtime) into `dir`. */
export async function buildShared(kitRoot: string, dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const common = { bundle: true, platform: "node", format: "esm", target: TARGET, logLevel: "silent", legalComments: "none" } as const;
  await Promise.all([
    build({ ...common, entryPoints: [join(kitRoot, "subject", "runtime-entry.ts")], outfile: join(dir, "runtime.mjs"), keepNames: true }),
    build({
      ...common,
      entryPoints: [join(kitRoot, "subject", "host.ts")],
      outfile: join(dir, "host.mjs"),
      // @sinonjs/fake-timers is CommonJS and requires Node's util: give the ES module a require of its own.
      banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
      plugins: [
        {
          name: "shared-runtime",
          setup(builder) {
            // The host and the code under grading must share one runtime: the host imports the same file.
            builder.onResolve({ filter: /runtime-entry\.ts$/ }, () => ({ path: "./runtime.mjs", external: true }));
          },
        },
      ],
    }),
  ]);
}

/**
 * Builds each exercise's yardstick, `graders/<id>/yardstick.ts` where there is one (a trusted implementation of the
 * grader's own that measurements compare with), into the shared folder, as `<id>/<file>.mjs` like an implementation.
 */
export async function buildYardsticks(kitRoot: string, sharedDir: string, exercises: readonly ExerciseSource[]): Promise<void> {
  const runtimeUrl = pathToFileURL(join(sharedDir, "runtime.mjs")).href;
  await Promise.all(
    exercises.map(async ({ id, file }) => {
      const entry = join(kitRoot, "graders", id, "yardstick.ts");
      if (!existsSync(entry)) return;
      await build({
        entryPoints: [entry],
        outfile: join(yardstickFolder(sharedDir), id, file.replace(/\.ts$/, ".mjs")),
        bundle: true,
        platform: "node",
        format: "esm",
        target: TARGET,
        logLevel: "silent",
        plugins: [
          {
            name: "shared-runtime",
            setup(builder) {
              builder.onResolve({ filter: /^#runtime$/ }, () => ({ path: runtimeUrl, external: true }));
            },
          },
        ],
      });
    }),
  );
}

/** One exercise of an implementation to build: its folder and main file. */
export interface ExerciseSource {
  readonly id: string;
  readonly file: string;
}

/**
 * Builds the given exercises of `implDir` (laid out like exercises/) into `outDir`, importing the runtime of
 * `sharedDir`; resolves to the exercises that could not be built, with why.
 */
export async function buildImplementation(options: {
  readonly implDir: string;
  readonly exercises: readonly ExerciseSource[];
  readonly sharedDir: string;
  readonly outDir: string;
  readonly lang: Lang;
}): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  const runtimeUrl = pathToFileURL(join(options.sharedDir, "runtime.mjs")).href;
  await Promise.all(
    options.exercises.map(async ({ id, file }) => {
      const folder = resolve(options.implDir, id);
      const entry = join(folder, file);
      const outfile = join(options.outDir, id, file.replace(/\.ts$/, ".mjs"));
      rmSync(outfile, { force: true });
      if (!existsSync(entry)) {
        failures.set(id, missingText(options.lang, `${id}/${file}`, options.implDir));
        return;
      }
      try {
        await build({
          entryPoints: [entry],
          outfile,
          bundle: true,
          platform: "node",
          format: "esm",
          target: TARGET,
          sourcemap: "inline",
          sourcesContent: false,
          keepNames: true,
          logLevel: "silent",
          // A folder outside the kit has no tsconfig of its own: TypeScript's defaults, without the kit's.
          tsconfigRaw: {},
          plugins: [importPolicy(folder, runtimeUrl, options.lang)],
        });
      } catch (error) {
        failures.set(id, buildErrorText(error, options.implDir));
      }
    }),
  );
  return failures;
}

/** The imports an implementation may make: `#runtime`, Node's own modules, files of its own exercise folder. */
function importPolicy(folder: string, runtimeUrl: string, lang: Lang): Plugin {
  return {
    name: "import-policy",
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        if (args.path === "#runtime") return { path: runtimeUrl, external: true };
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith("./") || args.path.startsWith("../")) {
          const target = resolve(args.resolveDir, args.path);
          const inside = relative(folder, target);
          if (inside !== "" && !inside.startsWith("..") && !isAbsolute(inside)) return undefined;
        }
        return { errors: [{ text: refusal(lang, args.path) }] };
      });
    },
  };
}

function refusal(lang: Lang, path: string): string {
  return say(lang, {
    es: `Tu código importa "${path}": el código que se califica solo puede importar #runtime, los módulos de Node (node:…) y los archivos de su propia carpeta.`,
    en: `Your code imports "${path}": code under grading may import only #runtime, Node's own modules (node:…) and the files of its own folder.`,
  });
}

function missingText(lang: Lang, wanted: string, implDir: string): string {
  return say(lang, {
    es: `No se encontró ${wanted} en ${implDir}: la carpeta que se califica debe tener la misma estructura que exercises/ (<id>/<archivo>.ts).`,
    en: `${wanted} was not found in ${implDir}: the folder being graded must be laid out like exercises/ (<id>/<file>.ts).`,
  });
}

/** esbuild's errors as file:line:column: message, paths relative to the graded folder, at most five. */
function buildErrorText(error: unknown, implDir: string): string {
  const errors = (error as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return error instanceof Error ? error.message : String(error);
  return errors
    .slice(0, 5)
    .map((message) => {
      const where = message.location;
      if (where === null || where === undefined) return message.text;
      const file = relative(implDir, resolve(where.file)).split(sep).join("/");
      return `${file}:${where.line}:${where.column + 1}: ${message.text}`;
    })
    .join("\n");
}
