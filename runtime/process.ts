import { expireReading, onSchedulerJob } from "./clock.ts";
import { CALL, INFO, Mailbox, type MessageKind, SYSTEM } from "./mailbox.ts";
import { Pid } from "./pid.ts";
import { printAsString } from "./printing.ts";
import { type TimerEntry, timers } from "./timer-service.ts";
import type { DownMessage, ExitMessage, ExitReason, MonitorRef } from "./types.ts";

const IDLE = 0;
const QUEUED = 1;
const RUNNING = 2;
const SUSPENDED = 3;
const DEAD = 4;
export type Status = typeof IDLE | typeof QUEUED | typeof RUNNING | typeof SUSPENDED | typeof DEAD;

/** Messages one process may handle before the scheduler moves on to the next one. */
const SLICE = 64;
/** Messages handled in one scheduler job before it yields to other promise jobs. */
const JOB_BUDGET = 50_000;

let lastId = 0;

/** Told of every process as it starts (the grading subject uses it to stop what a test left running); usually unset. */
let spawnObserver: ((proc: Proc) => void) | null = null;

/** Sets (or, with null, clears) the one observer of process starts. Internal: not exported by runtime/index.ts. */
export function observeSpawns(observer: ((proc: Proc) => void) | null): void {
  spawnObserver = observer;
}

/** Something that holds on to a process until it exits: a pending call, a monitor, a registry entry. */
export interface ExitObserver {
  processExited(proc: Proc, reason: ExitReason): void;
}

class Monitor implements MonitorRef {
  readonly kind = "monitor";
  readonly id: number;
  readonly #owner: Proc;
  readonly #target: Proc;
  constructor(id: number, owner: Proc, target: Proc) {
    this.id = id;
    this.#owner = owner;
    this.#target = target;
  }
  get owner(): Proc {
    return this.#owner;
  }
  get target(): Proc {
    return this.#target;
  }
  toString(): string {
    return `#Reference<0.0.0.${this.id}>`;
  }
}
printAsString(Monitor);
let lastMonitorId = 0;

/**
 * A process: a pid, a mailbox drained one message at a time, links, monitors and an exit reason.
 * Subclasses (a GenServer, a Registry, a test probe) say what handling one message means.
 */
export abstract class Proc {
  readonly pid: Pid;
  exitReason: ExitReason = undefined;
  trapExit = false;
  /** The process that started this one with startLink: its exit signal runs terminate when trapping. */
  parent: Proc | null = null;
  /** Scheduling state; read by the scheduler below, never by subclasses. */
  status: Status = IDLE;
  private readonly mailbox = new Mailbox();
  // Allocated on first use: an idle process is a few fields and an empty array.
  private links: Set<Proc> | null = null;
  private watchers: Map<Monitor, Proc> | null = null;
  private observers: Set<ExitObserver> | null = null;
  private timersToMe: Set<TimerEntry> | null = null;

  constructor() {
    this.pid = new Pid(++lastId, this);
    if (spawnObserver !== null) spawnObserver(this);
  }

  get alive(): boolean {
    return this.status !== DEAD;
  }

  /** Handles one message; returns a promise when the handler went async (the process waits for it). */
  protected abstract handle(kind: MessageKind, payload: unknown): PromiseLike<unknown> | undefined;

  /** A message arrived (a GenServer cancels its idle timeout here). */
  protected messageArrived(_kind: MessageKind): void {}

  /**
   * The handler of a message went async (`run` only calls this then, so a synchronous message costs nothing more):
   * a GenServer keeps a call being handled so that, if it exits first, the caller hears of it.
   */
  protected suspendedOn(_kind: MessageKind, _payload: unknown): void {}

  /** Clean-up of the subclass when the process exits, before links and monitors are told. */
  protected exited(_reason: ExitReason): void {}

  enqueue(kind: MessageKind, payload: unknown): boolean {
    if (this.status === DEAD) return false;
    this.mailbox.push(kind, payload);
    this.messageArrived(kind);
    if (this.status === IDLE) schedule(this);
    return true;
  }

