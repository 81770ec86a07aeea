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
    const threads = readThreads(pid, true);
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
 * Only the CPU time of process `pid`, as in {@link readUsage}, in ms; null where it cannot be read. For measurements
 * taken around every batch: it reads a file per thread, and none of the rest.
 */
export function readCpuMs(pid: number): number | null {
  if (process.platform !== "linux") return null;
  try {
    const { ns } = readThreads(pid, false);
    if (ns > 0) return ns / 1e6;
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return ticksMs(stat.slice(stat.lastIndexOf(")") + 2).split(" "));
  } catch {
    return null;
  }
}

/** utime and stime of /proc/<pid>/stat's fields (those after the command name), in ms. */
const ticksMs = (fields: readonly string[]): number => ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;

/**
 * The process's threads: their CPU time in nanoseconds' precision, the sum of every thread's schedstat, where the
 * kernel keeps it (elsewhere it reads 0, and /proc/<pid>/stat's utime and stime, in 10 ms ticks, are used instead);
 * and whether each is asleep (state S). Every thread: work handed to the thread pool (a hash in a loop, say) is the
 * subject's CPU time as much as its own loop.
 */
function readThreads(pid: number, withStates: boolean): { readonly ns: number; readonly allAsleep: boolean } {
  let ns = 0;
  let allAsleep = true;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, "latin1").split(" ")[0]);
      if (!withStates) continue;
      const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, "latin1");
      if (stat[stat.lastIndexOf(")") + 2] !== "S") allAsleep = false;
    } catch {
      // A thread that ended between the listing and the read took its time with it: a few ms at most.
    }
  }
  return { ns: Number.isFinite(ns) ? ns : 0, allAsleep };
}
