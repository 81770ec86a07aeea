import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BenchRun, Group, Implementation, Measurement } from "../measurement.ts";
import { renderReport, writeReport } from "../report.ts";

interface Extra {
  readonly size?: number;
  readonly bytes?: Readonly<Record<string, number>>;
  readonly target?: number;
}

/** A measurement whose slowest and fastest runs sit 5 % under and 4 % over the median. */
function m(group: Group, figure: string, implementation: Implementation, median: number, extra: Extra = {}): Measurement {
  return {
    group,
    figure,
    implementation,
    description: `${figure} by ${implementation}`,
    opsPerSec: { median, min: Math.round(median * 0.95), max: Math.round(median * 1.04) },
    runs: 7,
    ...extra,
  };
}

/** ns/op → ops/s, so scaling figures read as the times they stand for. */
const ns = (nanoseconds: number): number => 1e9 / nanoseconds;

const machine = {
  date: "2025-06-01T12:00:00Z",
  cpu: "AMD EPYC 7763 64-Core Processor",
  cores: 4,
  memoryGiB: 15.6,
  os: "Linux 6.8.0 x64",
  node: "v22.16.0",
  beam: "Elixir 1.14.0 (OTP 25)",
} as const;

function fullRun(): BenchRun {
  return {
    machine,
    mode: "full",
    warmup: 3,
    skipped: {},
    measurements: [
      m("primitives", "call_roundtrip", "bare_promise", 5_500_000),
      m("primitives", "call_roundtrip", "runtime", 2_310_000, { target: 2_500_000 }),
      m("primitives", "call_roundtrip", "beam", 1_900_000),
      m("primitives", "cast_then_sync", "runtime", 6_200_000, { target: 5_000_000 }),
      m("primitives", "cast_then_sync", "beam", 4_100_000),
      m("primitives", "call_via_registry", "runtime", 1_800_000),
      m("primitives", "call_via_registry", "beam", 1_500_000),
      m("primitives", "start_server", "runtime", 310_000, { bytes: { per_server: 1_180 } }),
      m("primitives", "start_server", "beam", 420_000, { bytes: { per_server: 2_800 } }),
      m("rate_limiter", "checks", "genserver", 2_100_000, { target: 2_500_000 }),
      m("rate_limiter", "checks", "plain", 9_860_000),
      m("rate_limiter", "checks", "rate-limiter-flexible", 2_900_000),
      m("order_book", "workload", "genserver", 1_600_000),
      m("order_book", "workload", "plain", 8_400_000, { target: 8_000_000 }),
      m("order_book", "workload", "nodejs-order-book", 900_000),
      ...[
        [1_000, 95, 480, 900],
        [10_000, 110, 500, 1_020],
        [100_000, 128, 530, 1_200],
        [1_000_000, 160, 560, 1_400],
      ].flatMap(([size = 0, plain = 0, genserver = 0, book = 0]) => [
        m("order_book_scaling", "at_size", "plain", ns(plain), { size, bytes: { per_order: 120 } }),
        m("order_book_scaling", "at_size", "genserver", ns(genserver), { size, bytes: { per_order: 124 } }),
        m("order_book_scaling", "at_size", "nodejs-order-book", ns(book), { size, bytes: { per_order: 410 } }),
      ]),
      ...[
        [1_000, 70, 400, 320, 0],
        [100_000, 85, 430, 360, 1],
        [1_000_000, 140, 520, 600, 5],
      ].flatMap(([size = 0, plain = 0, genserver = 0, flexible = 0, left = 0]) => [
        m("rate_limiter_scaling", "at_size", "plain", ns(plain), { size, bytes: { per_key: 180, after_cleanup_per_key: 0 } }),
        m("rate_limiter_scaling", "at_size", "genserver", ns(genserver), { size, bytes: { per_key: 182, after_cleanup_per_key: 1 } }),
        m("rate_limiter_scaling", "at_size", "rate-limiter-flexible", ns(flexible), {
          size,
          bytes: { per_key: 310, after_cleanup_per_key: left },
        }),
      ]),
    ],
  };
}

