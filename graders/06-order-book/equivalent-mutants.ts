/**
 * Mutants of the reference solution that no test can tell from it, each with why (see kit/mutation/equivalents.ts).
 * `npm run mutation` sets them apart from the survivors; reports/mutation/<id>/survivors.txt has each survivor
 * written as an entry.
 */
import type { EquivalentMutant } from "../../kit/mutation/equivalents.ts";

const SIDE_IS_ZERO = "SIDE is 0, the offset of an order's side in its page: adding it and subtracting it give the same index.";

export const equivalentMutants: readonly EquivalentMutant[] = [
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "ArithmeticOperator",
    original: "OrderIndex.at(id) + SIDE",
    replacement: "OrderIndex.at(id) - SIDE",
    line: 94,
    reason: SIDE_IS_ZERO,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "ArithmeticOperator",
    original: "at + SIDE",
    replacement: "at - SIDE",
    line: 114,
    reason: SIDE_IS_ZERO,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "ArithmeticOperator",
    original: "at + SIDE",
    replacement: "at - SIDE",
    line: 126,
    reason: SIDE_IS_ZERO,
  },
];
