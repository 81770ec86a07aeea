import { describe, expect, it } from "vitest";
import {
  type Call,
  type DownMessage,
  type ExitReason,
  GenServer,
  type GenServerModule,
  type MonitorRef,
  noreply,
  ok,
  type Pid,
  Process,
  type Protocol,
  reply,
  Sys,
  stop,
} from "#runtime";
import { isDown, useProbes, useProcesses, useQuietLogger } from "./support.ts";

interface TargetProtocol extends Protocol {
  readonly call: Call<{ readonly type: "ping" }, "pong">;
  readonly cast: { readonly type: "stop"; readonly reason: ExitReason } | { readonly type: "crash" };
  readonly info: never;
}

/** A server that stops with any reason on demand, or crashes. */
const Target: GenServerModule<TargetProtocol, undefined, null> = {
  init: () => ok(null),
  handleCall: (_request, _from, state) => reply("pong", state),
  handleCast(message, state) {
    if (message.type === "crash") throw new Error("boom");
    return stop(message.reason, state);
  },
};

interface WatcherProtocol extends Protocol {
  readonly call: Call<{ readonly type: "kill_and_demonitor"; readonly target: Pid; readonly flush: boolean }, boolean>;
  readonly cast: never;
  readonly info: never;
}

/** A server that records every info it handles, and can kill a process it monitors while it is busy. */
const Watcher: GenServerModule<WatcherProtocol, undefined, unknown[]> = {
  init: () => ok([]),
  handleCall(request, _from, received) {
    const ref = Process.monitor(request.target);
    // The DOWN is queued while this callback runs; demonitor decides whether it is ever handled.
    Process.exit(request.target, "kill");
    return reply(Process.demonitor(ref, { flush: request.flush }), received);
  },
  handleInfo(message, received) {
    return noreply([...received, message]);
  },
};

/** A server that says goodbye to a pid before it stops. */
const Farewell: GenServerModule<TargetProtocol, Pid, Pid> = {
  init: (to) => ok(to),
  handleCast(message, to) {
    Process.send(to, { type: "bye" });
    return stop(message.type === "stop" ? message.reason : "crash", to);
  },
};

useQuietLogger();
const { track } = useProcesses();
const startProbe = useProbes();

async function startTarget(): Promise<Pid<TargetProtocol>> {
  const pid = await GenServer.start(Target, undefined);
  track(pid);
  return pid;
}

describe("Process.monitor", () => {
  it("#44 should deliver DOWN with the ref, the pid and the exit reason when the monitored process exits", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    const ref = probe.run(() => Process.monitor(target));

    // Act
    GenServer.cast(target, { type: "stop", reason: { custom: "reason" } });

    // Assert
    expect(await probe.receive(isDown)).toEqual({ type: "DOWN", ref, pid: target, reason: { custom: "reason" } });
  });

  it("#44 should deliver DOWN with normal when the monitored process exits normally", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    const ref = probe.run(() => Process.monitor(target));

    // Act
    await GenServer.stop(target);

    // Assert
    expect(await probe.receive(isDown)).toEqual({ type: "DOWN", ref, pid: target, reason: "normal" });
  });

  it("#44 should deliver DOWN with the error a crashed process exited with", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    probe.run(() => Process.monitor(target));

    // Act
    GenServer.cast(target, { type: "crash" });

    // Assert
    const down = (await probe.receive(isDown)) as DownMessage;
    expect(down.reason).toBeInstanceOf(Error);
    expect((down.reason as Error).message).toBe("boom");
  });

  it("#44 should deliver DOWN with killed when the monitored process is killed", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    probe.run(() => Process.monitor(target));

    // Act
    Process.exit(target, "kill");

    // Assert
    expect(await probe.receive(isDown)).toMatchObject({ pid: target, reason: "killed" });
  });

  it("#44 should deliver DOWN with noproc, asynchronously, when the process is already dead", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    await GenServer.stop(target);

    // Act
    const ref = probe.run(() => Process.monitor(target));
    const atOnce = probe.messages();

    // Assert
    expect(atOnce).toEqual([]);
    expect(await probe.receive(isDown)).toEqual({ type: "DOWN", ref, pid: target, reason: "noproc" });
  });

  it("#44 should deliver DOWN with noproc when monitoring a name nobody holds", async () => {
    // Arrange
    const probe = startProbe();

    // Act
    const ref = probe.run(() => Process.monitor(GenServer.name("NobodyHere")));

    // Assert
    expect(await probe.receive(isDown)).toMatchObject({ type: "DOWN", ref, reason: "noproc" });
  });

  it("#44 should return a different ref for each monitor", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();

    // Act
    const refs = probe.run(() => [Process.monitor(target), Process.monitor(target)]);

    // Assert
    expect(refs[0]).not.toBe(refs[1]);
    expect(String(refs[0])).not.toBe(String(refs[1]));
  });

  it("#44 should throw when called outside a process", async () => {
    // Arrange
    const target = await startTarget();

    // Act
    const monitorFromTest = () => Process.monitor(target);

    // Assert
    expect(monitorFromTest).toThrow(/Process\.monitor/);
  });
});

