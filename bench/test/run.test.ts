import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchRun } from "../measurement.ts";

const script = fileURLToPath(new URL("../run.ts", import.meta.url));

// The quick mode runs every bench on tiny sizes: its figures mean nothing, but every line of the benchmark code
// runs, each implementation's answers are checked against the others', and the report is written.
describe("npm run bench -- --quick", () => {
  let dir = "";
  let run: BenchRun;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "bench-"));
    const stdout = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", script, "--quick", "--json", "--report", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    run = JSON.parse(stdout) as BenchRun;
  }, 90_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should measure every implementation of every group", () => {
    const seen = new Set(run.measurements.map((m) => `${m.group}/${m.implementation}`));
    for (const expected of [
      "primitives/bare_promise",
      "primitives/runtime",
      "rate_limiter/genserver",
      "rate_limiter/plain",
      "rate_limiter/rate-limiter-flexible",
      "order_book/genserver",
      "order_book/plain",
      "order_book/nodejs-order-book",
      "order_book_scaling/plain",
      "order_book_scaling/nodejs-order-book",
      "rate_limiter_scaling/plain",
      "rate_limiter_scaling/rate-limiter-flexible",
    ]) {
      expect(seen, expected).toContain(expected);
    }
    expect(run.mode).toBe("quick");
  });

  it("should report positive rates with a spread around the median", () => {
    for (const m of run.measurements) {
      expect(m.opsPerSec.median, `${m.group}/${m.figure}/${m.implementation}`).toBeGreaterThan(0);
      expect(m.opsPerSec.min).toBeLessThanOrEqual(m.opsPerSec.median);
      expect(m.opsPerSec.max).toBeGreaterThanOrEqual(m.opsPerSec.median);
    }
  });

  it("should report the memory of servers, resting orders and tracked keys", () => {
    const bytes = (group: string, key: string) => run.measurements.filter((m) => m.group === group && m.bytes?.[key] !== undefined);
    expect(bytes("primitives", "per_server").length).toBeGreaterThan(0);
    expect(bytes("order_book_scaling", "per_order").length).toBeGreaterThan(0);
    expect(bytes("rate_limiter_scaling", "per_key").length).toBeGreaterThan(0);
    expect(bytes("rate_limiter_scaling", "after_cleanup_per_key").length).toBeGreaterThan(0);
  });

  it("should run the primitives on the BEAM, or say why not", () => {
    const beam = run.measurements.filter((m) => m.implementation === "beam");
    if (run.machine.beam === null) {
      expect(beam).toHaveLength(0);
      expect(run.skipped.beam).toBe("elixir is not on the PATH");
    } else {
      expect(beam.map((m) => m.figure).sort()).toEqual(["call_roundtrip", "call_via_registry", "cast_then_sync", "start_server"]);
    }
  });

  it("should write the report in both languages with its charts", () => {
    for (const file of [
      "README.md",
      "README.en.md",
      "primitives.svg",
      "rate-limiter.svg",
      "order-book.svg",
      "order-book-scaling.svg",
      "rate-limiter-scaling.svg",
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(join(dir, "README.en.md"), "utf8")).toContain("quick mode");
  });
});
