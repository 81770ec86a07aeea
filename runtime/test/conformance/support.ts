import * as FakeTimers from "@sinonjs/fake-timers";
import { afterEach, expect, it } from "vitest";
import { ExitError, type ExitMessage, Pid, Probe, Process, StartError } from "#runtime";
import { type InstalledClock, TIMERS_AND_DATE } from "../support.ts";
import type { CaseTable, Json } from "./table.ts";

/**
 * Declares the ported cases of one table: `port("start_link/3 with local", async () => observation)` is a test
 * named `gen_server_test: start_link/3 with local` whose observation, as JSON, must equal the value the table
 * holds for that case, which is the value the BEAM prints for the same snippet (`npm run conformance:beam`).
 */
export function conformance<T extends CaseTable>(table: T): (name: keyof T["cases"] & string, observe: () => unknown) => void {
  return (name, observe) => {
    it(`${table.label}: ${name}`, async () => {
      expect(toJson(await observe())).toEqual(table.cases[name]);
    });
  };
}

/**
 * A value in the shape `Conformance.json/1` of beam/support.exs gives a term: `undefined` and `null` are null,
 * arrays stay arrays, objects keep their keys, an Error is `{ error: message }`, and pids, monitor and timer refs
 * and functions become "#PID", "#Reference" and "#Function".
 */
export function toJson(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean" || typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "function") return "#Function";
  if (typeof value !== "object") return String(value);
  if (value instanceof Error) return { error: value.message };
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Pid) return "#PID";
  const kind = (value as { readonly kind?: unknown }).kind;
  if ((kind === "monitor" || kind === "timer") && typeof (value as { readonly id?: unknown }).id === "number") return "#Reference";
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toJson(field)]));
}

/**
 * A reason as the Elixir term it stands for: the runtime writes `{:tag, value}` as `{ tag: value }` and
 * `{:failed_to_start_child, id, reason}` as `{ failed_to_start_child: id, reason }`; both become arrays, the JSON
 * form of a tuple. Anything else is left as it is.
 */
export function elixirReason(reason: unknown): unknown {
  if (typeof reason !== "object" || reason === null || Array.isArray(reason) || reason instanceof Error || reason instanceof Pid)
    return reason;
  const keys = Object.keys(reason);
  const fields = reason as Readonly<Record<string, unknown>>;
  if (keys.length === 2 && "failed_to_start_child" in fields && "reason" in fields)
    return ["failed_to_start_child", fields.failed_to_start_child, elixirReason(fields.reason)];
  if (keys.length !== 1) return reason;
  const [tag] = keys as [string];
  return [tag, elixirReason(fields[tag])];
}

/**
 * The reason a client call exited with, or "no_exit" when it returned: Elixir's `catch_exit/1` keeping the
 * reason. The runtime rejects the promise with an ExitError where Elixir exits the caller.
 */
export async function exitReason(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return "no_exit";
  } catch (error) {
    if (error instanceof ExitError) return elixirReason(error.reason);
    throw error;
  }
}

/** `[reason, "GenServer.call"]`: the reason and the function of a client exit, as `Conformance.exit_call/1`. */
export async function exitCall(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return "no_exit";
  } catch (error) {
    if (error instanceof ExitError) return [elixirReason(error.reason), error.call.fn];
    throw error;
  }
}

/**
 * What `GenServer.start/3` (or a supervisor's `start_child`) returns in Elixir: `["ok", pid]` (`["ok", "undefined"]`
 * for a child that ignored), `["error", reason]`, or `"ignore"`. The runtime resolves with the pid (null) or
 * rejects with a StartError (reason `"ignore"` for `:ignore`).
 */
export async function startResult(promise: Promise<Pid | null>): Promise<unknown> {
  try {
    return ["ok", (await promise) ?? "undefined"];
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    return error.reason === "ignore" ? "ignore" : ["error", elixirReason(error.reason)];
  }
}

/**
 * `"ArgumentError"` when `fn` throws or rejects with a TypeError, the runtime's form of Elixir's ArgumentError
 * for a malformed argument; "no_raise" otherwise.
 */
export async function argumentError(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "no_raise";
  } catch (error) {
    if (error instanceof TypeError) return "ArgumentError";
    throw error;
  }
}

/**
 * Whether the test process `probe` is linked to `pid`, seen the way the snippets see it too: trap exits, end the
 * process with `boom` (or `kill`, for one that traps exits), and look for its EXIT message.
 */
export async function linked(probe: Probe, pid: Pid, how: "boom" | "kill" = "boom"): Promise<boolean> {
  probe.run(() => Process.flag("trapExit", true));
  probe.run(() => Process.exit(pid, how));
  const reason = how === "kill" ? "killed" : how;
  const isItsExit = (message: unknown): boolean => {
    const exit = message as Partial<ExitMessage> | null;
    return exit?.type === "EXIT" && exit.pid === pid && exit.reason === reason;
  };
  const found = await probe.receive(isItsExit, 100).then(
    () => true,
    () => false,
  );
  probe.run(() => Process.flag("trapExit", false));
  return found;
}

/**
 * The test process of each case, like the process ExUnit runs a test in: a probe that traps no exits until told,
 * stopped after the test with `shutdown`, which takes down the servers linked to it. Servers given to `track`
 * are killed after the test too.
 */
export function useTestProcess(): { readonly start: () => Probe; readonly track: <P extends Pid>(pid: P) => P } {
  const probes: Probe[] = [];
  const pids: Pid[] = [];
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.stop("shutdown");
    for (const pid of pids.splice(0)) if (Process.alive(pid)) Process.exit(pid, "kill");
  });
  return {
    start: () => {
      const probe = Probe.start();
      probes.push(probe);
      return probe;
    },
    track: (pid) => {
      pids.push(pid);
      return pid;
    },
  };
}

/**
 * Runs a case on a fake clock (timers and Date), so that the sleeps of its snippet become ticks here and the case
 * never depends on how fast the machine is.
 */
export async function withFakeClock<T>(fn: (clock: InstalledClock) => Promise<T>): Promise<T> {
  const clock = FakeTimers.install({ now: 1_700_000_000_000, toFake: TIMERS_AND_DATE });
  try {
    return await fn(clock);
  } finally {
    clock.runMicrotasks();
    clock.uninstall();
  }
}
