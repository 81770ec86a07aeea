import { type ChildSpec, childSpecError, describeStartError, shutdownChild, startChildProcess } from "./child-spec.ts";
import { isCleanExit, StartError } from "./errors.ts";
import { GenServer } from "./gen-server.ts";
import { Logger } from "./logger.ts";
import { Pid } from "./pid.ts";
import { Process, self } from "./process-api.ts";
import { intensityError, RestartIntensity } from "./restart-intensity.ts";
import { noreply, ok, reply, stop } from "./results.ts";
import type { GenServerModule } from "./server-process.ts";
import type { Call, ExitReason, Name, Protocol, ServerRef, SystemMessage, Via } from "./types.ts";

export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";

export interface SupervisorOptions {
  /** Which children a failure restarts (default `one_for_one`; Elixir requires the option). */
  readonly strategy?: Strategy;
  /** More than `maxRestarts` restarts within `maxSeconds` and the supervisor gives up and exits (defaults 3 and 5). */
  readonly maxRestarts?: number;
  readonly maxSeconds?: number;
  readonly name?: Name<SupervisorProtocol> | Via<SupervisorProtocol>;
}

/** One row of `whichChildren`: the child's pid, `"restarting"` while a failed restart is retried, or `null` when not running. */
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

/** What starting a child through a supervisor gave: `{ ok: pid }`, `{ ok: null }` when it ignored, or `{ error: reason }`. */
export type StartChildReply = { readonly ok: Pid | null } | { readonly error: ExitReason };

/** The requests a Supervisor or a DynamicSupervisor answers; use the functions of `Supervisor` and `DynamicSupervisor`. */
export interface SupervisorProtocol extends Protocol {
  call:
    | Call<{ type: "which_children" }, ChildInfo[]>
    | Call<{ type: "count_children" }, ChildCount>
    | Call<{ type: "start_child"; spec: ChildSpec }, StartChildReply>
    | Call<{ type: "restart_child"; id: string }, StartChildReply>
    | Call<{ type: "terminate_child"; id: string | Pid }, "ok" | { error: "not_found" }>
    | Call<{ type: "delete_child"; id: string }, "ok" | { error: "running" | "restarting" | "not_found" }>;
  cast: never;
  info: never;
}

/** The supervisor's own protocol: a failed restart is retried through a message to itself, as OTP does. */
interface ServerProtocol extends Protocol {
  call: SupervisorProtocol["call"];
  cast: never;
  info: { readonly type: "try_again_restart"; readonly id: string };
}

interface Child {
  readonly spec: ChildSpec;
  pid: Pid | "restarting" | null;
}

interface State {
  readonly strategy: Strategy;
  readonly intensity: RestartIntensity;
  /** In start order; which_children lists them newest first, as OTP does. */
  children: Child[];
}

interface Arg {
  readonly children: readonly ChildSpec[];
  readonly options: SupervisorOptions;
}

const STRATEGIES: ReadonlySet<unknown> = new Set(["one_for_one", "one_for_all", "rest_for_one"]);

function info(child: Child): ChildInfo {
  return { id: child.spec.id, pid: child.pid, type: child.spec.type ?? "worker" };
}

function count(state: State): ChildCount {
  const supervisors = state.children.filter((c) => c.spec.type === "supervisor").length;
  return {
    specs: state.children.length,
    active: state.children.filter((c) => c.pid instanceof Pid && Process.alive(c.pid)).length,
    supervisors,
    workers: state.children.length - supervisors,
  };
}

function isTemporary(child: Child): boolean {
  return child.spec.restart === "temporary";
}

/** OTP's del_child: a temporary child is forgotten, any other keeps its spec and no pid. */
function delChild(state: State, child: Child): void {
  if (isTemporary(child)) state.children = state.children.filter((c) => c !== child);
  else child.pid = null;
}

/**
 * Starts `children` in order (OTP's start_children): an ignoring temporary child is forgotten; the first failure
 * stops there and is returned, the children after it left not running.
 */
