import { describe, expect, it } from "vitest";
import {
  type ExitError,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  Process,
  Registry,
  reply,
  StartError,
  Sys,
} from "#runtime";
import { type Loose, Probe, type ProbeProtocol, received, runIn, useFakeClock, useLogs, useProcesses } from "./support.ts";

useFakeClock();
const { start, track } = useProcesses();
useLogs();

const REG = "TestRegistry";

/** A counter reachable through any name, with a cast to crash it. */
const Counter: GenServerModule<Loose, number, number> = {
  init: (n) => ok(n),
  handleCall: (_request, _from, n) => reply(n, n),
  handleCast(message, n) {
    if (message.type === "crash") throw new Error("crash");
    return noreply(n + 1);
  },
};

async function startRegistry(keys: "unique" | "duplicate" = "unique"): Promise<void> {
  track(await Registry.start({ keys, name: REG }));
}

describe("whereis", () => {
  it("#50 should return the pid under a local name or a via name, and null when nothing is there", async () => {
    // Arrange
    await startRegistry();
    const local = await start(Counter, 0, { name: GenServer.name<Loose>("Local") });
    const via = await start(Counter, 0, { name: Registry.via<Loose>(REG, "k") });

    // Act
    const found = [GenServer.whereis(GenServer.name("Local")), GenServer.whereis(Registry.via(REG, "k"))];
    const missing = [
      GenServer.whereis(GenServer.name("Missing")),
      GenServer.whereis(Registry.via(REG, "missing")),
      GenServer.whereis(Registry.via("NoRegistry", "k")),
    ];

    // Assert
    expect(found).toEqual([local, via]);
    expect(found[0]).toBe(local);
    expect(missing).toEqual([null, null, null]);
  });

  it("#50 should return null for a dead pid", async () => {
    // Arrange
    const pid = await start(Counter, 0);

    // Act
    await GenServer.stop(pid);

    // Assert
    expect(GenServer.whereis(pid)).toBeNull();
  });
});

describe("Registry", () => {
  it("#51 should register the calling process under a unique key and refuse a second process under it", async () => {
    // Arrange
    await startRegistry();
    const a = await start(Probe, {});
    const b = await start(Probe, {});

    // Act
    const first = await runIn(a, () => Registry.register(REG, "key", "a's value"));
    const second = await runIn(b, () => Registry.register(REG, "key", "b's value"));

    // Assert
    expect(first).toMatchObject({ ok: expect.anything() });
    expect(second).toEqual({ error: { already_registered: a } });
    expect(Registry.lookup(REG, "key")).toEqual([[a, "a's value"]]);
  });

  it("#51 should keep several processes under one key in a duplicate registry", async () => {
    // Arrange
    await startRegistry("duplicate");
    const a = await start(Probe, {});
    const b = await start(Probe, {});

    // Act
    await runIn(a, () => Registry.register(REG, "topic", 1));
    await runIn(b, () => Registry.register(REG, "topic", 2));

    // Assert
    expect(Registry.lookup(REG, "topic")).toEqual([
      [a, 1],
      [b, 2],
    ]);
    expect(Registry.count(REG)).toBe(2);
  });

  it("#51 should refuse register outside a process", async () => {
    // Arrange
    await startRegistry();

    // Act / Assert
    expect(() => Registry.register(REG, "key")).toThrow(/inside a process/);
  });

  it("#52 should return [[pid, value]] from lookup, and [] for an unknown key", async () => {
    // Arrange
    await startRegistry();
    const a = await start(Probe, {});
    await runIn(a, () => Registry.register(REG, 42, { weight: 1 }));

    // Act
    const found = Registry.lookup(REG, 42);
    const none = Registry.lookup(REG, 43);

    // Assert
    expect(found).toEqual([[a, { weight: 1 }]]);
    expect(none).toEqual([]);
    expect(Registry.keys(REG, a)).toEqual([42]);
  });

  it("#52 should call the dispatch function only when there are entries", async () => {
    // Arrange
    await startRegistry("duplicate");
    const a = await start(Probe, {});
    await runIn(a, () => Registry.register(REG, "topic", "v"));
    const calls: unknown[] = [];

    // Act
    const results = [
      Registry.dispatch(REG, "topic", (entries) => calls.push(entries)),
      Registry.dispatch(REG, "empty", (entries) => calls.push(entries)),
    ];

    // Assert
    expect(results).toEqual(["ok", "ok"]);
    expect(calls).toEqual([[[a, "v"]]]);
  });

  it("#52 should remove the caller's entry with unregister and return ok", async () => {
    // Arrange
    await startRegistry();
    const a = await start(Probe, {});
    await runIn(a, () => Registry.register(REG, "key"));

    // Act
    const result = await runIn(a, () => Registry.unregister(REG, "key"));

    // Assert
    expect(result).toBe("ok");
    expect(Registry.lookup(REG, "key")).toEqual([]);
    expect(Registry.keys(REG, a)).toEqual([]);
  });

  it("#53 should keep the link of the process that started the registry after it registers and unregisters", async () => {
    // Arrange: a probe starts the registry linked to it, then registers and unregisters a key.
    const owner = await start(Probe, { trapExit: true });
    const registry = await runIn(owner, () => Registry.startLink({ keys: "unique", name: REG }));
    track(registry);
    await runIn(owner, () => Registry.register(REG, "key"));
    await runIn(owner, () => Registry.unregister(REG, "key"));

    // Act: the registry dies; its parent still hears of it through the startLink link.
    Process.exit(registry, "kill");

    // Assert
    expect(await received(owner)).toContainEqual({ type: "EXIT", pid: registry, reason: "killed" });
  });

  it.each([
    ["normal", (pid: Pid<ProbeProtocol>) => GenServer.stop(pid)],
    ["an abnormal reason", (pid: Pid<ProbeProtocol>) => GenServer.stop(pid, "boom")],
    ["kill", (pid: Pid<ProbeProtocol>) => Process.exit(pid, "kill")],
  ])("#53 should remove a process's entries when it exits with %s", async (_title, end) => {
    // Arrange
    await startRegistry("duplicate");
    const a = await start(Probe, {});
    const b = await start(Probe, {});
    await runIn(a, () => Registry.register(REG, "k1", 1));
    await runIn(a, () => Registry.register(REG, "k2", 2));
    await runIn(b, () => Registry.register(REG, "k1", 3));

    // Act
    await end(a);

    // Assert
    expect(Registry.lookup(REG, "k1")).toEqual([[b, 3]]);
    expect(Registry.lookup(REG, "k2")).toEqual([]);
    expect(Registry.count(REG)).toBe(1);
  });
});

