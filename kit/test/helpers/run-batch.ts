/**
 * Child-process entry of the self-test: grades a batch (argv[2], a JSON list of BatchEntry) and writes the
 * reports to argv[3]. A separate process, because a vitest run cannot start another one inside its workers.
 *
 * The seed is the default one, or SELF_CHECK_SEED's (`npm run bench:loaded -- --self-check` draws a fresh one per
 * run): the fixtures, alternatives and hostile implementations must be graded as they are on any seed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED } from "#protocol";
import { type BatchEntry, gradeBatch } from "../../batch.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const [, , manifest = "", out = ""] = process.argv;
const entries = JSON.parse(readFileSync(manifest, "utf8")) as BatchEntry[];
const seed = process.env.SELF_CHECK_SEED === undefined ? DEFAULT_SEED : Number(process.env.SELF_CHECK_SEED);
if (!Number.isSafeInteger(seed) || seed < 0)
  throw new Error(`SELF_CHECK_SEED should be a non-negative integer, got ${process.env.SELF_CHECK_SEED}`);
const reports = await gradeBatch(kitRoot, entries, { seed, lang: "en" });
writeFileSync(out, JSON.stringify(Object.fromEntries(reports)));
// vitest sets a failing exit code when graded tests fail, which is expected here.
process.exitCode = 0;