  /** Puts a message before every queued one (a continue runs before anything else). */
  enqueueFirst(kind: MessageKind, payload: unknown): void {
    if (this.status === DEAD) return;
    this.mailbox.pushFront(kind, payload);
    if (this.status === IDLE) schedule(this);
  }

  /** Whether a message other than a sys request is queued: one that ends a `receive … after`, as on the BEAM. */
  hasQueuedMessagesBesidesSystem(): boolean {
    return !this.mailbox.isEmpty() && this.mailbox.hasOtherThan(SYSTEM);
  }

  /** Scheduler entry: handles up to `budget` messages; returns how many it handled. */
  run(budget: number): number {
    this.status = RUNNING;
    expireReading();
    const box = this.mailbox;
    let handled = 0;
    while (!box.isEmpty()) {
      if (handled === budget) {
        schedule(this);
        return handled;
      }
      const kind = box.peekKind();
      const payload = box.takePayload();
      handled++;
      const pending = this.handle(kind, payload);
      if (!this.alive) return handled;
      if (pending !== undefined) {
        this.status = SUSPENDED;
        this.suspendedOn(kind, payload);
        pending.then(
          () => this.resume(),
          () => this.resume(),
        );
        return handled;
      }
    }
    this.status = IDLE;
    return handled;
  }

  /** Marks the process as waiting for something other than its mailbox (an async init). */
  suspend(): void {
    if (this.status !== DEAD) this.status = SUSPENDED;
  }

  resume(): void {
    if (this.status !== SUSPENDED) return;
    this.status = IDLE;
    if (!this.mailbox.isEmpty()) schedule(this);
  }

  /** Ends the process with `reason`: rejects its callers, frees its names and timers, signals links and monitors. */
  exit(reason: ExitReason): void {
    if (this.status === DEAD) return;
    this.status = DEAD;
    this.exitReason = reason;
    this.exited(reason);
    const left = this.mailbox.clear();
    for (let i = 0; i < left.length; i += 2) {
      if (left[i] === CALL || left[i] === SYSTEM) (left[i + 1] as ExitObserver).processExited(this, reason);
    }
    if (this.timersToMe !== null) {
      for (const entry of this.timersToMe) timers.cancel(entry);
      this.timersToMe = null;
    }
    const observers = this.observers;
    this.observers = null;
    if (observers !== null) for (const observer of observers) observer.processExited(this, reason);
    const links = this.links;
    this.links = null;
    if (links !== null) {
      for (const other of links) {
        other.links?.delete(this);
        other.exitSignal(this, reason, true);
      }
    }
    const watchers = this.watchers;
    this.watchers = null;
    if (watchers !== null) {
      for (const [monitor, owner] of watchers) deliverDown(owner, monitor, this.pid, reason);
    }
    timers.disarmIfIdle();
  }

  /**
   * An exit signal from `from` (a link that exited, or `Process.exit`). `kill` sent by `Process.exit` cannot be
   * trapped (a link's exit with reason `kill` can, as in OTP); a trapping process gets the signal as an `EXIT`
   * message; otherwise anything but `normal` ends this process with that reason.
   */
  exitSignal(from: Proc | null, reason: ExitReason, fromLink = false): void {
    if (this.status === DEAD) return;
    if (reason === "kill" && !fromLink) {
      this.exit("killed");
    } else if (this.trapExit) {
      const message: ExitMessage = { type: "EXIT", pid: from === null ? this.pid : from.pid, reason };
      this.enqueue(INFO, message);
    } else if (reason !== "normal" || from === this) {
      this.exit(reason);
    }
  }

  link(other: Proc): void {
    if (other === this) return;
    if (other.status === DEAD) {
      // Linking to a dead process delivers a noproc exit signal, as in OTP.
      this.exitSignal(other, "noproc");
      return;
    }
    this.links ??= new Set();
    this.links.add(other);
    other.links ??= new Set();
    other.links.add(this);
  }

