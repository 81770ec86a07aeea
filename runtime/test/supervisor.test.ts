import { afterEach, describe, expect, it } from "vitest";
import {
  type Call,
  type ChildSpec,
  type DownMessage,
  type ExitReason,
  GenServer,
  type GenServerModule,
  ok,
  type Pid,
  Process,
  type Protocol,
  Registry,
  reply,
  StartError,
  Supervisor,
  type SupervisorOptions,
  type SupervisorProtocol,
  self,
  stop,
} from "#runtime";
import { isDown, useFakeClock, useProbes, useQuietLogger } from "./support.ts";

interface WorkerProtocol extends Protocol {
  readonly call: Call<{ readonly type: "ping" }, string>;
  readonly cast: { readonly type: "crash" } | { readonly type: "stop"; readonly reason: ExitReason };
  readonly info: { readonly type: "crash" };
}

interface WorkerArg {
  readonly id: string;
  /** Where init and terminate write `start:<id>` and `terminate:<id>:<reason>`. */
  readonly log: string[];
  readonly trapExit?: boolean;
  /** terminate never finishes: the child ignores a shutdown request. */
  readonly hangOnTerminate?: boolean;
  /** init returns stop(reason). */
  readonly failStart?: ExitReason;
  /** The child crashes as soon as it has started, every time: a crash loop. */
  readonly crashAtOnce?: boolean;
}

/** Every worker started in the current test, killed after it whatever the supervisors did. */
const started: Pid[] = [];

const Worker: GenServerModule<WorkerProtocol, WorkerArg, WorkerArg> = {
  init(arg) {
    if (arg.failStart !== undefined) return stop(arg.failStart);
    if (arg.trapExit === true) Process.flag("trapExit", true);
    if (arg.crashAtOnce === true) Process.send(self(), { type: "crash" });
    started.push(self());
    arg.log.push(`start:${arg.id}`);
    return ok(arg);
  },
  handleCall: (_request, _from, arg) => reply(arg.id, arg),
  handleCast(message, arg) {
    if (message.type === "crash") throw new Error(`${arg.id} crashed`);
    return stop(message.reason, arg);
  },
  handleInfo() {
    throw new Error("crash loop");
  },
  terminate(reason, arg) {
    arg.log.push(`terminate:${arg.id}:${String(reason)}`);
    if (arg.hangOnTerminate === true) return new Promise(() => {});
    return undefined;
  },
};

function worker(id: string, log: string[], options: Partial<WorkerArg> & Pick<ChildSpec, "restart" | "shutdown"> = {}): ChildSpec {
  const { restart, shutdown, ...arg } = options;
  return {
    id,
    start: () => GenServer.startLink(Worker, { id, log, ...arg }),
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
  };
}

const clock = useFakeClock();
useQuietLogger();
const startProbe = useProbes();
const supervisors: Pid[] = [];

afterEach(() => {
  for (const pid of [...supervisors.splice(0), ...started.splice(0)]) if (Process.alive(pid)) Process.exit(pid, "kill");
});

