/**
 * What the implementation under grading may import: `#runtime`, Node's everyday modules and its own files. Not
 * the test runner (whose hooks could rewrite results), not the kit's graders or helpers (which hold the grading
 * seed), not the modules that reach past the process's guard (vm, worker_threads, child_process, inspector).
 * Checked twice: on the source's import statements, which also catches what the test runner loads itself
 * (`vitest`), and on every path the implementation resolves.
 */
import { builtinModules } from "node:module";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseAst } from "vitest/node";
import type { Lang } from "./lang.ts";

const FORBIDDEN_BUILTINS = new Set([
  "module",
  "vm",
  "worker_threads",
  "child_process",
  "cluster",
  "inspector",
  "v8",
  "wasi",
  "repl",
  "trace_events",
]);

export interface ImportPolicy {
  /** The implementation directory holding `file`, or undefined when `file` is not implementation code. */
  rootOf(file: string): string | undefined;
  /** Why `source`, imported by `importer` (implementation code under `root`), is refused; null when allowed. */
  refusal(source: string, importer: string, root: string): string | null;
  /** Throws the first refused import of the implementation file `file` (TypeScript source). */
  checkSource(code: string, file: string, root: string): void;
}

const inside = (dir: string, file: string): boolean => {
  const rel = relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
};

/** The import specifiers of a module: static, re-exports and `import()` (a computed one reads as null). */
function specifiers(code: string, file: string): { source: string | null; line: number }[] {
  const found: { source: string | null; start: number }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as { type?: unknown; source?: { type?: unknown; value?: unknown } | null; start?: number };
    const typeOnly =
      (record as { importKind?: unknown; exportKind?: unknown }).importKind === "type" ||
      (record as { exportKind?: unknown }).exportKind === "type";
    if (
      (record.type === "ImportDeclaration" || record.type === "ExportAllDeclaration" || record.type === "ExportNamedDeclaration") &&
      !typeOnly
    ) {
      if (record.source != null && typeof record.source.value === "string")
        found.push({ source: record.source.value, start: record.start ?? 0 });
    } else if (record.type === "ImportExpression") {
      const value = record.source?.type === "Literal" && typeof record.source.value === "string" ? record.source.value : null;
      found.push({ source: value, start: record.start ?? 0 });
    }
    for (const [key, value] of Object.entries(record)) if (key !== "source" && typeof value === "object") visit(value);
  };
  visit(parseAst(code, { lang: /\.[cm]?tsx?$/.test(file) ? "ts" : "js" } as Parameters<typeof parseAst>[1]).body);
  return found.map(({ source, start }) => ({ source, line: code.slice(0, start).split("\n").length }));
}

export function importPolicy(options: { kitRoot: string; implDirs: readonly string[]; lang: Lang }): ImportPolicy {
  const runtimeEntry = join(options.kitRoot, "runtime", "index.ts");
  const kitOwned = ["graders", "kit", "runtime", "node_modules"].map((dir) => join(options.kitRoot, dir));
  const isBatchGrader = (file: string): boolean => /[\\/]\.grade[\\/]batch-[^\\/]+[\\/][^\\/]+[\\/]graders[\\/]/.test(file);
  const es = options.lang === "es";
  const refusal = (source: string, importer: string, root: string): string | null => {
    if (source === "#runtime" || source === runtimeEntry) return null;
    const bare = source.replace(/^node:/, "");
    if (builtinModules.includes(bare) && !FORBIDDEN_BUILTINS.has(bare.split("/")[0] ?? bare)) return null;
    if ((source.startsWith(".") || isAbsolute(source)) && inside(root, resolve(importer, "..", source))) return null;
    return es
      ? `Tu código importa "${source}": una implementación solo puede importar #runtime, los módulos de Node (node:…) y sus propios archivos.`
      : `Your code imports "${source}": an implementation may import only #runtime, Node's modules (node:…) and its own files.`;
  };
  return {
    rootOf(file) {
      const path = resolve(file.replace(/[?#].*$/, ""));
      if (kitOwned.some((dir) => inside(dir, path)) || isBatchGrader(path)) return undefined;
      return options.implDirs.find((dir) => inside(dir, path));
    },
    refusal,
    checkSource(code, file, root) {
      for (const { source, line } of specifiers(code, file)) {
        const where = `${relative(root, file).replaceAll("\\", "/")}:${line}`;
        if (source === null)
          throw new Error(
            es
              ? `${where}: un import() con una ruta calculada no se puede comprobar; importa con una ruta fija.`
              : `${where}: an import() of a computed path cannot be checked; import a fixed path.`,
          );
        const refused = refusal(source, file, root);
        if (refused !== null) throw new Error(`${where}: ${refused}`);
      }
    },
  };
}