/** No BEAM, a slower plain book, no rate limiter at all, one book size only, and a figure the report does not know. */
function partialRun(): BenchRun {
  const keep = fullRun().measurements.filter(
    (x) =>
      x.implementation !== "beam" &&
      x.group !== "rate_limiter" &&
      x.group !== "rate_limiter_scaling" &&
      !(x.group === "order_book" && x.implementation === "plain") &&
      !(x.group === "order_book_scaling" && x.size !== 1_000),
  );
  return {
    machine: { ...machine, beam: null },
    mode: "quick",
    warmup: 1,
    skipped: { beam: "elixir is not on the PATH", rate_limiter: "left out on the command line" },
    measurements: [
      ...keep,
      m("order_book", "workload", "plain", 7_900_000),
      m("primitives", "monitor_roundtrip", "runtime", 1_200_000),
      m("order_book", "replay", "plain", 3_000_000),
    ],
  };
}

function file(files: ReadonlyMap<string, string>, name: string): string {
  const content = files.get(name);
  if (content === undefined) throw new Error(`no ${name} in the report`);
  return content;
}

/** The cells of the rows of the first table after `heading`, header and separator excluded. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no heading ${heading}`);
  const rows: string[][] = [];
  let seen = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("|")) {
      seen = true;
      rows.push(
        line
          .slice(1, -1)
          .split(" | ")
          .map((cell) => cell.trim()),
      );
    } else if (seen) break;
  }
  return rows.slice(2);
}

function goalRow(markdown: string, heading: string, label: string): string[] {
  const row = tableAfter(markdown, heading).find((cells) => cells[0]?.includes(label));
  if (row === undefined) throw new Error(`no goal row ${label}`);
  return row;
}

/** The header rows of every table: the line above each "| --- |" separator. */
function tableHeaders(markdown: string): string[][] {
  const lines = markdown.split("\n");
  return lines.flatMap((line, i) =>
    line.startsWith("| ---")
      ? [
          (lines[i - 1] ?? "")
            .slice(1, -1)
            .split(" | ")
            .map((cell) => cell.trim()),
        ]
      : [],
  );
}

const ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);

function assertEscaped(text: string): void {
  for (let at = text.indexOf("&"); at !== -1; at = text.indexOf("&", at + 1)) {
    const end = text.indexOf(";", at);
    expect(end, `bare & in ${text}`).toBeGreaterThan(at);
    expect(ENTITIES.has(text.slice(at + 1, end)), `unknown entity in ${text}`).toBe(true);
  }
}

/** Tags balanced, one root, attribute values quoted, "&" only in entities: enough for browsers to parse the file. */
function assertWellFormedXml(xml: string): void {
  const open: string[] = [];
  let roots = 0;
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf("<", at);
    assertEscaped(xml.slice(at, lt === -1 ? xml.length : lt));
    if (lt === -1) break;
    if (open.length === 0) expect(xml.slice(at, lt).trim()).toBe("");
    let end = lt + 1;
    let quote = "";
    for (; end < xml.length; end++) {
      const char = xml[end];
      if (quote !== "") {
        if (char === quote) quote = "";
        else expect(char, "a < inside an attribute").not.toBe("<");
      } else if (char === '"' || char === "'") quote = char;
      else if (char === ">") break;
    }
    expect(end, "an unterminated tag").toBeLessThan(xml.length);
    const inner = xml.slice(lt + 1, end);
    assertEscaped(inner);
    if (inner.startsWith("/")) {
      expect(open.pop()).toBe(inner.slice(1).trim());
    } else {
      let nameEnd = 0;
      while (nameEnd < inner.length && !" \n\t/".includes(inner[nameEnd] ?? " ")) nameEnd++;
      if (open.length === 0) roots++;
      if (!inner.endsWith("/")) open.push(inner.slice(0, nameEnd));
    }
    at = end + 1;
  }
  expect(open).toEqual([]);
  expect(roots).toBe(1);
}

