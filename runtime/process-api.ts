import { currentProc } from "./context.ts";
import { show } from "./errors.ts";
import { INFO } from "./mailbox.ts";
import { isVia, resolve } from "./names.ts";
import { Pid, procOf } from "./pid.ts";
import { printAsString } from "./printing.ts";
import { nobody, type Proc } from "./process.ts";
import { TimerEntry, timers } from "./timer-service.ts";
import type { ExitReason, MonitorRef, Protocol, ServerRef, TimerRef } from "./types.ts";

function requireSelf(fn: string): Proc {
  const proc = currentProc();
  if (proc === null) {
    throw new Error(`${fn} must be called from inside a process (a GenServer callback or init); in a test, start a process to own it`);
  }
  return proc;
}

/**
 * The pid of the process running this code, like Elixir's `self()`. Throws outside a process.
 *
 * @example
 * Process.sendAfter(self(), { type: "check" }, 5000);
 */
export function self(): Pid {
  return requireSelf("self()").pid;
}

class SendTimer extends TimerEntry implements TimerRef {
  readonly kind = "timer";
  readonly id: number;
  readonly #dest: ServerRef;
  readonly #message: unknown;
  readonly #target: Proc | null;
  constructor(id: number, dest: ServerRef, message: unknown, target: Proc | null) {
    super();
    this.id = id;
    this.#dest = dest;
    this.#message = message;
    this.#target = target;
  }
  get target(): Proc | null {
    return this.#target;
  }
  fire(): void {
    if (this.#target !== null) {
      this.#target.untrackTimer(this);
      this.#target.enqueue(INFO, this.#message);
    } else {
      // A timer to a name resolves the name at delivery; nobody there, nothing delivered.
      resolve(this.#dest)?.enqueue(INFO, this.#message);
    }
  }
  override toString(): string {
    return `#Reference<0.0.1.${this.id}>`;
  }
}
printAsString(SendTimer);
let lastTimerId = 0;

function targetOf(fn: string, dest: ServerRef): Proc | null {
  if (dest instanceof Pid) return procOf(dest);
  if (typeof dest === "string" || isVia(dest)) return resolve(dest);
  throw new TypeError(`${fn}: dest should be a pid, a name or a via name, got ${show(dest)}`);
}

/**
 * Sends a plain message, delivered to `handleInfo`. Sending to a dead pid does nothing; sending to a name that
 * nobody holds throws, as in Elixir.
 *
 * @example
 * Process.send(pid, { type: "precio", price: 101.5 });
 */
function send<P extends Protocol>(dest: ServerRef<P>, message: P["info"]): void {
  const target = targetOf("Process.send", dest);
  if (target === null && !(dest instanceof Pid)) throw new Error(`Process.send: no process is registered under ${show(dest)}`);
  target?.enqueue(INFO, message);
}

/**
 * Delivers `message` to `handleInfo` of `dest` after `ms` milliseconds (always asynchronously, even for 0), like
 * `Process.send_after/3`. A timer aimed at a pid is cancelled when that process exits; one aimed at a name
 * looks the name up when it fires.
 *
 * @example
 * const ref = Process.sendAfter(self(), { type: "heartbeat" }, 30_000);
 */
function sendAfter<P extends Protocol>(dest: ServerRef<P>, message: P["info"], ms: number): TimerRef {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new TypeError(`Process.sendAfter: ms should be a non-negative integer, got ${show(ms)}`);
  // A pid is resolved now (the timer dies with it); a name is only checked now and resolved when the timer fires.
  const target = dest instanceof Pid ? procOf(dest) : null;
  if (target === null) targetOf("Process.sendAfter", dest);
  const timer = new SendTimer(++lastTimerId, dest, message, target);
  if (target !== null && !target.alive) return timer;
  timers.schedule(timer, ms);
  target?.trackTimer(timer);
  return timer;
}

/**
 * Cancels a timer; returns the milliseconds it had left, or `false` if it already fired or was cancelled.
 *
 * @example
 * Process.cancelTimer(state.timer);
 */
function cancelTimer(ref: TimerRef): number | false {
  if (!(ref instanceof SendTimer)) throw new TypeError(`Process.cancelTimer: expected a ref from Process.sendAfter, got ${show(ref)}`);
  const left = timers.remaining(ref);
  timers.cancel(ref);
  ref.target?.untrackTimer(ref);
  return left;
}

/**
 * The milliseconds a timer has left, or `false` if it already fired or was cancelled.
 *
 * @example
 * Process.readTimer(ref); // 2999
 */
function readTimer(ref: TimerRef): number | false {
  if (!(ref instanceof SendTimer)) throw new TypeError(`Process.readTimer: expected a ref from Process.sendAfter, got ${show(ref)}`);
  return timers.remaining(ref);
}

/**
 * Monitors a process from the calling one: when it exits, the caller gets
 * `{ type: "DOWN", ref, pid, reason }` in handleInfo (reason `"noproc"` if it was already dead).
 *
 * @example
 * Process.monitor(subscriber);
 */
function monitor(target: ServerRef): MonitorRef {
  const owner = requireSelf("Process.monitor");
  const proc = targetOf("Process.monitor", target);
  if (proc !== null) return owner.monitor(proc);
  // A name nobody holds: monitor a process that is already gone, which delivers DOWN with noproc.
  return owner.monitor(nobody());
}

/**
 * Stops a monitor, like `Process.demonitor/2`; with `{ flush: true }` also removes its DOWN message if already
 * queued. Returns `true`; with `{ info: true }`, whether the monitor was still active (`false`: its DOWN was
 * already sent, and with `flush` it was removed).
 *
 * @example
 * Process.demonitor(ref, { flush: true });
 */
function demonitor(ref: MonitorRef, options: { readonly flush?: boolean; readonly info?: boolean } = {}): boolean {
  const wasActive = requireSelf("Process.demonitor").demonitor(ref, options.flush === true);
  return options.info === true ? wasActive : true;
}

/** Links the calling process and `pid`: if one exits abnormally, so does the other (unless it traps exits). */
function link(pid: Pid): void {
  requireSelf("Process.link").link(procOf(pid));
}

function unlink(pid: Pid): void {
  requireSelf("Process.unlink").unlink(procOf(pid));
}

/**
 * Sends an exit signal to `pid`, like `Process.exit/2`: `"kill"` always kills (seen as `"killed"`); `"normal"`
 * is ignored by others unless they trap exits; a trapping process gets `{ type: "EXIT", pid, reason }`.
 */
function exit(pid: Pid, reason: ExitReason): void {
  procOf(pid).exitSignal(currentProc(), reason);
}

/**
 * Sets a process flag of the calling process; returns the previous value. Only `"trapExit"` exists.
 *
 * @example
 * Process.flag("trapExit", true);
 */
function flag(name: "trapExit", value: boolean): boolean {
  if (name !== "trapExit") throw new TypeError(`Process.flag: unknown flag ${show(name)}`);
  const proc = requireSelf("Process.flag");
  const previous = proc.trapExit;
  proc.trapExit = value;
  return previous;
}

/** Whether the process behind `pid` is alive. */
function alive(pid: Pid): boolean {
  return procOf(pid).alive;
}

/** `Process`: messages, timers, monitors, links and flags of processes, as in Elixir. */
export const Process = { send, sendAfter, cancelTimer, readTimer, monitor, demonitor, link, unlink, exit, flag, alive, self } as const;
