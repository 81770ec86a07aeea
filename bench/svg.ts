/**
 * The bench report's charts, written by hand as SVG strings: horizontal bar charts (median and spread per
 * implementation) and line charts on a log10 x axis. The charts know nothing of benchmarks: the report hands them
 * labels, colours and formatted values. Every chart paints its own white background, so it reads the same on
 * light and dark pages, and carries a <title> and a <desc> for screen readers.
 */
import type { Spread } from "./measurement.ts";

/** How a legend entry is drawn: a filled swatch, a line with a dot, a dashed line, or the bar-and-whisker key. */
export type LegendStyle = "bar" | "line" | "dashed" | "spread";

export interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly style: LegendStyle;
}

export interface Bar {
  readonly label: string;
  readonly color: string;
  /** null when the implementation was not measured: the row shows "—". */
  readonly value: Spread | null;
  /** The value printed at the bar's end, e.g. "2.31 M/s". */
  readonly text: string;
}

/** One figure's bars, on a scale of its own: figures of one chart may differ by orders of magnitude. */
export interface BarPanel {
  readonly heading: string;
  readonly bars: readonly Bar[];
}

export interface BarChartSpec {
  readonly title: string;
  /** What the chart shows, in a sentence: the <desc> read by screen readers. */
  readonly description: string;
  readonly axisTitle: string;
  readonly legend: readonly LegendEntry[];
  readonly panels: readonly BarPanel[];
  readonly tick: (value: number) => string;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Line {
  readonly label: string;
  readonly color: string;
  readonly points: readonly Point[];
  /** A reference curve rather than data: dashed, with no dots and no value at its end. */
  readonly reference: boolean;
}

export interface LineChartSpec {
  readonly title: string;
  readonly description: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly lines: readonly Line[];
  readonly xTick: (value: number) => string;
  readonly yTick: (value: number) => string;
}

const WIDTH = 720;
const MARGIN = 16;
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";
const INK = "#1f2328";
const MUTED = "#59636e";
const GRID = "#d8dee4";
const BAR_ROW = 26;
const BAR_HEIGHT = 16;
const LINE_HEIGHT = 440;

/** Text and attribute values with the five XML specials escaped. */
export function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&apos;");
}

/** Coordinates to one decimal: enough for a screen, and the same string on every run. */
function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

type Attributes = Readonly<Record<string, string | number>>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${typeof value === "number" ? num(value) : escapeXml(value)}"`)
    .join("");
}