describe("Process.demonitor", () => {
  it("#45 should stop future DOWN messages", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    const ref = probe.run(() => Process.monitor(target));

    // Act
    const wasActive = probe.run(() => Process.demonitor(ref));
    await GenServer.stop(target, "shutdown");

    // Assert
    expect(wasActive).toBe(true);
    await probe.refuteReceive(isDown, 20);
  });

  it("#45 should leave a DOWN already queued when called without flush", async () => {
    // Arrange
    const watcher = await GenServer.start(Watcher, undefined);
    track(watcher);
    const target = await startTarget();

    // Act
    await GenServer.call(watcher, { type: "kill_and_demonitor", target, flush: false });

    // Assert
    expect(await Sys.getState(watcher)).toEqual([expect.objectContaining({ type: "DOWN", pid: target, reason: "killed" })]);
  });

  it("#45 should remove a DOWN already queued when called with flush", async () => {
    // Arrange
    const watcher = await GenServer.start(Watcher, undefined);
    track(watcher);
    const target = await startTarget();

    // Act
    await GenServer.call(watcher, { type: "kill_and_demonitor", target, flush: true });

    // Assert
    expect(await Sys.getState(watcher)).toEqual([]);
  });

  it("#45 should remove a DOWN a probe has received but not yet taken when called with flush", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    const ref = probe.run(() => Process.monitor(target));
    await GenServer.stop(target);
    await expect.poll(() => probe.messages().length).toBe(1);

    // Act
    probe.run(() => Process.demonitor(ref, { flush: true }));

    // Assert
    expect(probe.messages()).toEqual([]);
  });

  it("#45 should remove only the DOWN of the flushed monitor", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    const [kept, flushed] = probe.run(() => [Process.monitor(target), Process.monitor(target)]) as [MonitorRef, MonitorRef];
    await GenServer.stop(target);
    await expect.poll(() => probe.messages().length).toBe(2);

    // Act
    probe.run(() => Process.demonitor(flushed, { flush: true }));

    // Assert
    expect(probe.messages()).toEqual([{ type: "DOWN", ref: kept, pid: target, reason: "normal" }]);
  });
});

describe("several monitors", () => {
  it("#45 should deliver one DOWN to each monitor of the same process", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    const refs = probe.run(() => [Process.monitor(target), Process.monitor(target)]);

    // Act
    await GenServer.stop(target, "shutdown");

    // Assert
    const downs = [await probe.receive(isDown), await probe.receive(isDown)];
    expect(downs.map((down) => (down as DownMessage).ref)).toEqual(expect.arrayContaining(refs));
    expect(downs.every((down) => (down as DownMessage).reason === "shutdown")).toBe(true);
    await probe.refuteReceive(isDown, 20);
  });

  it("#45 should deliver one DOWN to each process that monitors it", async () => {
    // Arrange
    const first = startProbe();
    const second = startProbe();
    const target = await startTarget();
    const firstRef = first.run(() => Process.monitor(target));
    const secondRef = second.run(() => Process.monitor(target));

    // Act
    await GenServer.stop(target);

    // Assert
    expect(await first.receive(isDown)).toEqual({ type: "DOWN", ref: firstRef, pid: target, reason: "normal" });
    expect(await second.receive(isDown)).toEqual({ type: "DOWN", ref: secondRef, pid: target, reason: "normal" });
    await first.refuteReceive(isDown, 10);
    await second.refuteReceive(isDown, 10);
  });

  it("#44 should deliver DOWN after the messages the process sent before exiting", async () => {
    // Arrange
    const probe = startProbe();
    const target = await GenServer.start(Farewell, probe.pid);
    track(target);
    probe.run(() => Process.monitor(target));

    // Act
    GenServer.cast(target, { type: "stop", reason: "normal" });
    const first = await probe.receive();
    const second = await probe.receive();

    // Assert
    expect(first).toEqual({ type: "bye" });
    expect(second).toMatchObject({ type: "DOWN", pid: target, reason: "normal" });
  });

  it("#44 should not link: the monitoring process survives the crash of the monitored one", async () => {
    // Arrange
    const probe = startProbe();
    const target = await startTarget();
    probe.run(() => Process.monitor(target));

    // Act
    GenServer.cast(target, { type: "crash" });
    await probe.receive(isDown);

    // Assert
    expect(probe.alive).toBe(true);
  });
});
