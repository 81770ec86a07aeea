import { printAsString } from "./printing.ts";
import type { Proc } from "./process.ts";
import type { Protocol } from "./types.ts";

declare const PROTOCOL: unique symbol;

let procOfPid: (pid: Pid) => Proc;

/**
 * A process identifier. Compare pids with `===`; print one to see `#PID<0.42.0>`. The type parameter is the
 * protocol of the server behind it, so `GenServer.call(pid, …)` only accepts requests that server takes.
 */
export class Pid<P extends Protocol = Protocol> {
  declare readonly [PROTOCOL]?: P;
  readonly id: number;
  // A true private field: invisible to deep equality, printing and JSON, so tests compare pids by identity.
  #proc: Proc;

  constructor(id: number, proc: Proc) {
    this.id = id;
    this.#proc = proc;
  }

  toString(): string {
    return `#PID<0.${this.id}.0>`;
  }

  static {
    procOfPid = (pid) => pid.#proc;
  }
}
printAsString(Pid);

/** The process behind a pid (alive or not). Internal to the runtime. */
export function procOf(pid: Pid): Proc {
  return procOfPid(pid);
}
