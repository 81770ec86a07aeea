import { currentProc } from "./context.ts";
import { StartError } from "./errors.ts";
import { CALL, CAST, SYSTEM } from "./mailbox.ts";
import { isVia, name, registerLocal, registryNamed, resolve, whereis } from "./names.ts";
import type { Pid } from "./pid.ts";
import type { Proc } from "./process.ts";
import { ask, checkTimeout, type From, promiseOf, Request, type RequestOp, requestFunction } from "./request.ts";
import { type GenServerModule, type InitOutcome, ServerProc } from "./server-process.ts";
import { TimerEntry, timers } from "./timer-service.ts";
import type { ExitReason, Name, Protocol, ReplyFor, ServerRef, Timeout, Via } from "./types.ts";

/** Options of `GenServer.start` and `GenServer.startLink`. */
export interface StartOptions<P extends Protocol> {
  /** A local name (`GenServer.name`) or a via name (`Registry.via`) to register the server under. */
  readonly name?: Name<P> | Via<P>;
  /** How long `init` may take, in ms; past it the server is killed and start fails with `"timeout"`. */
  readonly timeout?: Timeout;
  /**
   * Elixir's `hibernate_after`: the BEAM hibernates a server idle for that long. Accepted, and like `"hibernate"`
   * without effect: JavaScript has no per-process heap to compact. The server answers as before.
   */
  readonly hibernateAfter?: Timeout;
}

/** The start timeout of an async init: kills the server and fails the start at once, even if init never settles. */
class StartTimeout extends TimerEntry {
  readonly server: ServerProc;
  readonly caller: Proc | null;
  readonly timedOut: (outcome: InitOutcome) => void;
  constructor(server: ServerProc, caller: Proc | null, timedOut: (outcome: InitOutcome) => void) {
    super();
    this.server = server;
    this.caller = caller;
    this.timedOut = timedOut;
  }
  fire(): void {
    // proc_lib unlinks before killing a slow init: the caller gets {:error, :timeout}, not the kill.
    if (this.caller !== null) this.server.unlink(this.caller);
    this.server.exit("killed");
    this.timedOut({ started: false, reason: "timeout" });
  }
}

/** Starts a server process made by `create` (a plain ServerProc, or a Registry's). Internal. */
export function startServer<P extends Protocol, A, S, C>(
  fn: string,
  module: GenServerModule<P, A, S, C>,
  arg: A,
  options: StartOptions<P>,
  link: boolean,
  create: (() => ServerProc) | null = null,
): Promise<Pid<P>> {
  if (typeof module !== "object" || module === null || typeof module.init !== "function") {
    return Promise.reject(new TypeError(`${fn}: the module should be an object with an init function, got ${String(module)}`));
  }
  let timeout: Timeout;
  try {
    timeout = checkTimeout(fn, options.timeout ?? "infinity");
  } catch (error) {
    return Promise.reject(error);
  }
  const registration = options.name;
  if (registration !== undefined && typeof registration !== "string" && !isVia(registration)) {
    return Promise.reject(new TypeError(`${fn}: name should be a GenServer.name(…) or a Registry.via(…), got ${String(registration)}`));
  }
  if (registration !== undefined) {
    const holder = resolve(registration);
    // OTP: a taken name fails the start before init runs.
    if (holder !== null) return Promise.reject(new StartError({ already_started: holder.pid }));
  }
  const server = create === null ? new ServerProc(module as never) : create();
  if (typeof registration === "string") {
    registerLocal(registration, server);
    server.localName = registration;
  } else if (registration !== undefined) {
    const registry = registryNamed(registration.registry);
    if (registry === null) {
      server.exit("normal");
      return Promise.reject(new StartError({ unknown_registry: registration.registry }));
    }
    let taken: Proc | null;
    try {
      taken = registry.registerName(registration.key, server, registration.value);
    } catch (error) {
      server.exit("normal");
      return Promise.reject(error);
    }
    if (taken !== null) {
      server.exit("normal");
      return Promise.reject(new StartError({ already_started: taken.pid }));
    }
  }
  const caller = link ? currentProc() : null;
  if (caller !== null) {
    server.link(caller);
    server.parent = caller;
  }
  const outcome = server.init(arg);
  if (!(outcome instanceof Promise)) return settleStart(server, outcome);
  if (timeout === "infinity") return outcome.then((result) => settleStart(server, result));
  return new Promise<InitOutcome>((settle) => {
    const guard = new StartTimeout(server, caller, settle);
    timers.schedule(guard, timeout);
    void outcome.then((result) => {
      if (!guard.active) return; // the timeout already failed the start
      timers.cancel(guard);
      settle(result);
    });
  }).then((result) => settleStart(server, result));
}

function settleStart<P extends Protocol>(server: ServerProc, outcome: InitOutcome): Promise<Pid<P>> {
  return outcome.started ? Promise.resolve(server.pid as Pid<P>) : Promise.reject(new StartError(outcome.reason));
}

/**
 * Starts a server without linking it, like `GenServer.start/3`. Resolves with its pid once `init` has
 * returned; rejects with a `StartError` whose `reason` says why not (see `StartError`).
 *
 * @example
 * const pid = await GenServer.start(PriceCache, undefined, { name: PRICE_CACHE });
 */