async function startSupervisor(children: readonly ChildSpec[], options: SupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> {
  const pid = await Supervisor.start(children, options);
  supervisors.push(pid);
  return pid;
}

/** The running children's pids by id, after every message queued at the supervisor before this call. */
async function pids(sup: Pid<SupervisorProtocol>): Promise<Record<string, Pid | "restarting" | null>> {
  return Object.fromEntries((await Supervisor.whichChildren(sup)).map((child) => [child.id, child.pid]));
}

async function pidOf(sup: Pid<SupervisorProtocol>, id: string): Promise<Pid<WorkerProtocol>> {
  const pid = (await pids(sup))[id];
  if (pid === undefined || pid === null || pid === "restarting") throw new Error(`child ${id} is not running`);
  return pid as Pid<WorkerProtocol>;
}

/** A probe monitoring `pid`; `down()` resolves with its exit reason. */
function watch(pid: Pid): { down(): Promise<ExitReason> } {
  const probe = startProbe();
  probe.run(() => Process.monitor(pid));
  return { down: async () => ((await probe.receive(isDown)) as DownMessage).reason };
}

describe("Supervisor.start", () => {
  it("should start the children in order and list them newest first with whichChildren, as OTP does", async () => {
    // Arrange
    const log: string[] = [];

    // Act
    const sup = await startSupervisor([worker("a", log), worker("b", log), worker("c", log)]);

    // Assert
    expect(log).toEqual(["start:a", "start:b", "start:c"]);
    expect(await Supervisor.whichChildren(sup)).toEqual([
      { id: "c", pid: started[2], type: "worker" },
      { id: "b", pid: started[1], type: "worker" },
      { id: "a", pid: started[0], type: "worker" },
    ]);
  });

  it("should count specs, active children, supervisors and workers with countChildren", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([
      Registry.childSpec({ keys: "unique", name: "SupTestRegistry" }),
      worker("a", log),
      worker("b", log, { restart: "transient" }),
    ]);
    await GenServer.stop(await pidOf(sup, "b"));

    // Act
    const counts = await Supervisor.countChildren(sup);

    // Assert
    expect(counts).toEqual({ specs: 3, active: 2, supervisors: 1, workers: 2 });
  });

  it("should fail to start when a child fails to start, shutting down the children already started", async () => {
    // Arrange
    const log: string[] = [];
    const children = [worker("a", log, { trapExit: true }), worker("bad", log, { failStart: "bad_config" }), worker("c", log)];

    // Act
    const error = await Supervisor.start(children).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(StartError);
    expect((error as StartError).reason).toEqual({ shutdown: { failed_to_start_child: "bad", reason: "bad_config" } });
    expect(log).toEqual(["start:a", "terminate:a:shutdown"]);
    expect(started.map((pid) => Process.alive(pid))).toEqual([false]);
  });

  it("should keep a child whose start returns ignore in its specs, not running", async () => {
    // Arrange
    const log: string[] = [];
    const ignoring: ChildSpec = { id: "ignored", start: () => Promise.reject(new StartError("ignore")) };

    // Act
    const sup = await startSupervisor([worker("a", log), ignoring]);

    // Assert
    expect(await Supervisor.whichChildren(sup)).toEqual([
      { id: "ignored", pid: null, type: "worker" },
      { id: "a", pid: started[0], type: "worker" },
    ]);
    expect(await Supervisor.countChildren(sup)).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 });
  });

  it("should refuse two children with the same id", async () => {
    // Arrange
    const log: string[] = [];

    // Act
    const error = await Supervisor.start([worker("a", log), worker("a", log)]).catch((e: unknown) => e);

    // Assert
    expect((error as StartError).reason).toEqual({ start_spec: { duplicate_child_name: "a" } });
    expect(log).toEqual([]);
  });

  it("should link the supervisor to the process that calls startLink", async () => {
    // Arrange
    const log: string[] = [];
    const parent = startProbe();
    const sup = await parent.run(() => Supervisor.startLink([worker("a", log)]));
    supervisors.push(sup);
    const supervisor = watch(sup);

    // Act
    parent.stop("shutdown");

    // Assert
    expect(await supervisor.down()).toBe("shutdown");
    expect(Process.alive(started[0] as Pid)).toBe(false);
  });
});

