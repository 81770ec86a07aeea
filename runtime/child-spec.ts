import { show } from "./errors.ts";
import { Pid, procOf } from "./pid.ts";
import { Process } from "./process-api.ts";
import { sleep } from "./timer-service.ts";
import type { ExitReason } from "./types.ts";

/**
 * How to start and look after one child, the TypeScript form of Elixir's child spec map.
 * `start` must start the child linked to its caller (`GenServer.startLink`, `Registry.startLink`, …): the
 * supervisor calls it from its own process, with no arguments, or with a DynamicSupervisor's `extraArguments`
 * (Elixir prepends them to the start arguments). A child that resolves nothing to supervise rejects with
 * `StartError` reason `"ignore"`, as `GenServer.startLink` does when init ignores.
 *
 * @example
 * const children: ChildSpec[] = [
 *   Registry.childSpec({ keys: "unique", name: "PriceWorkerRegistry" }),
 *   { id: "btc", start: () => PriceWorker.startLink("BTCUSD") },
 * ];
 */
export interface ChildSpec {
  readonly id: string;
  readonly start: (...extraArguments: never[]) => Promise<Pid>;
  /** `permanent` (default): always restarted; `transient`: only after an abnormal exit; `temporary`: never. */
  readonly restart?: "permanent" | "transient" | "temporary";
  /** Ms the child gets to terminate on shutdown before it is killed (default 5000, `"infinity"` for a supervisor), or `"brutal_kill"`. */
  readonly shutdown?: number | "brutal_kill" | "infinity";
  readonly type?: "worker" | "supervisor";
}

/**
 * What starting a child gave, as OTP's supervisor sees it: `{ ok: pid }`, `{ ok: null }` when the child ignored
 * (`{:ok, :undefined}`), or `{ error: reason }`.
 */
export type Started = { readonly ok: Pid | null } | { readonly error: ExitReason };

const RESTARTS: ReadonlySet<unknown> = new Set(["permanent", "transient", "temporary"]);
const TYPES: ReadonlySet<unknown> = new Set(["worker", "supervisor"]);

/**
 * Why a spec is not one, or null. For a Supervisor as OTP's `check_childspec` says it (`"missing_id"`,
 * `"missing_start"`, `{ invalid_mfa: start }`, …); for a DynamicSupervisor as Elixir's `validate_child` does (a spec
 * without id, or whose start is not a function, is `{ invalid_child_spec: spec }`, and a shutdown of 0 is refused).
 */
export function childSpecError(spec: unknown, flavour: "supervisor" | "dynamic"): ExitReason | null {
  if (typeof spec !== "object" || spec === null) return { invalid_child_spec: spec };
  const { id, start, restart, shutdown, type } = spec as Partial<Record<keyof ChildSpec, unknown>>;
  if (flavour === "dynamic" && (id === undefined || start === undefined)) return { invalid_child_spec: spec };
  if (id === undefined) return "missing_id";
  if (start === undefined) return "missing_start";
  // Elixir's DynamicSupervisor takes a start that is no MFA at all for no spec at all.
  if (typeof start !== "function") return flavour === "dynamic" ? { invalid_child_spec: spec } : { invalid_mfa: start };
  if (restart !== undefined && !RESTARTS.has(restart)) return { invalid_restart_type: restart };
  const minimumShutdown = flavour === "dynamic" ? 1 : 0;
  const validShutdown =
    shutdown === undefined ||
    shutdown === "brutal_kill" ||
    shutdown === "infinity" ||
    (typeof shutdown === "number" && Number.isSafeInteger(shutdown) && shutdown >= minimumShutdown);
  if (!validShutdown) return { invalid_shutdown: shutdown };
  if (type !== undefined && !TYPES.has(type)) return { invalid_child_type: type };
  return null;
}

/** The reason a start function failed with: a StartError's (or an ExitError's) reason, else the thrown value. */
function reasonOf(error: unknown): ExitReason {
  return typeof error === "object" && error !== null && "reason" in error ? (error as { readonly reason: unknown }).reason : error;
}

/** Calls the spec's start function (never throws): OTP's `do_start_child`. */
export async function startChildProcess(spec: ChildSpec, extraArguments: readonly unknown[]): Promise<Started> {
  let started: unknown;
  try {
    started = await (spec.start as (...args: readonly unknown[]) => Promise<unknown>)(...extraArguments);
  } catch (error) {
    const reason = reasonOf(error);
    return reason === "ignore" ? { ok: null } : { error: reason };
  }
  // Anything but a pid is an error carrying the value, as OTP answers a start function returning `What`.
  return started instanceof Pid ? { ok: started } : { error: started };
}

/** The text of a child's start failure, for the supervisor's error report. */
export function describeStartError(spec: ChildSpec, reason: ExitReason): string {
  return `child ${show(spec.id)} failed to start: ${show(reason)}`;
}

/** The shutdown a spec asks for, with OTP's defaults: 5000 ms for a worker, infinity for a supervisor. */
export function shutdownOf(spec: ChildSpec): number | "brutal_kill" | "infinity" {
  return spec.shutdown ?? (spec.type === "supervisor" ? "infinity" : 5000);
}

/**
 * OTP's shutdown of one child: unlink, ask it to exit with `shutdown` (or kill it for `brutal_kill`), wait up to
 * its shutdown time, then kill it. Resolves with the reason it exited with.
 */
export async function shutdownChild(pid: Pid, spec: ChildSpec): Promise<ExitReason> {
  const proc = procOf(pid);
  const exited = proc.whenExited();
  if (!proc.alive) return exited;
  Process.unlink(pid);
  const shutdown = shutdownOf(spec);
  if (shutdown === "brutal_kill") {
    Process.exit(pid, "kill");
  } else {
    Process.exit(pid, "shutdown");
    if (shutdown !== "infinity") {
      const timer = sleep(shutdown);
      await Promise.race([exited, timer.done]);
      timer.cancel();
      if (proc.alive) Process.exit(pid, "kill");
    }
  }
  return exited;
}