describe("via names", () => {
  it("#54 should reach a server started under a via name for call, cast and stop", async () => {
    // Arrange
    await startRegistry();
    const name = Registry.via<Loose>(REG, "BTCUSD");
    const pid = await start(Counter, 0, { name });

    // Act
    GenServer.cast(name, { type: "inc" });
    const value = await GenServer.call(name, { type: "get" });
    const stopped = await GenServer.stop(name);

    // Assert
    expect(value).toBe(1);
    expect(stopped).toBe("ok");
    expect(Process.alive(pid)).toBe(false);
  });

  it("#54 should refuse a second start under a taken via name with already_started", async () => {
    // Arrange
    await startRegistry();
    const name = Registry.via<Loose>(REG, "BTCUSD");
    const first = await start(Counter, 0, { name });

    // Act
    const error = await GenServer.start(Counter, 0, { name }).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(StartError);
    expect((error as StartError).reason).toEqual({ already_started: first });
  });

  it.each([
    ["normal", (name: ReturnType<typeof Registry.via<Loose>>) => GenServer.stop(name)],
    ["a crash", (name: ReturnType<typeof Registry.via<Loose>>) => GenServer.cast(name, { type: "crash" })],
  ])("#54 should free the via name after the server exits with %s", async (_title, end) => {
    // Arrange
    await startRegistry();
    const name = Registry.via<Loose>(REG, "BTCUSD");
    const first = await start(Counter, 0, { name });

    // Act
    await end(name);
    await Sys.getState(first).catch(() => undefined);
    const again = await start(Counter, 5, { name });

    // Assert
    expect(Registry.lookup(REG, "BTCUSD")).toEqual([[again, undefined]]);
    expect(await GenServer.call(name, { type: "get" })).toBe(5);
  });

  it("#54 should reject a start under a via name of a duplicate registry", async () => {
    // Arrange
    await startRegistry("duplicate");

    // Act
    let thrownSynchronously = false;
    let outcome: Promise<unknown>;
    try {
      outcome = GenServer.start(Counter, 0, { name: Registry.via<Loose>(REG, "k") }).then((pid) => track(pid));
    } catch (error) {
      thrownSynchronously = true;
      outcome = Promise.reject(error);
    }
    const error = await outcome.catch((e: unknown) => e);

    // Assert
    expect(thrownSynchronously).toBe(false);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/duplicate/);
    expect(Registry.count(REG)).toBe(0);
  });

  it("should reject a call through a via name of a registry that is not running with noproc", async () => {
    // Act
    const error = await GenServer.call(Registry.via<Loose>("NotRunning", "k"), { type: "get" }).catch((e: unknown) => e);

    // Assert
    expect((error as ExitError).reason).toBe("noproc");
  });
});
