import { now } from "./clock.ts";
import { currentProc } from "./context.ts";
import { isCleanExit, StartError, show } from "./errors.ts";
import { GenServer } from "./gen-server.ts";
import { Logger } from "./logger.ts";
import { Pid, procOf } from "./pid.ts";
import type { Proc } from "./process.ts";
import { Process } from "./process-api.ts";
import { noreply, ok, reply, stop } from "./results.ts";
import type { GenServerModule } from "./server-process.ts";
import { sleep } from "./timer-service.ts";
import type { Call, ExitReason, Name, Protocol, ServerRef, SystemMessage } from "./types.ts";

/**
 * How to start and look after one child, the TypeScript form of Elixir's child spec map.
 * `start` must start the child linked to its caller (`GenServer.startLink`, `Registry.startLink`, …): the
 * supervisor calls it from its own process.
 *
 * @example
 * const children: ChildSpec[] = [
 *   Registry.childSpec({ keys: "unique", name: "PriceWorkerRegistry" }),
 *   { id: "btc", start: () => PriceWorker.startLink("BTCUSD") },
 * ];
 */
export interface ChildSpec {
  readonly id: string;
  readonly start: () => Promise<Pid>;
  /** `permanent` (default): always restarted; `transient`: only after an abnormal exit; `temporary`: never. */
  readonly restart?: "permanent" | "transient" | "temporary";
  /** Ms the child gets to terminate on shutdown before it is killed (default 5000), or `"brutal_kill"`, or `"infinity"`. */
  readonly shutdown?: number | "brutal_kill" | "infinity";
  readonly type?: "worker" | "supervisor";
}

export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";

export interface SupervisorOptions {
  readonly strategy?: Strategy;
  /** More than `maxRestarts` restarts within `maxSeconds` and the supervisor gives up and exits (defaults 3 and 5). */
  readonly maxRestarts?: number;
  readonly maxSeconds?: number;
  readonly name?: Name<SupervisorProtocol>;
}

/** One row of `Supervisor.whichChildren`: the child's pid, `"restarting"`, or `null` when not running. */
export interface ChildInfo {
  readonly id: string;
  readonly pid: Pid | "restarting" | null;
  readonly type: "worker" | "supervisor";
}