const CHARTS = ["primitives.svg", "rate-limiter.svg", "order-book.svg", "order-book-scaling.svg", "rate-limiter-scaling.svg"];

describe("renderReport", () => {
  it("should render both READMEs and the five charts", () => {
    expect([...renderReport(fullRun()).keys()].sort()).toEqual(["README.en.md", "README.md", ...CHARTS].sort());
  });

  it("should render the same bytes for the same run", () => {
    const first = renderReport(fullRun());
    const second = renderReport(JSON.parse(JSON.stringify(fullRun())) as BenchRun);
    expect([...second]).toEqual([...first]);
  });

  it("should link each README to the other and to every chart", () => {
    const files = renderReport(fullRun());
    expect(file(files, "README.md")).toContain("](README.en.md)");
    expect(file(files, "README.en.md")).toContain("](README.md)");
    for (const chart of CHARTS) {
      expect(file(files, "README.md")).toContain(`](${chart})`);
      expect(file(files, "README.en.md")).toContain(`](${chart})`);
    }
  });

  it("should leave no English table header in README.md", () => {
    const english = ["figure", "goal", "measured", "required", "verdict", "implementation", "spread", "field", "value"];
    const englishToo = ["growth", "resting", "order", "keys", "cleanup", "per ", "bare", "promise", "vs ", "size", "checks", "memory"];
    const spanish = tableHeaders(file(renderReport(fullRun()), "README.md")).flat();
    expect(spanish.length).toBeGreaterThan(20);
    const names = ["rate-limiter-flexible", "nodejs-order-book", "genserver", "plain", "runtime", "BEAM"];
    for (const cell of spanish) {
      // Implementation names are the same in both languages.
      const words = names.reduce((text, name) => text.replaceAll(name, ""), cell).toLowerCase();
      for (const word of [...english, ...englishToo]) expect(words).not.toContain(word);
    }
    expect(spanish).toContain("Objetivo");
  });

  it("should keep the same tables in both languages", () => {
    const files = renderReport(fullRun());
    const shape = (markdown: string) => tableHeaders(markdown).map((header) => header.length);
    expect(shape(file(files, "README.md"))).toEqual(shape(file(files, "README.en.md")));
  });
});

