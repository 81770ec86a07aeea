import { describe } from "vitest";
import {
  type Call,
  type ChildSpec,
  type DownMessage,
  GenServer,
  type GenServerModule,
  type InitResult,
  type MonitorRef,
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
  Sys,
  self,
} from "#runtime";
import { deferred, realMacrotask } from "../support.ts";
import { OTP_DOCS } from "./otp-docs.expected.ts";
import { conformance, exitCall, startResult, useTestProcess, withFakeClock } from "./support.ts";

/** OtpDocs.Worker: a child that starts (linked to the supervisor), ignores or fails, by its argument. */
const Worker: GenServerModule<BusyProtocol, string, string> = { init: (id) => ok(id) };

function spec(id: string, extra: Partial<ChildSpec> = {}): ChildSpec {
  return { id, start: () => GenServer.startLink(Worker, id), ...extra };
}

function failing(id: string, reason: unknown, extra: Partial<ChildSpec> = {}): ChildSpec {
  return { id, start: () => Promise.reject(new StartError(reason)), ...extra };
}

/** `[id, pid]` rows of which_children, a child that is not running as "undefined" (Elixir's `:undefined`). */
async function rows(sup: Pid<SupervisorProtocol>): Promise<unknown[]> {
  return (await Supervisor.whichChildren(sup)).map((child) => [child.id, child.pid ?? "undefined"]);
}

async function ids(sup: Pid<SupervisorProtocol>): Promise<string[]> {
  return (await Supervisor.whichChildren(sup)).map((child) => child.id);
}

/** Elixir's `{:ok, pid}`, `:ok` or `{:error, reason}` for the data answers of terminate_child and delete_child. */
function okOrError(answer: "ok" | { readonly error: unknown }): unknown {
  return answer === "ok" ? "ok" : ["error", answer.error];
}

interface BusyProtocol extends Protocol {
  readonly call: Call<{ readonly type: "busy" }, never> | Call<{ readonly type: "deferred" }, never>;
  readonly cast: never;
  readonly info: unknown;
}

/** OtpDocs.Busy: `busy` keeps the server in its callback for good (the snippet sleeps, this awaits). */
function busy(entered: () => void): GenServerModule<BusyProtocol, undefined, null> {
  return {
    init: () => ok(null),
    async handleCall(request, _from, state) {
      if (request.type === "deferred") return noreply(state);
      entered();
      return new Promise<never>(() => {});
    },
  };
}

interface TimedProtocol extends Protocol {
  readonly call: never;
  readonly cast: { readonly type: "timeout_after"; readonly timeout: number };
  readonly info: { readonly type: string };
}

/** OtpDocs.Busy's timeouts: init runs the given function; every info it handles is recorded, by type. */
function timed(handled: string[]): GenServerModule<TimedProtocol, () => InitResult<null> | Promise<InitResult<null>>, null> {
  return {
    init: (fn) => fn(),
    handleCast: (message, state) => noreply(state, message.timeout),
    handleInfo(message, state) {
      handled.push(message.type);
      return noreply(state);
    },
  };
}

const port = conformance(OTP_DOCS);
const testProcess = useTestProcess();

/** The exit of a call, or "still_waiting" when it has not settled once the runtime has nothing left to run. */
async function exitNow(promise: Promise<unknown>): Promise<unknown> {
  const exit = exitCall(promise);
  return Promise.race([exit, realMacrotask().then(() => "still_waiting")]);
}

/** Starts a Busy server, calls it, and ends it with `end` once the call is in its callback. */
async function callThenEnd(type: "busy" | "deferred", timeout: number | "infinity", end: (pid: Pid) => void): Promise<unknown> {
  const inCallback = deferred();
  const pid = testProcess.track(await GenServer.start(busy(inCallback.resolve), undefined));
  const call = GenServer.call(pid, { type }, timeout);
  // Busy: the handler is awaiting. Deferred: the handler has returned noreply (getState is queued behind the call).
  if (type === "busy") await inCallback.promise;
  else await Sys.getState(pid);
  end(pid);
  return exitNow(call);
}

