import { describe, expect, it } from "vitest";
import {
  ExitError,
  GenServer,
  type GenServerModule,
  ignore,
  noreply,
  ok,
  type Pid,
  Process,
  Registry,
  reply,
  StartError,
  Sys,
  self,
  stop,
} from "#runtime";
import {
  deferred,
  type Loose,
  type Msg,
  Probe,
  type ProbeProtocol,
  pendingTimers,
  realMacrotask,
  received,
  runIn,
  settledState,
  useFakeClock,
  useLogs,
  useProcesses,
} from "./support.ts";

const clock = useFakeClock();
const { start, track } = useProcesses();
const logs = useLogs();

type Log = string[];

/** A server that logs what its callbacks see into an array the test owns. */
function recorder(log: Log): GenServerModule<Loose, number, number> {
  return {
    init: (n) => ok(n),
    handleCall(request, _from, n) {
      log.push(`call:${request.type}`);
      return reply(n, n + 1);
    },
    handleCast(message, n) {
      log.push(`cast:${message.type}`);
      return noreply(n + 1);
    },
    handleInfo(message, n) {
      log.push(`info:${message.type}`);
      return noreply(n + 1);
    },
    terminate(reason, n) {
      log.push(`terminate:${String(reason)}:${n}`);
    },
  };
}

/** A server whose calls are never answered, to keep a caller waiting. */
const Silent: GenServerModule<Loose, undefined, null> = {
  init: () => ok(null),
  handleCall: (_request, _from, state) => noreply(state),
  handleCast(message, state) {
    if (message.type === "crash") throw new Error("boom");
    return noreply(state);
  },
};

async function startProbe(options: { trapExit?: boolean } = {}): Promise<Pid<ProbeProtocol>> {
  return start(Probe, options);
}