function start<P extends Protocol, A, S, C>(module: GenServerModule<P, A, S, C>, arg: A, options: StartOptions<P> = {}): Promise<Pid<P>> {
  return startServer("GenServer.start", module, arg, options, false);
}

/**
 * Starts a server linked to the calling process (when called from one), like `GenServer.start_link/3`.
 *
 * @example
 * const pid = await GenServer.startLink(PriceWorker, "BTCUSD", { name: Registry.via(REGISTRY, "BTCUSD") });
 */
function startLink<P extends Protocol, A, S, C>(
  module: GenServerModule<P, A, S, C>,
  arg: A,
  options: StartOptions<P> = {},
): Promise<Pid<P>> {
  return startServer("GenServer.startLink", module, arg, options, true);
}

/**
 * Sends a request and waits for the reply, like `GenServer.call/3`. Rejects with an `ExitError` whose
 * `reason` is `"noproc"` (nobody there), `"timeout"` (no reply in time; the server still handles the request
 * and its late reply is dropped), `"calling_self"`, or the server's exit reason if it dies first.
 *
 * @example
 * const price = await GenServer.call(PRICE_CACHE, { type: "get", symbol: "BTCUSD" });
 */
// `& { type: R["type"] }` makes the compiler infer R from the literal's `type` alone, not from the expected
// result, so a call resolves to that request's reply type.
function call<P extends Protocol, R extends P["call"]>(
  server: ServerRef<P>,
  request: R & { readonly type: R["type"] },
  timeout: Timeout = 5000,
): Promise<ReplyFor<P, R["type"]>> {
  return request_("call", CALL, server, request, timeout) as Promise<ReplyFor<P, R["type"]>>;
}

function request_(
  op: RequestOp,
  kind: typeof CALL | typeof SYSTEM,
  server: ServerRef,
  payload: unknown,
  timeout: Timeout,
): Promise<unknown> {
  let target: Proc | null;
  try {
    checkTimeout(requestFunction[op], timeout);
    target = resolve(server);
  } catch (error) {
    return Promise.reject(error);
  }
  const caller = currentProc();
  const request = new Request(op, payload, server, timeout);
  if (target === null || target === caller) {
    const failed = promiseOf(request);
    request.fail(target === null ? "noproc" : "calling_self");
    return failed;
  }
  return ask(target, kind, request);
}

/**
 * Sends a message without waiting, like `GenServer.cast/2`. Returns `"ok"` at once and never throws, even when
 * nobody is there: you do not know whether it was handled.
 *
 * @example
 * GenServer.cast(PRICE_CACHE, { type: "put", symbol: "BTCUSD", price: 67543.21 });
 */
function cast<P extends Protocol>(server: ServerRef<P>, message: P["cast"]): "ok" {
  try {
    resolve(server)?.enqueue(CAST, message);
  } catch {
    // A malformed reference is as unreachable as a dead one: cast never throws.
  }
  return "ok";
}

/**
 * Stops a server and waits until it is dead, like `GenServer.stop/3`: `terminate(reason, state)` runs after the
 * messages already queued. Rejects with `"noproc"`, `"calling_self"`, `"timeout"`, or the actual exit reason
 * if it differs (terminate threw).
 *
 * @example
 * await GenServer.stop(pid); // reason "normal", no timeout
 */
function stop<P extends Protocol>(server: ServerRef<P>, reason: ExitReason = "normal", timeout: Timeout = "infinity"): Promise<"ok"> {
  return request_("stop", SYSTEM, server, reason, timeout) as Promise<"ok">;
}

/**
 * Answers a call later, after `handleCall` returned `noreply(state)`. Works from any process or timer; a second
 * reply, or a reply to a caller that gave up, is ignored.
 *
 * @example
 * handleCall: (req, from, state) => noreply({ ...state, waiting: [...state.waiting, from] })
 * // later:
 * GenServer.reply(from, "done");
 */
function reply<R>(from: From<R>, value: R): void {
  if (!(from instanceof Request) || from.op !== "call")
    throw new TypeError("GenServer.reply: from should be the `from` given to handleCall");
  from.settle(value);
}

/** `GenServer`: start servers and talk to them, with Elixir's names and semantics. */
export const GenServer = { start, startLink, call, cast, stop, reply, whereis, name } as const;

/** Barrier requests, like Erlang's `:sys` module: they wait for the messages queued before them. */
export const Sys = {
  /**
   * The server's state after every message queued before this request.
   *
   * @example
   * const state = await Sys.getState(pid);
   */
  getState<P extends Protocol>(server: ServerRef<P>, timeout: Timeout = 5000): Promise<unknown> {
    return request_("get_state", SYSTEM, server, undefined, timeout);
  },
  /**
   * Replaces the state with `fn(state)`; if `fn` throws, the state stays and the promise rejects with
   * `{ callback_failed: error }`.
   *
   * @example
   * await Sys.replaceState(pid, (s) => ({ ...s, count: 0 }));
   */
  replaceState<P extends Protocol, S>(server: ServerRef<P>, fn: (state: S) => S, timeout: Timeout = 5000): Promise<S> {
    return request_("replace_state", SYSTEM, server, fn, timeout) as Promise<S>;
  },
} as const;
