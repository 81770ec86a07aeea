/**
 * The equality of every check: node's isDeepStrictEqual, with plain data compared here first. Answers are mostly
 * numbers, strings, booleans, and arrays and plain objects of them, and a scale test checks tens of thousands;
 * isDeepStrictEqual looks at every object's symbols, non-index keys and descriptors, and costs several times more.
 * Whatever is not plain data (a Map, a Date, an error, a pid's stand-in, an object with symbol keys or holes, a
 * cycle) is left to isDeepStrictEqual, so the answer is always the one it would give.
 */
import { isDeepStrictEqual } from "node:util";

/** Deeper than this, plain data is left to isDeepStrictEqual, which also knows cycles. */
const MAX_DEPTH = 64;

export function matches(actual: unknown, expected: unknown): boolean {
  return plainMatch(actual, expected, 0) ?? isDeepStrictEqual(actual, expected);
}

/** Whether two values are deeply and strictly equal, when both are plain data; null when that cannot be told here. */
function plainMatch(a: unknown, b: unknown, depth: number): boolean | null {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (depth > MAX_DEPTH) return null;
  const prototype: unknown = Object.getPrototypeOf(a);
  if (prototype !== Object.getPrototypeOf(b)) return null;
  if (prototype === Array.prototype) return Array.isArray(a) && Array.isArray(b) ? arraysMatch(a, b, depth) : null;
  if (prototype === Object.prototype) return objectsMatch(a as Record<string, unknown>, b as Record<string, unknown>, depth);
  return null;
}

function arraysMatch(a: readonly unknown[], b: readonly unknown[], depth: number): boolean | null {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    // A hole is not an undefined element to isDeepStrictEqual.
    if (!(i in a) || !(i in b)) return null;
    const same = plainMatch(a[i], b[i], depth + 1);
    if (same !== true) return same;
  }
  // Keys besides the indices, and symbols, count too.
  if (Object.keys(a).length !== a.length || Object.keys(b).length !== b.length) return null;
  return hasSymbols(a) || hasSymbols(b) ? null : true;
}

function objectsMatch(a: Record<string, unknown>, b: Record<string, unknown>, depth: number): boolean | null {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.propertyIsEnumerable.call(b, key)) return false;
    const same = plainMatch(a[key], b[key], depth + 1);
    if (same !== true) return same;
  }
  return hasSymbols(a) || hasSymbols(b) ? null : true;
}

const hasSymbols = (value: object): boolean => Object.getOwnPropertySymbols(value).length > 0;