async function startChildren(
  state: State,
  children: readonly Child[],
): Promise<{ readonly id: string; readonly reason: ExitReason } | null> {
  for (const child of children) {
    const started = await startChildProcess(child.spec, []);
    if ("error" in started) {
      Logger.error(`Supervisor ${String(self())}: ${describeStartError(child.spec, started.error)}`);
      return { id: child.spec.id, reason: started.error };
    }
    child.pid = started.ok;
    if (started.ok === null && isTemporary(child)) state.children = state.children.filter((c) => c !== child);
  }
  return null;
}

/** Shuts `children` down newest first (OTP's terminate_children): a temporary child is forgotten. */
async function terminateChildren(state: State, children: readonly Child[]): Promise<void> {
  for (const child of [...children].reverse()) {
    const pid = child.pid;
    if (pid instanceof Pid) await shutdownChild(pid, child.spec);
    delChild(state, child);
  }
}

/** OTP's restart/3 by strategy; returns the id to try again (its pid is then `"restarting"`), or null. */
async function restartByStrategy(state: State, child: Child): Promise<string | null> {
  if (state.strategy === "one_for_one") {
    const started = await startChildProcess(child.spec, []);
    if ("error" in started) {
      Logger.error(`Supervisor ${String(self())}: ${describeStartError(child.spec, started.error)}`);
      child.pid = "restarting";
      return child.spec.id;
    }
    child.pid = started.ok;
    return null;
  }
  const affected = state.strategy === "one_for_all" ? [...state.children] : state.children.slice(state.children.indexOf(child));
  child.pid = null;
  await terminateChildren(
    state,
    affected.filter((c) => c !== child),
  );
  const failed = await startChildren(
    state,
    affected.filter((c) => state.children.includes(c)),
  );
  if (failed === null) return null;
  const failedChild = state.children.find((c) => c.spec.id === failed.id);
  if (failedChild !== undefined) failedChild.pid = "restarting";
  return failed.id;
}

/** OTP's restart/2: counts the restart (past the intensity the supervisor shuts down), then restarts by strategy. */
async function restart(state: State, child: Child): Promise<boolean> {
  if (!state.intensity.add()) {
    Logger.error(
      `Supervisor ${String(self())} reached its maximum restart intensity (${state.intensity.maxRestarts} in ${state.intensity.maxSeconds} s) and shuts down`,
    );
    delChild(state, child);
    return false;
  }
  const tryAgain = await restartByStrategy(state, child);
  // Back to the mailbox before trying again, so that other requests (a shutdown among them) get handled.
  if (tryAgain !== null) Process.send(self() as Pid<ServerProtocol>, { type: "try_again_restart", id: tryAgain });
  return true;
}

function shouldRestart(spec: ChildSpec, reason: ExitReason): boolean {
  const restartType = spec.restart ?? "permanent";
  return restartType === "permanent" || (restartType === "transient" && !isCleanExit(reason));
}

async function startChildCall(state: State, spec: ChildSpec): Promise<StartChildReply> {
  const invalid = childSpecError(spec, "supervisor");
  if (invalid !== null) return { error: invalid };
  const existing = state.children.find((c) => c.spec.id === spec.id);
  if (existing !== undefined) return { error: existing.pid instanceof Pid ? { already_started: existing.pid } : "already_present" };
  const started = await startChildProcess(spec, []);
  if ("error" in started) return started;
  if (started.ok !== null || spec.restart !== "temporary") state.children.push({ spec, pid: started.ok });
  return started;
}

async function restartChildCall(child: Child | undefined): Promise<StartChildReply> {
  if (child === undefined) return { error: "not_found" };
  if (child.pid === "restarting") return { error: "restarting" };
  if (child.pid !== null) return { error: "running" };
  const started = await startChildProcess(child.spec, []);
  if ("ok" in started) child.pid = started.ok;
  return started;
}

