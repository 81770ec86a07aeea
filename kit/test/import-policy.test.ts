import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importPolicy } from "../import-policy.ts";

const kitRoot = join("/", "kit");
const impl = join("/", "learner", "exercises");
const file = join(impl, "05-rate-limiter", "rate-limiter.ts");
const policy = importPolicy({ kitRoot, implDirs: [impl], lang: "en" });

describe("importPolicy", () => {
  it("should treat only files under an implementation folder as implementation code", () => {
    expect(policy.rootOf(file)).toBe(impl);
    expect(policy.rootOf(`${file}?v=1`)).toBe(impl);
    expect(policy.rootOf(join(kitRoot, "graders", "05-rate-limiter", "rate-limiter.test.ts"))).toBeUndefined();
    expect(policy.rootOf(join("/", "elsewhere", "x.ts"))).toBeUndefined();
  });

  it.each([
    "#runtime",
    join(kitRoot, "runtime", "index.ts"),
    "node:fs",
    "fs",
    "node:crypto",
    "./windows.ts",
    "../05-rate-limiter/helpers.ts",
  ])("should allow %s", (source) => {
    expect(policy.refusal(source, file, impl)).toBeNull();
  });

  it.each([
    "vitest",
    "@vitest/runner",
    "fast-check",
    "#grading",
    "node:vm",
    "node:worker_threads",
    "child_process",
    "node:module",
    "../../solutions/05-rate-limiter/rate-limiter.ts",
    join(kitRoot, "kit", "worker", "context.ts"),
  ])("should refuse %s, naming it", (source) => {
    expect(policy.refusal(source, file, impl)).toContain(`"${source}"`);
  });

  it("should find every import of a source file, static, re-exported and dynamic, with its line", () => {
    expect(() => policy.checkSource('import { GenServer } from "#runtime";\nimport type { X } from "vitest";\n', file, impl)).not.toThrow();
    expect(() => policy.checkSource('const a = 1;\nexport * from "vitest";\n', file, impl)).toThrow(
      /rate-limiter\.ts:2: Your code imports "vitest"/,
    );
    expect(() => policy.checkSource('async function f() {\n  await import("node:child_process");\n}\n', file, impl)).toThrow(
      /:2: .*"node:child_process"/,
    );
    expect(() => policy.checkSource("const m = 'vi' + 'test';\nvoid import(m);\n", file, impl)).toThrow(/computed path/);
  });

  it("should speak Spanish when asked", () => {
    const es = importPolicy({ kitRoot, implDirs: [impl], lang: "es" });
    expect(es.refusal("vitest", file, impl)).toMatch(/^Tu código importa "vitest"/);
  });
});
