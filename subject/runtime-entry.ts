/**
 * The runtime as a subject process loads it (built to runtime.js): everything `#runtime` offers, which the code
 * under grading imports, plus the one internal hook the subject's host needs. Both import this one module, so
 * they share one runtime.
 */
// biome-ignore lint/performance/noReExportAll: this entry must offer exactly what runtime/index.ts offers, whatever it adds.
export * from "../runtime/index.ts";
export { observeSpawns } from "../runtime/process.ts";
