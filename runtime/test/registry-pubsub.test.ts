import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Call,
  type ExitReason,
  GenServer,
  type GenServerModule,
  ok,
  type Pid,
  type Probe,
  Process,
  type Protocol,
  Registry,
  reply,
  stop,
} from "#runtime";
import { isDown, useProbes, useProcesses, useQuietLogger } from "./support.ts";

const PUBSUB = "TestPubSub";

interface SubscriberProtocol extends Protocol {
  readonly call: Call<{ readonly type: "subscribe"; readonly topic: string }, unknown>;
  readonly cast: { readonly type: "stop"; readonly reason: ExitReason } | { readonly type: "crash" };
  readonly info: never;
}

/** A server that registers itself under topics of the pub/sub registry, and exits on demand. */
const Subscriber: GenServerModule<SubscriberProtocol, undefined, null> = {
  init: () => ok(null),
  handleCall: (request, _from, state) => reply(Registry.register(PUBSUB, request.topic, "server"), state),
  handleCast(message, state) {
    if (message.type === "crash") throw new Error("boom");
    return stop(message.reason, state);
  },
};

let registry: Pid | null = null;

useQuietLogger();
// Registered before the processes and probes, so it runs after them: the registry goes last.
afterEach(() => {
  if (registry !== null) Process.exit(registry, "kill");
  registry = null;
});
const { track } = useProcesses();
const startProbe = useProbes();

beforeEach(async () => {
  registry = await Registry.start({ keys: "duplicate", name: PUBSUB });
});

/** A probe registered under `topic` with `value`. */
function subscriber(topic: string, value?: unknown): Probe {
  const probe = startProbe();
  probe.run(() => Registry.register(PUBSUB, topic, value));
  return probe;
}

async function startSubscriber(topic: string): Promise<Pid<SubscriberProtocol>> {
  const pid = await GenServer.start(Subscriber, undefined);
  track(pid);
  await GenServer.call(pid, { type: "subscribe", topic });
  return pid;
}

/** Resolves once `pid` has exited, whatever the reason. */
async function exited(pid: Pid): Promise<void> {
  const observer = startProbe();
  observer.run(() => Process.monitor(pid));
  await observer.receive(isDown);
}

describe("Registry with duplicate keys", () => {
  it("#51 should register several processes under one key and return ok with the registry's pid", () => {
    // Arrange
    const first = startProbe();
    const second = startProbe();

    // Act
    const results = [first.run(() => Registry.register(PUBSUB, "BTCUSD", 1)), second.run(() => Registry.register(PUBSUB, "BTCUSD", 2))];

    // Assert
    expect(results).toEqual([{ ok: registry }, { ok: registry }]);
    expect(Registry.lookup(PUBSUB, "BTCUSD")).toEqual([
      [first.pid, 1],
      [second.pid, 2],
    ]);
  });

  it("#52 should return an empty list when looking up a key nobody registered", () => {
    // Arrange
    subscriber("BTCUSD");

    // Act
    const found = Registry.lookup(PUBSUB, "ETHUSD");

    // Assert
    expect(found).toEqual([]);
  });

  it("#51 should let one process register under several keys, listed by keys(pid)", () => {
    // Arrange
    const probe = startProbe();
    const other = subscriber("SOLUSD");

    // Act
    probe.run(() => {
      Registry.register(PUBSUB, "BTCUSD");
      Registry.register(PUBSUB, "ETHUSD");
    });

    // Assert
    expect(Registry.keys(PUBSUB, probe.pid)).toEqual(["BTCUSD", "ETHUSD"]);
    expect(Registry.keys(PUBSUB, other.pid)).toEqual(["SOLUSD"]);
    expect(Registry.count(PUBSUB)).toBe(3);
  });

  it("#51 should return no keys for a process that registered nothing", () => {
    // Arrange
    const probe = startProbe();

    // Act
    const keys = Registry.keys(PUBSUB, probe.pid);

    // Assert
    expect(keys).toEqual([]);
  });

  it("#51 should throw when register is called outside a process", () => {
    // Arrange
    const registerFromTest = () => Registry.register(PUBSUB, "BTCUSD");

    // Act / Assert
    expect(registerFromTest).toThrow(/Registry\.register/);
  });

  it("#52 should remove only the caller's entries under the key on unregister", () => {
    // Arrange
    const leaving = startProbe();
    const staying = subscriber("BTCUSD");
    leaving.run(() => {
      Registry.register(PUBSUB, "BTCUSD");
      Registry.register(PUBSUB, "ETHUSD");
    });

    // Act
    const result = leaving.run(() => Registry.unregister(PUBSUB, "BTCUSD"));

    // Assert
    expect(result).toBe("ok");
    expect(Registry.lookup(PUBSUB, "BTCUSD")).toEqual([[staying.pid, undefined]]);
    expect(Registry.keys(PUBSUB, leaving.pid)).toEqual(["ETHUSD"]);
  });
});

