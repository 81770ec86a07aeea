import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { beamVersion, runBeamPrimitives } from "../beam.ts";

// A stand-in `elixir` first on the PATH answers what each test needs, so these tests mean the same with or
// without a BEAM installed. The real script runs in run.test.ts whenever elixir is there.
let dir = "";
let path: string | undefined;

function fakeElixir(banner: string, output: string): void {
  const script = join(dir, "elixir");
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  writeFileSync(
    script,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then printf '%s\\n' ${quote(banner)}; exit 0; fi\nprintf '%s\\n' ${quote(output)}\n`,
  );
  chmodSync(script, 0o755);
}

const BANNER = "Erlang/OTP 25 [erts-13.1.5] [source] [64-bit]\n\nElixir 1.14.0 (compiled with Erlang/OTP 24)";
const LINE = JSON.stringify({
  group: "primitives",
  figure: "call_roundtrip",
  implementation: "beam",
  description: "200 k sequential GenServer.call round trips",
  opsPerSec: { median: 800_000, min: 600_000, max: 900_000 },
  runs: 7,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fake-elixir-"));
  path = process.env.PATH;
  process.env.PATH = dir;
});

afterEach(() => {
  process.env.PATH = path;
  rmSync(dir, { recursive: true, force: true });
});

describe("beamVersion", () => {
  it("should name the Elixir release and the OTP that runs it, not the one it was compiled with", () => {
    fakeElixir(BANNER, "");

    expect(beamVersion()).toBe("Elixir 1.14.0 (OTP 25)");
  });

  it("should be null when elixir is not on the PATH", () => {
    expect(beamVersion()).toBeNull();
  });
});

describe("runBeamPrimitives", () => {
  it("should read one Measurement a line", () => {
    fakeElixir(BANNER, `${LINE}\n${LINE.replace("call_roundtrip", "cast_then_sync")}`);

    const measurements = runBeamPrimitives({ quick: true, runs: 1, warmup: 0 });

    expect(measurements.map((m) => m.figure)).toEqual(["call_roundtrip", "cast_then_sync"]);
    expect(measurements[0]).toMatchObject({ group: "primitives", implementation: "beam", opsPerSec: { median: 800_000 } });
  });

  it("should name the line that is not a Measurement", () => {
    fakeElixir(BANNER, `${LINE}\n${LINE.replace('"beam"', '"erlang"')}`);

    expect(() => runBeamPrimitives({ quick: true, runs: 1, warmup: 0 })).toThrow(/line 2 .*implementation/);
  });

  it("should fail when the script prints nothing", () => {
    fakeElixir(BANNER, "");

    expect(() => runBeamPrimitives({ quick: true, runs: 1, warmup: 0 })).toThrow(/printed no Measurement/);
  });
});
