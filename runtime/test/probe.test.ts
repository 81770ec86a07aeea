import * as FakeTimers from "@sinonjs/fake-timers";
import { describe, expect, it } from "vitest";
import { type Call, GenServer, type GenServerModule, noreply, ok, type Pid, Process, type Protocol, reply, self } from "#runtime";
import { isDown, TIMERS_AND_DATE, useProbes, useProcesses } from "./support.ts";

interface FeedProtocol extends Protocol {
  readonly call: Call<{ readonly type: "subscribe"; readonly pid: Pid }, "ok">;
  readonly cast: { readonly type: "publish"; readonly price: number };
  readonly info: never;
}

/** A tiny feed: subscribe(self()) like the chapter's PriceFeedHandler, publish sends a tick to each subscriber. */
const Feed: GenServerModule<FeedProtocol, undefined, readonly Pid[]> = {
  init: () => ok([]),
  handleCall: (request, _from, subscribers) => reply("ok", [...subscribers, request.pid]),
  handleCast(message, subscribers) {
    for (const pid of subscribers) Process.send(pid, { type: "tick", price: message.price });
    return noreply(subscribers);
  },
};

const ofType = (type: string) => (message: unknown) => (message as { type?: unknown } | null)?.type === type;

const { track } = useProcesses();
const startProbe = useProbes();

