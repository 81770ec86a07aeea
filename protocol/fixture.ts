import type { Text } from "./text.ts";

/**
 * A known-wrong implementation kept next to a grader: the solution with a few exact replacements applied.
 * The kit's self-test grades it and checks that it loses points on every task in `breaks`.
 */
export interface Fixture {
  /** kebab-case, unique within the exercise. */
  readonly name: string;
  /** The task numbers this mistake must lose points on. */
  readonly breaks: readonly number[];
  /** The mistake, in words a learner would recognise. */
  readonly why: Text;
  /** The solution file (name inside solutions/<id>/) the patch applies to. */
  readonly file: string;
  /** `[find, replace]` pairs; each `find` must occur exactly once in the file. */
  readonly patch: readonly (readonly [find: string, replace: string])[];
  /** The fixture makes a test hang (the self-test expects the hang to be reported); false by default. */
  readonly hangs?: boolean;
}

/** The fixture's file: `source` with each replacement applied; throws when a `find` does not occur exactly once. */
export function applyFixture(source: string, fixture: Fixture): string {
  let patched = source;
  for (const [find, replace] of fixture.patch) {
    const count = patched.split(find).length - 1;
    if (count !== 1)
      throw new Error(`fixture ${fixture.name}: ${JSON.stringify(find)} occurs ${count} times in ${fixture.file}, expected once`);
    patched = patched.replace(find, () => replace);
  }
  return patched;
}