describe("renderReport goals", () => {
  it("should report a target met with its margin and a target missed by how much", () => {
    const english = file(renderReport(fullRun()), "README.en.md");
    expect(goalRow(english, "## Goals", "`cast_then_sync` · runtime")).toEqual([
      "Primitives · `cast_then_sync` · runtime",
      "6.20 M/s",
      "≥ 5.00 M/s",
      "✅ met (24 % to spare)",
    ]);
    expect(goalRow(english, "## Goals", "`call_roundtrip` · runtime")).toEqual([
      "Primitives · `call_roundtrip` · runtime",
      "2.31 M/s",
      "≥ 2.50 M/s",
      "❌ missed by 8 %",
    ]);
    expect(goalRow(english, "## Goals", "Rate limiter · `checks` · genserver")[3]).toBe("❌ missed by 16 %");
  });

  it("should scale each goal by the bare mailbox measured beside its figure", () => {
    const run = fullRun();
    const slower = run.measurements.map((x) =>
      x.group === "primitives" && x.figure === "call_roundtrip" && x.implementation === "runtime" ? { ...x, yardstick: 4_400_000 } : x,
    );
    const english = file(renderReport({ ...run, measurements: slower }), "README.en.md");
    expect(english).toContain("That mailbox is measured before each run of a figure");
    expect(goalRow(english, "## Goals", "`call_roundtrip` · runtime").slice(2)).toEqual([
      "≥ 2.00 M/s (2.50 M/s × 0.80, the bare mailbox measured beside the figure)",
      "✅ met (16 % to spare)",
    ]);
    expect(goalRow(english, "## Goals", "`cast_then_sync` · runtime")[2]).toBe("≥ 5.00 M/s");
    expect(tableAfter(english, "## Goals").some((row) => row[0]?.includes("bare_promise"))).toBe(false);
  });

  it("should report the plain order book as met at 8.4 M/s and missed by 1 % at 7.9 M/s", () => {
    const met = goalRow(file(renderReport(fullRun()), "README.en.md"), "## Goals", "Order book · `workload` · plain");
    expect(met).toEqual(["Order book · `workload` · plain", "8.40 M/s", "≥ 8.00 M/s", "✅ met (5 % to spare)"]);
    const missed = goalRow(file(renderReport(partialRun()), "README.en.md"), "## Goals", "Order book · `workload` · plain");
    expect(missed).toEqual(["Order book · `workload` · plain", "7.90 M/s", "≥ 8.00 M/s", "❌ missed by 1 %"]);
    const spanish = goalRow(file(renderReport(partialRun()), "README.md"), "## Objetivos", "Libro de órdenes · `workload` · plain");
    expect(spanish[3]).toBe("❌ no cumplido: falla por 1 %");
  });

  it("should list the plain order book goal once even when its measurement carries the same target", () => {
    const english = file(renderReport(fullRun()), "README.en.md");
    expect(tableAfter(english, "## Goals").filter((row) => row[0] === "Order book · `workload` · plain")).toHaveLength(1);
  });

  it("should compare the plain rate limiter with rate-limiter-flexible in the same run", () => {
    const row = goalRow(file(renderReport(fullRun()), "README.en.md"), "## Goals", "plain / rate-limiter-flexible");
    expect(row.slice(1)).toEqual(["×3.4", "≥ ×3.0", "✅ met (13 % to spare)"]);
  });

  it("should compare the plain book's growth from 1 k to 1 M with the log n growth", () => {
    const row = goalRow(file(renderReport(fullRun()), "README.en.md"), "## Goals", "Order book scaling · plain");
    expect(row).toEqual(["Order book scaling · plain: ns/op growth, 1 k → 1 M", "×1.68", "≤ ×2.00 (log n)", "✅ met (16 % to spare)"]);
  });

  it("should miss the memory goal of an implementation that keeps bytes after the cleanup", () => {
    const english = file(renderReport(fullRun()), "README.en.md");
    expect(goalRow(english, "## Goals", "Rate limiter scaling · plain")[3]).toBe("✅ met (2 B to spare)");
    expect(goalRow(english, "## Goals", "Rate limiter scaling · genserver")[3]).toBe("✅ met (1 B to spare)");
    expect(goalRow(english, "## Goals", "Rate limiter scaling · rate-limiter-flexible").slice(1)).toEqual([
      "5 B of 310 B per key (1 M)",
      "≤ 1 % of the bytes per key, or ≤ 2 B, at every size from 100 k keys",
      "❌ missed by 1.9 B",
    ]);
  });

  it("should not judge the cleanup at a thousand keys, which weigh no more than the heap's own noise", () => {
    const run = fullRun();
    const noisy = run.measurements.map((x) =>
      x.group === "rate_limiter_scaling" && x.implementation === "genserver" && x.size === 1_000
        ? { ...x, bytes: { per_key: 546, after_cleanup_per_key: 85 } }
        : x,
    );
    const english = file(renderReport({ ...run, measurements: noisy }), "README.en.md");
    expect(goalRow(english, "## Goals", "Rate limiter scaling · genserver")[3]).toBe("✅ met (1 B to spare)");
  });

  it("should say not measured, never ✅, for a goal whose data is missing", () => {
    const english = file(renderReport(partialRun()), "README.en.md");
    for (const label of ["plain / rate-limiter-flexible", "Order book scaling · plain", "Rate limiter scaling"]) {
      const row = goalRow(english, "## Goals", label);
      expect(row[1]).toBe("—");
      expect(row[3]).toBe("not measured");
    }
    expect(goalRow(file(renderReport(partialRun()), "README.md"), "## Objetivos", "plain / rate-limiter-flexible")[3]).toBe("no medido");
  });
});

