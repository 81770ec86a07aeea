/**
 * Subjects left behind. A subject ends when its channel closes, but one that is busy (a loop that never yields)
 * never reads that: if the vitest process that started it dies at once, nothing stops it. A grading run reaps the
 * subjects of its working folder when it closes, found by the folder in their command line, which is unique to
 * the run. Linux only (/proc); elsewhere nothing is found.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Kills every subject whose built code lives under `workDir`; resolves with how many it found. */
export function reapSubjects(workDir: string): number {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 0;
  }
  const host = join(workDir, "shared", "host.mjs");
  let reaped = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (!argv.includes(host)) continue;
    try {
      process.kill(Number(entry), "SIGKILL");
      reaped++;
    } catch {
      // gone meanwhile
    }
  }
  return reaped;
}
