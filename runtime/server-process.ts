import { enter, isAsyncFunction, leave, runAsync } from "./context.ts";
import { isCleanExit, show } from "./errors.ts";
import { Logger } from "./logger.ts";
import { CALL, CAST, CONTINUE, INFO, type MessageKind, SYSTEM } from "./mailbox.ts";
import { unregisterLocal } from "./names.ts";
import { Proc } from "./process.ts";
import type { From, Request } from "./request.ts";
import { type Action, CallbackResult, type CallResult, type InitResult, type NoReplyResult } from "./results.ts";
import { TimerEntry, timers } from "./timer-service.ts";
import type { ExitMessage, ExitReason, Protocol, ReplyOf, SystemMessage, TimeoutMessage } from "./types.ts";

/**
 * A GenServer's callbacks, the TypeScript form of `use GenServer`. Only `init` is required: without
 * `handleCall` a call crashes the server, without `handleCast` a cast does, and without `handleInfo` a plain
 * message is logged and dropped. Any callback may be `async`; the server handles nothing else until it settles.
 *
 * @example
 * const Counter: GenServerModule<CounterProtocol, number, number> = {
 *   init: (start) => ok(start),
 *   handleCall: (_req, _from, n) => reply(n, n),
 *   handleCast: (_msg, n) => noreply(n + 1),
 * };
 */
export interface GenServerModule<P extends Protocol, Arg, State, Cont = never> {
  init(arg: Arg): InitResult<State, Cont> | Promise<InitResult<State, Cont>>;
  handleCall?(
    request: P["call"],
    from: From<ReplyOf<P["call"]>>,
    state: State,
  ): CallResult<State, ReplyOf<P["call"]>, Cont> | Promise<CallResult<State, ReplyOf<P["call"]>, Cont>>;
  handleCast?(message: P["cast"], state: State): NoReplyResult<State, Cont> | Promise<NoReplyResult<State, Cont>>;
  handleInfo?(message: P["info"] | SystemMessage, state: State): NoReplyResult<State, Cont> | Promise<NoReplyResult<State, Cont>>;
  handleContinue?(cont: Cont, state: State): NoReplyResult<State, Cont> | Promise<NoReplyResult<State, Cont>>;
  terminate?(reason: ExitReason, state: State): unknown;
}

/** The module's callbacks as the runtime sees them: loosely typed, checked at run time. */
interface AnyModule {
  init(arg: unknown): unknown;
  handleCall?(request: unknown, from: unknown, state: unknown): unknown;
  handleCast?(message: unknown, state: unknown): unknown;
  handleInfo?(message: unknown, state: unknown): unknown;
  handleContinue?(cont: unknown, state: unknown): unknown;
  terminate?(reason: unknown, state: unknown): unknown;
}

type Callback = "init" | "handleCall" | "handleCast" | "handleInfo" | "handleContinue" | "terminate";
const callbacks: readonly Callback[] = ["init", "handleCall", "handleCast", "handleInfo", "handleContinue", "terminate"];

/** Which callbacks of a module are `async` functions, computed once per module. */
const asyncCallbacks = new WeakMap<object, ReadonlySet<Callback>>();
function asyncCallbacksOf(module: AnyModule): ReadonlySet<Callback> {
  let found = asyncCallbacks.get(module);
  if (found === undefined) {
    found = new Set(callbacks.filter((cb) => isAsyncFunction(module[cb])));
    asyncCallbacks.set(module, found);
  }
  return found;
}

/** A callback by name, read with named property loads (a keyed load with a variable name is slower). */
function callbackOf(
  module: AnyModule,
  callback: "handleCall" | "handleCast" | "handleContinue" | "handleInfo",
): ((...args: unknown[]) => unknown) | undefined {
  switch (callback) {
    case "handleCall":
      return module.handleCall as ((...args: unknown[]) => unknown) | undefined;
    case "handleCast":
      return module.handleCast as ((...args: unknown[]) => unknown) | undefined;
    case "handleInfo":
      return module.handleInfo as ((...args: unknown[]) => unknown) | undefined;
    case "handleContinue":
      return module.handleContinue as ((...args: unknown[]) => unknown) | undefined;
  }
}

const TIMEOUT: TimeoutMessage = Object.freeze({ type: "timeout" });

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** One armed idle timeout. A fresh entry each time one is armed: the timer service's lanes may still hold a cancelled one. */
class IdleTimeout extends TimerEntry {
  readonly server: ServerProc;
  readonly ms: number;
  constructor(server: ServerProc, ms: number) {
    super();
    this.server = server;
    this.ms = ms;
  }
  fire(): void {
    this.server.enqueue(INFO, TIMEOUT);
  }
}