describe("strategies", () => {
  it("should restart only the failed child with one_for_one", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log), worker("b", log), worker("c", log)], { strategy: "one_for_one" });
    const before = await pids(sup);

    // Act
    Process.exit(before.b as Pid, "boom");
    const after = await pids(sup);

    // Assert
    expect(after.a).toBe(before.a);
    expect(after.b).not.toBe(before.b);
    expect(Process.alive(after.b as Pid)).toBe(true);
    expect(after.c).toBe(before.c);
  });

  it("should restart every child with one_for_all, the others shut down first", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log, { trapExit: true }), worker("b", log), worker("c", log, { trapExit: true })], {
      strategy: "one_for_all",
    });
    const before = await pids(sup);
    log.length = 0;

    // Act
    Process.exit(before.b as Pid, "boom");
    const after = await pids(sup);

    // Assert
    for (const id of ["a", "b", "c"]) {
      expect(after[id]).not.toBe(before[id]);
      expect(Process.alive(after[id] as Pid)).toBe(true);
    }
    expect(log).toEqual(["terminate:c:shutdown", "terminate:a:shutdown", "start:a", "start:b", "start:c"]);
  });

  it("should restart the failed child and the children started after it with rest_for_one", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log), worker("b", log), worker("c", log), worker("d", log)], {
      strategy: "rest_for_one",
    });
    const before = await pids(sup);
    log.length = 0;

    // Act
    Process.exit(before.b as Pid, "boom");
    const after = await pids(sup);

    // Assert
    expect(after.a).toBe(before.a);
    expect(Process.alive(before.c as Pid)).toBe(false);
    expect(Process.alive(before.d as Pid)).toBe(false);
    for (const id of ["b", "c", "d"]) {
      expect(after[id]).not.toBe(before[id]);
      expect(Process.alive(after[id] as Pid)).toBe(true);
    }
    expect(log).toEqual(["start:b", "start:c", "start:d"]);
  });

  it("should restart only the last child with rest_for_one when the last one fails", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log), worker("b", log)], { strategy: "rest_for_one" });
    const before = await pids(sup);

    // Act
    Process.exit(before.b as Pid, "boom");
    const after = await pids(sup);

    // Assert
    expect(after.a).toBe(before.a);
    expect(after.b).not.toBe(before.b);
  });
});

describe("restart types", () => {
  it("should restart a permanent child even after a normal exit", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log)]);
    const before = await pidOf(sup, "a");

    // Act
    await GenServer.stop(before);
    const after = await pidOf(sup, "a");

    // Assert
    expect(after).not.toBe(before);
    expect(await GenServer.call(after, { type: "ping" })).toBe("a");
  });

  it.each<[string, ExitReason]>([
    ["normal", "normal"],
    ["shutdown", "shutdown"],
    ["{ shutdown: x }", { shutdown: "done" }],
  ])("should not restart a transient child that exits with %s", async (_label, reason) => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log, { restart: "transient" }), worker("b", log)]);
    const before = await pidOf(sup, "a");

    // Act
    GenServer.cast(before, { type: "stop", reason });
    await watch(before).down();

    // Assert
    expect(await Supervisor.whichChildren(sup)).toEqual([
      { id: "b", pid: expect.anything(), type: "worker" },
      { id: "a", pid: null, type: "worker" },
    ]);
    expect(log).toEqual(["start:a", "start:b", `terminate:a:${String(reason)}`]);
  });

  it("should restart a transient child that crashes", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log, { restart: "transient" })]);
    const before = await pidOf(sup, "a");

    // Act
    GenServer.cast(before, { type: "crash" });
    await watch(before).down();
    const after = await pidOf(sup, "a");

    // Assert
    expect(after).not.toBe(before);
    expect(await GenServer.call(after, { type: "ping" })).toBe("a");
  });

  it.each<[string, (pid: Pid<WorkerProtocol>) => void]>([
    ["crashes", (pid) => GenServer.cast(pid, { type: "crash" })],
    ["exits normally", (pid) => GenServer.cast(pid, { type: "stop", reason: "normal" })],
  ])("should never restart a temporary child that %s, and forget it", async (_label, end) => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log, { restart: "temporary" }), worker("b", log)]);
    const before = await pidOf(sup, "a");

    // Act
    end(before);
    await watch(before).down();

    // Assert
    expect((await Supervisor.whichChildren(sup)).map((child) => child.id)).toEqual(["b"]);
    expect(await Supervisor.countChildren(sup)).toEqual({ specs: 1, active: 1, supervisors: 0, workers: 1 });
    expect(log.filter((line) => line.startsWith("start:a"))).toEqual(["start:a"]);
  });
});

