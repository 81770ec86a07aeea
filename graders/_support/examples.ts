import { createHash } from "node:crypto";
import { expect } from "vitest";
import { runSeed } from "./grading.ts";

/**
 * The values of one test's examples (symbols, prices, keys, limits), drawn from the grading seed and the test's
 * name. With the same seed a test sees the same values, so a failure replays with `--seed`; the instructor grades
 * with a fresh seed, so an implementation cannot keep canned answers for the examples.
 */
export interface Examples {
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** `count` distinct elements of `items`, in random order. */
  pickDistinct<T>(items: readonly T[], count: number): T[];
  /** A price in [min, max] with two decimals. */
  price(min?: number, max?: number): number;
  /** `count` distinct prices in [min, max] with two decimals, for examples that must tell prices apart. */
  prices(count: number, min?: number, max?: number): number[];
  /** A market symbol such as "QXRUSD": three random letters and a quote currency. */
  symbol(): string;
  /** `count` distinct market symbols. */
  symbols(count: number): string[];
  /** A client key such as "user:4821". */
  key(prefix?: string): string;
}

/**
 * A stream of numbers in [0, 1) from `seed` (mulberry32: small, fast, good enough to pick examples; not for
 * anything secret). The same seed gives the same stream.
 *
 * @example
 * const next = seededRandom(gradingSeed());
 * const price = 100 + Math.floor(next() * 10);
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The seed of one stream of a test: SHA-256 of the run's seed, the stream's purpose and the test's name, so each
 * test draws its own values whatever order tests run in. A hash that cannot be run backwards: the values a test
 * shows the implementation do not give away the run's seed (a fresh one has 48 bits), so they say nothing of the
 * other tests' values.
 */
export function streamSeed(seed: number, purpose: string, name: string): number {
  return createHash("sha256").update(`${seed}\u0000${purpose}\u0000${name}`).digest().readUInt32LE(0);
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const QUOTES = ["USD", "EUR", "MXN", "ARS", "CLP", "COP"] as const;

/**
 * A fresh source of example values for the running test (call it inside the test, or in a helper it calls).
 *
 * @example
 * const ex = examples();
 * const [symbol, price] = [ex.symbol(), ex.price()];
 * PriceCache.put(pid, symbol, price);
 * assertEqual(await PriceCache.get(pid, symbol), price, { call: `PriceCache.get(pid, ${JSON.stringify(symbol)})` });
 */
export function examples(): Examples {
  const testName = expect.getState().currentTestName ?? "";
  const next = seededRandom(streamSeed(runSeed(), "examples", testName));
  const int = (min: number, max: number): number => {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min)
      throw new RangeError(`examples().int: expected integers min <= max, got ${min} and ${max}`);
    return min + Math.floor(next() * (max - min + 1));
  };
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError("examples().pick: the list is empty");
    return items[int(0, items.length - 1)] as T;
  };
  const pickDistinct = <T>(items: readonly T[], count: number): T[] => {
    if (count > items.length) throw new RangeError(`examples().pickDistinct: ${count} asked from a list of ${items.length}`);
    const pool = [...items];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = int(0, i);
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
    }
    return pool.slice(0, count);
  };
  const price = (min = 1, max = 100_000): number => Math.round((min + next() * (max - min)) * 100) / 100;
  const symbol = (): string => `${pick([...LETTERS])}${pick([...LETTERS])}${pick([...LETTERS])}${pick(QUOTES)}`;
  return {
    int,
    pick,
    pickDistinct,
    price,
    prices(count, min = 1, max = 100_000) {
      if (count > Math.floor((max - min) * 100) + 1)
        throw new RangeError(`examples().prices: ${count} distinct prices asked from [${min}, ${max}]`);
      const seen = new Set<number>();
      while (seen.size < count) seen.add(price(min, max));
      return [...seen];
    },
    symbol,
    symbols(count) {
      const seen = new Set<string>();
      while (seen.size < count) seen.add(symbol());
      return [...seen];
    },
    key: (prefix = "user") => `${prefix}:${int(1, 99_999)}`,
  };
}