function tag(name: string, attrs: Attributes, content?: string): string {
  return content === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${content}</${name}>`;
}

function label(x: number, y: number, content: string, attrs: Attributes = {}): string {
  return tag("text", { x, y, "font-size": 12, fill: INK, ...attrs }, escapeXml(content));
}

/**
 * A generous guess at a text's width: no font metrics here, and the widest common fallback (DejaVu Sans) runs at
 * about 0.6 em a character, so layouts leave room for it.
 */
function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.62;
}

/** Tick values from 0 to a round top at or above `max`, about `count` of them. */
function linearTicks(max: number, count: number): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10) * magnitude;
  const steps = Math.ceil(top / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => i * step);
}

function svgDocument(title: string, description: string, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${num(height)}" viewBox="0 0 ${WIDTH} ${num(height)}" role="img" aria-labelledby="chart-title chart-desc" font-family="${escapeXml(FONT)}">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<desc id="chart-desc">${escapeXml(description)}</desc>`,
    tag("rect", { width: WIDTH, height, fill: "#ffffff" }),
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

/** The legend as one or more rows of entries, each a <g> of its glyph and its label; returns them and the y below. */
function legend(entries: readonly LegendEntry[], top: number): { readonly svg: string[]; readonly bottom: number } {
  const svg: string[] = [];
  let x = MARGIN;
  let y = top;
  for (const entry of entries) {
    const width = 28 + textWidth(entry.label, 12) + 18;
    if (x > MARGIN && x + width > WIDTH - MARGIN) {
      x = MARGIN;
      y += 20;
    }
    const mid = y + 6;
    svg.push(tag("g", {}, [...glyph(entry, x, mid), label(x + 28, mid + 4, entry.label)].join("")));
    x += width;
  }
  return { svg, bottom: y + 20 };
}

/** A legend entry's drawing, in the entry's colour first, 24 px wide. */
function glyph(entry: LegendEntry, x: number, mid: number): string[] {
  switch (entry.style) {
    case "bar":
      return [tag("rect", { x, y: mid - 6, width: 18, height: 12, rx: 2, fill: entry.color })];
    case "line":
      return [
        tag("line", { x1: x, y1: mid, x2: x + 18, y2: mid, stroke: entry.color, "stroke-width": 2.5 }),
        tag("circle", { cx: x + 9, cy: mid, r: 4, fill: entry.color, stroke: "#ffffff", "stroke-width": 1.5 }),
      ];
    case "dashed":
      return [tag("line", { x1: x, y1: mid, x2: x + 18, y2: mid, stroke: entry.color, "stroke-width": 2, "stroke-dasharray": "5 3" })];
    case "spread":
      return [tag("rect", { x, y: mid - 6, width: 12, height: 12, fill: entry.color }), ...whisker(x + 8, x + 20, mid)];
    default: {
      const unknown: never = entry.style;
      throw new Error(`svg legend: unknown style ${String(unknown)}`);
    }
  }
}

function whisker(from: number, to: number, y: number): string[] {
  const stroke = { stroke: INK, "stroke-width": 1.5 };
  return [
    tag("line", { x1: from, y1: y, x2: to, y2: y, ...stroke }),
    tag("line", { x1: from, y1: y - 4, x2: from, y2: y + 4, ...stroke }),
    tag("line", { x1: to, y1: y - 4, x2: to, y2: y + 4, ...stroke }),
  ];
}

/**
 * Horizontal bars, one panel per figure: the median as the bar, the slowest–fastest runs as a whisker, the
 * formatted value at the bar's end, and a "—" for an implementation that was not measured.
 */
export function barChart(spec: BarChartSpec): string {
  const body: string[] = [label(MARGIN, 30, spec.title, { "font-size": 16, "font-weight": "bold" })];
  body.push(label(MARGIN, 50, spec.axisTitle, { fill: MUTED }));
  const key = legend(spec.legend, 62);
  body.push(...key.svg);

  const bars = spec.panels.flatMap((panel) => panel.bars);
  const labelWidth = Math.max(90, ...bars.map((bar) => textWidth(bar.label, 12))) + 14;
  const valueWidth = Math.max(40, ...bars.map((bar) => textWidth(bar.text, 12))) + 10;
  const left = MARGIN + labelWidth;
  const right = WIDTH - MARGIN - valueWidth;

  let y = key.bottom + 8;
  for (const panel of spec.panels) {
    body.push(label(MARGIN, y + 14, panel.heading, { "font-size": 13, "font-weight": "bold" }));
    y += 24;
    const measured = panel.bars.some((bar) => bar.value !== null);
    // A panel with nothing measured has no scale to show, only its "—" rows.
    const ticks = measured ? linearTicks(Math.max(0, ...panel.bars.map((bar) => bar.value?.max ?? 0)), 5) : [];
    const top = ticks.at(-1) ?? 1;
    const scale = (value: number): number => left + (Math.max(0, value) / top) * (right - left);
    const bottom = y + panel.bars.length * BAR_ROW;
    for (const tick of ticks) {
      body.push(tag("line", { x1: scale(tick), y1: y, x2: scale(tick), y2: bottom, stroke: GRID, "stroke-width": 1 }));
      body.push(label(scale(tick), bottom + 14, spec.tick(tick), { "font-size": 10, fill: MUTED, "text-anchor": "middle" }));
    }
    panel.bars.forEach((bar, i) => {
      const mid = y + i * BAR_ROW + BAR_ROW / 2;
      body.push(label(MARGIN, mid + 4, bar.label));
      if (bar.value === null) {
        body.push(label(left + 6, mid + 4, bar.text, { fill: MUTED }));
        return;
      }
      const end = scale(bar.value.median);
      body.push(tag("rect", { x: left, y: mid - BAR_HEIGHT / 2, width: end - left, height: BAR_HEIGHT, fill: bar.color }));
      body.push(...whisker(scale(bar.value.min), scale(bar.value.max), mid));
      body.push(label(Math.max(end, scale(bar.value.max)) + 6, mid + 4, bar.text));
    });
    body.push(tag("line", { x1: left, y1: y, x2: left, y2: bottom, stroke: MUTED, "stroke-width": 1 }));
    y = bottom + 30;
  }
  return svgDocument(spec.title, spec.description, y - 4, body);
}

/**
 * Ticks for a log axis over [low, high]: 1-2-5 in each decade, or every digit when that gives fewer than three,
 * or evenly spaced round values when the range is too narrow for either.
 */
function logTicks(low: number, high: number): number[] {
  for (const mantissas of [
    [1, 2, 5],
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  ]) {
    const ticks: number[] = [];
    for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++) {
      for (const mantissa of mantissas) {
        const value = mantissa * 10 ** power;
        if (value >= low && value <= high) ticks.push(value);
      }
    }
    if (ticks.length >= 3) return ticks;
  }
  const step = linearTicks(high - low, 4)[1] ?? high - low;
  const ticks: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high; value += step) ticks.push(value);
  return ticks;
}

