/**
 * The BEAM side of the primitives figures: `bench/beam/primitives.exs` runs the loops of `bench/runtime.ts` in Elixir,
 * the reference the runtime is measured against. Elixir is optional: machines without it (CI among them) report
 * the BEAM part as skipped rather than failing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Group, Implementation, Measurement, Spread } from "./measurement.ts";

const SCRIPT = fileURLToPath(new URL("./beam/primitives.exs", import.meta.url));

// The BEAM boots in well under a second; the limit only keeps a broken install from hanging the bench.
const VERSION_TIMEOUT_MS = 15_000;

/**
 * "Elixir 1.14.0 (OTP 25)", or null when `elixir` is not on the PATH or does not run. Never throws.
 *
 * @example
 * const beam = beamVersion(); // "Elixir 1.14.0 (OTP 25)" or null
 */
export function beamVersion(): string | null {
  const result = spawnSync("elixir", ["--version"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: VERSION_TIMEOUT_MS,
  });
  if (result.error !== undefined || result.status !== 0 || typeof result.stdout !== "string") return null;
  const elixir = /^Elixir (\S+)/m.exec(result.stdout)?.[1];
  if (elixir === undefined) return null;
  // The OTP that runs the code is the banner's; Elixir's own line names the OTP it was compiled with, which may
  // be older (Debian's 1.14.0 says "compiled with Erlang/OTP 24" under OTP 25).
  const otp = /^Erlang\/OTP (\d+)/m.exec(result.stdout)?.[1];
  return otp === undefined ? `Elixir ${elixir}` : `Elixir ${elixir} (OTP ${otp})`;
}

export interface BeamOptions {
  /** Measured runs per figure. */
  readonly runs: number;
  /** Runs before the measured ones, not reported. */
  readonly warmup: number;
  /** Every count shrunk 100-fold: proves the script works, its figures mean nothing. */
  readonly quick: boolean;
}

/**
 * Runs `bench/beam/primitives.exs` and returns its figures, checked to be `Measurement`s. Call it only when
 * `beamVersion()` is not null. Throws when elixir fails or prints a line that is not a `Measurement`; the script's
 * stderr goes to this process's stderr.
 *
 * @example
 * const beam = beamVersion() === null ? [] : runBeamPrimitives({ runs: 7, warmup: 3, quick: false });
 */
export function runBeamPrimitives(options: BeamOptions): readonly Measurement[] {
  const args = [SCRIPT, "--runs", String(options.runs), "--warmup", String(options.warmup), ...(options.quick ? ["--quick"] : [])];
  let output: string;
  try {
    output = execFileSync("elixir", args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  } catch (error) {
    throw new Error(`runBeamPrimitives: elixir ${args.join(" ")} failed`, { cause: error });
  }
  const measurements = output
    .split("\n")
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, number }) => parseMeasurement(line, number));
  // An empty report would read as "nothing to compare with" rather than as the failure it is.
  if (measurements.length === 0) throw new Error(`runBeamPrimitives: elixir ${args.join(" ")} printed no Measurement`);
  return measurements;
}

// Records with every member of the unions as keys: the compiler says when measurement.ts grows a member.
const GROUPS: Readonly<Record<Group, true>> = {
  primitives: true,
  rate_limiter: true,
  order_book: true,
  order_book_scaling: true,
  rate_limiter_scaling: true,
};
const IMPLEMENTATIONS: Readonly<Record<Implementation, true>> = {
  bare_promise: true,
  runtime: true,
  beam: true,
  genserver: true,
  plain: true,
  "rate-limiter-flexible": true,
  "nodejs-order-book": true,
};

function isGroup(value: unknown): value is Group {
  return typeof value === "string" && Object.hasOwn(GROUPS, value);
}

function isImplementation(value: unknown): value is Implementation {
  return typeof value === "string" && Object.hasOwn(IMPLEMENTATIONS, value);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A fresh `Measurement` with only the known fields, or an error that quotes the line and says what is wrong. */
function parseMeasurement(line: string, number: number): Measurement {
  const invalid = (why: string): Error =>
    new Error(`runBeamPrimitives: line ${number} of the output is not a Measurement (${why}): ${line}`);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw invalid("not JSON");
  }
  if (!isRecord(value)) throw invalid("not an object");
  const { group, figure, implementation, description, opsPerSec, runs, size, bytes, target } = value;
  if (!isGroup(group)) throw invalid("group should be one of the report's tables");
  if (typeof figure !== "string" || figure === "") throw invalid("figure should be a non-empty string");
  if (!isImplementation(implementation)) throw invalid("implementation should be one of bench/measurement.ts");
  if (typeof description !== "string") throw invalid("description should be a string");
  if (!isRecord(opsPerSec)) throw invalid("opsPerSec should be an object");
  const { median, min, max } = opsPerSec;
  if (!isFiniteNumber(median) || !isFiniteNumber(min) || !isFiniteNumber(max))
    throw invalid("opsPerSec should have a numeric median, min and max");
  const spread: Spread = { median, min, max };
  if (typeof runs !== "number" || !Number.isSafeInteger(runs) || runs < 1) throw invalid("runs should be a positive integer");
  if (size !== undefined && !isFiniteNumber(size)) throw invalid("size should be a number");
  if (target !== undefined && !isFiniteNumber(target)) throw invalid("target should be a number");
  let counts: Readonly<Record<string, number>> | undefined;
  if (bytes !== undefined) {
    if (!isRecord(bytes)) throw invalid("bytes should be an object");
    const entries = Object.entries(bytes);
    const numeric = entries.filter((entry): entry is [string, number] => isFiniteNumber(entry[1]));
    if (numeric.length !== entries.length) throw invalid("bytes should map names to numbers");
    counts = Object.fromEntries(numeric);
  }
  return {
    group,
    figure,
    implementation,
    description,
    opsPerSec: spread,
    runs,
    ...(size === undefined ? {} : { size }),
    ...(counts === undefined ? {} : { bytes: counts }),
    ...(target === undefined ? {} : { target }),
  };
}