describe("renderReport tables", () => {
  it("should print each primitive against the BEAM and the bare promise mailbox", () => {
    const rows = tableAfter(file(renderReport(fullRun()), "README.en.md"), "## Runtime primitives");
    expect(rows[0]).toEqual(["`call_roundtrip`", "2.31 (2.19–2.40)", "1.90 (1.80–1.98)", "×1.2", "0.42"]);
    expect(rows[3]).toEqual(["`start_server`", "0.310 (0.294–0.322)", "0.420 (0.399–0.437)", "0.74", "—"]);
  });

  it("should print each implementation's ratio to the npm package", () => {
    const english = file(renderReport(fullRun()), "README.en.md");
    expect(tableAfter(english, "## Rate limiter")).toEqual([
      ["genserver", "2.10", "2.00–2.18", "0.72"],
      ["plain", "9.86", "9.37–10.25", "×3.4"],
      ["rate-limiter-flexible", "2.90", "2.75–3.02", "×1.0"],
    ]);
    expect(tableAfter(english, "## Order book").map((row) => row[3])).toEqual(["×1.8", "×9.3", "×1.0"]);
  });

  it("should print the scaling tables with the growth from the smallest size and the memory per item", () => {
    const english = file(renderReport(fullRun()), "README.en.md");
    expect(tableAfter(english, "### Order book").at(-1)).toEqual([
      "1 M",
      "160 ns (×1.68)",
      "560 ns (×1.17)",
      "1.4 µs (×1.56)",
      "×2.00",
      "120 B",
      "124 B",
      "410 B",
    ]);
    expect(tableAfter(english, "### Rate limiter").at(-1)).toEqual([
      "1 M",
      "140 ns (×2.00)",
      "520 ns (×1.30)",
      "600 ns (×1.88)",
      "180 B → 0 B",
      "182 B → 1 B",
      "310 B → 5 B",
    ]);
  });

  it("should sum up the memory per idle server, per resting order and per key", () => {
    const english = file(renderReport(fullRun()), "README.en.md");
    expect(tableAfter(english, "## Memory")).toEqual([
      ["runtime", "1.2 KB", "—", "—"],
      ["beam", "2.7 KB", "—", "—"],
      ["genserver", "—", "124 B", "182 B"],
      ["plain", "—", "120 B", "180 B"],
      ["rate-limiter-flexible", "—", "—", "310 B"],
      ["nodejs-order-book", "—", "410 B", "—"],
    ]);
  });

  it("should print — for the BEAM and say why each skipped part was left out", () => {
    const files = renderReport(partialRun());
    const rows = tableAfter(file(files, "README.en.md"), "## Runtime primitives");
    expect(rows.map((row) => row[2])).toEqual(["—", "—", "—", "—", "—"]);
    expect(file(files, "README.en.md")).toContain("—: the BEAM was not measured (elixir is not on the PATH).");
    expect(file(files, "README.md")).toContain("—: la BEAM no se midió (elixir is not on the PATH).");
    expect(tableAfter(file(files, "README.en.md"), "## Machine")).toContainEqual(["BEAM", "not installed"]);
    expect(file(files, "README.en.md")).toContain("Not measured:\n\n- `rate_limiter`: left out on the command line\n");
  });

  it("should list figures it does not know and print — for those that are missing", () => {
    const english = file(renderReport(partialRun()), "README.en.md");
    expect(tableAfter(english, "## Runtime primitives").map((row) => row[0])).toContain("`monitor_roundtrip`");
    expect(english).toContain("| `replay` | plain | — | 3.00 (2.85–3.12) |");
    expect(tableAfter(english, "## Rate limiter")).toEqual([
      ["genserver", "—", "—", "—"],
      ["plain", "—", "—", "—"],
      ["rate-limiter-flexible", "—", "—", "—"],
    ]);
  });

  it("should warn in bold that quick-mode figures mean nothing, and only then", () => {
    expect(file(renderReport(partialRun()), "README.en.md")).toContain("**These figures come from the quick mode");
    expect(file(renderReport(partialRun()), "README.md")).toContain("**Estas cifras vienen del modo rápido");
    expect(file(renderReport(fullRun()), "README.en.md")).not.toContain("quick mode");
  });
});

