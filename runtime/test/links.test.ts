import { describe, expect, it } from "vitest";
import {
  type Call,
  type DownMessage,
  type ExitMessage,
  type ExitReason,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  Process,
  type Protocol,
  reply,
  Sys,
  stop,
} from "#runtime";
import { isDown, isExit, useProbes, useProcesses, useQuietLogger } from "./support.ts";

interface ServerProtocol extends Protocol {
  readonly call: Call<{ readonly type: "link"; readonly to: Pid }, "ok">;
  readonly cast: { readonly type: "stop"; readonly reason: ExitReason } | { readonly type: "crash" };
  readonly info: never;
}

interface Options {
  readonly trapExit?: boolean;
  /** Where terminate and handleInfo write what they saw. */
  readonly log?: string[];
}

/** A server that can link to another process, stop with any reason, crash, and trap exits. */
const Server: GenServerModule<ServerProtocol, Options, Options> = {
  init(options) {
    if (options.trapExit === true) Process.flag("trapExit", true);
    return ok(options);
  },
  handleCall(request, _from, options) {
    Process.link(request.to);
    return reply("ok", options);
  },
  handleCast(message, options) {
    if (message.type === "crash") throw new Error("boom");
    return stop(message.reason, options);
  },
  handleInfo(message, options) {
    const exit = message as ExitMessage;
    options.log?.push(`info:${exit.type}:${String(exit.reason)}`);
    return noreply(options);
  },
  terminate(reason, options) {
    options.log?.push(`terminate:${String(reason)}`);
  },
};

useQuietLogger();
const { track } = useProcesses();
const startProbe = useProbes("kill");

async function startServer(options: Options = {}): Promise<Pid<ServerProtocol>> {
  const pid = await GenServer.start(Server, options);
  track(pid);
  return pid;
}

/** The exit reason of `pid`, seen through a monitor of a fresh probe. */
async function exitReasonOf(pid: Pid): Promise<ExitReason> {
  const observer = startProbe();
  observer.run(() => Process.monitor(pid));
  return ((await observer.receive(isDown)) as DownMessage).reason;
}

describe("links", () => {
  it("#46 should take the linked process down with the same reason when the other one crashes", async () => {
    // Arrange
    const probe = startProbe();
    const server = await startServer();
    probe.run(() => Process.link(server));
    const probeExit = exitReasonOf(probe.pid);

    // Act
    GenServer.cast(server, { type: "stop", reason: { failed: "feed" } });

    // Assert
    expect(await probeExit).toEqual({ failed: "feed" });
    expect(probe.alive).toBe(false);
  });

  it("#46 should be bidirectional: the process that linked dies when the other one does, and the other way round", async () => {
    // Arrange
    const linking = await startServer();
    const linked = await startServer();
    await GenServer.call(linking, { type: "link", to: linked });
    const linkingExit = exitReasonOf(linking);

    // Act
    GenServer.cast(linked, { type: "stop", reason: "boom" });

    // Assert
    expect(await linkingExit).toBe("boom");
  });

  it("#46 should take the other process down when the process that created the link exits", async () => {
    // Arrange
    const linking = await startServer();
    const linked = await startServer();
    await GenServer.call(linking, { type: "link", to: linked });
    const linkedExit = exitReasonOf(linked);

    // Act
    GenServer.cast(linking, { type: "stop", reason: "boom" });

    // Assert
    expect(await linkedExit).toBe("boom");
  });

  it("#46 should propagate a crash along a chain of links", async () => {
    // Arrange
    const first = await startServer();
    const middle = await startServer();
    const last = await startServer();
    await GenServer.call(first, { type: "link", to: middle });
    await GenServer.call(middle, { type: "link", to: last });
    const firstExit = exitReasonOf(first);

    // Act
    Process.exit(last, "boom");

    // Assert
    expect(await firstExit).toBe("boom");
    expect(Process.alive(middle)).toBe(false);
  });

  it("#46 should leave the linked process alive when the other one exits normally", async () => {
    // Arrange
    const probe = startProbe();
    const server = await startServer();
    probe.run(() => Process.link(server));

    // Act
    await GenServer.stop(server, "normal");

    // Assert
    await probe.refuteReceive(undefined, 10);
    expect(probe.alive).toBe(true);
  });

  it("#46 should not propagate anything once unlinked", async () => {
    // Arrange
    const probe = startProbe();
    const server = await startServer();
    probe.run(() => Process.link(server));

    // Act
    probe.run(() => Process.unlink(server));
    GenServer.cast(server, { type: "crash" });
    await exitReasonOf(server);

    // Assert
    expect(probe.alive).toBe(true);
  });
});

