/**
 * The watchdog of a grading worker: a thread of its own, because a synchronous infinite loop or an allocation loop
 * in the implementation blocks the worker's event loop and no timer of the worker could fire.
 *
 * It and the worker keep a ledger, one JSON line per event, in a directory the implementation cannot see: the file
 * graded, each test as it starts and ends, and why the watchdog stopped the process (an event loop blocked past
 * the bound, or memory past the limit). The kit reads the ledger after the run, so the results of the tests that ended before the
 * process died (exit, kill, crash) are not lost, and the test that was running is named.
 */
import { openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

/** One line of the ledger. */
export type LedgerEvent =
  | { readonly type: "file"; readonly file: string; readonly pid: number }
  | { readonly type: "start"; readonly test: string | null; readonly task: number | null }
  | { readonly type: "end"; readonly test: string; readonly passed: boolean; readonly tampered: readonly string[] }
  | { readonly type: "tampered"; readonly test: string | null; readonly labels: readonly string[] }
  | { readonly type: "killed"; readonly reason: "hang" | "memory"; readonly boundMs: number; readonly memoryMb: number };

export interface Watchdog {
  /** A test (or, with test null, the loading of the file) starts; the bound runs from now. */
  busy(test: string | null, task: number | null): void;
  /** The test ended; the bound stops. */
  idle(test: string, passed: boolean, tampered: readonly string[]): void;
  /** Something the graders rely on was replaced, outside a test's end (at load, say). */
  tampered(test: string | null, labels: readonly string[]): void;
}

const threadSource = `
const { workerData } = require("node:worker_threads");
const { appendFileSync } = require("node:fs");
const { ledgerPath, boundMs, memoryMb, beat, base } = workerData;
const beats = new Int32Array(beat);
const startRss = process.memoryUsage.rss() / 1048576;
const kill = (reason, memory) => {
  appendFileSync(ledgerPath, JSON.stringify({ type: "killed", reason, boundMs, memoryMb: memory }) + "\\n");
  process.kill(process.pid, "SIGKILL");
};
// Both checks run here: a blocked or allocating worker thread never gets to look at itself.
setInterval(() => {
  const rss = process.memoryUsage.rss() / 1048576;
  if (rss > memoryMb) return kill("memory", Math.round(rss));
  // The worker's event loop beats every few hundred ms; no beat for the bound means it is blocked. Blocked while
  // memory climbed by a third of the limit is an allocation loop (the garbage collector slows it to a crawl).
  if (Date.now() - base - Atomics.load(beats, 0) > boundMs) kill(rss - startRss > memoryMb / 3 ? "memory" : "hang", Math.round(rss));
}, 50);
`;

/** How often the worker's event loop proves it is not blocked. */
const BEAT_MS = 200;

/**
 * Starts the watchdog thread for `file`, with its ledger in `dir`. The thread stops the process when the event
 * loop is blocked for `boundMs` (a synchronous loop; a promise that never settles is vitest's test timeout) or the
 * process uses more than `memoryMb`. The worker writes the other events itself, synchronously, so that a test
 * that ends the process at once is still in the ledger.
 */
export function startWatchdog(options: { dir: string; file: string; boundMs: number; memoryMb: number }): Watchdog {
  // Taken before any test can fake or replace them.
  const realNow = Date.now;
  const realSetInterval = setInterval;
  const write = writeSync;
  const stringify = JSON.stringify;
  const base = realNow();
  const beat = new SharedArrayBuffer(4);
  const beats = new Int32Array(beat);
  const ledgerPath = join(options.dir, `${process.pid}-${base}.ledger`);
  const ledger = openSync(ledgerPath, "a");
  const record = (event: LedgerEvent): void => {
    write(ledger, `${stringify(event)}\n`);
  };
  record({ type: "file", file: options.file, pid: process.pid });
  const worker = new Worker(threadSource, {
    eval: true,
    workerData: { ledgerPath, boundMs: options.boundMs, memoryMb: options.memoryMb, beat, base },
  });
  worker.unref();
  realSetInterval(() => Atomics.store(beats, 0, realNow() - base), BEAT_MS).unref();
  return {
    busy: (test, task) => record({ type: "start", test, task }),
    idle: (test, passed, tampered) => record({ type: "end", test, passed, tampered }),
    tampered: (test, labels) => record({ type: "tampered", test, labels }),
  };
}