/** What the start function needs to hear about init. */
export interface InitOutcome {
  readonly started: boolean;
  readonly reason: ExitReason;
}

/** A running GenServer: its module, its state, and the OTP rules for callback results. */
export class ServerProc extends Proc {
  readonly module: AnyModule;
  state: unknown = undefined;
  /** Local name, released on exit (via names are released by their registry, which observes the process). */
  localName: string | null = null;
  private readonly asyncs: ReadonlySet<Callback>;
  /** Most modules have no async callback: one boolean spares them a Set lookup per message. */
  private readonly anyAsync: boolean;
  private idle: IdleTimeout | null = null;
  /** Calls answered later with GenServer.reply, calls whose handler is awaiting, and stop requests under way: told if the server exits. */
  private pending: Set<Request> | null = null;

  constructor(module: AnyModule) {
    super();
    this.module = module;
    this.asyncs = asyncCallbacksOf(module);
    this.anyAsync = this.asyncs.size > 0;
  }

  /** Runs init; resolves (or returns at once when init is synchronous) with whether the server started. */
  init(arg: unknown): InitOutcome | Promise<InitOutcome> {
    this.suspend();
    let result: unknown;
    const previous = enter(this);
    try {
      result = this.asyncs.has("init") ? runAsync(this, () => this.module.init(arg)) : this.module.init(arg);
    } catch (error) {
      return this.initFailed(error);
    } finally {
      leave(previous);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.initReturned(value),
        (error: unknown) => this.initFailed(error),
      );
    }
    return this.initReturned(result);
  }

  private initFailed(error: unknown): InitOutcome {
    if (!this.alive) return { started: false, reason: this.exitReason };
    Logger.error(`GenServer ${this.describe()} failed to start\n${formatReason(error)}`);
    this.exit(error);
    return { started: false, reason: error };
  }

  private initReturned(result: unknown): InitOutcome {
    if (!this.alive) return { started: false, reason: this.exitReason };
    if (result instanceof CallbackResult) {
      if (result.kind === "ok") {
        this.state = result.state;
        const bad = this.applyAction(result.action);
        if (bad === undefined) {
          this.resume();
          return { started: true, reason: undefined };
        }
      } else if (result.kind === "ignore") {
        this.exit("normal");
        return { started: false, reason: "ignore" };
      } else if (result.kind === "stop_init") {
        this.exit(result.reason);
        return { started: false, reason: result.reason };
      }
    }
    const reason = { bad_return_value: result };
    this.exit(reason);
    return { started: false, reason };
  }

  protected override handle(kind: MessageKind, payload: unknown): PromiseLike<unknown> | undefined {
    switch (kind) {
      case CALL:
        return this.handleCallMessage(payload as Request);
      case CAST:
        return this.invoke("handleCast", payload, undefined);
      case INFO:
        return this.handleInfoMessage(payload);
      case CONTINUE:
        return this.invoke("handleContinue", payload, undefined);
      case SYSTEM:
        return this.handleSystem(payload as Request);
    }
  }

  protected override suspendedOn(kind: MessageKind, payload: unknown): void {
    // A call (or sys request) whose handler is awaiting is neither queued nor answered: tracked like a deferred
    // reply, it is failed with the exit reason if the server dies first, as the caller's monitor sees it on the BEAM.
    if (kind === CALL || kind === SYSTEM) this.track(payload as Request);
  }

  protected override messageArrived(kind: MessageKind): void {
    // Any message cancels the idle timeout; sys requests (getState) do not disturb the server.
    if (this.idle?.active && kind !== SYSTEM) timers.cancel(this.idle);
  }

  private handleCallMessage(request: Request): PromiseLike<unknown> | undefined {
    const handleCall = this.module.handleCall;
    if (handleCall === undefined) {
      this.track(request);
      return this.crash(
        new Error(`GenServer ${this.describe()} received a call but its module has no handleCall: ${show(request.payload)}`),
        request.payload,
      );
    }
    if (this.anyAsync) return this.invoke("handleCall", request.payload, request);
    // The hot path of every call, inlined: a synchronous handler returning a plain reply.
    let result: unknown;
    const previous = enter(this);
    try {
      result = handleCall.call(this.module, request.payload, request, this.state);
    } catch (error) {
      // Crash while still running as this process, so the crash report carries its pid.
      this.track(request);
      const crashed = this.crash(error, request.payload);
      leave(previous);
      return crashed;
    }
    leave(previous);
    if (result instanceof CallbackResult && result.kind === "reply" && result.action === undefined) {
      this.state = result.state;
      request.settle(result.reply);
      return undefined;
    }
    if (isThenable(result)) return this.settleLater(result, request.payload, request);
    return this.apply(result, request.payload, request);
  }

  private handleInfoMessage(message: unknown): PromiseLike<unknown> | undefined {
    const exit = message as Partial<ExitMessage>;
    if (this.trapExit && this.parent !== null && exit.type === "EXIT" && exit.pid === this.parent.pid) {
      // OTP: a server trapping exits terminates with its parent's reason.
      return this.terminateWith(exit.reason, message);
    }
    if (this.module.handleInfo === undefined) {
      Logger.error(`GenServer ${this.describe()} received an unexpected message in handleInfo: ${show(message)}`);
      return undefined;
    }
    return this.invoke("handleInfo", message, undefined);
  }

  private handleSystem(request: Request): PromiseLike<unknown> | undefined {
    switch (request.op) {
      case "get_state":
        request.settle(this.state);
        this.restartIdle();
        return undefined;
      case "replace_state": {
        let next: unknown;
        try {
          next = (request.payload as (state: unknown) => unknown)(this.state);
        } catch (error) {
          request.fail({ callback_failed: error });
          this.restartIdle();
          return undefined;
        }
        this.state = next;
        request.settle(next);
        this.restartIdle();
        return undefined;
      }
      case "stop":
        this.track(request);
        return this.terminateWith(request.payload, { system: "stop", reason: request.payload });
      case "call":
        return undefined;
    }
  }

  /** Calls a handler, then applies what it returned; a thrown error or a rejected promise crashes the server. */
  private invoke(
    callback: "handleCall" | "handleCast" | "handleContinue" | "handleInfo",
    message: unknown,
    request: Request | undefined,
  ): PromiseLike<unknown> | undefined {
    const fn = callbackOf(this.module, callback);
    if (fn === undefined) {
      return this.crash(
        new Error(
          `GenServer ${this.describe()} received a ${callback === "handleCast" ? "cast" : "continue"} but its module has no ${callback}: ${show(message)}`,
        ),
        message,
      );
    }
    let result: unknown;
    const previous = enter(this);
    try {
      const state = this.state;
      const module = this.module;
      if (this.anyAsync && this.asyncs.has(callback)) {
        result = runAsync(this, () => (request === undefined ? fn.call(module, message, state) : fn.call(module, message, request, state)));
      } else if (request === undefined) {
        result = fn.call(module, message, state);
      } else {
        result = fn.call(module, message, request, state);
      }
    } catch (error) {
      if (request !== undefined) this.track(request);
      return this.crash(error, message);
    } finally {
      leave(previous);
    }
    if (isThenable(result)) return this.settleLater(result, message, request);
    return this.apply(result, message, request);
  }

  /** A handler that returned a promise: the server waits for it, then applies its result (or crashes). */
  private settleLater(result: PromiseLike<unknown>, message: unknown, request: Request | undefined): PromiseLike<unknown> {
    return Promise.resolve(result).then(
      (value) => (this.alive ? this.apply(value, message, request) : undefined),
      (error: unknown) => {
        if (!this.alive) return undefined;
        if (request !== undefined) this.track(request);
        return this.crash(error, message);
      },
    );
  }

  /** The chapter's table of return values. */
  private apply(result: unknown, message: unknown, request: Request | undefined): PromiseLike<unknown> | undefined {
    if (result instanceof CallbackResult) {
      // The common cases first: a reply or a noreply with no action.
      if (result.action === undefined) {
        if (result.kind === "reply" && request !== undefined) {
          this.state = result.state;
          request.settle(result.reply);
          return undefined;
        }
        if (result.kind === "noreply" && request === undefined) {
          this.state = result.state;
          return undefined;
        }
      }
      switch (result.kind) {
        case "reply":
          if (request === undefined) break;
          this.state = result.state;
          request.settle(result.reply);
          return this.afterAction(result.action, result, message);
        case "noreply":
          this.state = result.state;
          if (request !== undefined && !request.settled) this.track(request);
          return this.afterAction(result.action, result, message);
        case "stop":
          this.state = result.state;
          if (request !== undefined) this.track(request);
          return this.terminateWith(result.reason, message);
        case "stop_reply":
          if (request === undefined) break;
          this.state = result.state;
          return this.terminateWith(result.reason, message, request, result.reply);
        default:
          break;
      }
    }
    if (request !== undefined) this.track(request);
    return this.crash({ bad_return_value: result }, message);
  }

  private afterAction(action: Action<unknown> | undefined, result: unknown, message: unknown): PromiseLike<unknown> | undefined {
    if (action === undefined) return undefined;
    return this.applyAction(action) === undefined ? undefined : this.crash({ bad_return_value: result }, message);
  }

  /** Arms the idle timeout or queues the continue; returns "bad" for an action that is not one. */
  private applyAction(action: Action<unknown> | undefined): "bad" | undefined {
    if (action === undefined || action === "hibernate") return undefined;
    if (typeof action === "number") {
      if (!Number.isSafeInteger(action) || action < 0) return "bad";
      // OTP ignores a timeout when a message is already waiting, also one that arrived during init; a sys request
      // does not count: the server handles it and then waits with the same timeout.
      if (this.hasQueuedMessagesBesidesSystem()) return undefined;
      if (action === 0) {
        this.enqueue(INFO, TIMEOUT);
        return undefined;
      }
      this.armIdle(action);
      return undefined;
    }
    if (typeof action === "object" && action !== null && "continue" in action) {
      this.enqueueFirst(CONTINUE, action.continue);
      return undefined;
    }
    return "bad";
  }

  private armIdle(ms: number): void {
    if (this.idle !== null) timers.cancel(this.idle);
    this.idle = new IdleTimeout(this, ms);
    timers.schedule(this.idle, ms);
  }

  /** After a sys request OTP's gen_server waits again with the same timeout: a pending idle timeout starts over. */
  private restartIdle(): void {
    if (this.idle?.active) this.armIdle(this.idle.ms);
  }

  /** A callback threw, rejected or returned garbage: log, run terminate, exit with that reason. */
  private crash(reason: ExitReason, message: unknown): PromiseLike<unknown> | undefined {
    return this.terminateWith(reason, message);
  }

  /**
   * OTP's terminate path: terminate(reason, state) runs (a throw there becomes the exit reason), a stop_reply's
   * reply is delivered, then the server exits. Abnormal reasons are logged once.
   */
  private terminateWith(
    reason: ExitReason,
    lastMessage: unknown,
    replyTo?: Request,
    replyValue?: unknown,
  ): PromiseLike<unknown> | undefined {
    const terminate = this.module.terminate;
    if (terminate === undefined) return this.finish(reason, lastMessage, replyTo, replyValue);
    let result: unknown;
    const previous = enter(this);
    try {
      result =
        this.anyAsync && this.asyncs.has("terminate")
          ? runAsync(this, () => terminate.call(this.module, reason, this.state))
          : terminate.call(this.module, reason, this.state);
    } catch (error) {
      return this.finish(error, lastMessage, replyTo, replyValue);
    } finally {
      leave(previous);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => (this.alive ? this.finish(reason, lastMessage, replyTo, replyValue) : undefined),
        (error: unknown) => (this.alive ? this.finish(error, lastMessage, replyTo, replyValue) : undefined),
      );
    }
    return this.finish(reason, lastMessage, replyTo, replyValue);
  }

  private finish(reason: ExitReason, lastMessage: unknown, replyTo: Request | undefined, replyValue: unknown): undefined {
    if (!isCleanExit(reason)) {
      Logger.error(
        `GenServer ${this.describe()} terminating\n${formatReason(reason)}\nLast message: ${show(lastMessage)}\nState: ${show(this.state)}`,
      );
    }
    replyTo?.settle(replyValue);
    this.exit(reason);
    return undefined;
  }

  private track(request: Request): void {
    if (request.settled) return;
    this.pending ??= new Set();
    this.pending.add(request);
    request.server = this;
  }

  untrack(request: Request): void {
    this.pending?.delete(request);
  }

  protected override exited(reason: ExitReason): void {
    if (this.idle !== null) timers.cancel(this.idle);
    if (this.localName !== null) unregisterLocal(this.localName, this);
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) for (const request of pending) request.processExited(this, reason);
    this.state = undefined;
  }

  describe(): string {
    return this.localName === null ? String(this.pid) : `${String(this.pid)} (${this.localName})`;
  }
}

function formatReason(reason: ExitReason): string {
  if (reason instanceof Error) {
    const stack = (reason.stack ?? "").split("\n").slice(1, 6).join("\n");
    return `** (${reason.name}) ${reason.message}${stack === "" ? "" : `\n${stack}`}`;
  }
  return `** (stop) ${show(reason)}`;
}
