/**
 * matches() must answer exactly what isDeepStrictEqual answers, for any two values: it only takes a shorter way
 * for plain data.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matches } from "../equality.ts";

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
  maxDepth: 4,
});

/** A copy of plain data, or the value itself where it is not (the copy must start out equal). */
function copy(value: unknown): unknown {
  if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) return value.map(copy);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copy(inner)]));
  return value;
}

/** `array` with a hole at `at`. */
function holed(array: unknown[], at: number): unknown[] {
  delete array[at];
  return array;
}

describe("matches", () => {
  it("should agree with isDeepStrictEqual on any two values", () => {
    fc.assert(
      fc.property(anything, anything, (a, b) => {
        expect(matches(a, b)).toBe(isDeepStrictEqual(a, b));
      }),
      { numRuns: 2_000 },
    );
  });

  it("should agree with isDeepStrictEqual on a value and its copy, changed or not", () => {
    fc.assert(
      fc.property(anything, fc.option(anything), fc.nat(), (a, change, at) => {
        const b = copy(a);
        // Only a copy is changed: the value itself is the other side.
        if (change !== null && b !== a && typeof b === "object" && b !== null) {
          const keys = Object.keys(b);
          if (keys.length > 0) (b as Record<string, unknown>)[keys[at % keys.length] as string] = change;
        }
        expect(matches(a, b)).toBe(isDeepStrictEqual(a, b));
      }),
      { numRuns: 2_000 },
    );
  });

  it("should tell apart what plain data hides from a quick look", () => {
    const cases: [unknown, unknown, boolean][] = [
      [0, -0, false],
      [Number.NaN, Number.NaN, true],
      // A hole (made with delete: the linter refuses a literal with one) against an undefined element.
      [holed([1, 2, 3], 1), [1, undefined, 3], false],
      [Object.assign([1], { extra: 2 }), [1], false],
      [{ a: 1 }, Object.assign(Object.create(null), { a: 1 }), false],
      [{ [Symbol.for("k")]: 1 }, {}, false],
      [{ a: undefined }, { b: undefined }, false],
      [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, true],
      [new Date(0), new Date(0), true],
      [new Map([[1, 2]]), new Map([[1, 3]]), false],
    ];
    for (const [a, b, equal] of cases) {
      expect(matches(a, b)).toBe(equal);
      expect(isDeepStrictEqual(a, b)).toBe(equal);
    }
  });

  it("should compare cyclic values as isDeepStrictEqual does", () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    const b: Record<string, unknown> = { n: 1 };
    b.self = b;
    expect(matches(a, b)).toBe(isDeepStrictEqual(a, b));
  });
});
