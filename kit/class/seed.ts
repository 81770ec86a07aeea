import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshSeed } from "#protocol";
import { ClassError } from "./class-error.ts";

/**
 * The seed of a class's random tests and example values. A submission must not know it in advance, so the first
 * run into an out folder draws a fresh one and stores it in `<out>/seed`; later runs reuse it (their cached results
 * stay valid), and `--seed N` replaces it (the shards of one class are given the same one).
 */
export function classSeed(out: string, given: number | null): number {
  const file = join(out, "seed");
  mkdirSync(out, { recursive: true });
  if (given !== null) {
    writeFileSync(file, `${given}\n`);
    return given;
  }
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8").trim();
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
      throw new ClassError({
        es: `${file} no tiene una semilla válida («${text.slice(0, 40)}»): bórralo para sortear una nueva, o usa --seed N.`,
        en: `${file} does not hold a valid seed ("${text.slice(0, 40)}"): delete it to draw a new one, or use --seed N.`,
      });
    return Number(text);
  }
  const seed = freshSeed();
  writeFileSync(file, `${seed}\n`);
  return seed;
}
