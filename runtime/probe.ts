import { enter, leave, runAsync } from "./context.ts";
import { show } from "./errors.ts";
import { CALL, CAST, INFO, type MessageKind, SYSTEM } from "./mailbox.ts";
import type { Pid } from "./pid.ts";
import { Proc } from "./process.ts";
import type { Request } from "./request.ts";
import type { DownMessage, ExitReason, MonitorRef } from "./types.ts";

/** Probes wait in real time, like ExUnit's assert_receive, so they still work while a test fakes the clock. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

type Match = (message: unknown) => boolean;

interface Waiter {
  readonly match: Match;
  readonly found: (message: unknown) => void;
}

class ProbeProc extends Proc {
  readonly inbox: unknown[] = [];
  waiter: Waiter | null = null;
  /** Calls and sys requests it never answers: when the probe exits, their callers exit with its reason. */
  private readonly unanswered: Request[] = [];

  protected handle(kind: MessageKind, payload: unknown): undefined {
    if (kind === INFO) {
      this.deliver(payload);
    } else if (kind === CAST) {
      // What a process that is no GenServer receives for a cast: {:"$gen_cast", message}.
      this.deliver(["$gen_cast", payload]);
    } else if (kind === SYSTEM && (payload as Request).op === "stop") {
      this.exit((payload as Request).payload);
      (payload as Request).processExited(this, (payload as Request).payload);
    } else if (kind === CALL || kind === SYSTEM) {
      // A probe answers no call by itself, as a process that never replies: the caller times out, or exits with the
      // probe's reason if the probe exits first. A call shows as {:"$gen_call", from, request}: the test may answer
      // it with GenServer.reply(from, value).
      this.unanswered.push(payload as Request);
      if (kind === CALL) this.deliver(["$gen_call", payload, (payload as Request).payload]);
    }
    return undefined;
  }

  private deliver(message: unknown): void {
    const waiter = this.waiter;
    if (waiter?.match(message)) {
      this.waiter = null;
      waiter.found(message);
    } else {
      this.inbox.push(message);
    }
  }

  protected override exited(reason: ExitReason): void {
    for (const request of this.unanswered.splice(0)) request.processExited(this, reason);
  }

  /** A DOWN the probe received but the test has not taken yet is still in its mailbox: flush removes it too. */
  override demonitor(ref: MonitorRef, flush: boolean): boolean {
    const wasActive = super.demonitor(ref, flush);
    if (flush) this.take((message) => (message as Partial<DownMessage> | undefined)?.ref === ref);
    return wasActive;
  }

  take(match: Match): { found: boolean; message: unknown } {
    const index = this.inbox.findIndex(match);
    if (index < 0) return { found: false, message: undefined };
    const [message] = this.inbox.splice(index, 1);
    return { found: true, message };
  }
}

const any: Match = () => true;

function within<T>(ms: number, wait: (settle: (value: T) => void) => () => void, onTimeout: () => T): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    const cancel = wait((value) => {
      if (done) return;
      done = true;
      realClearTimeout(timer);
      resolve(value);
    });
    const timer = realSetTimeout(() => {
      if (done) return;
      done = true;
      cancel();
      resolve(onTimeout());
    }, ms);
  });
}

/**
 * A process a test owns, standing in for the chapter's `self()`: subscribe it, send it messages, monitor with
 * it, and assert what it received, like ExUnit's `assert_receive` / `refute_receive`.
 *
 * @example
 * const probe = Probe.start();
 * await probe.run(() => PriceFeedHandler.subscribe("BTCUSD")); // self() is the probe inside run
 * PriceFeedHandler.updatePrice("BTCUSD", 101);
 * const tick = await probe.receive((m) => (m as { type?: string }).type === "tick");
 * await probe.refuteReceive();
 */
export class Probe {
  readonly pid: Pid;
  readonly #proc: ProbeProc;

  private constructor(proc: ProbeProc) {
    this.#proc = proc;
    this.pid = proc.pid;
  }

  /** Starts a probe process. */
  static start(): Probe {
    return new Probe(new ProbeProc());
  }

  /** Runs `fn` as code of the probe process: `self()`, `Process.monitor`, `Registry.register` and `startLink` use the probe. */
  run<T>(fn: () => T): T {
    const previous = enter(this.#proc);
    try {
      return runAsync(this.#proc, fn);
    } finally {
      leave(previous);
    }
  }

  /**
   * Resolves with the first message (already received or arriving within `timeoutMs` of real time) that
   * `match` accepts, removing it; rejects, listing what the probe did receive, if none comes.
   */
  receive(match: Match = any, timeoutMs = 100): Promise<unknown> {
    const proc = this.#proc;
    const taken = proc.take(match);
    if (taken.found) return Promise.resolve(taken.message);
    return within<{ ok: boolean; message: unknown }>(
      timeoutMs,
      (settle) => {
        proc.waiter = { match, found: (message) => settle({ ok: true, message }) };
        return () => {
          proc.waiter = null;
        };
      },
      () => ({ ok: false, message: undefined }),
    ).then((result) => {
      if (result.ok) return result.message;
      throw new Error(`Probe ${String(this.pid)}: no matching message within ${timeoutMs} ms; the mailbox holds ${show(proc.inbox)}`);
    });
  }

  /** Resolves if no message that `match` accepts arrives within `timeoutMs`; rejects with the one that did. */
  refuteReceive(match: Match = any, timeoutMs = 100): Promise<void> {
    return this.receive(match, timeoutMs).then(
      (message) => {
        throw new Error(`Probe ${String(this.pid)}: expected no matching message, got ${show(message)}`);
      },
      () => undefined,
    );
  }

  /** The messages received and not yet taken, oldest first. */
  messages(): readonly unknown[] {
    return [...this.#proc.inbox];
  }

  /** Whether the probe process is alive. */
  get alive(): boolean {
    return this.#proc.alive;
  }

  /** Ends the probe process with `reason` (monitors see it, links get the signal). */
  stop(reason: ExitReason = "normal"): void {
    this.#proc.exit(reason);
  }
}