export interface ChildCount {
  readonly specs: number;
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

export interface SupervisorProtocol extends Protocol {
  call:
    | Call<{ type: "which_children" }, ChildInfo[]>
    | Call<{ type: "count_children" }, ChildCount>
    | Call<{ type: "start_child"; spec: ChildSpec }, Pid | { error: ExitReason }>
    | Call<{ type: "terminate_child"; id: string | Pid }, "ok" | { error: "not_found" }>;
  cast: never;
  info: never;
}

interface Child {
  readonly spec: ChildSpec;
  pid: Pid | null;
}

interface State {
  readonly strategy: Strategy;
  readonly maxRestarts: number;
  readonly periodMs: number;
  /** In start order. */
  children: Child[];
  /** When recent restarts happened, for the intensity check. */
  restarts: number[];
  /** A DynamicSupervisor: children come from start_child and are all temporary-or-restarted one for one. */
  readonly dynamic: boolean;
}

class ChildStartError extends Error {
  override readonly name = "ChildStartError";
  readonly reason: ExitReason;
  constructor(id: string, reason: ExitReason) {
    super(`child ${id} failed to start: ${show(reason)}`);
    this.reason = reason;
  }
}

async function startChild(child: Child): Promise<void> {
  try {
    child.pid = await child.spec.start();
  } catch (error) {
    const reason = typeof error === "object" && error !== null && "reason" in error ? (error as { reason: unknown }).reason : error;
    if (reason === "ignore") {
      child.pid = null;
      return;
    }
    throw new ChildStartError(child.spec.id, reason);
  }
}

/** OTP's shutdown: unlink, ask the child to exit with `shutdown`, wait up to its shutdown time, then kill. */
async function shutdownChild(child: Child): Promise<void> {
  const pid = child.pid;
  child.pid = null;
  if (pid === null) return;
  const proc: Proc = procOf(pid);
  if (!proc.alive) return;
  Process.unlink(pid);
  const exited = proc.whenExited();
  const shutdown = child.spec.shutdown ?? (child.spec.type === "supervisor" ? "infinity" : 5000);
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
  await exited;
}

async function shutdownAll(children: readonly Child[]): Promise<void> {
  for (const child of [...children].reverse()) await shutdownChild(child);
}

function shouldRestart(spec: ChildSpec, reason: ExitReason): boolean {
  const restart = spec.restart ?? "permanent";
  return restart === "permanent" || (restart === "transient" && !isCleanExit(reason));
}

/** Records a restart; returns false when that exceeds the intensity (the supervisor must give up). */
function allowRestart(state: State): boolean {
  const t = now();
  state.restarts = state.restarts.filter((at) => t - at < state.periodMs);
  state.restarts.push(t);
  return state.restarts.length <= state.maxRestarts;
}

async function restartAfter(state: State, failed: Child): Promise<boolean> {
  const index = state.children.indexOf(failed);
  const affected =
    state.strategy === "one_for_one" ? [failed] : state.strategy === "one_for_all" ? [...state.children] : state.children.slice(index);
  await shutdownAll(affected.filter((child) => child !== failed));
  for (const child of affected) {
    for (;;) {
      try {
        await startChild(child);
        break;
      } catch (error) {
        Logger.error(`Supervisor ${String(self_())}: ${(error as Error).message}`);
        if (!allowRestart(state)) return false;
      }
    }
  }
  return true;
}

function self_(): Pid | null {
  return currentProc()?.pid ?? null;
}

function info(child: Child): ChildInfo {
  return { id: child.spec.id, pid: child.pid, type: child.spec.type ?? "worker" };
}

function count(state: State): ChildCount {
  const supervisors = state.children.filter((c) => (c.spec.type ?? "worker") === "supervisor").length;
  return {
    specs: state.children.length,
    active: state.children.filter((c) => c.pid !== null && procOf(c.pid).alive).length,
    supervisors,
    workers: state.children.length - supervisors,
  };
}

interface SupervisorArg {
  readonly children: readonly ChildSpec[];
  readonly options: SupervisorOptions;
  readonly dynamic: boolean;
}

function checkOptions(fn: string, options: SupervisorOptions): void {
  const { strategy = "one_for_one", maxRestarts = 3, maxSeconds = 5 } = options;
  if (strategy !== "one_for_one" && strategy !== "one_for_all" && strategy !== "rest_for_one") {
    throw new TypeError(`${fn}: strategy should be one_for_one, one_for_all or rest_for_one, got ${show(strategy)}`);
  }
  if (!Number.isSafeInteger(maxRestarts) || maxRestarts < 0)
    throw new TypeError(`${fn}: maxRestarts should be a non-negative integer, got ${show(maxRestarts)}`);
  if (!Number.isSafeInteger(maxSeconds) || maxSeconds <= 0)
    throw new TypeError(`${fn}: maxSeconds should be a positive integer, got ${show(maxSeconds)}`);
}

const SupervisorServer: GenServerModule<SupervisorProtocol, SupervisorArg, State> = {
  async init({ children, options, dynamic }) {
    Process.flag("trapExit", true);
    const ids = new Set<string>();
    for (const spec of children) {
      if (ids.has(spec.id)) return stop({ duplicate_child_name: spec.id });
      ids.add(spec.id);
    }
    const state: State = {
      strategy: options.strategy ?? "one_for_one",
      maxRestarts: options.maxRestarts ?? 3,
      periodMs: (options.maxSeconds ?? 5) * 1000,
      children: children.map((spec) => ({ spec, pid: null })),
      restarts: [],
      dynamic,
    };
    for (const child of state.children) {
      try {
        await startChild(child);
      } catch (error) {
        // OTP: a child that fails to start fails the supervisor, after shutting down those already started.
        await shutdownAll(state.children);
        return stop({ shutdown: { failed_to_start_child: child.spec.id, reason: (error as ChildStartError).reason } });
      }
    }
    return ok(state);
  },

  async handleCall(request, _from, state) {
    switch (request.type) {
      case "which_children":
        return reply(state.children.map(info), state);
      case "count_children":
        return reply(count(state), state);
      case "start_child": {
        const child: Child = { spec: request.spec, pid: null };
        try {
          await startChild(child);
        } catch (error) {
          return reply({ error: (error as ChildStartError).reason }, state);
        }
        if (child.pid === null) return reply({ error: "ignore" }, state);
        state.children.push(child);
        return reply(child.pid, state);
      }
      case "terminate_child": {
        const target = request.id;
        const child = state.children.find((c) => (typeof target === "string" ? c.spec.id === target : c.pid === target));
        if (child === undefined) return reply({ error: "not_found" } as const, state);
        await shutdownChild(child);
        if (state.dynamic) state.children = state.children.filter((c) => c !== child);
        return reply("ok" as const, state);
      }
    }
  },

  async handleInfo(message: SystemMessage, state) {
    if (message.type !== "EXIT") return noreply(state);
    const child = state.children.find((c) => c.pid === message.pid);
    if (child === undefined) return noreply(state);
    child.pid = null;
    if (!shouldRestart(child.spec, message.reason)) {
      if ((child.spec.restart ?? "permanent") === "temporary" || state.dynamic) state.children = state.children.filter((c) => c !== child);
      return noreply(state);
    }
    if (!allowRestart(state) || !(await restartAfter(state, child))) {
      Logger.error(
        `Supervisor ${String(self_())} reached its maximum restart intensity (${state.maxRestarts} in ${state.periodMs / 1000} s) and shuts down`,
      );
      return stop("shutdown", state);
    }
    return noreply(state);
  },

  async terminate(_reason, state) {
    await shutdownAll(state.children);
  },
};

function startSupervisor(
  children: readonly ChildSpec[],
  options: SupervisorOptions,
  dynamic: boolean,
  link: boolean,
): Promise<Pid<SupervisorProtocol>> {
  const fn = dynamic ? "DynamicSupervisor.start" : "Supervisor.start";
  try {
    checkOptions(fn, options);
  } catch (error) {
    return Promise.reject(error);
  }
  const arg: SupervisorArg = { children, options, dynamic };
  const startOptions = options.name === undefined ? {} : { name: options.name };
  return link ? GenServer.startLink(SupervisorServer, arg, startOptions) : GenServer.start(SupervisorServer, arg, startOptions);
}

/**
 * `Supervisor`: starts children from specs, in order, restarts them by strategy (one_for_one, one_for_all,
 * rest_for_one) and restart type, gives up past its restart intensity, and shuts them down in reverse order.
 *
 * @example
 * const sup = await Supervisor.startLink(
 *   [Registry.childSpec({ keys: "unique", name: "PriceWorkerRegistry" }), { id: "btc", start: () => PriceWorker.startLink("BTCUSD") }],
 *   { strategy: "one_for_one" },
 * );
 */
export const Supervisor = {
  start: (children: readonly ChildSpec[], options: SupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> =>
    startSupervisor(children, options, false, false),
  startLink: (children: readonly ChildSpec[], options: SupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> =>
    startSupervisor(children, options, false, true),
  whichChildren: (supervisor: ServerRef<SupervisorProtocol>): Promise<ChildInfo[]> =>
    GenServer.call(supervisor, { type: "which_children" }),
  countChildren: (supervisor: ServerRef<SupervisorProtocol>): Promise<ChildCount> => GenServer.call(supervisor, { type: "count_children" }),
  /** Shuts a child down (by id); it stays in the specs, not running, as in OTP. */
  terminateChild: (supervisor: ServerRef<SupervisorProtocol>, id: string): Promise<"ok" | { error: "not_found" }> =>
    GenServer.call(supervisor, { type: "terminate_child", id }, "infinity"),
  stop: (supervisor: ServerRef<SupervisorProtocol>, reason: ExitReason = "normal"): Promise<"ok"> => GenServer.stop(supervisor, reason),
} as const;

/**
 * `DynamicSupervisor`: starts with no children and adds them on demand (one worker per symbol), restarting
 * each one for one.
 *
 * @example
 * const sup = await DynamicSupervisor.start({ name: WORKERS });
 * await DynamicSupervisor.startChild(WORKERS, { id: "BTCUSD", start: () => PriceWorker.startLink("BTCUSD") });
 */
export const DynamicSupervisor = {
  start: (options: Omit<SupervisorOptions, "strategy"> = {}): Promise<Pid<SupervisorProtocol>> => startSupervisor([], options, true, false),
  startLink: (options: Omit<SupervisorOptions, "strategy"> = {}): Promise<Pid<SupervisorProtocol>> =>
    startSupervisor([], options, true, true),
  /** Starts a child under the supervisor; resolves with its pid, rejects if it fails to start. */
  async startChild(supervisor: ServerRef<SupervisorProtocol>, spec: ChildSpec): Promise<Pid> {
    const started = await GenServer.call(supervisor, { type: "start_child", spec }, "infinity");
    if (started instanceof Pid) return started;
    throw new StartError(started.error);
  },
  /** Shuts a child down (by pid) and forgets it. */
  terminateChild: (supervisor: ServerRef<SupervisorProtocol>, pid: Pid): Promise<"ok" | { error: "not_found" }> =>
    GenServer.call(supervisor, { type: "terminate_child", id: pid }, "infinity"),
  whichChildren: Supervisor.whichChildren,
  countChildren: Supervisor.countChildren,
} as const;