describe("Start / init", () => {
  it("#1 should resolve start only after init has returned", async () => {
    // Arrange
    const gate = deferred();
    const M: GenServerModule<Loose, undefined, string> = {
      async init() {
        await gate.promise;
        return ok("ready");
      },
    };

    // Act
    const starting = GenServer.start(M, undefined);
    const state = settledState(starting);
    await clock().tickAsync(1000);
    const before = state();
    gate.resolve();
    const pid = track(await starting);

    // Assert
    expect(before).toBe("pending");
    expect(await Sys.getState(pid)).toBe("ready");
  });

  it("#2 should give the first callback the state init returned", async () => {
    // Arrange
    const log: Log = [];

    // Act
    const pid = await start(recorder(log), 41);

    // Assert
    expect(await GenServer.call(pid, { type: "get" })).toBe(41);
    expect(Process.alive(pid)).toBe(true);
  });

  it("#3 should run handleContinue from init before any queued message, even one sent during init", async () => {
    // Arrange
    const log: Log = [];
    const M: GenServerModule<Loose, undefined, null, "warm"> = {
      init() {
        Process.send(self(), { type: "early" });
        return ok(null, { continue: "warm" });
      },
      handleContinue(cont, state) {
        log.push(`continue:${cont}`);
        return noreply(state);
      },
      handleCast(message, state) {
        log.push(`cast:${message.type}`);
        return noreply(state);
      },
      handleInfo(message, state) {
        log.push(`info:${message.type}`);
        return noreply(state);
      },
    };

    // Act
    const pid = await start(M, undefined);
    GenServer.cast(pid, { type: "after" });
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual(["continue:warm", "info:early", "cast:after"]);
  });

  it("#4 should deliver a timeout info N ms after an init that returned timeout N, if no message came", async () => {
    // Arrange
    const log: Log = [];
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null, 100),
      handleInfo(message, state) {
        log.push(`${message.type}@${Date.now() - 1_700_000_000_000}`);
        return noreply(state);
      },
    };

    // Act
    const pid = await start(M, undefined);
    await clock().tickAsync(99);
    const before = [...log];
    await clock().tickAsync(1);
    await Sys.getState(pid);

    // Assert
    expect(before).toEqual([]);
    expect(log).toEqual(["timeout@100"]);
  });

  it("#5 should accept hibernate from init and behave like a plain ok", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, number> = {
      init: () => ok(7, "hibernate"),
      handleCall: (_request, _from, n) => reply(n, n),
    };

    // Act
    const pid = await start(M, undefined);

    // Assert
    expect(await GenServer.call(pid, { type: "get" })).toBe(7);
  });

  it("#6 should reject with ignore, leave no live process and not call terminate when init ignores", async () => {
    // Arrange
    let pid: Pid | null = null;
    let terminated = false;
    const M: GenServerModule<Loose, undefined, null> = {
      init() {
        pid = self();
        return ignore();
      },
      terminate() {
        terminated = true;
      },
    };

    // Act
    const error = await GenServer.start(M, undefined).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(StartError);
    expect(error).toMatchObject({ reason: "ignore" });
    expect(pid).not.toBeNull();
    expect(Process.alive(pid as unknown as Pid)).toBe(false);
    expect(terminated).toBe(false);
  });

  it("#7 should reject with the reason of stop(reason) from init, without terminate, and monitors should see it", async () => {
    // Arrange
    const probe = await startProbe();
    let terminated = false;
    let me: Pid | null = null;
    const M: GenServerModule<Loose, undefined, null> = {
      async init() {
        me = self();
        const pid = me;
        await runIn(probe, () => Process.monitor(pid));
        return stop("bad_config");
      },
      terminate() {
        terminated = true;
      },
    };

    // Act
    const error = await GenServer.start(M, undefined).catch((e: unknown) => e);
    const messages = await received(probe);

    // Assert
    expect(error).toBeInstanceOf(StartError);
    expect(error).toMatchObject({ reason: "bad_config" });
    expect(terminated).toBe(false);
    expect(messages).toEqual([expect.objectContaining({ type: "DOWN", pid: me, reason: "bad_config" })]);
  });

  it("#8 should reject with the thrown value as reason and not call terminate when init throws", async () => {
    // Arrange
    const thrown = new Error("no config");
    let terminated = false;
    const M: GenServerModule<Loose, undefined, null> = {
      init() {
        throw thrown;
      },
      terminate() {
        terminated = true;
      },
    };

    // Act
    const error = await GenServer.start(M, undefined).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(StartError);
    expect((error as StartError).reason).toBe(thrown);
    expect(terminated).toBe(false);
  });

  it("#9 should reject with bad_return_value when init returns something that is not a result", async () => {
    // Arrange
    const M = { init: () => ({ ok: 1 }) } as unknown as GenServerModule<Loose, undefined, null>;

    // Act
    const error = await GenServer.start(M, undefined).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ reason: { bad_return_value: { ok: 1 } } });
  });

  it("#10 should reject with timeout and kill the process when init takes longer than the start timeout", async () => {
    // Arrange
    let pid: Pid | null = null;
    const M: GenServerModule<Loose, undefined, null> = {
      async init() {
        pid = self();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return ok(null);
      },
    };

    // Act
    const starting = GenServer.start(M, undefined, { timeout: 100 });
    const state = settledState(starting);
    await clock().tickAsync(100);
    const atTimeout = state();
    await clock().tickAsync(1000);
    const error = await starting.catch((e: unknown) => e);

    // Assert
    expect(atTimeout).toBe("rejected");
    expect(error).toMatchObject({ reason: "timeout" });
    expect(Process.alive(pid as unknown as Pid)).toBe(false);
  });

  it("#10 should reject with timeout at the start timeout even when init never settles", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => new Promise<never>(() => undefined),
    };

    // Act
    const starting = GenServer.start(M, undefined, { timeout: 100 });
    const state = settledState(starting);
    await clock().tickAsync(100);
    const error = await starting.catch((e: unknown) => e);

    // Assert
    expect(state()).toBe("rejected");
    expect(error).toMatchObject({ reason: "timeout" });
    expect(pendingTimers(clock())).toBe(0);
  });

  it("#11 should link the calling process and the server with startLink", async () => {
    // Arrange
    const probe = await startProbe();
    const server = track(await runIn(probe, () => GenServer.startLink(Silent, undefined)));

    // Act
    await GenServer.stop(server, "boom");
    await Sys.getState(probe).catch(() => undefined);

    // Assert
    expect(Process.alive(probe)).toBe(false);
  });

  it("#11 should not link the calling process and the server with start", async () => {
    // Arrange
    const probe = await startProbe();
    const server = track(await runIn(probe, () => GenServer.start(Silent, undefined)));

    // Act
    await GenServer.stop(server, "boom");

    // Assert
    expect((await received(probe)).length).toBe(0);
    expect(Process.alive(probe)).toBe(true);
  });

  it("#12 should reject with already_started and the holder's pid, without running init, when the name is taken", async () => {
    // Arrange
    let inits = 0;
    const M: GenServerModule<Loose, undefined, null> = {
      init() {
        inits++;
        return ok(null);
      },
    };
    const name = GenServer.name<Loose>("Taken");
    const first = await start(M, undefined, { name });

    // Act
    const error = await GenServer.start(M, undefined, { name }).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(StartError);
    expect((error as StartError).reason).toEqual({ already_started: first });
    expect((error as { reason: { already_started: unknown } }).reason.already_started).toBe(first);
    expect(inits).toBe(1);
  });

  it.each([
    ["ignores", () => ignore()],
    ["returns stop", () => stop("nope")],
    [
      "throws",
      () => {
        throw new Error("nope");
      },
    ],
    ["returns garbage", () => 42],
  ])("#13 should free the name as soon as start returns when init %s", async (_title, init) => {
    // Arrange
    const name = GenServer.name<Loose>("Retry");
    const failing = { init } as unknown as GenServerModule<Loose, undefined, null>;
    await GenServer.start(failing, undefined, { name }).catch(() => undefined);

    // Act
    const whereis = GenServer.whereis(name);
    const pid = await start(Silent, undefined, { name });

    // Assert
    expect(whereis).toBeNull();
    expect(GenServer.whereis(name)).toBe(pid);
  });

  it.each([
    ["normal", (pid: Pid<Loose>) => GenServer.stop(pid)],
    ["shutdown", (pid: Pid<Loose>) => GenServer.stop(pid, "shutdown")],
    ["a crash", (pid: Pid<Loose>) => GenServer.cast(pid, { type: "crash" })],
    ["kill", (pid: Pid<Loose>) => Process.exit(pid, "kill")],
  ])("#14 should release the name when the server exits with %s", async (_title, end) => {
    // Arrange
    const name = GenServer.name<Loose>("Released");
    const pid = await start(Silent, undefined, { name });

    // Act
    await end(pid);
    await Sys.getState(pid).catch(() => undefined);
    const whereis = GenServer.whereis(name);
    const again = await start(Silent, undefined, { name });

    // Assert
    expect(Process.alive(pid)).toBe(false);
    expect(whereis).toBeNull();
    expect(GenServer.whereis(name)).toBe(again);
  });
});

