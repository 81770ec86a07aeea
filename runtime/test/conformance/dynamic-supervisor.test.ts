import { describe } from "vitest";
import {
  type Call,
  type ChildSpec,
  type DownMessage,
  DynamicSupervisor,
  type DynamicSupervisorOptions,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  type Probe,
  Process,
  type Protocol,
  Registry,
  StartError,
  Supervisor,
  type SupervisorProtocol,
  stop,
} from "#runtime";
import { useQuietLogger } from "../support.ts";
import { DYNAMIC_SUPERVISOR_TEST } from "./dynamic-supervisor.expected.ts";
import { conformance, elixirReason, linked, startResult, useTestProcess } from "./support.ts";

useQuietLogger();
const port = conformance(DYNAMIC_SUPERVISOR_TEST);
const testProcess = useTestProcess();

interface IdleProtocol extends Protocol {
  readonly call: Call<{ readonly type: "ping" }, never>;
  readonly cast: never;
  readonly info: unknown;
}

/** A process that sleeps forever: the snippets' `Process.sleep(:infinity)` tasks and `spawn_link`s. */
const Idle: GenServerModule<IdleProtocol, undefined, null> = { init: () => ok(null) };

/**
 * A Task that traps exits and leaves with `reason` on the first message (the supervisor's shutdown), or never
 * when `reason` is null. Started and then linked by hand, as Task.start_link: it is no child of a GenServer's
 * startLink, whose parent's exit would end it with the parent's reason.
 */
function trapping(reason: unknown): GenServerModule<IdleProtocol, undefined, null> {
  return {
    init() {
      Process.flag("trapExit", true);
      return ok(null);
    },
    handleInfo: (_message, state) => (reason === null ? noreply(state) : stop(reason, state)),
  };
}

async function startTask(module: GenServerModule<IdleProtocol, undefined, null>): Promise<Pid> {
  const pid = await GenServer.start(module, undefined);
  Process.link(pid);
  return pid;
}

function sleepyWorker(options: Partial<ChildSpec> = {}): ChildSpec {
  return { id: "Task", start: () => GenServer.startLink(Idle, undefined), ...options };
}

function taskSpec(reason: unknown, options: Partial<ChildSpec>): ChildSpec {
  return { id: "Task", start: () => startTask(trapping(reason)), ...options };
}

type WorkerArgs = readonly ["ok2" | "ok3" | "error" | "ignore" | "unknown"] | readonly ["non_local", "error" | "exit"];

/** DynamicSupervisorTest.start_link/1,2 for one argument: the child the upstream `current_module_worker` starts. */
function startWorker(args: WorkerArgs): Promise<Pid> {
  switch (args[0]) {
    case "ok2":
    case "ok3": // {:ok, pid, :extra} has no TypeScript form: a start resolves with the pid alone.
      return GenServer.startLink(Idle, undefined);
    case "error":
      return Promise.reject(new StartError("found"));
    case "ignore":
      return Promise.reject(new StartError("ignore"));
    case "unknown":
      return Promise.resolve("unknown" as never);
    case "non_local":
      // raise("oops") is a thrown Error; exit(:oops) a thrown value, which is the reason as it is.
      return args[1] === "error" ? Promise.reject(new Error("oops")) : Promise.reject("oops");
  }
}

function currentModuleWorker(args: WorkerArgs, options: Partial<ChildSpec> = {}): ChildSpec {
  return { id: "DynamicSupervisorTest", start: () => startWorker(args), ...options };
}

/** `[:restart, value]`: the first start gives :ok2, every later one (a restart) gives `value`, as the process dictionary did. */
function restartingWorker(value: WorkerArgs[0], options: Partial<ChildSpec> = {}): ChildSpec {
  let started = false;
  return {
    id: "DynamicSupervisorTest",
    start: () => {
      if (started) return startWorker([value] as WorkerArgs);
      started = true;
      return startWorker(["ok2"]);
    },
    ...options,
  };
}

function downOf(pid: Pid): (message: unknown) => boolean {
  return (message) => (message as Partial<DownMessage> | null)?.type === "DOWN" && (message as DownMessage).pid === pid;
}

/** assert_kill/2: an exit signal from the test process, then its DOWN. */
async function assertKill(test: Probe, pid: Pid, reason: unknown): Promise<void> {
  test.run(() => {
    Process.monitor(pid);
    Process.exit(pid, reason);
  });
  await test.receive(downOf(pid), 1000);
}

async function counts(sup: Pid<SupervisorProtocol>): Promise<{ workers: number; active: number }> {
  const { workers, active } = await DynamicSupervisor.countChildren(sup);
  return { workers, active };
}

