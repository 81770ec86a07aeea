/**
 * Mutants of the reference solution that no test can tell from it, each with why (see kit/mutation/equivalents.ts).
 * `npm run mutation` sets them apart from the survivors; reports/mutation/<id>/survivors.txt has each survivor
 * written as an entry.
 */
import type { EquivalentMutant } from "../../kit/mutation/equivalents.ts";

const SIDE_IS_ZERO = "SIDE is 0, the offset of an order's side in its page: adding it and subtracting it give the same index.";

// The page of the order index that held an order is dropped once its last order is cancelled. A page kept instead
// answers the same to every lookup (each of its slots reads side 0, "no order"): what changes is memory only, 24 kB
// per 1 024 ids ever given, which no test can see without counting the subject's bytes (and a grade never does).
const PAGE_KEPT = "The emptied page is never dropped: every lookup answers the same (its slots read side 0), only memory grows.";

export const equivalentMutants: readonly EquivalentMutant[] = [
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "ArithmeticOperator",
    original: "OrderIndex.at(id) + SIDE",
    replacement: "OrderIndex.at(id) - SIDE",
    line: 88,
    reason: SIDE_IS_ZERO,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "ArithmeticOperator",
    original: "at + SIDE",
    replacement: "at - SIDE",
    line: 108,
    reason: SIDE_IS_ZERO,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "ArithmeticOperator",
    original: "at + SIDE",
    replacement: "at - SIDE",
    line: 119,
    reason: SIDE_IS_ZERO,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "UpdateOperator",
    original: "page.live++",
    replacement: "page.live--",
    line: 111,
    reason: `The live count goes below 0 and never back to 0. ${PAGE_KEPT}`,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "UpdateOperator",
    original: "page.live--",
    replacement: "page.live++",
    line: 120,
    reason: `The live count only grows and never reaches 0. ${PAGE_KEPT}`,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "ConditionalExpression",
    original: "page.live === 0",
    replacement: "false",
    line: 121,
    reason: PAGE_KEPT,
  },
  {
    file: "solutions/06-order-book/order-book.ts",
    mutator: "StringLiteral",
    original: "`OrderBook: unknown request ${String(unknown)}`",
    replacement: "``",
    line: 255,
    reason:
      "The never-branch of the exhaustive switch: no client function sends another request type, and the statement gives no text for the crash a foreign request causes (it crashes either way).",
  },
];
