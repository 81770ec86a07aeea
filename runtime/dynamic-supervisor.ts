import { type ChildSpec, childSpecError, describeStartError, shutdownChild, startChildProcess } from "./child-spec.ts";
import { isCleanExit, StartError } from "./errors.ts";
import { GenServer } from "./gen-server.ts";
import { Logger } from "./logger.ts";
import type { Pid } from "./pid.ts";
import { Process, self } from "./process-api.ts";
import { intensityError, RestartIntensity } from "./restart-intensity.ts";
import { noreply, ok, reply, stop } from "./results.ts";
import type { GenServerModule } from "./server-process.ts";
import { type ChildCount, type ChildInfo, type StartChildReply, Supervisor, type SupervisorProtocol } from "./supervisor.ts";
import type { ExitReason, Name, Protocol, ServerRef, SystemMessage, Via } from "./types.ts";

export interface DynamicSupervisorOptions {
  /** Accepted as in Elixir, where `one_for_one` is the only strategy a DynamicSupervisor has. */
  readonly strategy?: "one_for_one";
  /** More than `maxRestarts` restarts within `maxSeconds` and the supervisor gives up and exits (defaults 3 and 5). */
  readonly maxRestarts?: number;
  readonly maxSeconds?: number;
  readonly name?: Name<SupervisorProtocol> | Via<SupervisorProtocol>;
  /** At most this many children at once, restarting ones included (default `"infinity"`); past it startChild rejects with `"max_children"`. */
  readonly maxChildren?: number | "infinity";
  /** Arguments every child's start function gets, before its own (Elixir's `extra_arguments`). */
  readonly extraArguments?: readonly unknown[];
}

/** Restarts are retried through a message to itself, as Elixir's DynamicSupervisor does. */
interface ServerProtocol extends Protocol {
  call: SupervisorProtocol["call"];
  cast: never;
  info: { readonly type: "$gen_restart"; readonly pid: Pid };
}

interface Child {
  readonly spec: ChildSpec;
  /** Its pid, or the pid it had while a failed restart is retried. */
  readonly pid: Pid;
  readonly restarting: boolean;
}

interface State {
  readonly intensity: RestartIntensity;
  readonly maxChildren: number;
  readonly extraArguments: readonly unknown[];
  /** By pid, as Elixir keeps them: which_children lists them in pid order, the order of a small Erlang map. */
  readonly children: Map<Pid, Child>;
}

function info(child: Child): ChildInfo {
  return { id: child.spec.id, pid: child.restarting ? "restarting" : child.pid, type: child.spec.type ?? "worker" };
}

function count(state: State): ChildCount {
  let active = 0;
  let supervisors = 0;
  for (const child of state.children.values()) {
    if (!child.restarting) active++;
    if (child.spec.type === "supervisor") supervisors++;
  }
  return { specs: state.children.size, active, supervisors, workers: state.children.size - supervisors };
}

function shouldRestart(spec: ChildSpec, reason: ExitReason): boolean {
  const restartType = spec.restart ?? "permanent";
  return restartType === "permanent" || (restartType === "transient" && !isCleanExit(reason));
}

/** Elixir's restart_child/3: counts the restart, then starts the child again or marks it restarting and tries again. */
async function restart(state: State, child: Child): Promise<boolean> {
  if (!state.intensity.add()) {
    Logger.error(
      `DynamicSupervisor ${String(self())} reached its maximum restart intensity (${state.intensity.maxRestarts} in ${state.intensity.maxSeconds} s) and shuts down`,
    );
    state.children.delete(child.pid);
    return false;
  }
  const started = await startChildProcess(child.spec, state.extraArguments);
  if ("error" in started) {
    Logger.error(`DynamicSupervisor ${String(self())}: ${describeStartError(child.spec, started.error)}`);
    state.children.set(child.pid, { ...child, restarting: true });
    // Back to the mailbox before trying again, so that other requests (a terminate_child among them) get handled.
    Process.send(self() as Pid<ServerProtocol>, { type: "$gen_restart", pid: child.pid });
    return true;
  }
  state.children.delete(child.pid);
  if (started.ok !== null) state.children.set(started.ok, { spec: child.spec, pid: started.ok, restarting: false });
  return true;
}

async function startChildCall(state: State, spec: ChildSpec): Promise<StartChildReply> {
  const invalid = childSpecError(spec, "dynamic");
  if (invalid !== null) return { error: invalid };
  if (state.children.size >= state.maxChildren) return { error: "max_children" };
  const started = await startChildProcess(spec, state.extraArguments);
  if ("ok" in started && started.ok !== null) state.children.set(started.ok, { spec, pid: started.ok, restarting: false });
  return started;
}

function initError(options: DynamicSupervisorOptions): ExitReason | null {
  const { strategy = "one_for_one", maxChildren = "infinity", extraArguments = [] } = options;
  if (strategy !== "one_for_one") return { invalid_strategy: strategy };
  const invalid = intensityError(options.maxRestarts ?? 3, options.maxSeconds ?? 5);
  if (invalid !== null) return invalid;
  if (maxChildren !== "infinity" && !(typeof maxChildren === "number" && Number.isSafeInteger(maxChildren) && maxChildren >= 0))
    return { invalid_max_children: maxChildren };
  if (!Array.isArray(extraArguments)) return { invalid_extra_arguments: extraArguments };
  return null;
}