async function downReasons(test: Probe, pids: readonly Pid[]): Promise<unknown[]> {
  const reasons: unknown[] = [];
  for (const pid of pids) reasons.push(elixirReason(((await test.receive(downOf(pid), 2000)) as DownMessage).reason));
  return reasons;
}

/** The ported case runs in its own test process, like an ExUnit test. */
function inTestProcess<T>(fn: (test: Probe) => Promise<T>): Promise<T> {
  const test = testProcess.start();
  return test.run(() => fn(test));
}

function startDynamic(options: DynamicSupervisorOptions = {}): Promise<Pid<SupervisorProtocol>> {
  return DynamicSupervisor.startLink({ strategy: "one_for_one", ...options });
}

/** Three children of `child` under a supervisor the (trapping) test process then ends with shutdown: their DOWN reasons. */
async function terminateThree(test: Probe, child: ChildSpec): Promise<unknown[]> {
  test.run(() => Process.flag("trapExit", true));
  const sup = await startDynamic();
  const pids: Pid[] = [];
  for (let i = 0; i < 3; i++) pids.push(await DynamicSupervisor.startChild(sup, child));
  for (const pid of pids) test.run(() => Process.monitor(pid));
  await assertKill(test, sup, "shutdown");
  return downReasons(test, pids);
}

async function terminateOne(test: Probe, child: ChildSpec): Promise<unknown> {
  const sup = await startDynamic();
  const childPid = await DynamicSupervisor.startChild(sup, child);
  test.run(() => Process.monitor(childPid));
  const first = await DynamicSupervisor.terminateChild(sup, childPid);
  const [down] = await downReasons(test, [childPid]);
  const again = await DynamicSupervisor.terminateChild(sup, childPid);
  return { terminate_child: first, down, again: again === "ok" ? "ok" : ["error", again.error], counts: await counts(sup) };
}

