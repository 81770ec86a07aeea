import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { functionAt, functionSpans } from "../functions.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("functionSpans", () => {
  it("should find a GenServer module's callbacks and the exported client functions, with their lines", () => {
    const source = readFileSync(join(kitRoot, "solutions", "01-price-cache", "price-cache.ts"), "utf8");
    const spans = functionSpans(source) ?? [];
    expect(spans.map((span) => span.name)).toEqual(["init", "handleCall", "handleCast", "start", "startLink", "get", "put"]);
    const lines = source.split("\n");
    for (const span of spans) {
      expect(lines[span.start - 1], span.name).toContain(span.name);
      expect(span.end).toBeGreaterThan(span.start);
    }
  });

  it("should read arrow functions, function-valued properties, classes and wrapped objects", () => {
    const source = [
      "const get = (key: string): number => {", //             1
      "  return 1;",
      "};",
      "export const Server = {", //                             4
      "  handleCall: (request: unknown) => request,",
      "  async handleInfo() {",
      "    return 1;",
      "  },",
      "} satisfies object;",
      "class Book {", //                                       10
      "  add(price: number): void {",
      "    this.levels.push(price);",
      "  }",
      "  levels: number[] = [];",
      "}",
      "const LIMIT = 5;",
    ].join("\n");
    expect(functionSpans(source)).toEqual([
      { name: "get", start: 1, end: 3 },
      { name: "handleCall", start: 5, end: 5 },
      { name: "handleInfo", start: 6, end: 8 },
      { name: "add", start: 11, end: 13 },
    ]);
  });

  it("should still find the functions of a file with type errors, and give up on one it cannot read at all", () => {
    const spans = functionSpans('export function get(): number {\n  const oops: number = "x";\n  return oops;\n}\n');
    expect(spans).toEqual([{ name: "get", start: 1, end: 4 }]);
    expect(functionSpans("export function (((")).toBeNull();
  });
});

describe("functionAt", () => {
  const spans = [
    { name: "handleCall", start: 5, end: 20 },
    { name: "start", start: 22, end: 24 },
  ];

  it("should name the function a line lies in, and nothing outside them", () => {
    expect(functionAt(spans, 5)).toBe("handleCall");
    expect(functionAt(spans, 20)).toBe("handleCall");
    expect(functionAt(spans, 23)).toBe("start");
    expect(functionAt(spans, 21)).toBeNull();
    expect(functionAt(spans, 1)).toBeNull();
  });
});