/** The nearest value of the 1-2-5 grid at or below `value` (`up`: at or above). */
function gridValue(value: number, up: boolean): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const candidates = [1, 2, 5, 10].map((mantissa) => mantissa * magnitude);
  return (up ? candidates.find((c) => c >= value) : candidates.reverse().find((c) => c <= value)) ?? value;
}

/**
 * The y range of a log axis: out to round values, so that the frame's top and bottom carry a label, unless the
 * data spans so little that rounding out would flatten it.
 */
function logRange(min: number, max: number): { readonly low: number; readonly high: number } {
  const low = gridValue(min / 1.05, false);
  const high = gridValue(max * 1.05, true);
  const span = Math.log10(max / min);
  return Math.log10(high / low) <= 2 * span + 0.3 ? { low, high } : { low: min / 1.3, high: max * 1.15 };
}

/** Moves labels apart vertically, in order, so that no two are closer than `gap`, staying within [low, high]. */
function spreadLabels(wanted: readonly number[], gap: number, low: number, high: number): number[] {
  const placed = [...wanted];
  for (let i = 1; i < placed.length; i++) placed[i] = Math.max(placed[i] as number, (placed[i - 1] as number) + gap);
  const overflow = (placed.at(-1) ?? high) - high;
  if (overflow > 0) {
    placed[placed.length - 1] = high;
    for (let i = placed.length - 2; i >= 0; i--) placed[i] = Math.min(placed[i] as number, (placed[i + 1] as number) - gap);
  }
  return placed.map((y) => Math.max(low, y));
}

/**
 * Lines with dots on log10 axes (x ticks at each power of ten), with each data line's last value printed at its
 * end. A log y axis shows equal growth factors as equal rises, so lines of very different speeds can be compared
 * for how they grow. A reference line is drawn dashed, behind the data.
 */
