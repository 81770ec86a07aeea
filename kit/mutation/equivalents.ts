/**
 * The record of equivalent mutants: mutants of a reference solution that no test can tell from it, each with why.
 * Each exercise keeps its own next to its grader, in `graders/<id>/equivalent-mutants.ts`, as
 * `export const equivalentMutants: readonly EquivalentMutant[]`. `npm run mutation` sets the mutants it matches
 * apart ("equivalent, explained") and flags the entries that match no surviving mutant (stale).
 *
 * Stryker's mutant ids change with every edit, so an entry describes its mutant by what it is: the file, the
 * mutator, the code it replaces and the code it puts there (whitespace runs count as one space), and the line as
 * a hint between mutants that are otherwise the same.
 */
import type { MutantResult } from "@stryker-mutator/api/core";

export interface EquivalentMutant {
  /** The mutated file, relative to the kit: `solutions/<id>/<file>.ts`. */
  readonly file: string;
  /** Stryker's mutator: `ConditionalExpression`, `EqualityOperator`, `StringLiteral`… */
  readonly mutator: string;
  /** The code the mutant replaces, as in the file; ending in `…`, the start of it. */
  readonly original: string;
  /** The code the mutant puts in its place; ending in `…`, the start of it. */
  readonly replacement: string;
  /** The line it was on when recorded: between mutants otherwise alike, the nearest one is meant. */
  readonly line?: number;
  /** Why no test can kill it, in one line of English. */
  readonly reason: string;
}

/** A mutant of a run as the record sees it. */
export interface DescribedMutant {
  readonly id: string;
  readonly file: string;
  readonly mutator: string;
  readonly original: string;
  readonly replacement: string;
  /** From 1. */
  readonly line: number;
  /** From 1. */
  readonly column: number;
  readonly status: MutantResult["status"];
  readonly statusReason?: string;
}

/** Statuses of a mutant that no test detected: the ones an entry may explain. */
export const UNDETECTED: ReadonlySet<MutantResult["status"]> = new Set(["Survived", "NoCoverage"]);

/** Whitespace runs as one space, ends trimmed: how code is compared and shown. */
export function normalizeCode(code: string): string {
  return code.replace(/\s+/g, " ").trim();
}

function codeMatches(wanted: string, actual: string): boolean {
  const want = normalizeCode(wanted);
  const have = normalizeCode(actual);
  return want.endsWith("…") ? have.startsWith(want.slice(0, -1)) : have === want;
}

/** Whether `entry` describes `mutant`, line aside. */
export function describes(entry: EquivalentMutant, mutant: DescribedMutant): boolean {
  return (
    entry.file === mutant.file &&
    entry.mutator === mutant.mutator &&
    codeMatches(entry.original, mutant.original) &&
    codeMatches(entry.replacement, mutant.replacement)
  );
}

export interface EquivalentMatch {
  /** Entries with the undetected mutant each explains. */
  readonly explained: readonly { readonly entry: EquivalentMutant; readonly mutant: DescribedMutant }[];
  /** Entries that describe no mutant of the run, or only mutants the tests now detect: to remove or update. */
  readonly stale: readonly { readonly entry: EquivalentMutant; readonly why: string }[];
}

/**
 * Matches the record against a run's mutants: each entry explains at most one undetected mutant (the nearest to
 * its line among those it describes), and each mutant is explained at most once.
 */
export function matchEquivalents(entries: readonly EquivalentMutant[], mutants: readonly DescribedMutant[]): EquivalentMatch {
  const explained: { entry: EquivalentMutant; mutant: DescribedMutant }[] = [];
  const stale: { entry: EquivalentMutant; why: string }[] = [];
  const taken = new Set<string>();
  // Entries with a line first, so that an entry without one does not take the mutant another entry points at.
  const ordered = [...entries].sort((a, b) => (a.line === undefined ? 1 : 0) - (b.line === undefined ? 1 : 0));
  for (const entry of ordered) {
    const described = mutants.filter((mutant) => describes(entry, mutant));
    const candidates = described.filter((mutant) => UNDETECTED.has(mutant.status) && !taken.has(mutant.id));
    const distance = (mutant: DescribedMutant): number => (entry.line === undefined ? 0 : Math.abs(mutant.line - entry.line));
    const best = candidates.sort((a, b) => distance(a) - distance(b) || a.line - b.line || a.column - b.column)[0];
    if (best !== undefined) {
      taken.add(best.id);
      explained.push({ entry, mutant: best });
    } else if (described.length === 0) stale.push({ entry, why: "it matches no mutant" });
    else if (described.every((mutant) => !UNDETECTED.has(mutant.status)))
      stale.push({ entry, why: `the tests now detect it (${[...new Set(described.map((mutant) => mutant.status))].join(", ")})` });
    else stale.push({ entry, why: "another entry explains the same mutant" });
  }
  return { explained, stale };
}

/** An entry as TypeScript, ready to paste into `graders/<id>/equivalent-mutants.ts` once its reason is written. */
export function entryText(mutant: DescribedMutant): string {
  const short = (code: string): string => {
    const text = normalizeCode(code);
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  };
  return [
    "  {",
    `    file: ${JSON.stringify(mutant.file)},`,
    `    mutator: ${JSON.stringify(mutant.mutator)},`,
    `    original: ${JSON.stringify(short(mutant.original))},`,
    `    replacement: ${JSON.stringify(short(mutant.replacement))},`,
    `    line: ${mutant.line},`,
    `    reason: "…",`,
    "  },",
  ].join("\n");
}
