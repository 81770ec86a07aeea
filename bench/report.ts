/**
 * `npm run bench -- --report DIR`: one `BenchRun` as a report a person would rather read than JSON, a README.md
 * in Spanish and a README.en.md in English with the same tables, and SVG charts both link to. Whatever the run
 * lacks (the BEAM, a figure, a size) is printed as "—", never guessed. Numbers are formatted by hand, not by the
 * locale, so the same run always renders the same bytes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchRun, Group, Implementation, Measurement, Spread } from "./measurement.ts";
import { type Bar, type BarPanel, barChart, type LegendEntry, type Line, lineChart, type Point } from "./svg.ts";
import { BARE_MAILBOX_REFERENCE } from "./yardstick.ts";

const IMPLEMENTATIONS: readonly Implementation[] = [
  "bare_promise",
  "runtime",
  "beam",
  "genserver",
  "plain",
  "rate-limiter-flexible",
  "nodejs-order-book",
];

/** One colour per implementation in every chart, from a palette that stays distinct for colour-blind readers. */
const COLORS: Readonly<Record<Implementation, string>> = {
  bare_promise: "#76b7b2",
  runtime: "#4e79a7",
  beam: "#b07aa1",
  genserver: "#59a14f",
  plain: "#f28e2b",
  "rate-limiter-flexible": "#e15759",
  "nodejs-order-book": "#9c755f",
};
const REFERENCE_COLOR = "#8c959f";

const PRIMITIVES = ["call_roundtrip", "cast_then_sync", "call_via_registry", "start_server"] as const;
const PRIMITIVE_IMPLEMENTATIONS: readonly Implementation[] = ["bare_promise", "runtime", "beam"];
/** The primitives other than call_roundtrip have no bare promise version. */
const SERVER_IMPLEMENTATIONS: readonly Implementation[] = ["runtime", "beam"];
const RATE_LIMITER_IMPLEMENTATIONS: readonly Implementation[] = ["genserver", "plain", "rate-limiter-flexible"];
const ORDER_BOOK_IMPLEMENTATIONS: readonly Implementation[] = ["genserver", "plain", "nodejs-order-book"];
const BOOK_SCALING_IMPLEMENTATIONS: readonly Implementation[] = ["plain", "genserver", "nodejs-order-book"];
const LIMITER_SCALING_IMPLEMENTATIONS: readonly Implementation[] = ["plain", "genserver", "rate-limiter-flexible"];

const BOOK_PLAIN_GOAL = 8_000_000;
const LIMITER_RATIO_GOAL = 3;
/** Heap left per key after the cleanup that still counts as back to baseline: 1 % of a key, or GC noise. */
const CLEANUP_SHARE = 0.01;
const CLEANUP_FLOOR_BYTES = 2;
/**
 * The smallest number of keys the cleanup goal is judged at: a thousand keys weigh about 100 KB, as much as the
 * heap moves from one run to the next for reasons of its own (pools, compiled code), so they can show neither.
 */
const CLEANUP_MIN_SIZE = 100_000;

const DASH = "—";

// Formatting: toFixed and toPrecision ignore the locale, unlike toLocaleString.

/** Decimals that show `value` with `digits` significant digits, never fewer than 0. */
function decimalsFor(value: number, digits: number): number {
  const magnitude = (v: number): number => (v === 0 || !Number.isFinite(v) ? digits - 1 : Math.floor(Math.log10(Math.abs(v))));
  const decimals = Math.max(0, digits - 1 - magnitude(value));
  // 0.9999 rounds up to 1.000: count the digits of what is printed, so that it reads 1.00.
  return Math.min(decimals, Math.max(0, digits - 1 - magnitude(Number(value.toFixed(decimals)))));
}

function significant(value: number, digits = 3): string {
  return value.toFixed(decimalsFor(value, digits));
}

/** "1 k", "2.5 k", "100 k", "1 M": sizes and scale ticks as a reader says them. */
function formatSize(size: number): string {
  const [divisor, suffix] = size >= 999_500 ? [1e6, " M"] : size >= 999.5 ? [1e3, " k"] : [1, ""];
  return `${trimmed(size / divisor)}${suffix}`;
}

/** "2.31 M/s", "85.2 k/s", "950 /s". */
function formatRate(perSec: number): string {
  if (perSec >= 999_500) return `${significant(perSec / 1e6)} M/s`;
  if (perSec >= 999.5) return `${significant(perSec / 1e3)} k/s`;
  return `${significant(perSec)} /s`;
}

/** Millions, for table columns headed "M/s": "2.31", "0.0523". */
function formatMega(perSec: number): string {
  return significant(perSec / 1e6);
}

/** "2.31 (2.20–2.40)": the median, then the slowest and fastest runs with the median's decimals. */
function formatMegaSpread(spread: Spread): string {
  return `${formatMega(spread.median)} (${formatMegaRange(spread)})`;
}

function formatMegaRange(spread: Spread): string {
  const decimals = decimalsFor(spread.median / 1e6, 3);
  return `${(spread.min / 1e6).toFixed(decimals)}–${(spread.max / 1e6).toFixed(decimals)}`;
}

