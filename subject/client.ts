/**
 * The grader's side of one subject process: it sends requests, routes the replies, and judges from outside
 * whether the subject still deserves waiting for. A subject is stopped, and every request it holds fails with a
 * {@link SubjectStopped}, when it:
 * - uses more CPU time than one request may without answering (`hang`): CPU time, not wall time, so that a busy
 *   machine slows a correct subject down without failing it;
 * - sleeps, with a request pending, for longer than the idle bound in all (`no-answer`): asleep in the kernel, its
 *   CPU time still, it is waiting for nothing that will come. Those requests fail, and the subject itself is kept;
 * - passes its memory limit, prints more than a test may, or sends something that is not a well-formed answer;
 * - ends by itself (`exit`, or `memory` when V8 says it ran out of heap).
 * Where the CPU time of another process cannot be read (not Linux), the subject's own account is used, and a hang
 * is a request without answer nor ping answered for a bound of wall time.
 */
import type { ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";
import type { FailureFields, Outcome, Pong, Request, StopInfo, SubjectMessage, SubjectPlan } from "#protocol";
import { MAX_FRAME_BYTES } from "#protocol";
import { FrameReader, frameWriter, parseSubjectMessage } from "./channel.ts";
import { MalformedValue } from "./codec.ts";
import { SUBJECT_HEAP_MB, spawnSubject } from "./sandbox.ts";
import { readCpuMs, readUsage } from "./usage.ts";

export interface SubjectLimits {
  /** CPU time a request may use without an answer, in ms. */
  readonly hangCpuMs: number;
  /** Wall time a subject may sleep with a request pending, its event loop answering, before it is given up on. */
  readonly idleMs: number;
  /** Resident memory, in MB. */
  readonly memoryMb: number;
  /** What a test may print through console, in MB. */
  readonly outputMb: number;
  /** What a subject may write straight to stderr in its whole life, in MB. */
  readonly stderrMb: number;
  /** Without a reading from outside: wall time a request may go without an answer nor a ping answered. */
  readonly fallbackHangMs: number;
  /** Whatever else happens, the longest a request waits, in wall time. */
  readonly backstopMs: number;
}

export const DEFAULT_LIMITS: SubjectLimits = {
  hangCpuMs: 3_000,
  idleMs: 2_000,
  memoryMb: 768,
  outputMb: 16,
  stderrMb: 64,
  fallbackHangMs: 10_000,
  backstopMs: 120_000,
};

/** A request failed because its subject was stopped (or had stopped). */
export class SubjectStopped extends Error implements FailureFields {
  override readonly name = "SubjectStopped";
  readonly failure = "stop" as const;
  readonly stop: StopInfo;
  constructor(stop: StopInfo) {
    super(`the subject process stopped: ${stop.reason}`);
    this.stop = stop;
  }
}

/** A request as the grader writes it; the client numbers it. */
export type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export type Reply = Outcome | readonly Outcome[];

interface Pending {
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: SubjectStopped) => void;
  readonly sentAt: number;
  /** The subject's CPU time when the request was sent (NaN: not known yet). */
  cpuAtSend: number;
}

/** Lines V8 prints when it aborts a process that ran out of heap. */
const OUT_OF_HEAP = /heap out of memory|Reached heap limit|Allocation failed/;
/** The share of a tick's time the subject may spend on the CPU and still count as asleep (a timer, a GC). */
const ASLEEP_CPU_SHARE = 0.05;
const TICK_MS = 100;
/**
 * Readings of a subject's CPU time, about a millisecond apart, that wait for it to stop running; past them the last
 * one is taken (a subject that keeps running after it answered: at most one scheduler tick of its time is missed).
 */
const SETTLE_READINGS = 200;
/** How long a closed subject has to end by itself before it is killed. */
const CLOSE_GRACE_MS = 1_000;

export class Subject {
  /** Set once the subject has stopped; every later request fails with it. */
  stopped: StopInfo | null = null;
  /** Whether a stop now happens while the implementation loads or during a test (set by the caller). */
  phase: "load" | "test" = "load";
  /** What the current test printed through console so far, in characters (the caller resets it per test). */
  printed = 0;
  /** What the subject wrote straight to stderr, in bytes: it comes apart from the channel, so it counts for the subject. */
  private stderrBytes = 0;
  readonly exited: Promise<void>;

  private readonly child: ChildProcess;
  private readonly writeFrame: (message: unknown) => void;
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;
  private monitor: NodeJS.Timeout | null = null;
  private stderrTail = "";
  private killedForStop = false;
  /** Time the subject spent asleep with requests pending, since none was (see countAsleep). */
  private asleepMs = 0;
  private lastSample: { readonly at: number; readonly cpuMs: number } | null = null;
  private confirming = false;
  private lastPong: { readonly cpuMs: number; readonly rssMb: number; readonly at: number } | null = null;
  private lastMessageAt = performance.now();

  private readonly limits: SubjectLimits;
  private readonly onOutput: (stream: "out" | "err", text: string) => void;