describe("Registry.dispatch", () => {
  it("#52 should call fn once with every entry under the key, which can notify each subscriber", async () => {
    // Arrange
    const first = subscriber("BTCUSD", "a");
    const second = subscriber("BTCUSD", "b");
    const elsewhere = subscriber("ETHUSD", "c");
    const calls: Array<Array<[Pid, unknown]>> = [];

    // Act
    const result = Registry.dispatch(PUBSUB, "BTCUSD", (entries) => {
      calls.push(entries);
      for (const [pid, value] of entries) Process.send(pid, { type: "tick", price: 101, value });
    });

    // Assert
    expect(result).toBe("ok");
    expect(calls).toEqual([
      [
        [first.pid, "a"],
        [second.pid, "b"],
      ],
    ]);
    expect(await first.receive()).toEqual({ type: "tick", price: 101, value: "a" });
    expect(await second.receive()).toEqual({ type: "tick", price: 101, value: "b" });
    await elsewhere.refuteReceive(undefined, 10);
  });

  it("#52 should not call fn when there are no entries under the key", () => {
    // Arrange
    subscriber("ETHUSD");
    const calls: unknown[] = [];

    // Act
    const result = Registry.dispatch(PUBSUB, "BTCUSD", (entries) => calls.push(entries));

    // Assert
    expect(result).toBe("ok");
    expect(calls).toEqual([]);
  });
});

describe("entries of an exited process", () => {
  it.each<[string, (pid: Pid<SubscriberProtocol>) => void]>([
    ["a normal stop", (pid) => GenServer.cast(pid, { type: "stop", reason: "normal" })],
    ["a shutdown", (pid) => GenServer.cast(pid, { type: "stop", reason: "shutdown" })],
    ["a crash", (pid) => GenServer.cast(pid, { type: "crash" })],
    ["a custom reason", (pid) => GenServer.cast(pid, { type: "stop", reason: { custom: 1 } })],
    ["a kill", (pid) => Process.exit(pid, "kill")],
  ])("#53 should be removed after %s", async (_label, end) => {
    // Arrange
    const staying = subscriber("BTCUSD");
    const leaving = await startSubscriber("BTCUSD");
    await GenServer.call(leaving, { type: "subscribe", topic: "ETHUSD" });

    // Act
    end(leaving);
    await exited(leaving);

    // Assert
    expect(Registry.lookup(PUBSUB, "BTCUSD")).toEqual([[staying.pid, undefined]]);
    expect(Registry.lookup(PUBSUB, "ETHUSD")).toEqual([]);
    expect(Registry.keys(PUBSUB, leaving)).toEqual([]);
    expect(Registry.count(PUBSUB)).toBe(1);
  });

  it("#53 should be removed when a probe stops, so dispatch no longer reaches it", () => {
    // Arrange
    const probe = subscriber("BTCUSD");
    const calls: unknown[] = [];

    // Act
    probe.stop("shutdown");
    Registry.dispatch(PUBSUB, "BTCUSD", (entries) => calls.push(entries));

    // Assert
    expect(calls).toEqual([]);
  });
});