function initError(options: SupervisorOptions): ExitReason | null {
  const strategy = options.strategy ?? "one_for_one";
  if (!STRATEGIES.has(strategy)) return { invalid_strategy: strategy };
  return intensityError(options.maxRestarts ?? 3, options.maxSeconds ?? 5);
}

const SupervisorServer: GenServerModule<ServerProtocol, Arg, State> = {
  async init({ children, options }) {
    Process.flag("trapExit", true);
    const invalidOptions = initError(options);
    if (invalidOptions !== null) return stop({ supervisor_data: invalidOptions });
    const ids = new Set<string>();
    for (const spec of children) {
      const invalid = childSpecError(spec, "supervisor");
      if (invalid !== null) return stop({ start_spec: invalid });
      if (ids.has(spec.id)) return stop({ start_spec: { duplicate_child_name: spec.id } });
      ids.add(spec.id);
    }
    const state: State = {
      strategy: options.strategy ?? "one_for_one",
      intensity: new RestartIntensity(options.maxRestarts ?? 3, options.maxSeconds ?? 5),
      children: children.map((spec) => ({ spec, pid: null })),
    };
    const failed = await startChildren(state, state.children);
    if (failed !== null) {
      // OTP: a child that fails to start fails the supervisor, after shutting down those already started.
      await terminateChildren(state, state.children);
      return stop({ shutdown: { failed_to_start_child: failed.id, reason: failed.reason } });
    }
    return ok(state);
  },

  async handleCall(request, _from, state) {
    switch (request.type) {
      case "which_children":
        return reply([...state.children].reverse().map(info), state);
      case "count_children":
        return reply(count(state), state);
      case "start_child":
        return reply(await startChildCall(state, request.spec), state);
      case "restart_child":
        return reply(await restartChildCall(state.children.find((c) => c.spec.id === request.id)), state);
      case "terminate_child": {
        const child = state.children.find((c) => c.spec.id === request.id);
        if (child === undefined) return reply({ error: "not_found" } as const, state);
        if (child.pid instanceof Pid) await shutdownChild(child.pid, child.spec);
        delChild(state, child);
        return reply("ok" as const, state);
      }
      case "delete_child": {
        const child = state.children.find((c) => c.spec.id === request.id);
        if (child === undefined) return reply({ error: "not_found" } as const, state);
        if (child.pid === "restarting") return reply({ error: "restarting" } as const, state);
        if (child.pid !== null) return reply({ error: "running" } as const, state);
        state.children = state.children.filter((c) => c !== child);
        return reply("ok" as const, state);
      }
    }
  },

  async handleInfo(message: ServerProtocol["info"] | SystemMessage, state) {
    if (message.type === "try_again_restart") {
      const child = state.children.find((c) => c.spec.id === message.id);
      if (child?.pid !== "restarting") return noreply(state);
      return (await restart(state, child)) ? noreply(state) : stop("shutdown", state);
    }
    if (message.type !== "EXIT") return noreply(state);
    const child = state.children.find((c) => c.pid === message.pid);
    if (child === undefined) return noreply(state);
    if (!shouldRestart(child.spec, message.reason)) {
      delChild(state, child);
      return noreply(state);
    }
    return (await restart(state, child)) ? noreply(state) : stop("shutdown", state);
  },

  async terminate(_reason, state) {
    await terminateChildren(state, state.children);
  },
};

function startSupervisor(children: readonly ChildSpec[], options: SupervisorOptions, link: boolean): Promise<Pid<SupervisorProtocol>> {
  const arg: Arg = { children, options };
  const startOptions = options.name === undefined ? {} : { name: options.name as Name<ServerProtocol> | Via<ServerProtocol> };
  return (
    link ? GenServer.startLink(SupervisorServer, arg, startOptions) : GenServer.start(SupervisorServer, arg, startOptions)
  ) as Promise<Pid<SupervisorProtocol>>;
}

