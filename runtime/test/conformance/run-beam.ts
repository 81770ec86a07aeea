/**
 * `npm run conformance:beam [-- [--case NAME] [FILE…]]`: runs the Elixir snippets of `beam/` on the BEAM and checks
 * that every case prints the value its table (`<file>.expected.ts`) holds, the value the TypeScript port asserts.
 * It is how anyone can see that an expected value is what OTP does. FILE narrows the run to tables whose upstream
 * file name contains it (`registry_test`); `--case` to one case. The vitest suite never needs Elixir; this does.
 * Exit code: 0 when every case agrees, 1 when one differs, is missing or crashed, 2 when elixir does not run.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CHAPTER_RETURN_VALUES } from "./chapter-return-values.expected.ts";
import { DYNAMIC_SUPERVISOR_TEST } from "./dynamic-supervisor.expected.ts";
import { GEN_SERVER_TEST } from "./gen-server.expected.ts";
import { OTP_DOCS } from "./otp-docs.expected.ts";
import { REGISTRY_TEST } from "./registry.expected.ts";
import { SUPERVISOR_TEST } from "./supervisor.expected.ts";
import { type CaseTable, ELIXIR_VERSION, type Json } from "./table.ts";

const TABLES: readonly CaseTable[] = [
  GEN_SERVER_TEST,
  REGISTRY_TEST,
  SUPERVISOR_TEST,
  DYNAMIC_SUPERVISOR_TEST,
  CHAPTER_RETURN_VALUES,
  OTP_DOCS,
];

// Far above the slowest file (a few seconds): it only keeps a hung BEAM from hanging the script.
const FILE_TIMEOUT_MS = 120_000;

/** One line the snippets print (beam/support.exs). */
type Printed = { readonly case: string; readonly value: Json } | { readonly case: string; readonly error: string };

/** JSON with object keys sorted, so that two equal values print the same. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as { readonly [key: string]: Json })[key] as Json)}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value);
}

function parseLine(line: string): Printed | null {
  if (!line.startsWith('{"case":')) return null;
  const parsed = JSON.parse(line) as Partial<Record<"case" | "value" | "error", unknown>>;
  if (typeof parsed.case !== "string") return null;
  if (typeof parsed.error === "string") return { case: parsed.case, error: parsed.error };
  return { case: parsed.case, value: (parsed.value ?? null) as Json };
}

function elixirVersion(): string | null {
  const result = spawnSync("elixir", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 15_000 });
  if (result.error !== undefined || result.status !== 0) return null;
  const elixir = /^Elixir (\S+)/m.exec(result.stdout)?.[1];
  const otp = /^Erlang\/OTP (\d+)/m.exec(result.stdout)?.[1];
  return elixir === undefined ? null : `${elixir} (OTP ${otp ?? "?"})`;
}

interface Verdict {
  readonly agree: number;
  readonly problems: readonly string[];
}

/** Runs one snippet file and compares what it printed with the table. */
function check(table: CaseTable, only: string | undefined): Verdict {
  const script = fileURLToPath(new URL(`./beam/${table.snippets}`, import.meta.url));
  const result = spawnSync("elixir", [script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: FILE_TIMEOUT_MS,
    env: { ...process.env, CONFORMANCE_ONLY: only ?? "" },
  });
  if (result.error !== undefined || result.status !== 0) {
    return { agree: 0, problems: [`elixir ${table.snippets} failed (${String(result.error ?? result.status)}):\n${result.stderr}`] };
  }
  const printed = new Map<string, Printed>();
  for (const line of result.stdout.split("\n")) {
    const parsed = parseLine(line.trim());
    if (parsed !== null) printed.set(parsed.case, parsed);
  }
  const problems: string[] = [];
  let agree = 0;
  for (const [name, expected] of Object.entries(table.cases)) {
    if (only !== undefined && name !== only) continue;
    const beam = printed.get(name);
    if (beam === undefined) problems.push(`${name}: no snippet printed this case`);
    else if ("error" in beam) problems.push(`${name}: the snippet failed: ${beam.error}`);
    else if (canonical(beam.value) !== canonical(expected))
      problems.push(`${name}:\n    table: ${canonical(expected)}\n    BEAM:  ${canonical(beam.value)}`);
    else agree++;
  }
  for (const [name, beam] of printed) {
    if (Object.hasOwn(table.cases, name)) continue;
    const value = "error" in beam ? `the snippet failed: ${beam.error}` : `BEAM: ${canonical(beam.value)}`;
    problems.push(`${name}: printed by the snippets but not in the table (${value})`);
  }
  return { agree, problems };
}

function main(): number {
  const { values, positionals } = parseArgs({ options: { case: { type: "string" } }, allowPositionals: true });
  const version = elixirVersion();
  if (version === null) {
    console.error("conformance:beam: elixir is not on the PATH or does not run (apt-get install elixir)");
    return 2;
  }
  console.log(`Elixir ${version}; the tables hold what Elixir ${ELIXIR_VERSION} gives.`);
  const tables = TABLES.filter((table) => positionals.length === 0 || positionals.some((filter) => table.upstream.includes(filter)));
  if (tables.length === 0) {
    console.error(`conformance:beam: no table's upstream file matches ${positionals.join(", ")}`);
    return 2;
  }
  let failed = false;
  for (const table of tables) {
    const verdict = check(table, values.case);
    const total = values.case === undefined ? Object.keys(table.cases).length : Number(Object.hasOwn(table.cases, values.case));
    console.log(`${table.upstream}: ${verdict.agree} of ${total} cases agree with the BEAM`);
    for (const problem of verdict.problems) console.log(`  ${problem}`);
    if (verdict.problems.length > 0) failed = true;
  }
  return failed ? 1 : 0;
}

process.exitCode = main();
