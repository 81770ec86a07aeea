/**
 * What a subject process uses, read from outside it: its CPU time, its resident memory, and whether it is waiting
 * (asleep) or running. On Linux it comes from /proc, which the subject cannot touch; elsewhere there is no such
 * reading and the grader falls back on what the subject says of itself (subject/client.ts).
 */
import { readFileSync } from "node:fs";

export interface Usage {
  /** User plus system CPU time of the whole process, in ms. */
  readonly cpuMs: number;
  readonly rssMb: number;
  /** Asleep in the kernel (waiting for an event), not running nor waiting for a CPU. */
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
    const state = fields[0] ?? "";
    let cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    // schedstat counts nanoseconds where the kernel keeps it (elsewhere it reads 0); stat's ticks are 10 ms apart.
    const ns = Number(readOptional(`/proc/${pid}/schedstat`).split(" ")[0]);
    if (Number.isFinite(ns) && ns > 0) cpuMs = ns / 1e6;
    const status = readFileSync(`/proc/${pid}/status`, "latin1");
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return { cpuMs, rssMb: rssKb / 1024, sleeping: state === "S" };
  } catch {
    return null;
  }
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return "";
  }
}