/** Resolves with the pid (`null` when the child ignored, Elixir's `{:ok, :undefined}`), or rejects with a StartError. */
export async function startedPid(fn: string, started: Promise<StartChildReply>): Promise<Pid | null> {
  const result = await started;
  if ("ok" in result) return result.ok;
  throw new StartError(result.error, fn);
}

/**
 * `Supervisor`: starts children from specs, in order, restarts them by strategy (one_for_one, one_for_all,
 * rest_for_one) and restart type, gives up past its restart intensity, and shuts them down newest first.
 * Options the BEAM refuses (`strategy`, `maxRestarts`, `maxSeconds`) make start reject with
 * `{ supervisor_data: … }`, and a bad or duplicated child spec with `{ start_spec: … }`.
 *
 * @example
 * const sup = await Supervisor.startLink(
 *   [Registry.childSpec({ keys: "unique", name: "PriceWorkerRegistry" }), { id: "btc", start: () => PriceWorker.startLink("BTCUSD") }],
 *   { strategy: "one_for_one" },
 * );
 */
export const Supervisor = {
  start: (children: readonly ChildSpec[], options: SupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> =>
    startSupervisor(children, options, false),
  startLink: (children: readonly ChildSpec[], options: SupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> =>
    startSupervisor(children, options, true),
  /** The children, newest first: `[{ id, pid, type }]`, pid `null` when not running, `"restarting"` while retried. */
  whichChildren: (supervisor: ServerRef<SupervisorProtocol>): Promise<ChildInfo[]> =>
    GenServer.call(supervisor, { type: "which_children" }, "infinity"),
  countChildren: (supervisor: ServerRef<SupervisorProtocol>): Promise<ChildCount> =>
    GenServer.call(supervisor, { type: "count_children" }, "infinity"),
  /**
   * Adds a child spec and starts it; resolves with its pid (`null` if it ignored: the spec stays, not running).
   * Rejects with a StartError: `{ already_started: pid }`, `"already_present"` (the id is taken by a child that
   * is not running), a bad spec's reason, or the child's own start failure.
   *
   * @example
   * const pid = await Supervisor.startChild(sup, { id: "eth", start: () => PriceWorker.startLink("ETHUSD") });
   */
  startChild: (supervisor: ServerRef<SupervisorProtocol>, spec: ChildSpec): Promise<Pid | null> =>
    startedPid("Supervisor.startChild", GenServer.call(supervisor, { type: "start_child", spec }, "infinity")),
  /**
   * Starts again a child that is not running (terminated with `terminateChild`); rejects with a StartError
   * `"running"`, `"restarting"`, `"not_found"`, or the child's start failure.
   *
   * @example
   * await Supervisor.terminateChild(sup, "eth");
   * const pid = await Supervisor.restartChild(sup, "eth");
   */
  restartChild: (supervisor: ServerRef<SupervisorProtocol>, id: string): Promise<Pid | null> =>
    startedPid("Supervisor.restartChild", GenServer.call(supervisor, { type: "restart_child", id }, "infinity")),
  /** Shuts a child down (by id); it stays in the specs, not running, as in OTP, unless it is temporary (then it is forgotten). */
  terminateChild: (supervisor: ServerRef<SupervisorProtocol>, id: string): Promise<"ok" | { error: "not_found" }> =>
    GenServer.call(supervisor, { type: "terminate_child", id }, "infinity"),
  /**
   * Forgets the spec of a child that is not running.
   *
   * @example
   * await Supervisor.terminateChild(sup, "eth");
   * await Supervisor.deleteChild(sup, "eth"); // "ok"
   */
  deleteChild: (supervisor: ServerRef<SupervisorProtocol>, id: string): Promise<"ok" | { error: "running" | "restarting" | "not_found" }> =>
    GenServer.call(supervisor, { type: "delete_child", id }, "infinity"),
  stop: (supervisor: ServerRef<SupervisorProtocol>, reason: ExitReason = "normal"): Promise<"ok"> => GenServer.stop(supervisor, reason),
} as const;