describe("trapExit", () => {
  it("#46 should turn the exit signal of a link into an EXIT message and keep the trapping process alive", async () => {
    // Arrange
    const probe = startProbe({ trapExit: true });
    const server = await startServer();
    probe.run(() => Process.link(server));

    // Act
    GenServer.cast(server, { type: "stop", reason: "boom" });

    // Assert
    expect(await probe.receive(isExit)).toEqual({ type: "EXIT", pid: server, reason: "boom" });
    expect(probe.alive).toBe(true);
  });

  it("#46 should deliver a normal exit of a link as an EXIT message too", async () => {
    // Arrange
    const probe = startProbe({ trapExit: true });
    const server = await startServer();
    probe.run(() => Process.link(server));

    // Act
    await GenServer.stop(server);

    // Assert
    expect(await probe.receive(isExit)).toEqual({ type: "EXIT", pid: server, reason: "normal" });
  });

  it("#42 should deliver the exit of a link that is not its parent to a GenServer's handleInfo", async () => {
    // Arrange
    const log: string[] = [];
    const server = await startServer({ trapExit: true, log });
    const other = await startServer();
    await GenServer.call(server, { type: "link", to: other });

    // Act
    GenServer.cast(other, { type: "stop", reason: "boom" });
    await exitReasonOf(other);

    // Assert
    await Sys.getState(server);
    expect(log).toEqual(["info:EXIT:boom"]);
    expect(Process.alive(server)).toBe(true);
  });

  it("#46 should return the previous value of the flag", () => {
    // Arrange
    const probe = startProbe();

    // Act
    const values = probe.run(() => [Process.flag("trapExit", true), Process.flag("trapExit", false)]);

    // Assert
    expect(values).toEqual([false, true]);
  });

  it("#46 should deliver EXIT noproc to a trapping process that links to a dead one", async () => {
    // Arrange
    const probe = startProbe({ trapExit: true });
    const server = await startServer();
    await GenServer.stop(server);

    // Act
    probe.run(() => Process.link(server));

    // Assert
    expect(await probe.receive(isExit)).toEqual({ type: "EXIT", pid: server, reason: "noproc" });
  });
});

describe("Process.exit", () => {
  it("#46 should end a process that does not trap exits with the given reason", async () => {
    // Arrange
    const server = await startServer();
    const serverExit = exitReasonOf(server);

    // Act
    startProbe().run(() => Process.exit(server, "bye"));

    // Assert
    expect(await serverExit).toBe("bye");
  });

  it("#46 should be ignored by a process that does not trap exits when the reason is normal", async () => {
    // Arrange
    const server = await startServer();

    // Act
    startProbe().run(() => Process.exit(server, "normal"));

    // Assert
    expect(await Sys.getState(server)).toEqual({});
    expect(Process.alive(server)).toBe(true);
  });

  it("#46 should reach a trapping process as an EXIT message carrying the sender's pid", async () => {
    // Arrange
    const target = startProbe({ trapExit: true });
    const sender = startProbe();

    // Act
    sender.run(() => Process.exit(target.pid, "bye"));

    // Assert
    expect(await target.receive(isExit)).toEqual({ type: "EXIT", pid: sender.pid, reason: "bye" });
    expect(target.alive).toBe(true);
  });

  it("#46 should kill even a trapping process with kill, seen as killed", async () => {
    // Arrange
    const log: string[] = [];
    const server = await startServer({ trapExit: true, log });
    const serverExit = exitReasonOf(server);

    // Act
    Process.exit(server, "kill");

    // Assert
    expect(await serverExit).toBe("killed");
    expect(log).toEqual([]);
  });

  it("#46 should send killed, not kill, to the links of a killed process", async () => {
    // Arrange
    const trapping = startProbe({ trapExit: true });
    const notTrapping = startProbe();
    const server = await startServer();
    trapping.run(() => Process.link(server));
    notTrapping.run(() => Process.link(server));
    const notTrappingExit = exitReasonOf(notTrapping.pid);

    // Act
    Process.exit(server, "kill");

    // Assert
    expect(await trapping.receive(isExit)).toEqual({ type: "EXIT", pid: server, reason: "killed" });
    expect(trapping.alive).toBe(true);
    expect(await notTrappingExit).toBe("killed");
  });
  it("#46 should let a trapping link trap the exit of a process that exited by itself with reason kill", async () => {
    // Arrange
    const probe = startProbe({ trapExit: true });
    const server = await startServer();
    probe.run(() => Process.link(server));

    // Act
    GenServer.cast(server, { type: "stop", reason: "kill" });

    // Assert
    expect(await probe.receive(isExit)).toEqual({ type: "EXIT", pid: server, reason: "kill" });
    expect(probe.alive).toBe(true);
  });
});