/** Lets the runtime's scheduler deliver what was sent. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("Probe.receive", () => {
  it("should resolve with a message that is already in the mailbox, and take it", async () => {
    // Arrange
    const probe = startProbe();
    Process.send(probe.pid, { type: "tick", price: 1 });
    await settle();

    // Act
    const message = await probe.receive();

    // Assert
    expect(message).toEqual({ type: "tick", price: 1 });
    expect(probe.messages()).toEqual([]);
  });

  it("should wait for a message that arrives later", async () => {
    // Arrange
    const probe = startProbe();
    setTimeout(() => Process.send(probe.pid, { type: "late" }), 10);

    // Act
    const message = await probe.receive(ofType("late"));

    // Assert
    expect(message).toEqual({ type: "late" });
  });

  it("should take the first matching message and leave the others in order", async () => {
    // Arrange
    const probe = startProbe();
    for (const type of ["a", "b", "c", "b"]) Process.send(probe.pid, { type, n: 0 });
    await settle();

    // Act
    const message = await probe.receive(ofType("b"));

    // Assert
    expect(message).toEqual({ type: "b", n: 0 });
    expect(probe.messages()).toEqual([
      { type: "a", n: 0 },
      { type: "c", n: 0 },
      { type: "b", n: 0 },
    ]);
  });

  it("should keep a message that does not match while waiting for one that does", async () => {
    // Arrange
    const probe = startProbe();
    const waiting = probe.receive(ofType("wanted"));

    // Act
    Process.send(probe.pid, { type: "other" });
    Process.send(probe.pid, { type: "wanted" });

    // Assert
    expect(await waiting).toEqual({ type: "wanted" });
    expect(probe.messages()).toEqual([{ type: "other" }]);
  });

  it("should reject, listing the mailbox, when no matching message arrives in time", async () => {
    // Arrange
    const probe = startProbe();
    Process.send(probe.pid, { type: "tick", price: 42 });
    await settle();

    // Act
    const error = await probe.receive(ofType("missing"), 20).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("no matching message within 20 ms");
    expect((error as Error).message).toContain("type: 'tick', price: 42");
    expect(probe.messages()).toEqual([{ type: "tick", price: 42 }]);
  });

  it("should wait in real time even under fake timers", async () => {
    // Arrange
    const clock = FakeTimers.install({ toFake: TIMERS_AND_DATE });
    const probe = startProbe();

    // Act
    const outcome = await probe
      .receive(undefined, 10)
      .then(
        () => "received",
        () => "timed out",
      )
      .finally(() => clock.uninstall());

    // Assert
    expect(outcome).toBe("timed out");
  });
});

describe("Probe.refuteReceive", () => {
  it("should resolve when no message arrives within the timeout", async () => {
    // Arrange
    const probe = startProbe();

    // Act
    const outcome = probe.refuteReceive(undefined, 10);

    // Assert
    await expect(outcome).resolves.toBeUndefined();
  });

  it("should reject with the message when one arrives", async () => {
    // Arrange
    const probe = startProbe();

    // Act
    const outcome = probe.refuteReceive(undefined, 50);
    Process.send(probe.pid, { type: "unexpected" });

    // Assert
    await expect(outcome).rejects.toThrow(/expected no matching message, got \{ type: 'unexpected' \}/);
  });

  it("should reject when a matching message is already in the mailbox", async () => {
    // Arrange
    const probe = startProbe();
    Process.send(probe.pid, { type: "early" });
    await settle();

    // Act
    const outcome = probe.refuteReceive(ofType("early"), 10);

    // Assert
    await expect(outcome).rejects.toThrow(/early/);
  });

  it("should ignore messages that do not match", async () => {
    // Arrange
    const probe = startProbe();
    Process.send(probe.pid, { type: "other" });

    // Act
    const outcome = probe.refuteReceive(ofType("tick"), 10);

    // Assert
    await expect(outcome).resolves.toBeUndefined();
    expect(probe.messages()).toEqual([{ type: "other" }]);
  });
});

describe("Probe.run", () => {
  it("should make self() the probe inside fn, also after an await", async () => {
    // Arrange
    const probe = startProbe();

    // Act
    const pids = await probe.run(async () => {
      const before = self();
      await settle();
      return [before, self()];
    });

    // Assert
    expect(pids).toEqual([probe.pid, probe.pid]);
    expect(() => self()).toThrow();
  });

  it("should let the probe subscribe itself and receive what the server publishes", async () => {
    // Arrange
    const probe = startProbe();
    const other = startProbe();
    const feed = await GenServer.start(Feed, undefined);
    track(feed);

    // Act
    await probe.run(() => GenServer.call(feed, { type: "subscribe", pid: self() }));
    GenServer.cast(feed, { type: "publish", price: 101.5 });

    // Assert
    expect(await probe.receive(ofType("tick"))).toEqual({ type: "tick", price: 101.5 });
    await other.refuteReceive(undefined, 10);
  });

  it("should own the monitors it starts", async () => {
    // Arrange
    const probe = startProbe();
    const feed = await GenServer.start(Feed, undefined);
    track(feed);
    const ref = probe.run(() => Process.monitor(feed));

    // Act
    await GenServer.stop(feed);

    // Assert
    expect(await probe.receive(isDown)).toEqual({ type: "DOWN", ref, pid: feed, reason: "normal" });
  });

  it("should return what fn returns and rethrow what it throws", () => {
    // Arrange
    const probe = startProbe();

    // Act
    const value = probe.run(() => 42);
    const failing = () =>
      probe.run(() => {
        throw new Error("inside");
      });

    // Assert
    expect(value).toBe(42);
    expect(failing).toThrow("inside");
  });
});

describe("Probe.stop", () => {
  it("should end the probe with the reason its monitors see", async () => {
    // Arrange
    const probe = startProbe();
    const observer = startProbe();
    observer.run(() => Process.monitor(probe.pid));

    // Act
    probe.stop("shutdown");

    // Assert
    expect(probe.alive).toBe(false);
    expect(Process.alive(probe.pid)).toBe(false);
    expect(await observer.receive(isDown)).toMatchObject({ pid: probe.pid, reason: "shutdown" });
  });

  it("should drop what is sent to it afterwards", async () => {
    // Arrange
    const probe = startProbe();
    probe.stop();

    // Act
    Process.send(probe.pid, { type: "late" });
    await settle();

    // Assert
    expect(probe.messages()).toEqual([]);
  });
});