describe("Call", () => {
  it("#15 should resolve to the reply and apply the new state to the next message", async () => {
    // Arrange
    const pid = await start(recorder([]), 10);

    // Act
    const first = await GenServer.call(pid, { type: "next" });
    const second = await GenServer.call(pid, { type: "next" });

    // Assert
    expect([first, second]).toEqual([10, 11]);
  });

  it("#16 should time out after 5000 ms by default", async () => {
    // Arrange
    const pid = await start(Silent, undefined);

    // Act
    const calling = GenServer.call(pid, { type: "wait" });
    const state = settledState(calling);
    await clock().tickAsync(4999);
    const before = state();
    await clock().tickAsync(1);
    const error = await calling.catch((e: unknown) => e);

    // Assert
    expect(before).toBe("pending");
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({
      reason: "timeout",
      call: { fn: "GenServer.call", server: pid, request: { type: "wait" }, timeout: 5000 },
    });
  });

  it.each([-1, 1.5, Number.NaN, "forever"])(
    "#16 should reject at once, without sending the request, when the timeout is %s",
    async (timeout) => {
      // Arrange
      const log: Log = [];
      const pid = await start(recorder(log), 0);

      // Act
      const error = await GenServer.call(pid, { type: "x" }, timeout as number).catch((e: unknown) => e);
      await Sys.getState(pid);

      // Assert
      expect(error).toBeInstanceOf(TypeError);
      expect(log).toEqual([]);
    },
  );

  it("#17 should reject at once with noproc for an unknown name, an unknown via key and a dead pid", async () => {
    // Arrange
    const registry = track(await Registry.start({ keys: "unique", name: "CallRegistry" }));
    const dead = await start(Silent, undefined);
    await GenServer.stop(dead);

    // Act
    const errors = await Promise.all([
      GenServer.call(GenServer.name<Loose>("Nobody"), { type: "x" }).catch((e: unknown) => e),
      GenServer.call(Registry.via<Loose>("CallRegistry", "nobody"), { type: "x" }).catch((e: unknown) => e),
      GenServer.call(dead, { type: "x" }).catch((e: unknown) => e),
    ]);

    // Assert
    for (const error of errors) expect(error).toMatchObject({ reason: "noproc" });
    expect(pendingTimers(clock())).toBe(0);
    expect(Process.alive(registry)).toBe(true);
  });

  it.each(["pid", "name", "via"])("#18 should reject at once with calling_self when a server calls itself by %s", async (by) => {
    // Arrange
    track(await Registry.start({ keys: "unique", name: "SelfRegistry" }));
    const refs = { pid: () => self(), name: () => "Myself", via: () => Registry.via("SelfRegistry", "me") };
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      async handleCall(_request, _from, state) {
        const ref = refs[by as keyof typeof refs]();
        const error = await GenServer.call(ref as Pid<Loose>, { type: "inner" }).catch((e: unknown) => e);
        return reply(error, state);
      },
    };
    const name = by === "via" ? Registry.via<Loose>("SelfRegistry", "me") : GenServer.name<Loose>("Myself");
    const pid = await start(M, undefined, { name });

    // Act
    const error = await GenServer.call(pid, { type: "outer" });

    // Assert
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({ reason: "calling_self" });
  });

  it("#19 should reject with timeout while the server still handles the request later", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, number> = {
      init: () => ok(0),
      async handleCall(_request, _from, handled) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return reply("late", handled + 1);
      },
    };
    const pid = await start(M, undefined);

    // Act
    const calling = GenServer.call(pid, { type: "slow" }, 50);
    const state = settledState(calling);
    await clock().tickAsync(50);
    const atTimeout = state();
    const error = await calling.catch((e: unknown) => e);
    await clock().tickAsync(50);

    // Assert
    expect(atTimeout).toBe("rejected");
    expect(error).toMatchObject({ reason: "timeout", call: { timeout: 50 } });
    expect(await Sys.getState(pid)).toBe(1);
  });

  it("#20 should drop a reply that arrives after the caller timed out: no stray message, no unhandled rejection", async () => {
    // Arrange
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      async handleCall(_request, _from, state) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return reply("late", state);
      },
    };
    const pid = await start(M, undefined);
    const probe = await startProbe();

    try {
      // Act
      const inProbe = runIn(probe, () => GenServer.call(pid, { type: "slow" }, 50).catch((e: unknown) => (e as ExitError).reason));
      const fromTest = GenServer.call(pid, { type: "slow" }, 50).catch((e: unknown) => (e as ExitError).reason);
      await clock().tickAsync(300);
      const reasons = [await inProbe, await fromTest];
      await realMacrotask();

      // Assert
      expect(reasons).toEqual(["timeout", "timeout"]);
      expect(await received(probe)).toEqual([]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it.each([
    ["a crash", (pid: Pid<Loose>) => GenServer.cast(pid, { type: "crash" }), expect.objectContaining({ message: "boom" })],
    ["kill", (pid: Pid<Loose>) => Process.exit(pid, "kill"), "killed"],
    ["an exit signal", (pid: Pid<Loose>) => Process.exit(pid, "bye"), "bye"],
  ])("#21 should reject a pending call at once with the exit reason when the server exits with %s", async (_title, end, reason) => {
    // Arrange
    const pid = await start(Silent, undefined);
    const calling = GenServer.call(pid, { type: "wait" }, "infinity");
    const state = settledState(calling);
    await Sys.getState(pid);

    // Act
    end(pid);
    const error = await calling.catch((e: unknown) => e);

    // Assert
    expect(state()).toBe("rejected");
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({ reason });
    expect(clock().now).toBe(1_700_000_000_000);
  });

  describe("#22 deferred reply", () => {
    type AnyFrom = Parameters<typeof GenServer.reply>[0];
    interface Waiting {
      readonly waiting: AnyFrom[];
    }
    /** Keeps `from` in its state, or hands it to `elsewhere`, or answers it from a timer. */
    const deferring = (elsewhere: AnyFrom[] = []): GenServerModule<Loose, undefined, Waiting> => ({
      init: () => ok({ waiting: [] }),
      handleCall(request, from, state) {
        if (request.type === "timer") {
          setTimeout(() => GenServer.reply(from, "from a timer"), 10);
          return noreply(state);
        }
        if (request.type === "elsewhere") {
          elsewhere.push(from);
          return noreply(state);
        }
        return noreply({ waiting: [...state.waiting, from] });
      },
      handleCast(message, state) {
        for (const from of state.waiting) {
          GenServer.reply(from, message.value);
          GenServer.reply(from, "second reply");
        }
        return noreply({ waiting: [] });
      },
    });

    it("should resolve the call with the value of a later reply(from, value); a second reply is a no-op", async () => {
      // Arrange
      const pid = await start(deferring(), undefined);
      const calling = GenServer.call(pid, { type: "wait" });
      await Sys.getState(pid);

      // Act
      GenServer.cast(pid, { type: "answer", value: 42 });

      // Assert
      expect(await calling).toBe(42);
    });

    it("should accept the reply from a timer", async () => {
      // Arrange
      const pid = await start(deferring(), undefined);

      // Act
      const calling = GenServer.call(pid, { type: "timer" });
      await clock().tickAsync(10);

      // Assert
      expect(await calling).toBe("from a timer");
    });

    it("should accept the reply from another process", async () => {
      // Arrange
      const froms: AnyFrom[] = [];
      const pid = await start(deferring(froms), undefined);
      const probe = await startProbe();
      const calling = GenServer.call(pid, { type: "elsewhere" });
      await Sys.getState(pid);

      // Act
      await runIn(probe, () => GenServer.reply(froms[0] as AnyFrom, "from the probe"));

      // Assert
      expect(await calling).toBe("from the probe");
    });
  });

  it("#23 should reply first and then arm the idle timeout of reply(value, state, N)", async () => {
    // Arrange
    const log: Log = [];
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      handleCall: (_request, _from, state) => reply("r", state, 100),
      handleInfo(message, state) {
        log.push(`${message.type}@${Date.now() - 1_700_000_000_000}`);
        return noreply(state);
      },
    };
    const pid = await start(M, undefined);

    // Act
    const value = await GenServer.call(pid, { type: "x" });
    await clock().tickAsync(100);
    await Sys.getState(pid);

    // Assert
    expect(value).toBe("r");
    expect(log).toEqual(["timeout@100"]);
  });

  it("#23 should reply first and then run the continue of reply(value, state, { continue })", async () => {
    // Arrange
    const gate = deferred();
    const log: Log = [];
    const M: GenServerModule<Loose, undefined, null, "after"> = {
      init: () => ok(null),
      handleCall: (_request, _from, state) => reply("r", state, { continue: "after" }),
      async handleContinue(cont, state) {
        log.push(`started:${cont}`);
        await gate.promise;
        log.push(`done:${cont}`);
        return noreply(state);
      },
    };
    const pid = await start(M, undefined);

    // Act
    const value = await GenServer.call(pid, { type: "x" });
    const logAtReply = [...log];
    gate.resolve();
    await Sys.getState(pid);

    // Assert
    expect(value).toBe("r");
    expect(logAtReply).toEqual(["started:after"]);
    expect(log).toEqual(["started:after", "done:after"]);
  });

  it("#24 should run terminate, then deliver the reply, then exit, for stop(reason, value, state)", async () => {
    // Arrange
    const log: Log = [];
    const M: GenServerModule<Loose, undefined, string> = {
      init: () => ok("s"),
      handleCall: (_request, _from, state) => stop("normal", "bye", state),
      terminate(reason, state) {
        log.push(`terminate:${String(reason)}:${state}`);
      },
    };
    const pid = await start(M, undefined);

    // Act
    const value = await GenServer.call(pid, { type: "x" }).then((v) => {
      log.push("reply");
      return v;
    });

    // Assert
    expect(value).toBe("bye");
    expect(log).toEqual(["terminate:normal:s", "reply"]);
    expect(Process.alive(pid)).toBe(false);
  });

  it("#25 should reject the caller with the reason of stop(reason, state) from handleCall", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      handleCall: (_request, _from, state) => stop("shutdown", state),
    };
    const pid = await start(M, undefined);

    // Act
    const error = await GenServer.call(pid, { type: "x" }).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({ reason: "shutdown" });
    expect(Process.alive(pid)).toBe(false);
  });

  it("#26 should stop the server with the thrown error, run terminate and reject the caller when handleCall throws", async () => {
    // Arrange
    const thrown = new Error("bad request");
    const reasons: unknown[] = [];
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      handleCall() {
        throw thrown;
      },
      terminate(reason) {
        reasons.push(reason);
      },
    };
    const pid = await start(M, undefined);

    // Act
    const error = await GenServer.call(pid, { type: "x" }).catch((e: unknown) => e);

    // Assert
    expect((error as ExitError).reason).toBe(thrown);
    expect(reasons).toEqual([thrown]);
    expect(Process.alive(pid)).toBe(false);
  });

  it("#26 should do the same when an async handleCall rejects", async () => {
    // Arrange
    const thrown = new Error("bad async request");
    const reasons: unknown[] = [];
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      async handleCall() {
        await Promise.resolve();
        throw thrown;
      },
      terminate(reason) {
        reasons.push(reason);
      },
    };
    const pid = await start(M, undefined);

    // Act
    const error = await GenServer.call(pid, { type: "x" }).catch((e: unknown) => e);

    // Assert
    expect((error as ExitError).reason).toBe(thrown);
    expect(reasons).toEqual([thrown]);
  });

  it("#27 should stop the server with bad_return_value and reject the caller with it on an invalid return", async () => {
    // Arrange
    const reasons: unknown[] = [];
    const M = {
      init: () => ok(null),
      handleCall: () => ({ reply: 1 }),
      terminate(reason: unknown) {
        reasons.push(reason);
      },
    } as unknown as GenServerModule<Loose, undefined, null>;
    const pid = await start(M, undefined);

    // Act
    const error = await GenServer.call(pid, { type: "x" }).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ reason: { bad_return_value: { reply: 1 } } });
    expect(reasons).toEqual([{ bad_return_value: { reply: 1 } }]);
    expect(Process.alive(pid)).toBe(false);
  });

  it("#28 should crash the server and reject the caller when the module has no handleCall", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = { init: () => ok(null) };
    const pid = await start(M, undefined);

    // Act
    const error = await GenServer.call(pid, { type: "x" }).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).reason).toBeInstanceOf(Error);
    expect(String(((error as ExitError).reason as Error).message)).toMatch(/handleCall/);
    expect(Process.alive(pid)).toBe(false);
  });
});