describe("a parent's exit", () => {
  it("#42 should run terminate with the parent's reason when the server traps exits", async () => {
    // Arrange
    const log: string[] = [];
    const parent = startProbe();
    const server = await parent.run(() => GenServer.startLink(Server, { trapExit: true, log }));
    track(server);
    const serverExit = exitReasonOf(server);

    // Act
    parent.stop("shutdown");

    // Assert
    expect(await serverExit).toBe("shutdown");
    expect(log).toEqual(["terminate:shutdown"]);
  });

  it("#41 should end a server that does not trap exits without running terminate", async () => {
    // Arrange
    const log: string[] = [];
    const parent = startProbe();
    const server = await parent.run(() => GenServer.startLink(Server, { log }));
    track(server);
    const serverExit = exitReasonOf(server);

    // Act
    parent.stop("boom");

    // Assert
    expect(await serverExit).toBe("boom");
    expect(log).toEqual([]);
  });
});

describe("exits of self and of kill through links", () => {
  it("#46 should end a non-trapping link with reason kill when the other process exited by itself with kill", async () => {
    // Arrange
    const probe = startProbe();
    const server = await startServer();
    probe.run(() => Process.link(server));
    const probeExit = exitReasonOf(probe.pid);

    // Act
    GenServer.cast(server, { type: "stop", reason: "kill" });

    // Assert
    expect(await probeExit).toBe("kill");
  });

  it("#46 should end the calling process when it sends itself an exit signal with normal", async () => {
    // Arrange
    const probe = startProbe();
    const probeExit = exitReasonOf(probe.pid);

    // Act
    probe.run(() => Process.exit(probe.pid, "normal"));

    // Assert
    expect(await probeExit).toBe("normal");
  });

  it("#42 should run terminate with normal when the parent exits normally and the server traps exits", async () => {
    // Arrange
    const log: string[] = [];
    const parent = startProbe();
    const server = await parent.run(() => GenServer.startLink(Server, { trapExit: true, log }));
    track(server);
    const serverExit = exitReasonOf(server);

    // Act
    parent.stop("normal");

    // Assert
    expect(await serverExit).toBe("normal");
    expect(log).toEqual(["terminate:normal"]);
  });
});

describe("startLink and start", () => {
  it("#11 should link the caller and the server with startLink", async () => {
    // Arrange
    const parent = startProbe();
    const server = await parent.run(() => GenServer.startLink(Server, {}));
    track(server);
    const parentExit = exitReasonOf(parent.pid);

    // Act
    GenServer.cast(server, { type: "stop", reason: "boom" });

    // Assert
    expect(await parentExit).toBe("boom");
  });

  it("#11 should not link the caller and the server with start", async () => {
    // Arrange
    const parent = startProbe();
    const server = await parent.run(() => GenServer.start(Server, {}));
    track(server);

    // Act
    parent.stop("boom");
    await exitReasonOf(parent.pid);

    // Assert
    expect(await Sys.getState(server)).toEqual({});
    expect(Process.alive(server)).toBe(true);
  });
});
