import type { ExitReason } from "./types.ts";

declare const RESULT_STATE: unique symbol;
declare const RESULT_REPLY: unique symbol;
declare const RESULT_CONTINUE: unique symbol;

/**
 * What may follow a callback, as the optional last element of Elixir's tuples: an idle timeout in ms
 * (`handleInfo({ type: "timeout" })` fires after that long without messages), `"hibernate"` (accepted; in
 * JavaScript there is no per-process heap to compact, so it behaves like no action), or `{ continue: c }`
 * (`handleContinue(c, state)` runs before any other message).
 */
export type Action<C = never> = number | "hibernate" | { readonly continue: C };

/** The runtime's tags; a callback must return one of the helpers' results, anything else is a bad return value. */
export type ResultKind = "ok" | "ignore" | "reply" | "noreply" | "stop" | "stop_init" | "stop_reply";

/**
 * One class for every callback result keeps their shape monomorphic on the hot path; the phantom fields
 * carry the state, reply and continue types for the compiler only.
 */
export class CallbackResult<S, R, C> {
  declare readonly [RESULT_STATE]?: S;
  declare readonly [RESULT_REPLY]?: R;
  declare readonly [RESULT_CONTINUE]?: C;
  readonly kind: ResultKind;
  readonly state: S | undefined;
  readonly reply: R | undefined;
  readonly reason: ExitReason;
  readonly action: Action<C> | undefined;

  constructor(kind: ResultKind, state: S | undefined, reply: R | undefined, reason: ExitReason, action: Action<C> | undefined) {
    this.kind = kind;
    this.state = state;
    this.reply = reply;
    this.reason = reason;
    this.action = action;
  }
}

export type Ok<S, C = never> = CallbackResult<S, never, C> & { readonly kind: "ok" };
export type Ignore = CallbackResult<never, never, never> & { readonly kind: "ignore" };
export type StopInit = CallbackResult<never, never, never> & { readonly kind: "stop_init" };
export type Reply<S, R, C = never> = CallbackResult<S, R, C> & { readonly kind: "reply" };
export type NoReply<S, C = never> = CallbackResult<S, never, C> & { readonly kind: "noreply" };
export type Stop<S> = CallbackResult<S, never, never> & { readonly kind: "stop" };
export type StopReply<S, R> = CallbackResult<S, R, never> & { readonly kind: "stop_reply" };

/** What `init` may return. */
export type InitResult<S, C = never> = Ok<S, C> | Ignore | StopInit;
/** What `handleCall` may return. */
export type CallResult<S, R, C = never> = Reply<S, R, C> | NoReply<S, C> | Stop<S> | StopReply<S, R>;
/** What `handleCast`, `handleInfo` and `handleContinue` may return. */
export type NoReplyResult<S, C = never> = NoReply<S, C> | Stop<S>;

/**
 * `{:ok, state}` from `init`, optionally with an action (timeout, hibernate or continue).
 *
 * @example
 * init: () => ok(new Map<string, number>())
 */
export function ok<S, C = never>(state: S, action?: Action<C>): Ok<S, C> {
  return new CallbackResult<S, never, C>("ok", state, undefined, undefined, action) as Ok<S, C>;
}

/**
 * `:ignore` from `init`: the server does not start and `start` rejects with reason `"ignore"`.
 *
 * @example
 * init: (enabled: boolean) => (enabled ? ok(0) : ignore())
 */
export function ignore(): Ignore {
  return new CallbackResult<never, never, never>("ignore", undefined, undefined, undefined, undefined) as Ignore;
}

/**
 * `{:reply, value, state}` from `handleCall`, optionally with an action.
 *
 * @example
 * handleCall: (req, _from, state) => reply(state.get(req.symbol), state)
 */
export function reply<S, R, C = never>(value: R, state: S, action?: Action<C>): Reply<S, R, C> {
  return new CallbackResult<S, R, C>("reply", state, value, undefined, action) as Reply<S, R, C>;
}

/**
 * `{:noreply, state}`: from `handleCast`, `handleInfo` and `handleContinue`, or from `handleCall` when the reply
 * will be sent later with `GenServer.reply(from, value)`.
 *
 * @example
 * handleCast: (msg, state) => noreply(new Map(state).set(msg.symbol, msg.price))
 */
export function noreply<S, C = never>(state: S, action?: Action<C>): NoReply<S, C> {
  return new CallbackResult<S, never, C>("noreply", state, undefined, undefined, action) as NoReply<S, C>;
}

/**
 * `{:stop, reason}` from `init`, `{:stop, reason, state}` from any handler, or `{:stop, reason, reply, state}`
 * from `handleCall` (terminate runs, then the caller gets the reply, then the server exits).
 *
 * @example
 * handleCall: (_req, _from, state) => stop("normal", "bye", state)
 */
export function stop(reason: ExitReason): StopInit;
export function stop<S>(reason: ExitReason, state: S): Stop<S>;
export function stop<S, R>(reason: ExitReason, value: R, state: S): StopReply<S, R>;
export function stop(reason: ExitReason, ...rest: unknown[]): CallbackResult<unknown, unknown, never> {
  if (rest.length === 0) return new CallbackResult("stop_init", undefined, undefined, reason, undefined);
  if (rest.length === 1) return new CallbackResult("stop", rest[0], undefined, reason, undefined);
  return new CallbackResult("stop_reply", rest[1], rest[0], reason, undefined);
}