describe("dynamic_supervisor_test.exs", () => {
  port("can be supervised directly", () =>
    inTestProcess(async () => {
      await Supervisor.startLink([DynamicSupervisor.childSpec({ name: GenServer.name("dyn_sup_spec_test") })], { strategy: "one_for_one" });
      return DynamicSupervisor.whichChildren(GenServer.name("dyn_sup_spec_test"));
    }),
  );

  port("multiple supervisors can be supervised and identified with simple child spec", () =>
    inTestProcess(async () => {
      await Registry.startLink({ keys: "unique", name: "DynSup.Registry" });
      const via = Registry.via<SupervisorProtocol>("DynSup.Registry", "via_name");
      const supsup = await Supervisor.startLink(
        [DynamicSupervisor.childSpec({ name: GenServer.name("simple_name") }), DynamicSupervisor.childSpec({ name: via })],
        { strategy: "one_for_one" },
      );
      const noNameDynsup = (await Supervisor.startChild(
        supsup,
        DynamicSupervisor.childSpec({ strategy: "one_for_one" }),
      )) as Pid<SupervisorProtocol>;
      const second = await startResult(Supervisor.startChild(supsup, DynamicSupervisor.childSpec({ strategy: "one_for_one" })));
      return {
        simple_name: await DynamicSupervisor.whichChildren(GenServer.name("simple_name")),
        via_name: await DynamicSupervisor.whichChildren(via),
        no_name: await DynamicSupervisor.whichChildren(noNameDynsup),
        second_no_name: JSON.stringify(second) === JSON.stringify(["error", ["already_started", noNameDynsup]]),
      };
    }),
  );

  port("start_link/3 with non-ok init", () =>
    inTestProcess(async () => {
      Process.flag("trapExit", true);
      return {
        strategy: await startResult(startDynamic({ strategy: "unknown" as never })),
        intensity: await startResult(startDynamic({ maxRestarts: -1 })),
        period: await startResult(startDynamic({ maxSeconds: 0 })),
        max_children: await startResult(startDynamic({ maxChildren: -1 })),
        extra_arguments: await startResult(startDynamic({ extraArguments: -1 as never })),
      };
    }),
  );

  port("start_link/3 with registered process", () =>
    inTestProcess(async (test) => {
      const name = GenServer.name<SupervisorProtocol>("DynamicSupervisorTest.Cases");
      const pid = await startDynamic({ name });
      const named = GenServer.whereis(name) === pid;
      const stopped = await DynamicSupervisor.stop(name);
      // The link is seen through a trapped EXIT, on a second supervisor (there is no Process.info).
      return { linked: await linked(test, await startDynamic()), named, stop: stopped };
    }),
  );

  port("start_child/2 supports new child spec as tuple", () =>
    inTestProcess(async () => startResult(DynamicSupervisor.startChild(await startDynamic(), sleepyWorker({ restart: "temporary" })))),
  );

  port("start_child/2 supports extra arguments", () =>
    inTestProcess(async (test) => {
      const fun = (): void => Process.send(test.pid, "from_child");
      const sup = await startDynamic({ extraArguments: [fun] });
      const child: ChildSpec = {
        id: "Task",
        restart: "temporary",
        start: (sendToParent: () => void) => {
          sendToParent();
          return GenServer.startLink(Idle, undefined);
        },
      };
      const result = await startResult(DynamicSupervisor.startChild(sup, child));
      const fromChild = await test
        .receive((message) => message === "from_child", 1000)
        .then(
          () => true,
          () => false,
        );
      return { start_child: result, from_child: fromChild };
    }),
  );

  port("start_child/2 with invalid child spec", async () => ({
    empty_map: await startResult(DynamicSupervisor.startChild(GenServer.name("not_used"), {} as never)),
    start_not_a_function: await startResult(
      DynamicSupervisor.startChild(GenServer.name("not_used"), { id: 1, start: "not_a_function" } as never),
    ),
  }));

  port("start_child/2 with different returns", () =>
    inTestProcess(async () => {
      const sup = await startDynamic();
      return {
        ok: await startResult(DynamicSupervisor.startChild(sup, currentModuleWorker(["ok2"]))),
        ignore: await startResult(DynamicSupervisor.startChild(sup, currentModuleWorker(["ignore"]))),
        error: await startResult(DynamicSupervisor.startChild(sup, currentModuleWorker(["error"]))),
        unknown: await startResult(DynamicSupervisor.startChild(sup, currentModuleWorker(["unknown"]))),
      };
    }),
  );

  port("start_child/2 with throw/error/exit", () =>
    inTestProcess(async () => {
      const sup = await startDynamic();
      return {
        error: await startResult(DynamicSupervisor.startChild(sup, currentModuleWorker(["non_local", "error"]))),
        exit: await startResult(DynamicSupervisor.startChild(sup, currentModuleWorker(["non_local", "exit"]))),
      };
    }),
  );

  port("start_child/2 with max_children", () =>
    inTestProcess(async () =>
      startResult(DynamicSupervisor.startChild(await startDynamic({ maxChildren: 0 }), currentModuleWorker(["ok2"]))),
    ),
  );

  port("start_child/2 temporary child is not restarted regardless of reason", () =>
    inTestProcess(async (test) => {
      const child = currentModuleWorker(["ok2"], { restart: "temporary" });
      const sup = await startDynamic();
      await assertKill(test, await DynamicSupervisor.startChild(sup, child), "shutdown");
      const afterShutdown = await counts(sup);
      await assertKill(test, await DynamicSupervisor.startChild(sup, child), "whatever");
      return { after_shutdown: afterShutdown, after_whatever: await counts(sup) };
    }),
  );

  port("start_child/2 transient child is restarted unless normal/shutdown/{shutdown, _}", () =>
    inTestProcess(async (test) => {
      const child = currentModuleWorker(["ok2"], { restart: "transient" });
      const sup = await startDynamic();
      const observed = [];
      for (const reason of ["shutdown", { shutdown: "signal" }, "whatever"]) {
        await assertKill(test, await DynamicSupervisor.startChild(sup, child), reason);
        observed.push(await counts(sup));
      }
      return observed;
    }),
  );

  port("start_child/2 permanent child is restarted regardless of reason", () =>
    inTestProcess(async (test) => {
      const child = currentModuleWorker(["ok2"], { restart: "permanent" });
      const sup = await startDynamic({ maxRestarts: 100_000 });
      const observed = [];
      for (const reason of ["shutdown", { shutdown: "signal" }, "whatever"]) {
        await assertKill(test, await DynamicSupervisor.startChild(sup, child), reason);
        observed.push(await counts(sup));
      }
      return observed;
    }),
  );

  port("start_child/2 child is restarted with different values", () =>
    inTestProcess(async (test) => {
      const sup = await startDynamic({ maxRestarts: 100_000 });
      const pids = async (): Promise<unknown[]> => (await DynamicSupervisor.whichChildren(sup)).map((child) => child.pid);
      const child1 = await DynamicSupervisor.startChild(sup, restartingWorker("ok2"));
      const child1Listed = JSON.stringify(await pids()) === JSON.stringify([child1]);
      await assertKill(test, child1, "shutdown");
      const afterChild1 = await counts(sup);
      const child2 = await DynamicSupervisor.startChild(sup, restartingWorker("ok3"));
      const child2ListedLast = (await pids()).at(-1) === child2;
      await assertKill(test, child2, "shutdown");
      const afterChild2 = await counts(sup);
      const child3 = await DynamicSupervisor.startChild(sup, restartingWorker("ignore"));
      const rowsWithChild3 = (await pids()).length;
      await assertKill(test, child3, "shutdown");
      const afterChild3 = await counts(sup);
      const child4 = await DynamicSupervisor.startChild(sup, restartingWorker("error"));
      const rowsWithChild4 = (await pids()).length;
      await assertKill(test, child4, "shutdown");
      const afterChild4 = await counts(sup);
      const child5 = await DynamicSupervisor.startChild(sup, restartingWorker("unknown"));
      const rowsWithChild5 = (await pids()).map((pid) => (pid === "restarting" ? "restarting" : "pid"));
      await assertKill(test, child5, "shutdown");
      const afterChild5 = await counts(sup);
      // Its restarting children would be retried forever (100_000 restarts allowed).
      Process.exit(sup, "kill");
      return {
        child1_listed: child1Listed,
        after_child1: afterChild1,
        child2_listed_last: child2ListedLast,
        after_child2: afterChild2,
        rows_with_child3: rowsWithChild3,
        after_child3: afterChild3,
        rows_with_child4: rowsWithChild4,
        after_child4: afterChild4,
        rows_with_child5: rowsWithChild5,
        after_child5: afterChild5,
      };
    }),
  );

  port("start_child/2 restarting on init children counted in max_children", () =>
    inTestProcess(async (test) => {
      const sup = await startDynamic({ maxChildren: 1, maxRestarts: 100_000 });
      await assertKill(test, await DynamicSupervisor.startChild(sup, restartingWorker("error", { restart: "permanent" })), "shutdown");
      const restarting = await counts(sup);
      const startChild = await startResult(DynamicSupervisor.startChild(sup, restartingWorker("ok2", { restart: "permanent" })));
      Process.exit(sup, "kill");
      return { restarting, start_child: startChild };
    }),
  );

  port("start_child/2 restarting on exit children counted in max_children", () =>
    inTestProcess(async (test) => {
      const sup = await startDynamic({ maxChildren: 1, maxRestarts: 100_000 });
      await assertKill(test, await DynamicSupervisor.startChild(sup, currentModuleWorker(["ok2"], { restart: "permanent" })), "shutdown");
      const restarted = await counts(sup);
      return {
        restarted,
        start_child: await startResult(DynamicSupervisor.startChild(sup, currentModuleWorker(["ok2"], { restart: "permanent" }))),
      };
    }),
  );

  port("start_child/2 restarting a child with extra_arguments successfully restarts child", () =>
    inTestProcess(async (test) => {
      const fun = (): void => Process.send(test.pid, "from_child");
      const sup = await startDynamic({ extraArguments: [fun] });
      const child: ChildSpec = {
        id: "Task",
        restart: "transient",
        start: (sendToParent: () => void) => {
          sendToParent();
          return GenServer.startLink(Idle, undefined);
        },
      };
      const fromChild = (): Promise<boolean> =>
        test
          .receive((message) => message === "from_child", 1000)
          .then(
            () => true,
            () => false,
          );
      const childPid = await DynamicSupervisor.startChild(sup, child);
      const first = await fromChild();
      const beforeKill = await counts(sup);
      await assertKill(test, childPid, "oops");
      const again = await fromChild();
      return { from_child: first, before_kill: beforeKill, from_restarted_child: again, after_kill: await counts(sup) };
    }),
  );

  port("start_child/2 child is restarted when trying again", () =>
    inTestProcess(async (test) => {
      // The upstream start_link(:try_again, notify): a flag in the supervisor's process dictionary.
      let tryAgain = false;
      const child: ChildSpec = {
        id: "DynamicSupervisorTest",
        restart: "permanent",
        start: () => {
          if (tryAgain) {
            tryAgain = false;
            Process.send(test.pid, ["try_again", false]);
            return Promise.reject(new StartError("try_again"));
          }
          tryAgain = true;
          Process.send(test.pid, ["try_again", true]);
          return startWorker(["ok2"]);
        },
      };
      const got = (value: boolean): Promise<boolean> =>
        test
          .receive((message) => JSON.stringify(message) === JSON.stringify(["try_again", value]), 1000)
          .then(
            () => true,
            () => false,
          );
      const sup = await startDynamic({ maxRestarts: 2 });
      const childPid = await DynamicSupervisor.startChild(sup, child);
      const started = await got(true);
      await assertKill(test, childPid, "shutdown");
      const refused = await got(false);
      const retried = await got(true);
      return { started, restart_refused: refused, tried_again: retried, counts: await counts(sup) };
    }),
  );

  for (const [name, maxRestarts] of [
    ["start_child/2 child triggers maximum restarts", 1],
    ["start_child/2 child triggers maximum intensity when trying again", 10],
  ] as const) {
    port(name, () =>
      inTestProcess(async (test) => {
        Process.flag("trapExit", true);
        const sup = await startDynamic({ maxRestarts });
        await assertKill(test, await DynamicSupervisor.startChild(sup, restartingWorker("error", { restart: "permanent" })), "shutdown");
        const exit = (message: unknown): boolean => {
          const { type, pid, reason } = (message ?? {}) as { type?: unknown; pid?: unknown; reason?: unknown };
          return type === "EXIT" && pid === sup && reason === "shutdown";
        };
        return test.receive(exit, 1000).then(
          () => true,
          () => false,
        );
      }),
    );
  }

  port("terminate/2 terminates children with brutal kill", () =>
    inTestProcess((test) => terminateThree(test, sleepyWorker({ shutdown: "brutal_kill" }))),
  );
  port("terminate/2 terminates children with infinity shutdown", () =>
    inTestProcess((test) => terminateThree(test, sleepyWorker({ shutdown: "infinity" }))),
  );
  port("terminate/2 terminates children with infinity shutdown and abnormal reason", () =>
    inTestProcess((test) => terminateThree(test, taskSpec({ shutdown: "oops" }, { shutdown: "infinity" }))),
  );
  port("terminate/2 terminates children with integer shutdown", () =>
    inTestProcess((test) => terminateThree(test, sleepyWorker({ shutdown: 1000 }))),
  );
  port("terminate/2 terminates children with integer shutdown and abnormal reason", () =>
    inTestProcess((test) => terminateThree(test, taskSpec({ shutdown: "oops" }, { shutdown: 1000 }))),
  );

  port("terminate/2 terminates children with expired integer shutdown", () =>
    inTestProcess(async (test) => {
      test.run(() => Process.flag("trapExit", true));
      const sup = await startDynamic();
      const child1 = await DynamicSupervisor.startChild(sup, sleepyWorker({ shutdown: 1 }));
      const child2 = await DynamicSupervisor.startChild(sup, taskSpec(null, { shutdown: 1 }));
      const child3 = await DynamicSupervisor.startChild(sup, sleepyWorker({ shutdown: 1 }));
      for (const pid of [child1, child2, child3]) test.run(() => Process.monitor(pid));
      await assertKill(test, sup, "shutdown");
      return downReasons(test, [child1, child2, child3]);
    }),
  );

  port("terminate/2 terminates children with permanent restart and normal reason", () =>
    inTestProcess((test) => terminateThree(test, taskSpec("normal", { shutdown: "infinity", restart: "permanent" }))),
  );

  port("terminate/2 terminates with mixed children", () =>
    inTestProcess(async (test) => {
      test.run(() => Process.flag("trapExit", true));
      const sup = await startDynamic();
      const child1 = await DynamicSupervisor.startChild(sup, sleepyWorker({ shutdown: "infinity" }));
      const child2 = await DynamicSupervisor.startChild(sup, sleepyWorker({ shutdown: "brutal_kill" }));
      for (const pid of [child1, child2]) test.run(() => Process.monitor(pid));
      await assertKill(test, sup, "shutdown");
      return downReasons(test, [child1, child2]);
    }),
  );

  port("terminate_child/2 terminates child with brutal kill", () =>
    inTestProcess((test) => terminateOne(test, sleepyWorker({ shutdown: "brutal_kill" }))),
  );
  port("terminate_child/2 terminates child with integer shutdown", () =>
    inTestProcess((test) => terminateOne(test, sleepyWorker({ shutdown: 1000 }))),
  );

  port("terminate_child/2 terminates restarting child", () =>
    inTestProcess(async (test) => {
      const sup = await startDynamic({ maxRestarts: 100_000 });
      const childPid = await DynamicSupervisor.startChild(sup, restartingWorker("error", { restart: "permanent" }));
      await assertKill(test, childPid, "shutdown");
      const first = await DynamicSupervisor.terminateChild(sup, childPid);
      const again = await DynamicSupervisor.terminateChild(sup, childPid);
      return { terminate_child: first, again: again === "ok" ? "ok" : ["error", again.error], counts: await counts(sup) };
    }),
  );
});
