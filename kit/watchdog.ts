/**
 * Loaded in every grading worker (vitest `setupFiles`). A synchronous infinite loop blocks the worker's event
 * loop, so no timer of its own can fire; a worker thread can. It is told when each test starts and ends, and when
 * one runs past the bound it writes the hung test's name to GRADE_HANG_DIR and kills this process, so the kit
 * can report the task and go on with the other exercises. Promise hangs are left to vitest's testTimeout.
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, expect } from "vitest";

interface Watched {
  readonly phase: "busy" | "idle";
  readonly file?: string;
  readonly test?: string;
  readonly task?: number;
  /** A test that ended before: its result would be lost with the process. */
  readonly finished?: { readonly name: string; readonly passed: boolean };
}

const hangDir = process.env.GRADE_HANG_DIR;
const boundMs = Number(process.env.GRADE_HANG_MS ?? "4000");

const watcherSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { writeFileSync } = require("node:fs");
let timer = null;
const finished = [];
parentPort.on("message", (state) => {
  if (state.finished !== undefined) finished.push(state.finished);
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (state.phase !== "busy") return;
  timer = setTimeout(() => {
    const report = { file: state.file, test: state.test ?? null, task: state.task ?? null, boundMs: workerData.boundMs, finished };
    writeFileSync(workerData.reportPath, JSON.stringify(report));
    process.kill(process.pid, "SIGKILL");
  }, workerData.boundMs);
});
`;

function taskOf(suite: { name: string; suite?: unknown } | undefined): number | undefined {
  for (let current = suite; current !== undefined; current = current.suite as typeof current | undefined) {
    const match = /^task (\d+)$/.exec(current.name);
    if (match !== null) return Number(match[1]);
  }
  return undefined;
}

if (hangDir !== undefined) {
  const file = expect.getState().testPath ?? "";
  const reportPath = join(hangDir, `${process.pid}-${Date.now()}.json`);
  const worker = new Worker(watcherSource, { eval: true, workerData: { reportPath, boundMs } });
  worker.unref();
  const post = (state: Watched): void => worker.postMessage(state);
  // Loading the test file runs the learner's module top level: watch it too.
  post({ phase: "busy", file });
  beforeEach((context) => {
    const task = taskOf(context.task.suite);
    post({ phase: "busy", file, test: context.task.name, ...(task === undefined ? {} : { task }) });
  });
  afterEach((context) => {
    // Hooks run before vitest settles the state, so a test that has not failed so far has passed.
    post({ phase: "idle", finished: { name: context.task.name, passed: context.task.result?.state !== "fail" } });
  });
}
