import type { Text } from "#protocol";
import { priceCache } from "./catalog/01-price-cache.ts";
import { priceMonitor } from "./catalog/02-price-monitor.ts";
import { priceWorker } from "./catalog/03-price-worker.ts";
import { priceFeedHandler } from "./catalog/04-price-feed-handler.ts";
import { rateLimiter } from "./catalog/05-rate-limiter.ts";
import { orderBook } from "./catalog/06-order-book.ts";

/**
 * A numbered task of an exercise statement, the points it is worth and its hints, from the first nudge to the
 * most concrete (`npm run hint` gives them one at a time).
 */
export interface CatalogTask {
  readonly n: number;
  readonly title: Text;
  readonly points: number;
  /**
   * The functions and methods of the exercise's file (as the stub names them) that this task's tests run. A type
   * error inside one of them costs this task its points; one outside them all (at module level, or in a function
   * of the learner's own) costs every task. Every function where the stub has a `TODO(task N)` is among task N's
   * (kit/test/catalog.test.ts). Optional so that a test can build a bare task: without it, any type error costs it.
   */
  readonly uses?: readonly string[];
  /** Every task of the catalog has some (kit/test/catalog.test.ts); optional so that a test can build a bare task. */
  readonly hints?: readonly Text[];
}

/**
 * One exercise: its folder id (course order), its title, its main file and its tasks (points summing to 100). Each
 * lives in kit/catalog/<id>.ts, the one place its title, tasks, points and hints are written: the statements'
 * task headings are generated from it (`npm run statements`).
 */
export interface CatalogExercise {
  readonly id: string;
  readonly title: Text;
  readonly file: string;
  readonly tasks: readonly CatalogTask[];
}

/** The one catalog of the kit's exercises, in course order. */
export const catalog: readonly CatalogExercise[] = [priceCache, priceMonitor, priceWorker, priceFeedHandler, rateLimiter, orderBook];

export function findExercise(id: string): CatalogExercise | undefined {
  return catalog.find((exercise) => exercise.id === id);
}

/**
 * The exercise an argument names: its id (`05-rate-limiter`), its number (`05`, `5`) or its name
 * (`rate-limiter`), as a learner types it.
 */
export function resolveExercise(arg: string): CatalogExercise | undefined {
  const exact = findExercise(arg);
  if (exact !== undefined) return exact;
  if (/^\d{1,3}$/.test(arg)) return catalog.find((exercise) => Number(/^\d+/.exec(exercise.id)?.[0]) === Number(arg));
  return catalog.find((exercise) => exercise.id.replace(/^\d+-/, "") === arg);
}
