import { ExitError, type FailedCall } from "./errors.ts";
import type { MessageKind } from "./mailbox.ts";
import type { ExitObserver, Proc } from "./process.ts";
import { TimerEntry, timers } from "./timer-service.ts";
import type { ExitReason, ServerRef, Timeout } from "./types.ts";

declare const FROM_REPLY: unique symbol;

/**
 * Who is waiting for a call's reply, as handleCall's `from`. Keep it to answer later with
 * `GenServer.reply(from, value)` after returning `noreply(state)`.
 */
export interface From<R> {
  readonly [FROM_REPLY]?: R;
}

export type RequestOp = "call" | "get_state" | "replace_state" | "stop";

/** The client function behind each kind of request, for messages and exit errors. */
export const requestFunction: Readonly<Record<RequestOp, FailedCall["fn"]>> = {
  call: "GenServer.call",
  get_state: "Sys.getState",
  replace_state: "Sys.replaceState",
  stop: "GenServer.stop",
};

/**
 * A request waiting for an answer from a server: a call (it is also the handler's `from`), a sys request or a
 * stop. It is its own timeout entry and its own exit observer, so a call allocates this, its promise and
 * nothing else.
 */
export class Request extends TimerEntry implements ExitObserver {
  readonly op: RequestOp;
  readonly payload: unknown;
  readonly ref: ServerRef;
  readonly timeout: Timeout;
  settled = false;
  override get keepsAlive(): boolean {
    return false;
  }
  resolve: (value: unknown) => void = noop;
  reject: (error: ExitError) => void = noop;
  /** Told when the request settles, so the server stops tracking a deferred reply. */
  server: { untrack(request: Request): void } | null = null;

  constructor(op: RequestOp, payload: unknown, ref: ServerRef, timeout: Timeout) {
    super();
    this.op = op;
    this.payload = payload;
    this.ref = ref;
    this.timeout = timeout;
  }

  /** Resolves the caller's promise once; later answers (after a timeout, a second reply) are dropped. */
  settle(value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(value);
    if (this.active) timers.cancel(this);
    this.server?.untrack(this);
  }

  fail(reason: ExitReason): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(new ExitError(reason, this.failedCall()));
    if (this.active) timers.cancel(this);
    this.server?.untrack(this);
  }

  /** The timeout: the caller stops waiting; the server may still handle the request. */
  fire(): void {
    this.fail("timeout");
  }

  processExited(_proc: Proc, reason: ExitReason): void {
    if (this.op === "stop" && reason === this.payload) this.settle("ok");
    else this.fail(reason);
  }

  private failedCall(): FailedCall {
    const fn = requestFunction[this.op];
    return fn === "GenServer.call" || fn === "Sys.replaceState"
      ? { fn, server: this.ref, request: this.payload, timeout: this.timeout }
      : { fn, server: this.ref, timeout: this.timeout };
  }
}

function noop(): void {}

/** Checks a timeout argument: a non-negative integer or "infinity". */
export function checkTimeout(fn: string, timeout: unknown): Timeout {
  if (timeout === "infinity" || (typeof timeout === "number" && Number.isSafeInteger(timeout) && timeout >= 0)) return timeout;
  throw new TypeError(`${fn}: timeout should be a non-negative integer or "infinity", got ${String(timeout)}`);
}

/**
 * Sends `request` to `target` and returns the promise of its answer. A caller that stopped waiting (timeout)
 * leaves nothing behind: the late answer finds the request settled and is dropped.
 */
export function ask(target: Proc, kind: MessageKind, request: Request): Promise<unknown> {
  const promise = promiseOf(request);
  // Enqueued first: the scheduler job it queues lets the clock reading of the timeout serve the calls that follow.
  if (!target.enqueue(kind, request)) request.fail("noproc");
  else if (request.timeout !== "infinity") timers.schedule(request, request.timeout);
  return promise;
}

// One executor for every request: it reads the request being created, which spares a closure per call.
let creating: Request | null = null;
function executor(resolve: (value: unknown) => void, reject: (error: ExitError) => void): void {
  const request = creating as Request;
  request.resolve = resolve;
  request.reject = reject;
}

/** The promise a request settles. */
export function promiseOf(request: Request): Promise<unknown> {
  creating = request;
  const promise = new Promise<unknown>(executor);
  creating = null;
  return promise;
}