describe("restart intensity", () => {
  it("should keep restarting a child while the restarts stay within maxRestarts in maxSeconds", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log)], { maxRestarts: 3, maxSeconds: 5 });

    // Act
    for (let i = 0; i < 3; i++) Process.exit(await pidOf(sup, "a"), "boom");
    const last = await pidOf(sup, "a");

    // Assert
    expect(Process.alive(sup)).toBe(true);
    expect(await GenServer.call(last, { type: "ping" })).toBe("a");
    expect(log.filter((line) => line === "start:a")).toHaveLength(4);
  });

  it("should exit with shutdown when a crash loop goes past the intensity, taking its children down", async () => {
    // Arrange
    const log: string[] = [];
    const other = worker("other", log);
    const looping = worker("looping", log, { crashAtOnce: true });

    // Act
    const sup = await startSupervisor([other, looping], { maxRestarts: 3, maxSeconds: 5 });
    const supervisor = watch(sup);

    // Assert
    expect(await supervisor.down()).toBe("shutdown");
    expect(log.filter((line) => line === "start:looping")).toHaveLength(4);
    expect(started.every((pid) => !Process.alive(pid))).toBe(true);
  });

  it("should exit with shutdown on the restart past maxRestarts", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log)], { maxRestarts: 1, maxSeconds: 5 });
    const supervisor = watch(sup);
    Process.exit(await pidOf(sup, "a"), "boom");
    const second = await pidOf(sup, "a");

    // Act
    Process.exit(second, "boom");

    // Assert
    expect(await supervisor.down()).toBe("shutdown");
  });

  it("should forget restarts older than maxSeconds", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log)], { maxRestarts: 3, maxSeconds: 5 });
    for (let i = 0; i < 3; i++) Process.exit(await pidOf(sup, "a"), "boom");

    // Act
    await clock().tickAsync(6000);
    for (let i = 0; i < 3; i++) Process.exit(await pidOf(sup, "a"), "boom");
    await pids(sup);

    // Assert
    expect(Process.alive(sup)).toBe(true);
    expect(log.filter((line) => line === "start:a")).toHaveLength(7);
  });

  it("should count a one_for_all restart of every child as one restart", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log), worker("b", log), worker("c", log)], { strategy: "one_for_all", maxRestarts: 1 });

    // Act
    Process.exit(await pidOf(sup, "b"), "boom");
    const after = await pids(sup);

    // Assert
    expect(Process.alive(sup)).toBe(true);
    expect(Object.values(after).every((pid) => Process.alive(pid as Pid))).toBe(true);
  });

  it("should retry a child that fails to restart and exit with shutdown once past the intensity", async () => {
    // Arrange
    const log: string[] = [];
    let starts = 0;
    const flaky: ChildSpec = {
      id: "flaky",
      start: () => GenServer.startLink(Worker, { id: "flaky", log, ...(++starts > 1 ? { failStart: "db_down" } : {}) }),
    };
    const sup = await startSupervisor([flaky], { maxRestarts: 3, maxSeconds: 5 });
    const supervisor = watch(sup);

    // Act
    Process.exit(await pidOf(sup, "flaky"), "boom");

    // Assert
    expect(await supervisor.down()).toBe("shutdown");
    expect(starts).toBe(4);
  });

  it("should exit when maxRestarts is 0 and a child fails", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log)], { maxRestarts: 0 });
    const supervisor = watch(sup);

    // Act
    Process.exit(await pidOf(sup, "a"), "boom");

    // Assert
    expect(await supervisor.down()).toBe("shutdown");
  });
});