  isLinkedTo(other: Proc): boolean {
    return this.links?.has(other) ?? false;
  }

  unlink(other: Proc): void {
    this.links?.delete(other);
    other.links?.delete(this);
  }

  /** Starts a monitor owned by this process on `target`. */
  monitor(target: Proc): MonitorRef {
    const monitor = new Monitor(++lastMonitorId, this, target);
    if (target.status === DEAD) {
      // Delivered asynchronously, like every message, and carrying noproc.
      deliverDown(this, monitor, target.pid, "noproc");
    } else {
      target.watchers ??= new Map();
      target.watchers.set(monitor, this);
    }
    return monitor;
  }

  /** Removes a monitor this process owns; with `flush`, also a DOWN of it already queued. Returns whether it was active. */
  demonitor(ref: MonitorRef, flush: boolean): boolean {
    if (!(ref instanceof Monitor) || ref.owner !== this) return false;
    const wasActive = ref.target.watchers?.delete(ref) ?? false;
    if (flush) this.mailbox.takeFirst(INFO, (payload) => (payload as Partial<DownMessage> | undefined)?.ref === ref);
    return wasActive;
  }

  /** Resolves with the exit reason once this process has exited (at once if it already has). */
  whenExited(): Promise<ExitReason> {
    if (this.status === DEAD) return Promise.resolve(this.exitReason);
    return new Promise((resolve) => this.observe({ processExited: (_proc, reason) => resolve(reason) }));
  }

  observe(observer: ExitObserver): void {
    this.observers ??= new Set();
    this.observers.add(observer);
  }

  unobserve(observer: ExitObserver): void {
    this.observers?.delete(observer);
  }

  /** A timer aimed at this pid: it dies with the process. */
  trackTimer(entry: TimerEntry): void {
    this.timersToMe ??= new Set();
    this.timersToMe.add(entry);
  }

  untrackTimer(entry: TimerEntry): void {
    this.timersToMe?.delete(entry);
  }
}

class Nobody extends Proc {
  protected handle(): undefined {
    return undefined;
  }
}
let nobodyProc: Proc | null = null;

/** A process that has already exited, standing for "nobody" when monitoring a name nobody holds. */
export function nobody(): Proc {
  if (nobodyProc === null) {
    nobodyProc = new Nobody();
    nobodyProc.exit("noproc");
  }
  return nobodyProc;
}

function deliverDown(owner: Proc, ref: Monitor, pid: Pid, reason: ExitReason): void {
  const message: DownMessage = { type: "DOWN", ref, pid, reason };
  owner.enqueue(INFO, message);
}

// The scheduler: one native promise job drains every runnable process in turn. Promise jobs are never faked,
// so message passing needs no clock tick under sinon's install() or vi.useFakeTimers(). The run queue keeps
// its array and moves two indices, so an empty queue costs nothing to refill.
let runQueue: (Proc | undefined)[] = [];
let runHead = 0;
let runTail = 0;
let jobQueued = false;
const resolved = Promise.resolve();

function schedule(proc: Proc): void {
  proc.status = QUEUED;
  runQueue[runTail++] = proc;
  if (!jobQueued) {
    jobQueued = true;
    void resolved.then(runJob);
  }
}

onSchedulerJob(() => jobQueued);

function runJob(): void {
  expireReading();
  let budget = JOB_BUDGET;
  while (runHead < runTail) {
    const proc = runQueue[runHead] as Proc;
    runQueue[runHead++] = undefined;
    if (proc.status !== QUEUED) continue;
    budget -= proc.run(SLICE);
    if (budget <= 0) break;
  }
  expireReading();
  if (runHead < runTail) {
    // Yield to the other promise jobs (awaiting callers, tests) before draining more.
    void resolved.then(runJob);
    return;
  }
  runHead = runTail = 0;
  if (runQueue.length > 4096) runQueue = [];
  jobQueued = false;
}
