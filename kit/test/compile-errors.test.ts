import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as runtime from "#runtime";
import { compilerLine, explainCompileError, RUNTIME_VALUES } from "../compile-errors.ts";
import { MAX_ERRORS, type TypeErrorInfo, typecheck } from "../typecheck.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const solution = readFileSync(join(kitRoot, "solutions", "01-price-cache", "price-cache.ts"), "utf8");
const tmp = mkdtempSync(join(tmpdir(), "compile-errors-"));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The errors of the 01 solution with `edit` applied, as `npm run grade` finds them. */
async function errorsOf(name: string, edit: (source: string) => string): Promise<TypeErrorInfo[]> {
  const dir = join(tmp, name, "01-price-cache");
  mkdirSync(dir, { recursive: true });
  const edited = edit(solution);
  expect(edited, "the edit should change the solution").not.toBe(solution);
  writeFileSync(join(dir, "price-cache.ts"), edited);
  return (await typecheck(kitRoot, join(tmp, name), ["01-price-cache"])).get("01-price-cache") ?? [];
}

describe("explainCompileError", () => {
  // Each case is a mistake learners of this kit make, as the kit's TypeScript reports it.
  it.each([
    {
      mistake: "a forgotten ok() in init",
      edit: (s: string) => s.replace("return ok(new Map());", "return new Map();"),
      explains: /`init` debe devolver `ok\(estado\)`.*then, catch, finally/s,
      says: "El tipo 'Map<any, any>' no se puede asignar al tipo 'InitResult<PriceCacheState, never>'.",
    },
    {
      mistake: "a forgotten noreply() in handleCast",
      edit: (s: string) => s.replace("return noreply(state);", "return state;"),
      explains: /`handleCast` debe devolver `noreply\(estado\)`/,
      says: null,
    },
    {
      mistake: "a bare answer in handleCall",
      edit: (s: string) => s.replace("return reply(state.get(request.symbol), state);", "return state.get(request.symbol);"),
      explains: /`handleCall` debe devolver `reply\(respuesta, estado\)`/,
      says: null,
    },
    {
      mistake: "a cast where a call is needed",
      edit: (s: string) =>
        s.replace('return GenServer.call(server, { type: "get", symbol });', 'return GenServer.cast(server, { type: "get", symbol });'),
      explains: /usa `GenServer\.call\(servidor, petición\)`/,
      says: null,
    },
    {
      mistake: "a call where a cast is needed",
      edit: (s: string) =>
        s.replace(
          'return GenServer.cast(server, { type: "put", symbol, price });',
          'return GenServer.call(server, { type: "put", symbol, price });',
        ),
      explains: /usa `GenServer\.cast\(servidor, mensaje\)`/,
      says: null,
    },
    {
      mistake: "a reply of the wrong type",
      edit: (s: string) => s.replace("reply(state.get(request.symbol), state)", "reply(String(state.get(request.symbol)), state)"),
      explains: /Aquí respondes `string` donde se espera `number`/,
      says: "El tipo 'string' no se puede asignar al tipo 'number'.",
    },
    {
      mistake: "a runtime helper not imported",
      edit: (s: string) => s.replace("  ok,\n", ""),
      explains: /Falta importar `ok` de `#runtime`/,
      says: "No existe el nombre 'ok'.",
    },
    {
      mistake: "a syntax error",
      edit: (s: string) => s.replace("return noreply(state);", "return noreply(state;"),
      explains: /Es un error de sintaxis/,
      says: "Se esperaba ')'.",
    },
  ])("should explain $mistake", async ({ mistake, edit, explains, says }) => {
    const errors = await errorsOf(mistake.replaceAll(" ", "-"), edit);
    const first = errors[0];
    expect(first, mistake).toBeDefined();
    if (first === undefined) return;
    expect(first.file).toMatch(/price-cache\.ts$/);
    expect(first.source?.trim().length).toBeGreaterThan(0);
    expect(first.kind).toBe(mistake === "a syntax error" ? "syntax" : "type");
    expect(explainCompileError(first)?.es).toMatch(explains);
    expect(explainCompileError(first)?.en.length).toBeGreaterThan(0);
    if (says !== null) expect(compilerLine(first, "es")).toBe(says);
    expect(compilerLine(first, "en")).not.toMatch(/then, catch, finally/);
  });

  it("should leave an error it does not know unexplained", () => {
    const error: TypeErrorInfo = { file: "x.ts", line: 1, column: 1, message: "Something else.", code: "TS9999", kind: "type" };
    expect(explainCompileError(error)).toBeNull();
    expect(compilerLine(error, "es")).toBe("Something else.");
  });
});

describe("typecheck", () => {
  it("should keep every error of a file, up to its cap, each with its line of source", async () => {
    const errors = await errorsOf(
      "many",
      (s) => `${s}\n${Array.from({ length: 60 }, (_, i) => `export const n${i}: number = "${i}";`).join("\n")}\n`,
    );
    expect(errors).toHaveLength(MAX_ERRORS);
    expect(errors[1]?.source).toBe('export const n1: number = "1";');
    expect(errors.every((error) => error.code === "TS2322")).toBe(true);
  });
});

describe("RUNTIME_VALUES", () => {
  it("should name only what #runtime exports", () => {
    for (const name of RUNTIME_VALUES) expect(runtime, name).toHaveProperty(name);
  });
});
