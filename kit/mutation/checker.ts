/**
 * Stryker's checker "tsc": a mutant that does not typecheck is a compile error, not a mutant to test, because the
 * kit itself refuses such code (`npm run grade` typechecks before it scores: kit/typecheck.ts). It checks with the
 * kit's own typecheck and the repository's TypeScript: each mutant's exercise folder is copied once, with that one
 * mutant applied, and one compiler run checks a whole group of copies.
 *
 * Stryker's own @stryker-mutator/typescript-checker cannot do this here: it drives TypeScript through its
 * JavaScript API (`ts.createSolutionBuilderWithWatch`…), which TypeScript 7, a native compiler, no longer has.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { type Checker, type CheckResult, CheckStatus } from "@stryker-mutator/api/check";
import type { Mutant, Position } from "@stryker-mutator/api/core";
import { typecheckDirs } from "../typecheck.ts";

/** Mutants per compiler run: large enough to pay the compiler's start once, small enough to let tests start early. */
const GROUP_SIZE = 40;

/** The offset in `text` of a position of Stryker's (line and column both from 0). */
export function offsetOf(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + position.column;
}

/** `text` with `mutant` applied. */
export function applyMutant(text: string, mutant: Pick<Mutant, "location" | "replacement">): string {
  return text.slice(0, offsetOf(text, mutant.location.start)) + mutant.replacement + text.slice(offsetOf(text, mutant.location.end));
}

/** The exercise folder a mutated file belongs to: `<kit>/solutions/<id>` for `<kit>/solutions/<id>/…/<file>.ts`. */
export function exerciseFolderOf(root: string, file: string): string {
  const [top, id] = relative(root, resolve(file)).split(sep);
  if (top === undefined || id === undefined || top.startsWith(".."))
    throw new Error(`tsc checker: ${file} is not in an exercise folder of ${root}`);
  return join(root, top, id);
}

export class TscChecker implements Checker {
  private readonly root = resolve(process.cwd());

  async init(): Promise<void> {
    // Nothing to start: each check is one run of the compiler.
  }

  async group(mutants: Mutant[]): Promise<string[][]> {
    const groups: string[][] = [];
    for (let i = 0; i < mutants.length; i += GROUP_SIZE) groups.push(mutants.slice(i, i + GROUP_SIZE).map((mutant) => mutant.id));
    return groups;
  }

  async check(mutants: Mutant[]): Promise<Record<string, CheckResult>> {
    const work = realpathSync(mkdtempSync(join(tmpdir(), "kit-mutants-")));
    try {
      const dirs = new Map<string, string>();
      for (const mutant of mutants) {
        const folder = exerciseFolderOf(this.root, mutant.fileName);
        const copy = join(work, mutant.id, relative(this.root, folder));
        mkdirSync(copy, { recursive: true });
        cpSync(folder, copy, { recursive: true });
        const file = join(copy, relative(folder, resolve(mutant.fileName)));
        writeFileSync(file, applyMutant(readFileSync(resolve(mutant.fileName), "utf8"), mutant));
        dirs.set(mutant.id, copy);
      }
      const errors = await typecheckDirs(this.root, [...dirs.values()]);
      return Object.fromEntries(
        mutants.map((mutant): [string, CheckResult] => {
          const found = errors.get(dirs.get(mutant.id) ?? "") ?? [];
          if (found.length === 0) return [mutant.id, { status: CheckStatus.Passed }];
          const reason = found
            .slice(0, 3)
            .map((error) => `line ${error.line}: ${error.message.split("\n")[0] ?? ""}`)
            .join("; ");
          return [mutant.id, { status: CheckStatus.CompileError, reason }];
        }),
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