describe("Cast / info / continue", () => {
  it("#29 should return ok at once from cast, also for a dead pid, an unknown name and an unknown registry", async () => {
    // Arrange
    const alive = await start(Silent, undefined);
    const dead = await start(Silent, undefined);
    await GenServer.stop(dead);

    // Act
    const results = [
      GenServer.cast(alive, { type: "x" }),
      GenServer.cast(dead, { type: "x" }),
      GenServer.cast(GenServer.name<Loose>("Nobody"), { type: "x" }),
      GenServer.cast(Registry.via<Loose>("NoSuchRegistry", "k"), { type: "x" }),
    ];

    // Assert
    expect(results).toEqual(["ok", "ok", "ok", "ok"]);
  });

  it("#30 should route casts to handleCast and plain sends to handleInfo", async () => {
    // Arrange
    const log: Log = [];
    const pid = await start(recorder(log), 0);

    // Act
    GenServer.cast(pid, { type: "a" });
    Process.send(pid, { type: "b" });
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual(["cast:a", "info:b"]);
  });

  it("#31 should handle the messages of one sender in send order, calls, casts and infos interleaved", async () => {
    // Arrange
    const log: Log = [];
    const pid = await start(recorder(log), 0);

    // Act
    GenServer.cast(pid, { type: "1" });
    Process.send(pid, { type: "2" });
    const calling = GenServer.call(pid, { type: "3" });
    GenServer.cast(pid, { type: "4" });
    Process.send(pid, { type: "5" });
    const last = GenServer.call(pid, { type: "6" });
    await Promise.all([calling, last]);

    // Assert
    expect(log).toEqual(["cast:1", "info:2", "call:3", "cast:4", "info:5", "call:6"]);
  });

  it("#32 should run one callback at a time, even when handlers are async", async () => {
    // Arrange
    let running = 0;
    let most = 0;
    const log: Log = [];
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      async handleCast(message, state) {
        running++;
        most = Math.max(most, running);
        log.push(`start:${message.type}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        log.push(`end:${message.type}`);
        running--;
        return noreply(state);
      },
      async handleCall(request, _from, state) {
        running++;
        most = Math.max(most, running);
        log.push(`call:${request.type}`);
        await Promise.resolve();
        running--;
        return reply("ok", state);
      },
    };
    const pid = await start(M, undefined);

    // Act
    GenServer.cast(pid, { type: "a" });
    GenServer.cast(pid, { type: "b" });
    const calling = GenServer.call(pid, { type: "c" });
    await clock().tickAsync(20);
    await calling;

    // Assert
    expect(most).toBe(1);
    expect(log).toEqual(["start:a", "end:a", "start:b", "end:b", "call:c"]);
  });

  it("#33 should crash the server on a cast when the module has no handleCast", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = { init: () => ok(null), handleCall: (_r, _f, s) => reply("ok", s) };
    const pid = await start(M, undefined);

    // Act
    GenServer.cast(pid, { type: "x" });
    const error = await GenServer.call(pid, { type: "after" }).catch((e: unknown) => e);

    // Assert
    expect((error as ExitError).reason).toBeInstanceOf(Error);
    expect(Process.alive(pid)).toBe(false);
  });

  it("#33 should log an unexpected message and carry on when the module has no handleInfo", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = { init: () => ok(null), handleCall: (_r, _f, s) => reply("ok", s) };
    const pid = await start(M, undefined);

    // Act
    Process.send(pid, { type: "surprise" });
    const value = await GenServer.call(pid, { type: "after" });

    // Assert
    expect(value).toBe("ok");
    expect(logs()).toHaveLength(1);
    expect(logs()[0]?.message).toMatch(/unexpected/i);
    expect(logs()[0]?.message).toMatch(/surprise/);
  });

  describe("#34 results of handleCast, handleInfo and handleContinue", () => {
    type Act = "timeout" | "hibernate" | "continue" | "stop";
    function act(action: Act, log: Log): ReturnType<NonNullable<GenServerModule<Loose, undefined, null, Act | "next">["handleCast"]>> {
      switch (action) {
        case "timeout":
          return noreply(null, 50);
        case "hibernate":
          return noreply(null, "hibernate");
        case "continue":
          return noreply(null, { continue: "next" });
        case "stop":
          log.push("stopping");
          return stop("normal", null);
      }
    }
    function module(log: Log): GenServerModule<Loose, undefined, null, Act | "next"> {
      return {
        init: () => ok(null),
        handleCall: (_r, _f, s) => reply("alive", s),
        handleCast(message, state) {
          if (message.type === "viaContinue") return noreply(state, { continue: message.action as Act });
          return act(message.action as Act, log);
        },
        handleInfo(message, state) {
          if (message.type === "timeout") {
            log.push("timeout");
            return noreply(state);
          }
          return act((message as Msg).action as Act, log);
        },
        handleContinue(cont, state) {
          if (cont === "next") {
            log.push("continued");
            return noreply(state);
          }
          return act(cont, log);
        },
        terminate(reason) {
          log.push(`terminate:${String(reason)}`);
        },
      };
    }
    const triggers = {
      handleCast: (pid: Pid<Loose>, action: Act) => GenServer.cast(pid, { type: "go", action }),
      handleInfo: (pid: Pid<Loose>, action: Act) => Process.send(pid, { type: "go", action }),
      handleContinue: (pid: Pid<Loose>, action: Act) => GenServer.cast(pid, { type: "viaContinue", action }),
    };
    const expected: Record<Act, { log: Log; alive: boolean }> = {
      timeout: { log: ["timeout"], alive: true },
      hibernate: { log: [], alive: true },
      continue: { log: ["continued"], alive: true },
      stop: { log: ["stopping", "terminate:normal"], alive: false },
    };
    const cases = (["handleCast", "handleInfo", "handleContinue"] as const).flatMap((cb) =>
      (["timeout", "hibernate", "continue", "stop"] as const).map((a) => [cb, a] as const),
    );

    it.each(cases)("should honour %s returning %s", async (callback, action) => {
      // Arrange
      const log: Log = [];
      const pid = await start(module(log), undefined);

      // Act
      triggers[callback](pid, action);
      await clock().tickAsync(50);
      const answer = await GenServer.call(pid, { type: "ping" }).catch((e: unknown) => (e as ExitError).reason);

      // Assert
      expect(log).toEqual(expected[action].log);
      expect(Process.alive(pid)).toBe(expected[action].alive);
      expect(answer).toBe(expected[action].alive ? "alive" : "noproc");
    });
  });

  it("#35 should run a chain of continues before any queued message", async () => {
    // Arrange
    const log: Log = [];
    const M: GenServerModule<Loose, undefined, null, number> = {
      init() {
        Process.send(self(), { type: "queued" });
        return ok(null, { continue: 1 });
      },
      handleContinue(n, state) {
        log.push(`continue:${n}`);
        return n < 3 ? noreply(state, { continue: n + 1 }) : noreply(state);
      },
      handleInfo(message, state) {
        log.push(`info:${message.type}`);
        return noreply(state);
      },
    };

    // Act
    const pid = await start(M, undefined);
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual(["continue:1", "continue:2", "continue:3", "info:queued"]);
  });
});

describe("Terminate / stop", () => {
  it("#39 should run terminate with normal after the queued messages and resolve once the process is dead", async () => {
    // Arrange
    const log: Log = [];
    const pid = await start(recorder(log), 0);
    GenServer.cast(pid, { type: "queued" });

    // Act
    const result = await GenServer.stop(pid);

    // Assert
    expect(result).toBe("ok");
    expect(log).toEqual(["cast:queued", "terminate:normal:1"]);
    expect(Process.alive(pid)).toBe(false);
  });

  it("#39 should pass the given reason to terminate", async () => {
    // Arrange
    const log: Log = [];
    const pid = await start(recorder(log), 0);

    // Act
    await GenServer.stop(pid, "shutdown");

    // Assert
    expect(log).toEqual(["terminate:shutdown:0"]);
  });

  it("#39 should reject with timeout when terminate takes longer than the stop timeout", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      async terminate() {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      },
    };
    const pid = await start(M, undefined);

    // Act
    const stopping = GenServer.stop(pid, "normal", 100);
    const state = settledState(stopping);
    await clock().tickAsync(100);
    const error = await stopping.catch((e: unknown) => e);

    // Assert
    expect(state()).toBe("rejected");
    expect(error).toMatchObject({ reason: "timeout", call: { fn: "GenServer.stop" } });
  });

  it("#40 should reject with noproc when stopping a dead pid or an unknown name", async () => {
    // Arrange
    const dead = await start(Silent, undefined);
    await GenServer.stop(dead);

    // Act
    const errors = await Promise.all([
      GenServer.stop(dead).catch((e: unknown) => e),
      GenServer.stop(GenServer.name("Nobody")).catch((e: unknown) => e),
    ]);

    // Assert
    for (const error of errors) expect(error).toMatchObject({ reason: "noproc", call: { fn: "GenServer.stop" } });
  });

  it("#40 should reject with calling_self when a server stops itself with GenServer.stop", async () => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      async handleCall(_request, _from, state) {
        return reply(await GenServer.stop(self()).catch((e: unknown) => (e as ExitError).reason), state);
      },
    };
    const pid = await start(M, undefined);

    // Act
    const reason = await GenServer.call(pid, { type: "x" });

    // Assert
    expect(reason).toBe("calling_self");
    expect(Process.alive(pid)).toBe(true);
  });

  describe("#41 when terminate runs", () => {
    function module(calls: unknown[]): GenServerModule<Loose, undefined, null> {
      return {
        init: () => ok(null),
        handleCast(message, state) {
          if (message.type === "stop") return stop("normal", state);
          if (message.type === "throw") throw new Error("thrown");
          return { garbage: true } as unknown as ReturnType<typeof noreply<null>>;
        },
        terminate(reason) {
          calls.push(reason);
        },
      };
    }

    it.each([
      ["a stop return", "stop", "normal"],
      ["a thrown callback", "throw", expect.objectContaining({ message: "thrown" })],
      ["an invalid return", "garbage", { bad_return_value: { garbage: true } }],
    ])("should run terminate after %s", async (_title, type, reason) => {
      // Arrange
      const calls: unknown[] = [];
      const pid = await start(module(calls), undefined);

      // Act
      GenServer.cast(pid, { type });
      await Sys.getState(pid).catch(() => undefined);

      // Assert
      expect(calls).toEqual([reason]);
      expect(Process.alive(pid)).toBe(false);
    });

    it("should not run terminate on kill", async () => {
      // Arrange
      const calls: unknown[] = [];
      const pid = await start(module(calls), undefined);

      // Act
      Process.exit(pid, "kill");
      await Sys.getState(pid).catch(() => undefined);

      // Assert
      expect(calls).toEqual([]);
      expect(Process.alive(pid)).toBe(false);
    });

    it("should not run terminate on a linked exit when the server does not trap exits", async () => {
      // Arrange
      const calls: unknown[] = [];
      const probe = await startProbe();
      const pid = track(await runIn(probe, () => GenServer.startLink(module(calls), undefined)));

      // Act
      await GenServer.stop(probe, "boom");
      await Sys.getState(pid).catch(() => undefined);

      // Assert
      expect(calls).toEqual([]);
      expect(Process.alive(pid)).toBe(false);
    });
  });

  describe("#42 trapping exits", () => {
    function trapping(log: unknown[]): GenServerModule<Loose, undefined, null> {
      return {
        init() {
          Process.flag("trapExit", true);
          return ok(null);
        },
        handleInfo(message, state) {
          log.push(message);
          return noreply(state);
        },
        terminate(reason) {
          log.push(`terminate:${String(reason)}`);
        },
      };
    }

    it("should run terminate with the parent's reason when the parent exits", async () => {
      // Arrange
      const log: unknown[] = [];
      const parent = await startProbe();
      const pid = track(await runIn(parent, () => GenServer.startLink(trapping(log), undefined)));

      // Act
      await GenServer.stop(parent, "boom");
      await Sys.getState(pid).catch(() => undefined);

      // Assert
      expect(log).toEqual(["terminate:boom"]);
      expect(Process.alive(pid)).toBe(false);
    });

    it("should deliver an EXIT message to handleInfo when another linked process exits", async () => {
      // Arrange
      const log: unknown[] = [];
      const pid = await start(trapping(log), undefined);
      const other = await startProbe();
      await runIn(other, () => Process.link(pid));

      // Act
      await GenServer.stop(other, "boom");
      await Sys.getState(pid);

      // Assert
      expect(log).toEqual([{ type: "EXIT", pid: other, reason: "boom" }]);
      expect(Process.alive(pid)).toBe(true);
    });
  });

  it.each([
    ["normal", 0, "normal"],
    ["shutdown", 0, "shutdown"],
    ["{ shutdown: x }", 0, { shutdown: "x" }],
    ["an atom-like string", 1, "boom"],
    ["an Error", 1, new Error("kaput")],
  ])("#43 should log an exit with reason %s as an error %i time(s)", async (_title, times, reason) => {
    // Arrange
    const M: GenServerModule<Loose, undefined, null> = {
      init: () => ok(null),
      handleCast: (_message, state) => stop(reason, state),
    };
    const pid = await start(M, undefined);

    // Act
    GenServer.cast(pid, { type: "stop" });
    await Sys.getState(pid).catch(() => undefined);

    // Assert
    expect(Process.alive(pid)).toBe(false);
    expect(logs()).toHaveLength(times);
    for (const line of logs()) expect(line.level).toBe("error");
  });

  it("#43 should log a crash (a thrown error) exactly once", async () => {
    // Arrange
    const pid = await start(Silent, undefined);
    const calling = GenServer.call(pid, { type: "wait" }).catch((e: unknown) => e);

    // Act
    GenServer.cast(pid, { type: "crash" });
    await calling;

    // Assert
    expect(logs()).toHaveLength(1);
    expect(logs()[0]).toMatchObject({ level: "error", pid });
    expect(logs()[0]?.message).toMatch(/boom/);
  });
});
