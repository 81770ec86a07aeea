import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { FunctionSpan } from "./functions.ts";

/** One error of the compiler, as a learner reads it: where and what. */
export interface TypeErrorInfo {
  /** Path relative to the current directory. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The compiler's message; its later lines elaborate the first. */
  readonly message: string;
  /** The compiler's code, e.g. `TS2322`. */
  readonly code?: string;
  /** `syntax`: the file cannot be parsed (TS1xxx); `type`: it parses, and a type does not fit. */
  readonly kind?: "syntax" | "type";
  /** The source line the error points at, for a code frame. */
  readonly source?: string;
  /** The top-level function or method the error lies in (kit/functions.ts), when it lies in one. */
  readonly within?: string;
}

/** The most errors kept per exercise folder: past a few dozen, the first ones are what to fix. */
export const MAX_ERRORS = 50;

let runs = 0;

const tscLine = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

/**
 * Typechecks the given exercises' folders of `implDir` with the kit's TypeScript (the kit's runtime behind
 * `#runtime`), and resolves to the errors per exercise id. Unused names are not errors here: they do not make
 * a solution wrong.
 */
export async function typecheck(kitRoot: string, implDir: string, exercises: readonly string[]): Promise<Map<string, TypeErrorInfo[]>> {
  const byDir = await typecheckDirs(
    kitRoot,
    exercises.map((id) => join(resolve(implDir), id)),
  );
  const errors = new Map<string, TypeErrorInfo[]>();
  for (const id of exercises) {
    const found = byDir.get(join(resolve(implDir), id));
    if (found !== undefined) errors.set(id, found);
  }
  return errors;
}

/**
 * Typechecks several exercise folders in one compiler run; resolves to the errors per folder. The compiler skips
 * its type checks when any file has a syntax error, so the folders with one are set apart and the others checked
 * again: one learner's syntax error must not hide another's type errors.
 */
export async function typecheckDirs(kitRoot: string, folders: readonly string[]): Promise<Map<string, TypeErrorInfo[]>> {
  const dirs = folders.map((dir) => resolve(dir)).filter((dir) => existsSync(dir));
  if (dirs.length === 0) return new Map();
  const first = await runTsc(kitRoot, dirs);
  const broken = new Set([...first].filter(([, list]) => list.some((error) => error.kind === "syntax")).map(([dir]) => dir));
  const rest = dirs.filter((dir) => !broken.has(dir));
  const second = broken.size > 0 && rest.length > 0 ? await runTsc(kitRoot, rest) : first;
  const errors = new Map<string, TypeErrorInfo[]>();
  for (const dir of dirs) {
    const list = (broken.has(dir) ? first : second).get(dir);
    if (list !== undefined) errors.set(dir, await withSource(list.slice(0, MAX_ERRORS)));
  }
  return errors;
}

/**
 * Each error with the line of source it points at and the function it lies in (files read once). The parser that
 * finds functions is loaded only for errors: most grading runs have none, and it is half a megabyte of JavaScript.
 */
async function withSource(list: readonly TypeErrorInfo[]): Promise<TypeErrorInfo[]> {
  if (list.length === 0) return [];
  const { functionAt, functionSpans } = await import("./functions.ts");
  const files = new Map<string, { readonly lines: readonly string[]; readonly spans: readonly FunctionSpan[] }>();
  return list.map((error) => {
    let file = files.get(error.file);
    if (file === undefined) {
      let text = "";
      try {
        text = readFileSync(resolve(error.file), "utf8");
      } catch {
        // gone meanwhile: no code frame, no function
      }
      file = { lines: text.split(/\r?\n/), spans: functionSpans(text) ?? [] };
      files.set(error.file, file);
    }
    const source = file.lines[error.line - 1];
    const within = functionAt(file.spans, error.line);
    return { ...error, ...(source === undefined ? {} : { source }), ...(within === null ? {} : { within }) };
  });
}

/**
 * How to start the compiler: TypeScript's native executable itself where its platform package is installed, else the
 * package's bin, a Node script that starts that same executable. Started directly, it spares a Node process and
 * about 0.2 s of CPU per grading run; single-threaded, it uses less CPU in all and takes as long for a few files.
 */
function tscCommand(kitRoot: string): { readonly command: string; readonly args: readonly string[] } {
  const require = createRequire(join(kitRoot, "package.json"));
  const typescript = dirname(require.resolve("typescript/package.json"));
  try {
    const platform = dirname(
      createRequire(join(typescript, "package.json")).resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`),
    );
    const exe = join(platform, "lib", process.platform === "win32" ? "tsc.exe" : "tsc");
    if (existsSync(exe)) return { command: exe, args: [] };
  } catch {
    // No platform package where Node looks for it: the bin finds the executable its own way.
  }
  return { command: process.execPath, args: [join(typescript, "bin", "tsc")] };
}

async function runTsc(kitRoot: string, dirs: readonly string[]): Promise<Map<string, TypeErrorInfo[]>> {
  const errors = new Map<string, TypeErrorInfo[]>();
  const configDir = join(kitRoot, ".grade");
  mkdirSync(configDir, { recursive: true });
  const configPath = join(configDir, `tsconfig.${process.pid}-${++runs}.json`);
  const config = {
    extends: "../tsconfig.json",
    compilerOptions: {
      // Bundler resolution: a learner's folder outside the kit needs no package.json of its own.
      module: "preserve",
      moduleResolution: "bundler",
      paths: { "#runtime": [join(kitRoot, "runtime", "index.ts")] },
      noUnusedLocals: false,
      noUnusedParameters: false,
    },
    include: dirs.map((dir) => `${dir.replaceAll("\\", "/")}/**/*.ts`),
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const tsc = tscCommand(kitRoot);
  const output = await new Promise<string>((done) => {
    const child = spawn(tsc.command, [...tsc.args, "-p", configPath, "--pretty", "false", "--singleThreaded"], {
      cwd: kitRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.on("close", () => done(text));
    child.on("error", () => done(text));
  });
  rmSync(configPath, { force: true });
  let last: TypeErrorInfo[] | null = null;
  for (const line of output.split(/\r?\n/)) {
    const match = tscLine.exec(line);
    if (match === null) {
      // Continuation lines elaborate the previous error's message.
      const previous = last?.at(-1);
      if (previous !== undefined && last !== null && /^\s+\S/.test(line))
        last[last.length - 1] = { ...previous, message: `${previous.message}\n${line.trim()}` };
      continue;
    }
    const [, file = "", row = "0", column = "0", code = "", message = ""] = match;
    const absolute = resolve(kitRoot, file);
    const id = dirs.find((dir) => absolute.startsWith(dir + sep));
    if (id === undefined) {
      last = null;
      continue;
    }
    const list = errors.get(id) ?? [];
    // TS1xxx are the parser's errors.
    const kind = /^TS1\d{3}$/.test(code) ? "syntax" : "type";
    list.push({ file: relative(process.cwd(), absolute) || absolute, line: Number(row), column: Number(column), message, code, kind });
    errors.set(id, list);
    last = list;
  }
  return errors;
}
