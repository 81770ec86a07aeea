/**
 * Child-process entry of the self-test: grades a batch (argv[2], a JSON list of BatchEntry) and writes the
 * reports to argv[3]. A separate process, because a vitest run cannot start another one inside its workers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED } from "#protocol";
import { type BatchEntry, gradeBatch } from "../../batch.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const [, , manifest = "", out = ""] = process.argv;
const entries = JSON.parse(readFileSync(manifest, "utf8")) as BatchEntry[];
const reports = await gradeBatch(kitRoot, entries, { seed: DEFAULT_SEED, lang: "en" });
writeFileSync(out, JSON.stringify(Object.fromEntries(reports)));
// vitest sets a failing exit code when graded tests fail, which is expected here.
process.exitCode = 0;