export function lineChart(spec: LineChartSpec): string {
  // Log axes have no place for zero or negative values.
  const valid = (point: Point): boolean => point.x > 0 && point.y > 0 && Number.isFinite(point.x) && Number.isFinite(point.y);
  const lines = spec.lines.map((line) => ({ ...line, points: line.points.filter(valid) }));
  const body: string[] = [label(MARGIN, 30, spec.title, { "font-size": 16, "font-weight": "bold" })];
  const key = legend(
    lines.map((line) => ({ label: line.label, color: line.color, style: line.reference ? "dashed" : "line" })),
    44,
  );
  body.push(...key.svg);

  const data = lines.filter((line) => !line.reference);
  const points = lines.flatMap((line) => line.points);
  const endTexts = data.map((line) => {
    const last = line.points.at(-1);
    return last === undefined ? "" : spec.yTick(last.y);
  });
  const ys = points.map((point) => point.y);
  const { low: yLow, high: yHigh } = points.length === 0 ? { low: 1, high: 10 } : logRange(Math.min(...ys), Math.max(...ys));
  const yTicks = points.length === 0 ? [] : logTicks(yLow, yHigh);
  const left = MARGIN + Math.max(40, ...yTicks.map((tick) => textWidth(spec.yTick(tick), 11))) + 10;
  const right = WIDTH - MARGIN - Math.max(40, ...endTexts.map((text) => textWidth(text, 11))) - 12;
  const top = key.bottom + 30;
  const bottom = LINE_HEIGHT - 58;
  body.push(label(left, top - 14, spec.yTitle, { fill: MUTED }));
  body.push(label((left + right) / 2, LINE_HEIGHT - 18, spec.xTitle, { fill: MUTED, "text-anchor": "middle" }));

  if (points.length === 0) {
    body.push(tag("rect", { x: left, y: top, width: right - left, height: bottom - top, fill: "none", stroke: GRID }));
    body.push(label((left + right) / 2, (top + bottom) / 2, "—", { "font-size": 20, fill: MUTED, "text-anchor": "middle" }));
    return svgDocument(spec.title, spec.description, LINE_HEIGHT, body);
  }

  const logs = points.map((point) => Math.log10(point.x));
  const first = Math.min(...logs);
  const last = Math.max(...logs);
  // From the power of ten at or below the smallest x to the one at or above the largest; one size alone sits in
  // the middle of a decade's width.
  const single = last - first < 1e-9;
  const low = single ? first - 0.5 : Math.floor(first + 1e-9);
  const high = single ? last + 0.5 : Math.ceil(last - 1e-9);
  // A little room inside the frame so that dots on the first and last tick are not cut in half.
  const inset = 14;
  const x = (value: number): number => left + inset + ((Math.log10(value) - low) / (high - low)) * (right - left - 2 * inset);
  const y = (value: number): number =>
    bottom - ((Math.log10(value) - Math.log10(yLow)) / (Math.log10(yHigh) - Math.log10(yLow))) * (bottom - top);

  for (const tick of yTicks) {
    body.push(tag("line", { x1: left, y1: y(tick), x2: right, y2: y(tick), stroke: GRID, "stroke-width": 1 }));
    body.push(label(left - 8, y(tick) + 4, spec.yTick(tick), { "font-size": 11, fill: MUTED, "text-anchor": "end" }));
  }
  for (let power = Math.ceil(low - 1e-9); power <= high + 1e-9; power++) {
    const at = x(10 ** power);
    body.push(tag("line", { x1: at, y1: top, x2: at, y2: bottom, stroke: GRID, "stroke-width": 1 }));
    body.push(label(at, bottom + 18, spec.xTick(10 ** power), { "font-size": 11, fill: MUTED, "text-anchor": "middle" }));
  }
  body.push(tag("line", { x1: left, y1: bottom, x2: right, y2: bottom, stroke: MUTED, "stroke-width": 1 }));

  const path = (line: Line): string => line.points.map((point) => `${num(x(point.x))},${num(y(point.y))}`).join(" ");
  for (const line of lines.filter((candidate) => candidate.reference && candidate.points.length > 1)) {
    body.push(tag("polyline", { points: path(line), fill: "none", stroke: line.color, "stroke-width": 2, "stroke-dasharray": "6 4" }));
  }
  for (const line of data) {
    if (line.points.length > 1) body.push(tag("polyline", { points: path(line), fill: "none", stroke: line.color, "stroke-width": 2.5 }));
    for (const point of line.points) {
      body.push(tag("circle", { cx: x(point.x), cy: y(point.y), r: 4, fill: line.color, stroke: "#ffffff", "stroke-width": 1.5 }));
    }
  }

  const ends = data
    .flatMap((line, i) => {
      const last = line.points.at(-1);
      return last === undefined ? [] : [{ x: x(last.x) + 9, y: y(last.y) + 4, text: endTexts[i] ?? "" }];
    })
    .sort((a, b) => a.y - b.y);
  const placed = spreadLabels(
    ends.map((end) => end.y),
    14,
    top + 4,
    bottom + 4,
  );
  ends.forEach((end, i) => {
    body.push(label(end.x, placed[i] ?? end.y, end.text, { "font-size": 11 }));
  });
  return svgDocument(spec.title, spec.description, LINE_HEIGHT, body);
}