/** "95", not "95.0": for sizes, times and tick labels, where the trailing zeros say nothing. */
function trimmed(value: number, digits = 3): string {
  const text = significant(value, digits);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** "95 ns", "412 ns", "1.4 µs", "4.5 ms". */
function formatNs(ns: number): string {
  if (ns >= 999_500) return `${trimmed(ns / 1e6)} ms`;
  if (ns >= 999.5) return `${trimmed(ns / 1e3)} µs`;
  return `${trimmed(ns)} ns`;
}

/** "249 B", "0.4 B", "1.2 KB", "35 KB", "1.5 MB". */
function formatBytes(bytes: number): string {
  const size = Math.abs(bytes);
  if (size < 1024) return `${Number.isInteger(bytes) || size >= 10 ? bytes.toFixed(0) : bytes.toFixed(1)} B`;
  const [scaled, unit] = size < 1024 ** 2 ? [bytes / 1024, "KB"] : [bytes / 1024 ** 2, "MB"];
  return `${Math.abs(scaled) < 10 ? scaled.toFixed(1) : scaled.toFixed(0)} ${unit}`;
}

/** "×3.4", "×12", or "0.53" for a ratio below 1. */
function formatRatio(ratio: number): string {
  if (ratio >= 1) return `×${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}`;
  return ratio >= 0.01 ? ratio.toFixed(2) : significant(ratio, 2);
}

/** Growth factors keep two decimals: the log n bound between 1 k and 1 M is ×2.00. */
function formatGrowth(growth: number): string {
  return `×${growth.toFixed(2)}`;
}

function formatPercent(percent: number): string {
  const rounded = Math.round(percent);
  return rounded === 0 && percent > 0 ? "< 1 %" : `${rounded} %`;
}

function nsPerOp(measurement: Measurement): number {
  return 1e9 / measurement.opsPerSec.median;
}

// Reading the run.

function find(run: BenchRun, group: Group, figure: string, implementation: Implementation, size?: number): Measurement | undefined {
  return run.measurements.find(
    (m) => m.group === group && m.figure === figure && m.implementation === implementation && (size === undefined || m.size === size),
  );
}

function inGroup(run: BenchRun, group: Group): Measurement[] {
  return run.measurements.filter((m) => m.group === group);
}

/** The known figures first, in their order, then any other figure the group has, in the run's order. */
function figuresOf(measurements: readonly Measurement[], known: readonly string[]): string[] {
  const others = measurements.map((m) => m.figure).filter((figure) => !known.includes(figure));
  return [...known, ...new Set(others)];
}

/** The expected implementations first, then any other one that was measured, in the usual order. */
function implementationsOf(measurements: readonly Measurement[], expected: readonly Implementation[]): Implementation[] {
  const present = new Set(measurements.map((m) => m.implementation));
  return [...expected, ...IMPLEMENTATIONS.filter((impl) => present.has(impl) && !expected.includes(impl))];
}

function sizesOf(measurements: readonly Measurement[]): number[] {
  return [...new Set(measurements.flatMap((m) => (m.size === undefined ? [] : [m.size])))].sort((a, b) => a - b);
}

function ratio(numerator: Measurement | undefined, denominator: Measurement | undefined): number | null {
  if (numerator === undefined || denominator === undefined || denominator.opsPerSec.median <= 0) return null;
  return numerator.opsPerSec.median / denominator.opsPerSec.median;
}

function orDash<T>(value: T | null | undefined, format: (value: T) => string): string {
  return value === null || value === undefined ? DASH : format(value);
}

function bytesOf(measurement: Measurement | undefined, key: string): number | undefined {
  return measurement?.bytes?.[key];
}

/** An implementation's bytes under `key` at its largest measured size, with that size. */
function atLargestSize(measurements: readonly Measurement[], key: string): { readonly bytes: number; readonly size: number } | null {
  const withBytes = measurements.filter((m) => m.size !== undefined && bytesOf(m, key) !== undefined);
  const largest = withBytes.sort((a, b) => (b.size ?? 0) - (a.size ?? 0))[0];
  return largest === undefined ? null : { bytes: bytesOf(largest, key) ?? 0, size: largest.size ?? 0 };
}

/** The bytes of an idle server: the start_server figure's, or any primitive of that implementation that has them. */
function perServer(run: BenchRun, implementation: Implementation): number | undefined {
  const primitives = inGroup(run, "primitives").filter((m) => m.implementation === implementation);
  const start = primitives.find((m) => m.figure === "start_server");
  return bytesOf(start, "per_server") ?? primitives.map((m) => bytesOf(m, "per_server")).find((bytes) => bytes !== undefined);
}

// Goals.

interface Verdict {
  readonly met: boolean;
  /** How far from the threshold, in the goal's own unit: "12 %", "1.6 B". */
  readonly margin: string;
}

interface Goal {
  readonly label: (s: Strings) => string;
  /** null when the data is missing: the row says "not measured". */
  readonly measured: ((s: Strings) => string) | null;
  readonly required: (s: Strings) => string;
  readonly verdict: Verdict | null;
}

/** A goal met when `value` ≥ `threshold`; the margin is the relative distance to the threshold. */
function atLeast(value: number, threshold: number): Verdict {
  return { met: value >= threshold, margin: formatPercent((Math.abs(value - threshold) / threshold) * 100) };
}

function atMost(value: number, threshold: number): Verdict {
  return { met: value <= threshold, margin: formatPercent((Math.abs(value - threshold) / threshold) * 100) };
}

function measurementLabel(m: Measurement): (s: Strings) => string {
  const size = m.size === undefined ? "" : ` · ${formatSize(m.size)}`;
  return (s) => `${s.groups[m.group]} · \`${m.figure}\` · ${m.implementation}${size}`;
}

/**
 * How fast the machine was when `m` was measured, against the one the goals were set on: the bare promise
 * mailbox measured before each of its runs, in its process, over its speed there. Goals in operations per second scale
 * by it, so a busy or slower moment is judged by ratios, as figures are compared. Without a yardstick of its
 * own, the run's bare mailbox figure stands in; null when there is neither.
 */
function machineFactor(run: BenchRun, m: Measurement | undefined): number | null {
  if (m?.yardstick !== undefined) return m.yardstick / BARE_MAILBOX_REFERENCE;
  const bare = find(run, "primitives", "call_roundtrip", "bare_promise");
  return bare === undefined ? null : bare.opsPerSec.median / BARE_MAILBOX_REFERENCE;
}

/** A rate goal: the figure, and the same scaled to this run's machine when it differs from the reference. */
function rateGoal(value: number, target: number, factor: number | null): Pick<Goal, "measured" | "required" | "verdict"> {
  const scaled = factor === null ? target : target * factor;
  return {
    measured: () => formatRate(value),
    required: (s) =>
      factor === null || Math.abs(factor - 1) < 0.005
        ? `≥ ${formatRate(target)}`
        : `≥ ${formatRate(scaled)} ${s.goals.scaled(formatRate(target), factor.toFixed(2))}`,
    verdict: atLeast(value, scaled),
  };
}

function targetGoals(run: BenchRun): Goal[] {
  return run.measurements.flatMap((m) => {
    const target = m.target;
    // The bare mailbox is the yardstick the others are scaled by, not a goal.
    if (target === undefined || m.implementation === "bare_promise") return [];
    // The order book's own goal row below says the same.
    if (m.group === "order_book" && m.figure === "workload" && m.implementation === "plain" && target === BOOK_PLAIN_GOAL) return [];
    return [{ label: measurementLabel(m), ...rateGoal(m.opsPerSec.median, target, machineFactor(run, m)) }];
  });
}

function bookPlainGoal(run: BenchRun): Goal {
  const plain = find(run, "order_book", "workload", "plain");
  const label = (s: Strings): string => `${s.groups.order_book} · \`workload\` · plain`;
  if (plain === undefined) return { label, measured: null, required: () => `≥ ${formatRate(BOOK_PLAIN_GOAL)}`, verdict: null };
  return { label, ...rateGoal(plain.opsPerSec.median, BOOK_PLAIN_GOAL, machineFactor(run, plain)) };
}

function limiterRatioGoal(run: BenchRun): Goal {
  const value = ratio(find(run, "rate_limiter", "checks", "plain"), find(run, "rate_limiter", "checks", "rate-limiter-flexible"));
  return {
    label: (s) => `${s.groups.rate_limiter} · \`checks\` · plain / rate-limiter-flexible`,
    measured: value === null ? null : () => formatRatio(value),
    required: () => `≥ ${formatRatio(LIMITER_RATIO_GOAL)}`,
    verdict: value === null ? null : atLeast(value, LIMITER_RATIO_GOAL),
  };
}

/** The plain book's ns/op from its smallest to its largest size, against ln(max) / ln(min). */
function bookGrowth(run: BenchRun): { readonly from: number; readonly to: number; readonly growth: number; readonly bound: number } | null {
  const plain = inGroup(run, "order_book_scaling")
    .filter((m) => m.figure === "at_size" && m.implementation === "plain" && m.size !== undefined && m.opsPerSec.median > 0)
    .sort((a, b) => (a.size ?? 0) - (b.size ?? 0));
  const first = plain[0];
  const last = plain.at(-1);
  if (first?.size === undefined || last?.size === undefined || last.size <= first.size || first.size < 2) return null;
  return { from: first.size, to: last.size, growth: nsPerOp(last) / nsPerOp(first), bound: Math.log(last.size) / Math.log(first.size) };
}

function bookGrowthGoal(run: BenchRun): Goal {
  const growth = bookGrowth(run);
  const span = growth === null ? "" : `, ${formatSize(growth.from)} → ${formatSize(growth.to)}`;
  return {
    label: (s) => `${s.groups.order_book_scaling} · plain: ${s.goals.nsGrowth}${span}`,
    measured: growth === null ? null : () => formatGrowth(growth.growth),
    required: () => (growth === null ? "≤ log n" : `≤ ${formatGrowth(growth.bound)} (log n)`),
    verdict: growth === null ? null : atMost(growth.growth, growth.bound),
  };
}

/** One goal per implementation that measured both the bytes per key and what is left of them after the cleanup. */
function cleanupGoals(run: BenchRun): Goal[] {
  const measured = inGroup(run, "rate_limiter_scaling").filter(
    (m) => bytesOf(m, "per_key") !== undefined && bytesOf(m, "after_cleanup_per_key") !== undefined && (m.size ?? 0) >= CLEANUP_MIN_SIZE,
  );
  const required = (s: Strings): string =>
    s.goals.cleanupRequired(`${CLEANUP_SHARE * 100} %`, formatBytes(CLEANUP_FLOOR_BYTES), formatSize(CLEANUP_MIN_SIZE));
  if (measured.length === 0) {
    return [{ label: (s) => `${s.groups.rate_limiter_scaling}: ${s.goals.cleanup}`, measured: null, required, verdict: null }];
  }
  return implementationsOf(measured, []).map((implementation) => {
    const checks = measured
      .filter((m) => m.implementation === implementation)
      .map((m) => {
        const perKey = bytesOf(m, "per_key") ?? 0;
        const left = bytesOf(m, "after_cleanup_per_key") ?? 0;
        const allowed = Math.max(CLEANUP_SHARE * perKey, CLEANUP_FLOOR_BYTES);
        return { size: m.size, perKey, left, allowed, excess: left - allowed };
      });
    // The size that came closest to (or went furthest over) its allowance speaks for all; the largest on a tie.
    const worst = checks.reduce((a, b) => (b.excess >= a.excess ? b : a));
    const where = worst.size === undefined ? "" : ` (${formatSize(worst.size)})`;
    return {
      label: (s) => `${s.groups.rate_limiter_scaling} · ${implementation}: ${s.goals.cleanup}`,
      measured: (s) => `${s.goals.cleanupLeft(formatBytes(worst.left), formatBytes(worst.perKey))}${where}`,
      required,
      verdict: { met: worst.excess <= 0, margin: formatBytes(Math.abs(worst.excess)) },
    };
  });
}

function goals(run: BenchRun): Goal[] {
  return [...targetGoals(run), bookPlainGoal(run), limiterRatioGoal(run), bookGrowthGoal(run), ...cleanupGoals(run)];
}

// The words of each language: the same keys in both, so neither README can miss a sentence.

interface Strings {
  readonly otherLanguage: string;
  readonly title: string;
  readonly intro: (runs: string, warmup: number) => string;
  readonly quick: string;
  readonly skipped: string;
  readonly groups: Readonly<Record<Group, string>>;
  readonly machine: {
    readonly heading: string;
    readonly header: readonly [string, string];
    readonly date: string;
    readonly cpu: string;
    readonly cores: string;
    readonly memory: string;
    readonly os: string;
    readonly node: string;
    readonly beam: string;
    readonly notInstalled: string;
  };
  readonly goals: {
    readonly heading: string;
    readonly header: readonly [string, string, string, string];
    readonly met: (margin: string) => string;
    readonly missed: (margin: string) => string;
    readonly notMeasured: string;
    readonly nsGrowth: string;
    readonly cleanup: string;
    readonly cleanupLeft: (left: string, perKey: string) => string;
    readonly cleanupRequired: (share: string, floor: string, from: string) => string;
    readonly scaled: (target: string, factor: string) => string;
    readonly scaling: (reference: string) => string;
  };
  readonly primitives: {
    readonly heading: string;
    readonly header: readonly [string, string, string, string, string];
    readonly bare: (value: string, figure: string) => string;
    readonly beamSkipped: (reason: string) => string;
    readonly perServer: (runtime: string, beam: string) => string;
    readonly chart: string;
  };
  readonly descriptions: string;
  readonly rateLimiter: { readonly header: readonly [string, string, string, string]; readonly chart: string };
  readonly orderBook: { readonly header: readonly [string, string, string, string]; readonly chart: string };
  readonly scaling: {
    readonly heading: string;
    readonly intro: string;
    readonly bookSize: string;
    readonly nsPerOp: string;
    readonly logGrowth: string;
    readonly bytesPerOrder: string;
    readonly bookChart: string;
    readonly limiterSize: string;
    readonly nsPerCheck: string;
    readonly bytesPerKey: string;
    readonly limiterChart: string;
    readonly notMeasured: string;
  };
  readonly others: { readonly heading: string; readonly header: readonly [string, string, string, string] };
  readonly memory: {
    readonly heading: string;
    readonly intro: string;
    readonly header: (orderSize: string, keySize: string) => readonly [string, string, string, string];
  };
}

const ES: Strings = {
  otherLanguage: "*[English version](README.en.md)*",
  title: "Resultados de los benchmarks",
  intro: (runs, warmup) =>
    "Lo que midió `npm run bench`: el runtime de GenServer de este kit frente a un buzón de promesas mínimo y frente " +
    "al mismo bucle en la BEAM; después, las soluciones de referencia del rate limiter y del libro de órdenes, " +
    "llamadas a través de su GenServer y directamente, frente a los paquetes de npm que se usarían en su lugar. " +
    `Cada cifra es la mediana de ${runs} ${runs === "1" ? "ejecución" : "ejecuciones"} tras ${warmup} de calentamiento; el rango va de la ejecución ` +
    "más lenta a la más rápida. Las razones se calculan entre cifras de la misma ejecución, así que la carga de la " +
    "máquina casi se cancela en ellas: para comparar máquinas, compara razones, no cifras absolutas.",
  quick:
    "**Estas cifras vienen del modo rápido (tamaños mínimos, una sola ejecución): prueban que los benchmarks " +
    "funcionan y no significan nada.**",
  skipped: "No se midió:",
  groups: {
    primitives: "Primitivas",
    rate_limiter: "Rate limiter",
    order_book: "Libro de órdenes",
    order_book_scaling: "Escalado del libro de órdenes",
    rate_limiter_scaling: "Escalado del rate limiter",
  },
  machine: {
    heading: "Máquina",
    header: ["Dato", "Valor"],
    date: "Fecha",
    cpu: "CPU",
    cores: "Núcleos",
    memory: "Memoria",
    os: "Sistema operativo",
    node: "Node",
    beam: "BEAM",
    notInstalled: "no instalada",
  },
  goals: {
    heading: "Objetivos",
    header: ["Objetivo", "Medido", "Exigido", "Resultado"],
    met: (margin) => `✅ cumplido (margen de ${margin})`,
    missed: (margin) => `❌ no cumplido: falla por ${margin}`,
    notMeasured: "no medido",
    nsGrowth: "crecimiento de ns/op",
    cleanup: "la memoria vuelve a la base tras la limpieza",
    cleanupLeft: (left, perKey) => `${left} de ${perKey} por clave`,
    cleanupRequired: (share, floor, from) => `≤ ${share} de los bytes por clave, o ≤ ${floor}, en cada tamaño desde ${from} claves`,
    scaled: (target, factor) => `(${target} × ${factor}, el buzón mínimo medido junto a la cifra)`,
    scaling: (reference) =>
      `Las metas en operaciones por segundo se fijaron en una máquina de referencia donde el buzón de promesas mínimo hace ${reference}. Antes de cada ejecución de una cifra se mide ese buzón, en el mismo proceso: la meta se multiplica por la mediana de su velocidad sobre ${reference}, y el veredicto es el de la razón, medida lado a lado.`,
  },
  primitives: {
    heading: "Primitivas del runtime",
    header: ["Cifra", "runtime (M/s)", "BEAM (M/s)", "runtime / BEAM", "runtime / buzón mínimo"],
    bare: (value, figure) => `El buzón de promesas mínimo, en \`${figure}\`: ${value} M/s.`,
    beamSkipped: (reason) => `${DASH}: la BEAM no se midió (${reason}).`,
    perServer: (runtime, beam) => `Memoria por servidor inactivo: runtime ${runtime}, BEAM ${beam}.`,
    chart: "Gráfico de barras: operaciones por segundo de cada primitiva, por implementación",
  },
  descriptions: "Qué hace una ejecución:",
  rateLimiter: {
    header: ["Implementación", "M comprobaciones/s", "Rango (M/s)", "frente a rate-limiter-flexible"],
    chart: "Gráfico de barras: comprobaciones por segundo del rate limiter, por implementación",
  },
  orderBook: {
    header: ["Implementación", "M ops/s", "Rango (M/s)", "frente a nodejs-order-book"],
    chart: "Gráfico de barras: operaciones por segundo del libro de órdenes, por implementación",
  },
  scaling: {
    heading: "Escalado",
    intro:
      "El tiempo por operación a medida que crecen el libro o el número de claves. Si el coste de una operación " +
      "crece como log n, a 1 M tarda ×2.00 lo que a 1 k (ln 10⁶ / ln 10³); una línea plana es tiempo constante. " +
      "Entre paréntesis, el crecimiento respecto del tamaño más pequeño. Los gráficos usan escalas logarítmicas en " +
      "ambos ejes: subidas iguales son factores de crecimiento iguales, sea cual sea la velocidad de la línea.",
    bookSize: "Órdenes en reposo",
    nsPerOp: "ns/op",
    logGrowth: "crecimiento log n",
    bytesPerOrder: "B/orden",
    bookChart: "Gráfico de líneas: nanosegundos por operación del libro de órdenes según las órdenes en reposo",
    limiterSize: "Claves",
    nsPerCheck: "ns/comprobación",
    bytesPerKey: "B/clave → tras limpieza",
    limiterChart: "Gráfico de líneas: nanosegundos por comprobación del rate limiter según las claves",
    notMeasured: "No se midió.",
  },
  others: { heading: "Otras cifras", header: ["Cifra", "Implementación", "Tamaño", "M/s (rango)"] },
  memory: {
    heading: "Memoria",
    intro: "Bytes de heap, medianas de las ejecuciones medidas.",
    header: (orderSize, keySize) => ["Implementación", "por servidor inactivo", `por orden en reposo${orderSize}`, `por clave${keySize}`],
  },
};

const EN: Strings = {
  otherLanguage: "*[Versión en español](README.md)*",
  title: "Benchmark results",
  intro: (runs, warmup) =>
    "What `npm run bench` measured: this kit's GenServer runtime against a bare promise mailbox and against the " +
    "same loop on the BEAM; then the reference solutions of the rate limiter and the order book, called through " +
    "their GenServer and directly, against the npm packages one would otherwise use. " +
    `Each figure is the median of ${runs} ${runs === "1" ? "run" : "runs"} after ${warmup} warm-up ${warmup === 1 ? "run" : "runs"}; the spread goes from the slowest run ` +
    "to the fastest. Ratios are taken between figures of the same run, so the machine's load mostly cancels out " +
    "in them: to compare machines, compare ratios, not absolute figures.",
  quick: "**These figures come from the quick mode (tiny sizes, one run): they prove the benchmarks work and mean nothing.**",
  skipped: "Not measured:",
  groups: {
    primitives: "Primitives",
    rate_limiter: "Rate limiter",
    order_book: "Order book",
    order_book_scaling: "Order book scaling",
    rate_limiter_scaling: "Rate limiter scaling",
  },
  machine: {
    heading: "Machine",
    header: ["Field", "Value"],
    date: "Date",
    cpu: "CPU",
    cores: "Cores",
    memory: "Memory",
    os: "OS",
    node: "Node",
    beam: "BEAM",
    notInstalled: "not installed",
  },
  goals: {
    heading: "Goals",
    header: ["Goal", "Measured", "Required", "Verdict"],
    met: (margin) => `✅ met (${margin} to spare)`,
    missed: (margin) => `❌ missed by ${margin}`,
    notMeasured: "not measured",
    nsGrowth: "ns/op growth",
    cleanup: "memory back to baseline after cleanup",
    cleanupLeft: (left, perKey) => `${left} of ${perKey} per key`,
    cleanupRequired: (share, floor, from) => `≤ ${share} of the bytes per key, or ≤ ${floor}, at every size from ${from} keys`,
    scaled: (target, factor) => `(${target} × ${factor}, the bare mailbox measured beside the figure)`,
    scaling: (reference) =>
      `The goals in operations per second were set on a reference machine where the bare promise mailbox does ${reference}. That mailbox is measured before each run of a figure, in the same process: the goal is multiplied by its median speed over ${reference}, and the verdict is the ratio's, measured side by side.`,
  },
  primitives: {
    heading: "Runtime primitives",
    header: ["Figure", "runtime (M/s)", "BEAM (M/s)", "runtime / BEAM", "runtime / bare promise"],
    bare: (value, figure) => `The bare promise mailbox, in \`${figure}\`: ${value} M/s.`,
    beamSkipped: (reason) => `${DASH}: the BEAM was not measured (${reason}).`,
    perServer: (runtime, beam) => `Memory per idle server: runtime ${runtime}, BEAM ${beam}.`,
    chart: "Bar chart: operations per second of each primitive, by implementation",
  },
  descriptions: "What one run does:",
  rateLimiter: {
    header: ["Implementation", "M checks/s", "Spread (M/s)", "vs rate-limiter-flexible"],
    chart: "Bar chart: rate limiter checks per second, by implementation",
  },
  orderBook: {
    header: ["Implementation", "M ops/s", "Spread (M/s)", "vs nodejs-order-book"],
    chart: "Bar chart: order book operations per second, by implementation",
  },
  scaling: {
    heading: "Scaling",
    intro:
      "Time per operation as the book or the number of keys grows. An operation whose cost grows like log n takes " +
      "×2.00 as long at 1 M as at 1 k (ln 10⁶ / ln 10³); a flat line is constant time. In brackets, the growth " +
      "from the smallest size. The charts use log scales on both axes: equal rises are equal growth factors, however " +
      "fast the line.",
    bookSize: "Resting orders",
    nsPerOp: "ns/op",
    logGrowth: "log n growth",
    bytesPerOrder: "B/order",
    bookChart: "Line chart: order book nanoseconds per operation by resting orders",
    limiterSize: "Keys",
    nsPerCheck: "ns/check",
    bytesPerKey: "B/key → after cleanup",
    limiterChart: "Line chart: rate limiter nanoseconds per check by tracked keys",
    notMeasured: "Not measured.",
  },
  others: { heading: "Other figures", header: ["Figure", "Implementation", "Size", "M/s (spread)"] },
  memory: {
    heading: "Memory",
    intro: "Heap bytes, medians of the measured runs.",
    header: (orderSize, keySize) => ["Implementation", "per idle server", `per resting order${orderSize}`, `per key${keySize}`],
  },
};

// Markdown.

/** Text from the run (a CPU name, a description) as Markdown that GitHub will not read as HTML. */
function escapeText(text: string): string {
  return text.replaceAll("<", "&lt;").replaceAll("\n", " ");
}

function escapeCell(text: string): string {
  return escapeText(text).replaceAll("|", "\\|");
}

/** A GitHub table: the first `textColumns` columns left-aligned, the figures after them right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], textColumns = 1): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(" | ")} |`;
  return [line(header), `| ${header.map((_, i) => (i < textColumns ? "---" : "---:")).join(" | ")} |`, ...rows.map(line), ""];
}

/** Each distinct description once, with the figures and implementations it describes. */
function descriptions(measurements: readonly Measurement[], s: Strings): string[] {
  const byText = new Map<string, string[]>();
  for (const m of measurements) {
    const who = `\`${m.figure}\` · ${m.implementation}`;
    const list = byText.get(m.description) ?? [];
    if (!list.includes(who)) list.push(who);
    byText.set(m.description, list);
  }
  if (byText.size === 0) return [];
  return [s.descriptions, "", ...[...byText].map(([text, who]) => `- ${who.join(", ")}: ${escapeText(text)}`), ""];
}

function runsText(run: BenchRun): string {
  const runs = [...new Set(run.measurements.map((m) => m.runs))].sort((a, b) => a - b);
  if (runs.length === 0) return DASH;
  return runs.length === 1 ? String(runs[0]) : `${runs[0]}–${runs.at(-1)}`;
}

/** Parts the run left out, with its reasons; the BEAM's is given under the primitives, where its column is empty. */
function skippedNote(run: BenchRun, s: Strings): string[] {
  const skipped = Object.entries(run.skipped).filter(([part]) => part !== "beam");
  if (skipped.length === 0) return [];
  return [s.skipped, "", ...skipped.map(([part, reason]) => `- \`${escapeText(part)}\`: ${escapeText(reason)}`), ""];
}

function machineSection(run: BenchRun, s: Strings): string[] {
  const m = run.machine;
  const t = s.machine;
  return [
    `## ${t.heading}`,
    "",
    ...table(
      t.header,
      [
        [t.date, m.date],
        [t.cpu, m.cpu],
        [t.cores, String(m.cores)],
        [t.memory, `${trimmed(m.memoryGiB)} GiB`],
        [t.os, m.os],
        [t.node, m.node],
        [t.beam, m.beam ?? t.notInstalled],
      ],
      2,
    ),
  ];
}

function goalsSection(run: BenchRun, s: Strings): string[] {
  const rows = goals(run).map((goal) => {
    const verdict =
      goal.verdict === null
        ? s.goals.notMeasured
        : goal.verdict.met
          ? s.goals.met(goal.verdict.margin)
          : s.goals.missed(goal.verdict.margin);
    return [goal.label(s), goal.measured === null ? DASH : goal.measured(s), goal.required(s), verdict];
  });
  const scaled = run.measurements.some(
    (m) => m.target !== undefined && m.implementation !== "bare_promise" && machineFactor(run, m) !== null,
  );
  const note = scaled ? [s.goals.scaling(formatRate(BARE_MAILBOX_REFERENCE)), ""] : [];
  return [`## ${s.goals.heading}`, "", ...note, ...table(s.goals.header, rows, 4)];
}

function primitivesSection(run: BenchRun, s: Strings): string[] {
  const group = inGroup(run, "primitives");
  const rows = figuresOf(group, PRIMITIVES).map((figure) => {
    const runtime = find(run, "primitives", figure, "runtime");
    const beam = find(run, "primitives", figure, "beam");
    const bare = find(run, "primitives", figure, "bare_promise");
    return [
      `\`${figure}\``,
      orDash(runtime?.opsPerSec, formatMegaSpread),
      orDash(beam?.opsPerSec, formatMegaSpread),
      orDash(ratio(runtime, beam), formatRatio),
      orDash(ratio(runtime, bare), formatRatio),
    ];
  });
  const notes: string[] = [];
  for (const bare of group.filter((m) => m.implementation === "bare_promise")) {
    notes.push(s.primitives.bare(formatMegaSpread(bare.opsPerSec), bare.figure));
  }
  const beamReason = run.skipped.beam;
  if (beamReason !== undefined) notes.push(s.primitives.beamSkipped(escapeText(beamReason)));
  const runtimeServer = perServer(run, "runtime");
  const beamServer = perServer(run, "beam");
  if (runtimeServer !== undefined || beamServer !== undefined) {
    notes.push(s.primitives.perServer(orDash(runtimeServer, formatBytes), orDash(beamServer, formatBytes)));
  }
  return [
    `## ${s.primitives.heading}`,
    "",
    ...table(s.primitives.header, rows),
    ...notes.flatMap((note) => [note, ""]),
    ...descriptions(group, s),
    `![${s.primitives.chart}](primitives.svg)`,
    "",
  ];
}

/** The rate limiter's or the order book's table: one row per implementation, with its ratio to the npm package. */
function throughputSection(
  run: BenchRun,
  s: Strings,
  group: "rate_limiter" | "order_book",
  figure: string,
  expected: readonly Implementation[],
  yardstick: Implementation,
  words: { readonly header: readonly [string, string, string, string]; readonly chart: string },
  chart: string,
): string[] {
  const measurements = inGroup(run, group);
  const main = measurements.filter((m) => m.figure === figure);
  const rows = implementationsOf(main, expected).map((implementation) => {
    const m = find(run, group, figure, implementation);
    return [
      implementation,
      orDash(m?.opsPerSec.median, formatMega),
      orDash(m?.opsPerSec, formatMegaRange),
      orDash(ratio(m, find(run, group, figure, yardstick)), formatRatio),
    ];
  });
  return [
    `## ${s.groups[group]}`,
    "",
    ...table(words.header, rows),
    ...othersTable(
      measurements.filter((m) => m.figure !== figure),
      s,
    ),
    ...descriptions(measurements, s),
    `![${words.chart}](${chart})`,
    "",
  ];
}

/** Figures of a known group that its own table does not show. */
function othersTable(measurements: readonly Measurement[], s: Strings): string[] {
  if (measurements.length === 0) return [];
  const rows = measurements.map((m) => [`\`${m.figure}\``, m.implementation, orDash(m.size, formatSize), formatMegaSpread(m.opsPerSec)]);
  return [`**${s.others.heading}**`, "", ...table(s.others.header, rows, 2)];
}

/** "130 ns (×1.30)": the time per operation at `size`, and its growth from the group's smallest size. */
function timeCell(
  run: BenchRun,
  group: "order_book_scaling" | "rate_limiter_scaling",
  impl: Implementation,
  size: number,
  smallest: number,
): string {
  const m = find(run, group, "at_size", impl, size);
  const first = find(run, group, "at_size", impl, smallest);
  if (m === undefined || m.opsPerSec.median <= 0) return DASH;
  if (first === undefined || first.opsPerSec.median <= 0) return formatNs(nsPerOp(m));
  return `${formatNs(nsPerOp(m))} (${formatGrowth(nsPerOp(m) / nsPerOp(first))})`;
}

function bookScaling(run: BenchRun, s: Strings): string[] {
  const group = inGroup(run, "order_book_scaling");
  const atSize = group.filter((m) => m.figure === "at_size" && m.size !== undefined);
  const sizes = sizesOf(atSize);
  const heading = [`### ${s.groups.order_book}`, ""];
  const others = othersTable(
    group.filter((m) => !atSize.includes(m)),
    s,
  );
  if (sizes.length === 0) return [...heading, s.scaling.notMeasured, "", ...others, ...descriptions(group, s)];
  const implementations = implementationsOf(atSize, BOOK_SCALING_IMPLEMENTATIONS);
  const withBytes = implementations.filter((impl) =>
    atSize.some((m) => m.implementation === impl && bytesOf(m, "per_order") !== undefined),
  );
  const smallest = sizes[0] ?? 1;
  const rows = sizes.map((size) => [
    formatSize(size),
    ...implementations.map((impl) => timeCell(run, "order_book_scaling", impl, size, smallest)),
    smallest >= 2 ? formatGrowth(Math.log(size) / Math.log(smallest)) : DASH,
    ...withBytes.map((impl) => orDash(bytesOf(find(run, "order_book_scaling", "at_size", impl, size), "per_order"), formatBytes)),
  ]);
  const header = [
    s.scaling.bookSize,
    ...implementations.map((impl) => `${impl}: ${s.scaling.nsPerOp}`),
    s.scaling.logGrowth,
    ...withBytes.map((impl) => `${impl}: ${s.scaling.bytesPerOrder}`),
  ];
  return [
    ...heading,
    ...table(header, rows),
    ...others,
    ...descriptions(group, s),
    `![${s.scaling.bookChart}](order-book-scaling.svg)`,
    "",
  ];
}

function limiterScaling(run: BenchRun, s: Strings): string[] {
  const group = inGroup(run, "rate_limiter_scaling");
  const atSize = group.filter((m) => m.figure === "at_size" && m.size !== undefined);
  const sizes = sizesOf(atSize);
  const heading = [`### ${s.groups.rate_limiter}`, ""];
  const others = othersTable(
    group.filter((m) => !atSize.includes(m)),
    s,
  );
  if (sizes.length === 0) return [...heading, s.scaling.notMeasured, "", ...others, ...descriptions(group, s)];
  const implementations = implementationsOf(atSize, LIMITER_SCALING_IMPLEMENTATIONS);
  const withBytes = implementations.filter((impl) => atSize.some((m) => m.implementation === impl && bytesOf(m, "per_key") !== undefined));
  const smallest = sizes[0] ?? 1;
  const rows = sizes.map((size) => [
    formatSize(size),
    ...implementations.map((impl) => timeCell(run, "rate_limiter_scaling", impl, size, smallest)),
    ...withBytes.map((impl) => {
      const m = find(run, "rate_limiter_scaling", "at_size", impl, size);
      return `${orDash(bytesOf(m, "per_key"), formatBytes)} → ${orDash(bytesOf(m, "after_cleanup_per_key"), formatBytes)}`;
    }),
  ]);
  const header = [
    s.scaling.limiterSize,
    ...implementations.map((impl) => `${impl}: ${s.scaling.nsPerCheck}`),
    ...withBytes.map((impl) => `${impl}: ${s.scaling.bytesPerKey}`),
  ];
  return [
    ...heading,
    ...table(header, rows),
    ...others,
    ...descriptions(group, s),
    `![${s.scaling.limiterChart}](rate-limiter-scaling.svg)`,
    "",
  ];
}

function scalingSection(run: BenchRun, s: Strings): string[] {
  return [`## ${s.scaling.heading}`, "", s.scaling.intro, "", ...bookScaling(run, s), ...limiterScaling(run, s)];
}

function memorySection(run: BenchRun, s: Strings): string[] {
  const orders = inGroup(run, "order_book_scaling");
  const keys = inGroup(run, "rate_limiter_scaling");
  const perOrder = (impl: Implementation) =>
    atLargestSize(
      orders.filter((m) => m.implementation === impl),
      "per_order",
    );
  const perKey = (impl: Implementation) =>
    atLargestSize(
      keys.filter((m) => m.implementation === impl),
      "per_key",
    );
  const largestOrder = atLargestSize(orders, "per_order")?.size;
  const largestKey = atLargestSize(keys, "per_key")?.size;
  // The size goes in the header when every implementation reached it, and in the cell of one that did not.
  const cell = (found: { readonly bytes: number; readonly size: number } | null, largest: number | undefined): string =>
    found === null ? DASH : found.size === largest ? formatBytes(found.bytes) : `${formatBytes(found.bytes)} (${formatSize(found.size)})`;
  const rows = IMPLEMENTATIONS.filter((impl) => impl !== "bare_promise").map((impl) => [
    impl,
    orDash(perServer(run, impl), formatBytes),
    cell(perOrder(impl), largestOrder),
    cell(perKey(impl), largestKey),
  ]);
  const sizeNote = (size: number | undefined): string => (size === undefined ? "" : `, ${formatSize(size)}`);
  return [`## ${s.memory.heading}`, "", s.memory.intro, "", ...table(s.memory.header(sizeNote(largestOrder), sizeNote(largestKey)), rows)];
}

function markdown(run: BenchRun, s: Strings): string {
  const lines = [
    `# ${s.title}`,
    "",
    s.otherLanguage,
    "",
    s.intro(runsText(run), run.warmup),
    "",
    ...(run.mode === "quick" ? [s.quick, ""] : []),
    ...skippedNote(run, s),
    ...machineSection(run, s),
    ...goalsSection(run, s),
    ...primitivesSection(run, s),
    ...throughputSection(
      run,
      s,
      "rate_limiter",
      "checks",
      RATE_LIMITER_IMPLEMENTATIONS,
      "rate-limiter-flexible",
      s.rateLimiter,
      "rate-limiter.svg",
    ),
    ...throughputSection(run, s, "order_book", "workload", ORDER_BOOK_IMPLEMENTATIONS, "nodejs-order-book", s.orderBook, "order-book.svg"),
    ...scalingSection(run, s),
    ...memorySection(run, s),
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}

// Charts: language-neutral where they can be (units, implementation names), bilingual where they cannot.

const SPREAD_KEY: LegendEntry = { label: "mediana, mín–máx · median, min–max", color: REFERENCE_COLOR, style: "spread" };

function legendOf(implementations: readonly Implementation[]): LegendEntry[] {
  return implementations.map((impl) => ({ label: impl, color: COLORS[impl], style: "bar" }));
}

function barsChart(
  run: BenchRun,
  group: Group,
  known: readonly string[],
  expected: (figure: string) => readonly Implementation[],
  words: { readonly title: string; readonly description: string; readonly axisTitle: string },
): string {
  const measurements = inGroup(run, group);
  const figures = figuresOf(measurements, known);
  const implementations = implementationsOf(measurements, [...new Set(figures.flatMap(expected))]);
  const panels: BarPanel[] = figures.map((figure) => {
    const here = measurements.filter((m) => m.figure === figure);
    // A figure shows the implementations that did its work, and a "—" row for one a known figure expects.
    const forced = known.includes(figure) ? expected(figure) : [];
    const shown = implementations.filter((impl) => here.some((m) => m.implementation === impl) || forced.includes(impl));
    const bars: Bar[] = shown.map((impl) => {
      const m = here.find((candidate) => candidate.implementation === impl);
      return { label: impl, color: COLORS[impl], value: m?.opsPerSec ?? null, text: orDash(m?.opsPerSec.median, formatRate) };
    });
    return { heading: figure, bars };
  });
  return barChart({ ...words, legend: [...legendOf(implementations), SPREAD_KEY], panels, tick: formatSize });
}

/** y(n) = y(n0) · ln n / ln n0 from the plain line's first point: what a log n cost would look like. */
function logReference(plain: readonly Point[], largest: number): Point[] {
  const first = plain[0];
  if (first === undefined || first.x < 2 || largest <= first.x) return [];
  const steps = 24;
  return Array.from({ length: steps + 1 }, (_, i) => {
    const n = first.x * (largest / first.x) ** (i / steps);
    return { x: n, y: (first.y * Math.log(n)) / Math.log(first.x) };
  });
}

function scalingChart(
  run: BenchRun,
  group: "order_book_scaling" | "rate_limiter_scaling",
  expected: readonly Implementation[],
  words: { readonly title: string; readonly description: string; readonly xTitle: string; readonly yTitle: string },
): string {
  const atSize = inGroup(run, group).filter((m) => m.figure === "at_size" && m.size !== undefined && m.opsPerSec.median > 0);
  const lines: Line[] = implementationsOf(atSize, expected).map((impl) => ({
    label: impl,
    color: COLORS[impl],
    reference: false,
    points: atSize
      .filter((m) => m.implementation === impl)
      .map((m) => ({ x: m.size ?? 0, y: nsPerOp(m) }))
      .sort((a, b) => a.x - b.x),
  }));
  const plain = lines.find((line) => line.label === "plain")?.points ?? [];
  const reference = logReference(plain, Math.max(0, ...sizesOf(atSize)));
  return lineChart({
    ...words,
    lines: [
      ...lines,
      ...(reference.length === 0 ? [] : [{ label: "∝ log n", color: REFERENCE_COLOR, reference: true, points: reference }]),
    ],
    xTick: formatSize,
    yTick: formatNs,
  });
}

/** The report as file name → content: README.md (Spanish), README.en.md (English) and the charts they link to. */
export function renderReport(run: BenchRun): ReadonlyMap<string, string> {
  const both = (es: string, en: string): string => `${es}. ${en}.`;
  return new Map([
    ["README.md", markdown(run, ES)],
    ["README.en.md", markdown(run, EN)],
    [
      "primitives.svg",
      barsChart(
        run,
        "primitives",
        PRIMITIVES,
        (figure) => (figure === "call_roundtrip" ? PRIMITIVE_IMPLEMENTATIONS : SERVER_IMPLEMENTATIONS),
        {
          title: "Primitivas del runtime · Runtime primitives",
          description: both(ES.primitives.chart, EN.primitives.chart),
          axisTitle: "ops/s",
        },
      ),
    ],
    [
      "rate-limiter.svg",
      barsChart(run, "rate_limiter", ["checks"], () => RATE_LIMITER_IMPLEMENTATIONS, {
        title: "Limitador de tasa · Rate limiter",
        description: both(ES.rateLimiter.chart, EN.rateLimiter.chart),
        axisTitle: "checks/s",
      }),
    ],
    [
      "order-book.svg",
      barsChart(run, "order_book", ["workload"], () => ORDER_BOOK_IMPLEMENTATIONS, {
        title: "Libro de órdenes · Order book",
        description: both(ES.orderBook.chart, EN.orderBook.chart),
        axisTitle: "ops/s",
      }),
    ],
    [
      "order-book-scaling.svg",
      scalingChart(run, "order_book_scaling", BOOK_SCALING_IMPLEMENTATIONS, {
        title: "Libro de órdenes · Order book: ns/op",
        description: both(ES.scaling.bookChart, EN.scaling.bookChart),
        xTitle: "órdenes en reposo · resting orders (log)",
        yTitle: "ns/op (log)",
      }),
    ],
    [
      "rate-limiter-scaling.svg",
      scalingChart(run, "rate_limiter_scaling", LIMITER_SCALING_IMPLEMENTATIONS, {
        title: "Limitador de tasa · Rate limiter: ns/check",
        description: both(ES.scaling.limiterChart, EN.scaling.limiterChart),
        xTitle: "claves · keys (log)",
        yTitle: "ns/check (log)",
      }),
    ],
  ]);
}

/** Writes the report into `dir` (created if need be) and returns the paths written, in `renderReport`'s order. */
export async function writeReport(run: BenchRun, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [name, content] of renderReport(run)) {
    const path = join(dir, name);
    await writeFile(path, content, "utf8");
    paths.push(path);
  }
  return paths;
}
