/**
 * Mutants of the reference solution that no test can tell from it, each with why (see kit/mutation/equivalents.ts).
 * `npm run mutation` sets them apart from the survivors; reports/mutation/<id>/survivors.txt has each survivor
 * written as an entry.
 */
import type { EquivalentMutant } from "../../kit/mutation/equivalents.ts";

export const equivalentMutants: readonly EquivalentMutant[] = [
  {
    file: "solutions/05-rate-limiter/rate-limiter.ts",
    mutator: "StringLiteral",
    original: "`RateLimiter: unknown call ${String(unknown)}`",
    replacement: "``",
    line: 169,
    reason:
      "Only the text of the crash on a request outside the protocol changes; the statement specifies no such request or text, and the stub gives this branch verbatim.",
  },
];
