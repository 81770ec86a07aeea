/**
 * `npm run statements`: writes each statement's task headings and hint pointers from the catalog
 * (kit/catalog/<id>.ts), so that a task's title, points and hints are written in one place.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { catalog } from "./catalog.ts";
import { parseCommand } from "./cli/args.ts";
import { statementsCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";
import { statementPath, syncStatement } from "./statement.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

await runCommand(statementsCommand, async () => {
  const parsed = parseCommand(statementsCommand, process.argv.slice(2));
  if (parsed.help) return { help: parsed.lang };
  let changed = 0;
  for (const exercise of catalog)
    for (const lang of ["es", "en"] as const) {
      const path = statementPath(kitRoot, exercise.id, lang);
      const before = readFileSync(path, "utf8");
      const after = syncStatement(before, exercise, lang);
      if (after !== before) {
        writeFileSync(path, after);
        changed++;
      }
    }
  console.log(parsed.lang === "es" ? `Enunciados reescritos: ${changed}` : `Statements rewritten: ${changed}`);
  return 0;
});
