/**
 * Mutants of the reference solution that no test can tell from it, each with why (see kit/mutation/equivalents.ts).
 * `npm run mutation` sets them apart from the survivors; reports/mutation/<id>/survivors.txt has each survivor
 * written as an entry.
 */
import type { EquivalentMutant } from "../../kit/mutation/equivalents.ts";

export const equivalentMutants: readonly EquivalentMutant[] = [];
