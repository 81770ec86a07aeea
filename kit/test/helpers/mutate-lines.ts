/**
 * Child-process entry of the mutation test: mutates lines argv[3] (`from-to`) of solution file argv[2]
 * (`solutions/<id>/<file>.ts`), writes the reports to folder argv[4] and the summary to argv[4]/summary.json. A
 * separate process, because Stryker loads the kit's plugins, written in TypeScript, with Node's own import, which
 * a vitest worker does not extend to TypeScript as `node --import tsx` does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mutateExercise, parseArgs } from "../../mutation/run.ts";

const [, , file = "", lines = "", out = ""] = process.argv;
const id = file.split("/")[1] ?? "";
const tempDir = mkdtempSync(join(tmpdir(), "kit-mutation-sandboxes-"));
try {
  const summary = await mutateExercise(
    id,
    { ...parseArgs([id]), concurrency: 1 },
    { mutate: [`${file}:${lines}`], reportsDir: out, tempDir },
  );
  writeFileSync(join(out, "summary.json"), JSON.stringify(summary));
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}