describe("shutdown", () => {
  it("should shut the children down in reverse start order, each with shutdown", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([
      worker("a", log, { trapExit: true }),
      worker("b", log, { trapExit: true }),
      worker("c", log, { trapExit: true }),
    ]);
    log.length = 0;

    // Act
    await Supervisor.stop(sup);

    // Assert
    expect(log).toEqual(["terminate:c:shutdown", "terminate:b:shutdown", "terminate:a:shutdown"]);
    expect(started.every((pid) => !Process.alive(pid))).toBe(true);
  });

  it("should kill a child that does not finish terminating within its shutdown time", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("slow", log, { trapExit: true, hangOnTerminate: true, shutdown: 1000 })]);
    const slow = await pidOf(sup, "slow");
    const child = watch(slow);
    let stopped = false;
    const stopping = Supervisor.stop(sup).then(() => {
      stopped = true;
    });

    // Act
    await clock().tickAsync(999);
    const aliveBefore = Process.alive(slow);
    await clock().tickAsync(1);

    // Assert
    expect(aliveBefore).toBe(true);
    expect(log).toContain("terminate:slow:shutdown");
    expect(await child.down()).toBe("killed");
    await stopping;
    expect(stopped).toBe(true);
  });

  it("should wait 5000 ms by default before killing a worker that does not terminate", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("slow", log, { trapExit: true, hangOnTerminate: true })]);
    const slow = await pidOf(sup, "slow");
    const stopping = Supervisor.stop(sup);

    // Act
    await clock().tickAsync(4999);
    const aliveBefore = Process.alive(slow);
    await clock().tickAsync(1);
    await stopping;

    // Assert
    expect(aliveBefore).toBe(true);
    expect(Process.alive(slow)).toBe(false);
  });

  it("should kill a brutal_kill child at once, without running terminate", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log, { trapExit: true, shutdown: "brutal_kill" })]);
    const child = watch(await pidOf(sup, "a"));
    log.length = 0;

    // Act
    await Supervisor.stop(sup);

    // Assert
    expect(await child.down()).toBe("killed");
    expect(log).toEqual([]);
  });

  it("should shut down one child with terminateChild and keep its spec without restarting it", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor([worker("a", log, { trapExit: true }), worker("b", log)]);
    const a = await pidOf(sup, "a");
    log.length = 0;

    // Act
    const result = await Supervisor.terminateChild(sup, "a");
    const missing = await Supervisor.terminateChild(sup, "nope");

    // Assert
    expect(result).toBe("ok");
    expect(missing).toEqual({ error: "not_found" });
    expect(Process.alive(a)).toBe(false);
    expect(log).toEqual(["terminate:a:shutdown"]);
    expect((await Supervisor.whichChildren(sup)).map((child) => [child.id, child.pid === null])).toEqual([
      ["b", false],
      ["a", true],
    ]);
    expect(await Supervisor.countChildren(sup)).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 });
  });
});

describe("a Registry as the first child", () => {
  const REG = "SupPriceWorkerRegistry";
  const via = Registry.via<WorkerProtocol>(REG, "BTCUSD");

  function children(log: string[]): ChildSpec[] {
    return [
      Registry.childSpec({ keys: "unique", name: REG }),
      { id: "btc", start: () => GenServer.startLink(Worker, { id: "BTCUSD", log }, { name: via }) },
    ];
  }

  it("should give a restarted child its via name back", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor(children(log));
    const before = GenServer.whereis(via);
    const down = watch(before as Pid).down();

    // Act
    GenServer.cast(via, { type: "crash" });
    await down;
    const after = await pidOf(sup, "btc");

    // Assert
    expect(after).not.toBe(before);
    expect(GenServer.whereis(via)).toBe(after);
    expect(await GenServer.call(via, { type: "ping" })).toBe("BTCUSD");
  });

  it("should list the registry as a supervisor child and stop it last", async () => {
    // Arrange
    const log: string[] = [];
    const sup = await startSupervisor(children(log));
    const registry = (await Supervisor.whichChildren(sup)).at(-1);
    const registryDown = watch(registry?.pid as Pid).down();
    const workerDown = watch(GenServer.whereis(via) as Pid).down();
    const order: string[] = [];
    void registryDown.then(() => order.push("registry"));
    void workerDown.then(() => order.push("worker"));

    // Act
    await Supervisor.stop(sup);
    await Promise.all([registryDown, workerDown]);

    // Assert
    expect(registry).toMatchObject({ id: REG, type: "supervisor" });
    expect(order).toEqual(["worker", "registry"]);
  });
});