describe("the docs of Elixir 1.14 and OTP", () => {
  port("GenServer.call/3: the caller exits at once with the reason of a server that dies while handling the call", async () => ({
    killed: await callThenEnd("busy", "infinity", (pid) => Process.exit(pid, "kill")),
    linked_exit: await callThenEnd("busy", 5000, (pid) => {
      const link = testProcess.start();
      link.run(() => Process.link(pid));
      link.stop("boom");
    }),
    exit_while_reply_deferred: await callThenEnd("deferred", "infinity", (pid) => Process.exit(pid, "shutdown")),
    silent_process_exits: await (async () => {
      const silent = testProcess.start();
      const call = GenServer.call(silent.pid, { type: "anything" }, "infinity");
      await realMacrotask(); // the probe has taken the call from its mailbox
      silent.stop("bye");
      return exitNow(call);
    })(),
  }));

  port("GenServer.init/1: a timeout from init does not fire when a message arrived during init", () =>
    withFakeClock(async (clock) => {
      const observed: Record<string, string[]> = {};
      for (const timeout of [0, 50]) {
        const handled: string[] = [];
        const pid = await GenServer.start(timed(handled), () => {
          Process.send(self(), { type: "hello" });
          return ok(null, timeout);
        });
        await clock.tickAsync(150);
        await GenServer.stop(pid);
        observed[`timeout_${timeout}`] = handled;
      }
      return observed;
    }),
  );

  port(":sys.get_state/1: restarts a pending idle timeout", () =>
    withFakeClock(async (clock) => {
      const handled: string[] = [];
      const pid = await GenServer.start(timed(handled), () => ok(null, 100));
      await clock.tickAsync(70);
      await Sys.getState(pid);
      await clock.tickAsync(60);
      const by130 = [...handled];
      await clock.tickAsync(100);
      await GenServer.stop(pid);
      return { handled_by_130_ms: by130, handled_by_230_ms: handled };
    }),
  );

  port("GenServer.handle_cast/2: a timeout returned while only a :sys request is queued still fires", () =>
    withFakeClock(async (clock) => {
      const handled: string[] = [];
      const pid = await GenServer.start(timed(handled), () => ok(null));
      GenServer.cast(pid, { type: "timeout_after", timeout: 100 });
      // Queued behind the cast: the server still has it to handle when the cast returns its timeout.
      await Sys.getState(pid);
      await clock.tickAsync(200);
      await GenServer.stop(pid);
      return { handled };
    }),
  );

  port("GenServer.start_link/3: a start timeout gives {:error, :timeout} and leaves the caller alive", () =>
    withFakeClock(async (clock) => {
      const slowInit = (): Promise<InitResult<null>> => new Promise(() => {});
      const startLinkFrom = async (caller: Probe): Promise<unknown> => {
        const started = startResult(caller.run(() => GenServer.startLink(timed([]), slowInit, { timeout: 50 })));
        await clock.tickAsync(50);
        return started;
      };
      const nonTrapping = testProcess.start();
      const nonTrappingResult = await startLinkFrom(nonTrapping);
      await clock.tickAsync(50);
      const trapping = testProcess.start();
      trapping.run(() => Process.flag("trapExit", true));
      const trappingResult = await startLinkFrom(trapping);
      await clock.tickAsync(50);
      return {
        non_trapping: { result: nonTrappingResult, caller_alive: nonTrapping.alive },
        trapping: { result: trappingResult, messages_left: trapping.messages() },
      };
    }),
  );

  port("Process.demonitor/2: returns true, also with :flush; with :info, whether the monitor was still active", async () => {
    const test = testProcess.start();
    const deadAndMonitored = async (): Promise<MonitorRef> => {
      const pid = await GenServer.start(timed([]), () => ok(null));
      await GenServer.stop(pid);
      const ref = test.run(() => Process.monitor(pid));
      await realMacrotask(); // the DOWN is in the mailbox
      return ref;
    };
    const flushMailbox = async (): Promise<number> => {
      const left = test.messages().length;
      for (let i = 0; i < left; i++) await test.receive();
      return left;
    };
    const demonitor = (ref: MonitorRef, options?: { flush?: boolean; info?: boolean }): boolean =>
      test.run(() => Process.demonitor(ref, options));

    const flushWithDownQueued = demonitor(await deadAndMonitored(), { flush: true });
    const plainWithDownQueued = demonitor(await deadAndMonitored());
    const downLeft = await flushMailbox();
    const infoWithDownQueued = demonitor(await deadAndMonitored(), { info: true });
    await flushMailbox();
    const flushInfoWithDownQueued = demonitor(await deadAndMonitored(), { flush: true, info: true });
    const downLeftAfterFlush = await flushMailbox();
    const alive = testProcess.track(await GenServer.start(timed([]), () => ok(null)));
    return {
      flush_with_down_queued: flushWithDownQueued,
      plain_with_down_queued: plainWithDownQueued,
      down_left_without_flush: downLeft,
      info_with_down_queued: infoWithDownQueued,
      flush_info_with_down_queued: flushInfoWithDownQueued,
      down_left_after_flush: downLeftAfterFlush,
      info_active: demonitor(
        test.run(() => Process.monitor(alive)),
        { info: true },
      ),
      flush_info_active: demonitor(
        test.run(() => Process.monitor(alive)),
        { flush: true, info: true },
      ),
    };
  });

  port("Supervisor.which_children/1: the newest child first", () =>
    testProcess.start().run(async () => {
      const sup = await Supervisor.startLink([spec("a"), spec("b"), spec("c")], { strategy: "one_for_one" });
      const started = await ids(sup);
      await Supervisor.startChild(sup, spec("d"));
      return { started, after_start_child: await ids(sup) };
    }),
  );

  port("Supervisor.start_child/2, restart_child/2 and delete_child/2: what each answers", () =>
    testProcess.start().run(async () => {
      const sup = await Supervisor.startLink([spec("a")], { strategy: "one_for_one" });
      const alreadyStarted = await startResult(Supervisor.startChild(sup, spec("a")));
      await Supervisor.terminateChild(sup, "a");
      const alreadyPresent = await startResult(Supervisor.startChild(sup, spec("a")));
      const restartStopped = await startResult(Supervisor.restartChild(sup, "a"));
      const restartRunning = await startResult(Supervisor.restartChild(sup, "a"));
      const deleteRunning = okOrError(await Supervisor.deleteChild(sup, "a"));
      await Supervisor.terminateChild(sup, "a");
      const deleteStopped = okOrError(await Supervisor.deleteChild(sup, "a"));
      return {
        start_child_already_started: alreadyStarted,
        start_child_already_present: alreadyPresent,
        restart_child_stopped: restartStopped,
        restart_child_running: restartRunning,
        restart_child_unknown: await startResult(Supervisor.restartChild(sup, "zz")),
        delete_child_running: deleteRunning,
        delete_child_stopped: deleteStopped,
        delete_child_unknown: okOrError(await Supervisor.deleteChild(sup, "zz")),
        start_child_ignore: await startResult(Supervisor.startChild(sup, failing("i", "ignore"))),
        start_child_ignore_temporary: await startResult(Supervisor.startChild(sup, failing("it", "ignore", { restart: "temporary" }))),
        start_child_fails: await startResult(Supervisor.startChild(sup, failing("f", "nope"))),
        start_child_missing_id: await startResult(Supervisor.startChild(sup, { start: () => GenServer.startLink(Worker, "x") } as never)),
        rows: await rows(sup),
      };
    }),
  );

  port("Supervisor.terminate_child/2: a temporary child is deleted, any other keeps its spec", () =>
    testProcess.start().run(async () => {
      const sup = await Supervisor.startLink([spec("p"), spec("t", { restart: "temporary" })], { strategy: "one_for_one" });
      await Supervisor.terminateChild(sup, "t");
      await Supervisor.terminateChild(sup, "p");
      const childRows = await rows(sup);
      const restartTemporary = await startResult(Supervisor.restartChild(sup, "t"));
      const restartPermanent = ((await startResult(Supervisor.restartChild(sup, "p"))) as unknown[])[0];
      return { rows: childRows, restart_temporary: restartTemporary, restart_permanent: restartPermanent };
    }),
  );

  port("Supervisor.start_link/2: refused child specs and options", () => {
    const test = testProcess.start();
    test.run(() => Process.flag("trapExit", true));
    return test.run(async () => ({
      duplicate_id: await startResult(Supervisor.startLink([spec("a"), spec("a")], { strategy: "one_for_one" })),
      missing_id: await startResult(
        Supervisor.startLink([{ start: () => GenServer.startLink(Worker, "x") } as never], { strategy: "one_for_one" }),
      ),
      strategy: await startResult(Supervisor.startLink([], { strategy: "bogus" as never })),
      max_restarts: await startResult(Supervisor.startLink([], { strategy: "one_for_one", maxRestarts: -1 })),
      max_seconds: await startResult(Supervisor.startLink([], { strategy: "one_for_one", maxSeconds: 0 })),
      child_fails: await startResult(Supervisor.startLink([spec("a"), failing("f", "nope")], { strategy: "one_for_one" })),
    }));
  });

  port("Supervisor :one_for_all: a temporary sibling is shut down and not restarted", () =>
    testProcess.start().run(async () => {
      const sup = await Supervisor.startLink([spec("a"), spec("t", { restart: "temporary" }), spec("b")], { strategy: "one_for_all" });
      const a = (await Supervisor.whichChildren(sup)).find((child) => child.id === "a")?.pid as Pid;
      Process.exit(a, "kill");
      const childRows = await Supervisor.whichChildren(sup);
      return {
        ids_after_restart: childRows.map((child) => child.id),
        all_running_again: childRows.every((child) => typeof child.pid === "object" && child.pid !== null && child.pid !== a),
      };
    }),
  );

  port("GenServer.start/3: hibernate_after is accepted and the server answers after hibernating", () =>
    withFakeClock(async (clock) => {
      const pid = testProcess.track(await GenServer.start(Worker, "hello", { hibernateAfter: 10 }));
      await clock.tickAsync(50);
      const stateAfterIdle = await Sys.getState(pid);
      const negative = (await startResult(GenServer.start(Worker, "x", { hibernateAfter: -1 }))) as [string, Pid];
      testProcess.track(negative[1]);
      return { state_after_idle: stateAfterIdle, negative_accepted: negative[0] };
    }),
  );

  port("Registry: a registered process exits with :shutdown when the registry stops", async () => {
    const registry = await Registry.start({ keys: "unique", name: "stopping_registry" });
    const worker = testProcess.track(await GenServer.start(Worker, "via", { name: Registry.via("stopping_registry", "worker") }));
    const registrant = testProcess.start();
    registrant.run(() => Registry.register("stopping_registry", "key", "value"));
    const test = testProcess.start();
    for (const pid of [worker, registrant.pid]) test.run(() => Process.monitor(pid));
    await GenServer.stop(registry);
    const reasons: unknown[] = [];
    for (const pid of [worker, registrant.pid]) {
      const down = (await test.receive(
        (m) => (m as Partial<DownMessage> | null)?.type === "DOWN" && (m as DownMessage).pid === pid,
        1000,
      )) as DownMessage;
      reasons.push(down.reason);
    }
    return reasons;
  });
});