const DynamicSupervisorServer: GenServerModule<ServerProtocol, DynamicSupervisorOptions, State> = {
  init(options) {
    Process.flag("trapExit", true);
    const invalid = initError(options);
    if (invalid !== null) return stop({ supervisor_data: invalid });
    return ok({
      intensity: new RestartIntensity(options.maxRestarts ?? 3, options.maxSeconds ?? 5),
      maxChildren: options.maxChildren === undefined || options.maxChildren === "infinity" ? Number.POSITIVE_INFINITY : options.maxChildren,
      extraArguments: [...(options.extraArguments ?? [])],
      children: new Map(),
    });
  },

  async handleCall(request, _from, state) {
    switch (request.type) {
      case "which_children":
        return reply([...state.children.values()].sort((a, b) => a.pid.id - b.pid.id).map(info), state);
      case "count_children":
        return reply(count(state), state);
      case "start_child":
        return reply(await startChildCall(state, request.spec), state);
      case "terminate_child": {
        const child = typeof request.id === "string" ? undefined : state.children.get(request.id);
        if (child === undefined) return reply({ error: "not_found" } as const, state);
        if (!child.restarting) await shutdownChild(child.pid, child.spec);
        state.children.delete(child.pid);
        return reply("ok" as const, state);
      }
      // Children of a DynamicSupervisor have no id to restart or delete them by.
      case "restart_child":
        return reply({ error: "not_found" }, state);
      case "delete_child":
        return reply({ error: "not_found" } as const, state);
    }
  },

  async handleInfo(message: ServerProtocol["info"] | SystemMessage, state) {
    if (message.type === "$gen_restart") {
      const child = state.children.get(message.pid);
      if (child === undefined || !child.restarting) return noreply(state);
      return (await restart(state, child)) ? noreply(state) : stop("shutdown", state);
    }
    if (message.type !== "EXIT") return noreply(state);
    const child = state.children.get(message.pid);
    if (child === undefined) return noreply(state);
    if (!shouldRestart(child.spec, message.reason)) {
      state.children.delete(child.pid);
      return noreply(state);
    }
    return (await restart(state, child)) ? noreply(state) : stop("shutdown", state);
  },

  async terminate(_reason, state) {
    // Elixir's DynamicSupervisor shuts its children down all at once, each within its own shutdown time.
    await Promise.all(
      [...state.children.values()].filter((child) => !child.restarting).map((child) => shutdownChild(child.pid, child.spec)),
    );
  },
};

function startDynamic(options: DynamicSupervisorOptions, link: boolean): Promise<Pid<SupervisorProtocol>> {
  const startOptions = options.name === undefined ? {} : { name: options.name as Name<ServerProtocol> | Via<ServerProtocol> };
  return (
    link
      ? GenServer.startLink(DynamicSupervisorServer, options, startOptions)
      : GenServer.start(DynamicSupervisorServer, options, startOptions)
  ) as Promise<Pid<SupervisorProtocol>>;
}

/**
 * `DynamicSupervisor`: starts with no children and adds them on demand (one worker per symbol), restarting each
 * one for one. Options the BEAM refuses make start reject with `{ supervisor_data: … }`.
 *
 * @example
 * const sup = await DynamicSupervisor.start({ name: WORKERS, maxChildren: 100 });
 * await DynamicSupervisor.startChild(WORKERS, { id: "BTCUSD", start: () => PriceWorker.startLink("BTCUSD") });
 */
export const DynamicSupervisor = {
  start: (options: DynamicSupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> => startDynamic(options, false),
  /**
   * The child spec of a DynamicSupervisor under a Supervisor (Elixir's `{DynamicSupervisor, opts}`): its id is its
   * name (`registry.key` for a via name), or `"DynamicSupervisor"` when it has none.
   *
   * @example
   * await Supervisor.startLink([DynamicSupervisor.childSpec({ name: WORKERS })]);
   */
  childSpec: (options: DynamicSupervisorOptions = {}): ChildSpec => ({
    id:
      options.name === undefined
        ? "DynamicSupervisor"
        : typeof options.name === "string"
          ? options.name
          : `${options.name.registry}.${options.name.key}`,
    start: () => startDynamic(options, true),
    type: "supervisor",
  }),
  startLink: (options: DynamicSupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> => startDynamic(options, true),
  /**
   * Starts a child under the supervisor, calling its start function with the supervisor's `extraArguments`;
   * resolves with its pid. Rejects with a StartError: `"max_children"`, `"ignore"` (Elixir's `:ignore`), a bad
   * spec's reason, or the child's own start failure.
   *
   * @example
   * const pid = await DynamicSupervisor.startChild(WORKERS, { id: "SOLUSD", start: () => PriceWorker.startLink("SOLUSD") });
   */
  async startChild(supervisor: ServerRef<SupervisorProtocol>, spec: ChildSpec): Promise<Pid> {
    // Checked by the caller, as Elixir's start_child does: a bad spec is refused before any call.
    const invalid = childSpecError(spec, "dynamic");
    if (invalid !== null) throw new StartError(invalid, "DynamicSupervisor.startChild");
    const started = await GenServer.call(supervisor, { type: "start_child", spec }, "infinity");
    if ("error" in started) throw new StartError(started.error, "DynamicSupervisor.startChild");
    if (started.ok === null) throw new StartError("ignore", "DynamicSupervisor.startChild");
    return started.ok;
  },
  /** Shuts a child down (by pid) and forgets it, also one whose restart is being retried. */
  terminateChild: (supervisor: ServerRef<SupervisorProtocol>, pid: Pid): Promise<"ok" | { error: "not_found" }> =>
    GenServer.call(supervisor, { type: "terminate_child", id: pid }, "infinity"),
  /** The children in pid order: `[{ id, pid, type }]`, pid `"restarting"` while a failed restart is retried. */
  whichChildren: Supervisor.whichChildren,
  countChildren: Supervisor.countChildren,
  stop: Supervisor.stop,
} as const;