  constructor(
    plan: SubjectPlan,
    limits: SubjectLimits = DEFAULT_LIMITS,
    onOutput: (stream: "out" | "err", text: string) => void = () => undefined,
  ) {
    this.limits = limits;
    this.onOutput = onOutput;
    this.child = spawnSubject(plan);
    const reader = new FrameReader((event) => {
      if (event.kind === "oversize") return this.stopWith("protocol", MAX_FRAME_BYTES / 1048576, event.bytes / 1048576);
      let message: SubjectMessage;
      try {
        message = parseSubjectMessage(event.text);
      } catch (error) {
        if (error instanceof MalformedValue) return this.stopWith("protocol", 0, 0);
        throw error;
      }
      this.received(message);
    });
    const channel = this.child.stdio[3] as Writable;
    this.writeFrame = frameWriter(channel);
    this.child.stdio[3]?.on("data", (chunk: Buffer) => reader.push(chunk));
    this.child.stdio[3]?.on("error", () => undefined);
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("latin1")).slice(-8_192);
      this.stderrBytes += chunk.length;
      if (this.stderrBytes > this.limits.stderrMb * 1048576) this.stopWith("output", this.limits.stderrMb, this.stderrBytes / 1048576);
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.ended(code, signal);
        resolve();
      });
      this.child.on("error", () => {
        this.ended(null, null);
        resolve();
      });
    });
  }

  /** Sends a request; resolves with the subject's answer, or rejects with {@link SubjectStopped}. */
  request(body: RequestBody): Promise<Reply> {
    if (this.stopped !== null) return Promise.reject(new SubjectStopped(this.stopped));
    const id = ++this.lastId;
    return new Promise<Reply>((resolve, reject) => {
      // The CPU time at send is read on the monitor's first tick: most requests are answered before it.
      this.pending.set(id, { resolve, reject, sentAt: performance.now(), cpuAtSend: Number.NaN });
      this.write({ ...body, id });
      this.monitor ??= setInterval(() => this.tick(), TICK_MS).unref();
    });
  }

  /**
   * The subject's CPU time, read from outside where the system allows it, else as the subject reports it. Read from
   * outside, once no thread of the subject is running (readCpuMs): it may still be at work just after it answered.
   */
  async cpuMs(): Promise<number> {
    for (let reading = 1; ; reading++) {
      const usage = readCpuMs(this.child.pid ?? 0);
      if (usage === null) break;
      if (usage.settled || reading >= SETTLE_READINGS) return usage.cpuMs;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const reply = await this.request({ op: "ping" });
    return !Array.isArray(reply) && (reply as Outcome).ok ? pongOf(reply as Outcome).cpuMs : Number.NaN;
  }

  /** Ends the subject: its channel closes, which ends a well-behaved subject at once; a second later it is killed. */
  close(): Promise<void> {
    if (this.stopped === null) this.stopped = { reason: "exit", during: this.phase, bound: 0, measured: 0, exit: "closed by the grader" };
    this.killedForStop = true;
    this.failPending();
    (this.child.stdio[3] as Writable | null | undefined)?.end();
    const kill = setTimeout(() => this.child.kill("SIGKILL"), CLOSE_GRACE_MS).unref();
    return this.exited.finally(() => clearTimeout(kill));
  }

  /** Stops the subject for something its answer showed (a value that does not decode, say). */
  protocolViolation(): void {
    this.stopWith("protocol", 0, 0);
  }

  private write(message: unknown): void {
    this.writeFrame(message);
  }

  private received(message: SubjectMessage): void {
    this.lastMessageAt = performance.now();
    switch (message.type) {
      case "ready":
        return;
      case "output":
        this.countOutput(message.text.length);
        if (this.stopped === null) this.onOutput(message.stream, message.text);
        return;
      case "reply":
      case "batch": {
        const pending = this.pending.get(message.id);
        if (pending === undefined) {
          // A reply to a ping of the idle check, or to a request already settled: the subject made it up.
          if (message.id < 0) this.ponged(message);
          return;
        }
        this.pending.delete(message.id);
        if (this.pending.size === 0) this.quiet();
        const { type: _, id: __, ...outcome } = message as Extract<SubjectMessage, { type: "reply" }>;
        pending.resolve(message.type === "batch" ? message.outcomes : (outcome as Outcome));
      }
    }
  }

  private countOutput(characters: number): void {
    this.printed += characters;
    if (this.printed > this.limits.outputMb * 1048576) this.stopWith("output", this.limits.outputMb, this.printed / 1048576);
  }

  private quiet(): void {
    if (this.monitor !== null) clearInterval(this.monitor);
    this.monitor = null;
    this.asleepMs = 0;
    this.lastSample = null;
  }

  private tick(): void {
    const oldest = this.pending.values().next().value;
    if (oldest === undefined || this.stopped !== null) return this.quiet();
    const now = performance.now();
    const usage = readUsage(this.child.pid ?? 0);
    let cpuMs: number;
    if (usage !== null) {
      cpuMs = usage.cpuMs;
      if (Number.isNaN(oldest.cpuAtSend)) oldest.cpuAtSend = cpuMs;
      if (usage.rssMb > this.limits.memoryMb) return this.stopWith("memory", this.limits.memoryMb, usage.rssMb);
      const used = cpuMs - oldest.cpuAtSend;
      if (used > this.limits.hangCpuMs) return this.stopWith("hang", this.limits.hangCpuMs, used);
    } else {
      // No reading from outside: the subject's own account, from the pongs of pings sent on every tick.
      if (this.lastPong !== null && this.lastPong.rssMb > this.limits.memoryMb)
        return this.stopWith("memory", this.limits.memoryMb, this.lastPong.rssMb);
      const silent = now - Math.max(oldest.sentAt, this.lastMessageAt);
      if (silent > this.limits.fallbackHangMs) return this.stopWith("hang", this.limits.fallbackHangMs, silent);
      this.write({ op: "ping", id: -1 });
      cpuMs = this.lastPong?.cpuMs ?? Number.NaN;
    }
    if (now - oldest.sentAt > this.limits.backstopMs) return this.stopWith("hang", this.limits.backstopMs, now - oldest.sentAt);
    this.countAsleep(now, cpuMs, usage === null || usage.sleeping);
  }

  /**
   * Adds up the time the subject spends asleep (in the kernel, waiting for an event, its CPU time still) while a
   * request is pending. Past the idle bound it cannot be waiting for anything but what will never come: once the
   * replies already on their way have been read (after this turn's I/O, hence setImmediate), the pending requests
   * fail as never answered. Summed, not in one stretch: a subject that wakes up now and then to hold its answer
   * back gets no more time than one that sleeps through.
   *
   * A tick counts at most two ticks' time: when this process runs late (a busy machine), the subject may have been
   * asleep waiting for it, to read what the subject wrote; that wait is the grader's, not the subject's.
   */
  private countAsleep(now: number, cpuMs: number, sleeping: boolean): void {
    const last = this.lastSample;
    this.lastSample = { at: now, cpuMs };
    if (last === null || Number.isNaN(cpuMs) || Number.isNaN(last.cpuMs)) return;
    const elapsed = now - last.at;
    if (sleeping && cpuMs - last.cpuMs < elapsed * ASLEEP_CPU_SHARE) this.asleepMs += Math.min(elapsed, 2 * TICK_MS);
    if (this.asleepMs < this.limits.idleMs || this.confirming) return;
    this.confirming = true;
    setImmediate(() => {
      this.confirming = false;
      const oldest = this.pending.values().next().value;
      if (oldest !== undefined && this.stopped === null && this.asleepMs >= this.limits.idleMs) this.giveUp(performance.now() - oldest.sentAt);
    });
  }

  private ponged(message: SubjectMessage): void {
    if (message.type !== "reply" || !message.ok) return;
    try {
      const pong = pongOf(message);
      this.lastPong = { cpuMs: pong.cpuMs, rssMb: pong.rssMb, at: performance.now() };
    } catch {
      this.stopWith("protocol", 0, 0);
    }
  }

  /**
   * Fails every pending request as never answered, and keeps the subject: it is idle, not broken, and the test's
   * end stops the processes that held the requests.
   */
  private giveUp(waitedMs: number): void {
    const stop: StopInfo = { reason: "no-answer", during: this.phase, bound: this.limits.idleMs, measured: Math.round(waitedMs) };
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.quiet();
    for (const request of pending) request.reject(new SubjectStopped(stop));
  }

  private stopWith(reason: StopInfo["reason"], bound: number, measured: number): void {
    if (this.stopped !== null) return;
    this.stopped = { reason, during: this.phase, bound: Math.round(bound), measured: Math.round(measured) };
    this.killedForStop = true;
    this.child.kill("SIGKILL");
    this.failPending();
  }

  private ended(code: number | null, signal: NodeJS.Signals | null): void {
    this.quiet();
    if (this.stopped === null || !this.killedForStop) {
      const exit = signal !== null ? signal : `code ${String(code)}`;
      this.stopped = OUT_OF_HEAP.test(this.stderrTail)
        ? { reason: "memory", during: this.phase, bound: SUBJECT_HEAP_MB, measured: SUBJECT_HEAP_MB, exit }
        : { reason: "exit", during: this.phase, bound: 0, measured: 0, exit };
    }
    this.failPending();
  }

  private failPending(): void {
    const stop = this.stopped;
    if (stop === null) return;
    this.quiet();
    for (const pending of this.pending.values()) pending.reject(new SubjectStopped(stop));
    this.pending.clear();
  }
}

/** A ping's answer, checked. */
function pongOf(outcome: Outcome): Pong {
  const value = outcome.ok ? outcome.value : null;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && !("$" in value)) {
    const { cpuMs, rssMb } = value as Record<string, unknown>;
    if (typeof cpuMs === "number" && typeof rssMb === "number") return { cpuMs, rssMb };
  }
  throw new MalformedValue("a pong without cpuMs and rssMb");
}
