import { inspect } from "node:util";
import type { ExitReason, ServerRef, Timeout } from "./types.ts";

/** The client function that failed and its arguments, like the `{GenServer, :call, [pid, request, 5000]}` of an exit. */
export interface FailedCall {
  readonly fn: "GenServer.call" | "GenServer.stop" | "Sys.getState" | "Sys.replaceState";
  readonly server: ServerRef;
  readonly request?: unknown;
  readonly timeout: Timeout;
}

const explanations: Readonly<Record<string, string>> = {
  noproc: "no process is alive under that pid or name",
  timeout: "no reply arrived within the timeout",
  calling_self: "a process cannot call itself: it would wait for its own reply forever",
  normal: "the server stopped normally before replying",
  killed: "the server was killed",
};

/** Formats any term briefly for messages, the way `inspect/1` would. */
export function show(value: unknown): string {
  return inspect(value, { depth: 3, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 10, maxStringLength: 200 });
}

function describeReason(reason: ExitReason): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  const text = show(reason);
  const why = typeof reason === "string" ? explanations[reason] : undefined;
  return why === undefined ? text : `${text} (${why})`;
}

/**
 * A client call that exited instead of returning, as Elixir's `exit({reason, {GenServer, :call, args}})`.
 * Compare `reason` in tests: `await expect(GenServer.call(pid, req)).rejects.toMatchObject({ reason: "noproc" })`.
 */
export class ExitError extends Error {
  override readonly name = "ExitError";
  readonly reason: ExitReason;
  readonly call: FailedCall;

  constructor(reason: ExitReason, call: FailedCall) {
    const args =
      call.fn === "GenServer.call" || call.fn === "Sys.replaceState"
        ? [call.server, call.request, call.timeout]
        : [call.server, call.timeout];
    super(
      `${call.fn}(${args.map(show).join(", ")}) exited: ${describeReason(reason)}`,
      reason instanceof Error ? { cause: reason } : undefined,
    );
    this.reason = reason;
    this.call = call;
  }
}

/**
 * A server that did not start: `reason` is `{ already_started: pid }`, `"timeout"`, `"ignore"`,
 * `{ bad_return_value: v }`, the reason of `stop(reason)` returned by `init`, or the value `init` threw. A
 * supervisor's `startChild` rejects with one too, naming itself as `fn`.
 */
export class StartError extends Error {
  override readonly name = "StartError";
  readonly reason: ExitReason;

  constructor(reason: ExitReason, fn = "GenServer.start") {
    super(`${fn} failed: ${describeReason(reason)}`, reason instanceof Error ? { cause: reason } : undefined);
    this.reason = reason;
  }
}

/** `normal`, `shutdown` and `{ shutdown: x }`: exits that are not logged and that links do not propagate as crashes. */
export function isCleanExit(reason: ExitReason): boolean {
  return (
    reason === "normal" ||
    reason === "shutdown" ||
    (typeof reason === "object" &&
      reason !== null &&
      !(reason instanceof Error) &&
      "shutdown" in reason &&
      Object.keys(reason).length === 1)
  );
}