describe("renderReport charts", () => {
  it.each(CHARTS)("should render %s as well-formed SVG with a title and a white background", (chart) => {
    for (const run of [fullRun(), partialRun()]) {
      const svg = file(renderReport(run), chart);
      assertWellFormedXml(svg);
      expect(svg.startsWith("<svg ")).toBe(true);
      expect(svg).toContain("<title");
      expect(svg).toContain('fill="#ffffff"');
    }
  });

  it("should give an implementation the same colour in every chart", () => {
    const files = renderReport(fullRun());
    // A legend entry is a <g> whose first painted element is in the implementation's colour.
    const legendColor = (svg: string, name: string): string => {
      const entry = svg.split("<g>").find((part) => part.includes(`>${name}</text>`)) ?? "";
      const at = entry.indexOf('="#');
      return entry.slice(at + 2, at + 9);
    };
    for (const name of ["plain", "genserver"]) {
      const colors = ["rate-limiter.svg", "order-book.svg", "order-book-scaling.svg", "rate-limiter-scaling.svg"].map((chart) =>
        legendColor(file(files, chart), name),
      );
      expect(colors[0]).toMatch(/^#[0-9a-f]{6}$/);
      expect(new Set(colors).size).toBe(1);
    }
    expect(legendColor(file(files, "order-book.svg"), "plain")).not.toBe(legendColor(file(files, "order-book.svg"), "genserver"));
  });

  it("should print each bar's value at its end and draw the log n reference", () => {
    const files = renderReport(fullRun());
    expect(file(files, "order-book.svg")).toContain(">8.40 M/s</text>");
    expect(file(files, "primitives.svg")).toContain(">310 k/s</text>");
    expect(file(files, "order-book-scaling.svg")).toContain("∝ log n");
    expect(file(files, "order-book-scaling.svg")).toContain('stroke-dasharray="6 4"');
  });
});

describe("renderReport numbers", () => {
  it("should round up to the next unit with three significant digits, never four", () => {
    const run: BenchRun = { ...fullRun(), measurements: [m("order_book", "workload", "plain", 999_999)] };
    const files = renderReport(run);
    expect(file(files, "order-book.svg")).toContain(">1.00 M/s</text>");
    expect(tableAfter(file(files, "README.en.md"), "## Order book")[1]).toEqual(["plain", "1.00", "0.95–1.04", "—"]);
  });

  it("should escape text from the run so that GitHub shows it as written", () => {
    const run: BenchRun = { ...fullRun(), machine: { ...machine, cpu: "Chip <M3> & co | 16" } };
    expect(tableAfter(file(renderReport(run), "README.en.md"), "## Machine")).toContainEqual(["CPU", "Chip &lt;M3> & co \\| 16"]);
  });
});

describe("writeReport", () => {
  it("should create the directory and write every file of the report into it", async () => {
    const root = await mkdtemp(join(tmpdir(), "bench-report-"));
    try {
      const dir = join(root, "nested", "report");
      const paths = await writeReport(fullRun(), dir);
      const files = renderReport(fullRun());
      expect(paths).toEqual([...files.keys()].map((name) => join(dir, name)));
      for (const [name, content] of files) expect(await readFile(join(dir, name), "utf8")).toBe(content);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
