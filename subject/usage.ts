/**
 * What a subject process uses, read from outside it: its CPU time, its resident memory, and whether it is waiting
 * (asleep) or running. On Linux it comes from /proc, which the subject cannot touch; elsewhere there is no such
 * reading and the grader falls back on what the subject says of itself (subject/client.ts).
 */
import { readdirSync, readFileSync } from "node:fs";

export interface Usage {
  /** CPU time of the whole process, every thread (Node's, V8's, the thread pool's), in ms. */
  readonly cpuMs: number;
  readonly rssMb: number;
  /**
   * Every thread is asleep in the kernel, waiting for an event: none running, none waiting for a CPU. A main thread
   * that waits for the thread pool while the pool's threads wait for a CPU (a busy machine) is not asleep.
   */
  readonly sleeping: boolean;
}

/** /proc's clock ticks per second (USER_HZ), the same on every Linux. */
const TICKS_PER_SECOND = 100;

/** The usage of process `pid`, or null where /proc is not there or the process is gone. */
export function readUsage(pid: number): Usage | null {
  if (process.platform !== "linux") return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name may hold spaces and parentheses: the fields start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const status = readFileSync(`/proc/${pid}/status`, "latin1");
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const threads = readThreads(pid);
    return {
      cpuMs: threads.ns > 0 ? threads.ns / 1e6 : ticksMs(fields),
      rssMb: rssKb / 1024,
      sleeping: fields[0] === "S" && threads.allAsleep,
    };
  } catch {
    return null;
  }
}

/**
 * The CPU time of process `pid`, as in {@link readUsage}, in ms, and whether it is settled: no thread of it was
 * running when read. The kernel brings a running thread's schedstat up to date only at its next tick or switch, so
 * read while the subject still runs (just after it answered a batch, say) a whole batch can read as no time at all;
 * a thread that is not running was brought up to date when it stopped. Null where it cannot be read.
 */
export function readCpuMs(pid: number): { readonly cpuMs: number; readonly settled: boolean } | null {
  if (process.platform !== "linux") return null;
  try {
    const { ns, noneRunning } = readThreads(pid);
    if (ns > 0) return { cpuMs: ns / 1e6, settled: noneRunning };
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return { cpuMs: ticksMs(stat.slice(stat.lastIndexOf(")") + 2).split(" ")), settled: noneRunning };
  } catch {
    return null;
  }
}

/** utime and stime of /proc/<pid>/stat's fields (those after the command name), in ms. */
const ticksMs = (fields: readonly string[]): number => ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;

/**
 * The process's threads: their CPU time in nanoseconds' precision, the sum of every thread's schedstat, where the
 * kernel keeps it (elsewhere it reads 0, and /proc/<pid>/stat's utime and stime, in 10 ms ticks, are used instead);
 * whether each is asleep (state S), and whether none is running or waiting for a CPU (state R). Every thread: work
 * handed to the thread pool (a hash in a loop, say) is the subject's CPU time as much as its own loop. Each thread's
 * state is read before its schedstat: a thread seen not running had its time brought up to date before the read.
 */
function readThreads(pid: number): { readonly ns: number; readonly allAsleep: boolean; readonly noneRunning: boolean } {
  let ns = 0;
  let allAsleep = true;
  let noneRunning = true;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, "latin1");
      const state = stat[stat.lastIndexOf(")") + 2];
      ns += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, "latin1").split(" ")[0]);
      if (state !== "S") allAsleep = false;
      if (state === "R") noneRunning = false;
    } catch {
      // A thread that ended between the listing and the read took its time with it: a few ms at most.
    }
  }
  return { ns: Number.isFinite(ns) ? ns : 0, allAsleep, noneRunning };
}
