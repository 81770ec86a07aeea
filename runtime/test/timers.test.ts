import { describe, expect, it } from "vitest";
import { GenServer, type GenServerModule, noreply, now, ok, Process, Sys, self } from "#runtime";
import { type Loose, Probe, type ProbeProtocol, pendingTimers, received, useFakeClock, useLogs, useProcesses } from "./support.ts";

const T0 = 1_700_000_000_000;
const clock = useFakeClock(T0);
const { start } = useProcesses();
useLogs();

/** A server whose casts return the idle timeout they carry (`{ type: "arm", ms }`) or none, logging timeouts with their time. */
function idleServer(log: string[]): GenServerModule<Loose, undefined, null> {
  return {
    init: () => ok(null),
    handleCast(message, state) {
      log.push(`${message.type}@${now() - T0}`);
      const ms = message.ms;
      return typeof ms === "number" ? noreply(state, ms) : noreply(state);
    },
    handleInfo(message, state) {
      log.push(`${message.type}@${now() - T0}`);
      return noreply(state);
    },
  };
}

describe("Idle timeout", () => {
  it("#36 should deliver a timeout info after N ms of inactivity when a callback returns timeout N", async () => {
    // Arrange
    const log: string[] = [];
    const pid = await start(idleServer(log), undefined);

    // Act
    GenServer.cast(pid, { type: "arm", ms: 100 });
    await clock().tickAsync(99);
    const before = [...log];
    await clock().tickAsync(1);
    await Sys.getState(pid);

    // Assert
    expect(before).toEqual(["arm@0"]);
    expect(log).toEqual(["arm@0", "timeout@100"]);
  });

  it("#37 should cancel the idle timeout when any message arrives", async () => {
    // Arrange
    const log: string[] = [];
    const pid = await start(idleServer(log), undefined);
    GenServer.cast(pid, { type: "arm", ms: 100 });
    await clock().tickAsync(60);

    // Act
    Process.send(pid, { type: "ping" });
    await clock().tickAsync(1000);
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual(["arm@0", "ping@60"]);
  });

  it.each([0, 100])("#37 should ignore a returned timeout of %i when a message is already queued", async (ms) => {
    // Arrange
    const log: string[] = [];
    const pid = await start(idleServer(log), undefined);

    // Act
    GenServer.cast(pid, { type: "arm", ms });
    GenServer.cast(pid, { type: "queued" });
    await clock().tickAsync(1000);
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual(["arm@0", "queued@0"]);
  });

  it("#36 should fire each server's idle timeout at its own deadline when another server re-arms one of the same length", async () => {
    // Arrange
    const log: string[] = [];
    const a = await start(idleServer(log), undefined);
    const b = await start(idleServer(log), undefined);
    GenServer.cast(a, { type: "arm_a", ms: 100 });
    await clock().tickAsync(10);
    GenServer.cast(b, { type: "arm_b", ms: 100 });
    await clock().tickAsync(10);

    // Act
    GenServer.cast(a, { type: "rearm_a", ms: 100 });
    await clock().tickAsync(200);

    // Assert
    expect(log).toEqual(["arm_a@0", "arm_b@10", "rearm_a@20", "timeout@110", "timeout@120"]);
  });

  it("#38 should clear the previous idle timeout when the next callback returns none", async () => {
    // Arrange
    const log: string[] = [];
    const pid = await start(idleServer(log), undefined);
    GenServer.cast(pid, { type: "arm", ms: 100 });
    await clock().tickAsync(50);

    // Act
    GenServer.cast(pid, { type: "plain" });
    await clock().tickAsync(1000);
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual(["arm@0", "plain@50"]);
  });

  it("#38 should count a new idle timeout from the callback that returned it", async () => {
    // Arrange
    const log: string[] = [];
    const pid = await start(idleServer(log), undefined);
    GenServer.cast(pid, { type: "arm", ms: 100 });
    await clock().tickAsync(50);

    // Act
    GenServer.cast(pid, { type: "rearm", ms: 100 });
    await clock().tickAsync(1000);
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual(["arm@0", "rearm@50", "timeout@150"]);
  });
});

describe("Timers", () => {
  it("#47 should deliver a sendAfter message to handleInfo after ms and return a timer ref", async () => {
    // Arrange
    const probe = await start(Probe, {});

    // Act
    const ref = Process.sendAfter(probe, { type: "tick" }, 100);
    await clock().tickAsync(99);
    const before = await received(probe);
    await clock().tickAsync(1);

    // Assert
    expect(ref).toMatchObject({ kind: "timer" });
    expect(before).toEqual([]);
    expect(await received(probe)).toEqual([{ type: "tick" }]);
  });

  it("should fire a timer armed after every earlier timer of the same length has fired", async () => {
    // Arrange: the first timer empties its duration's queue of deadlines.
    const probe = await start(Probe, {});
    Process.sendAfter(probe, { type: "first" }, 50);
    await clock().tickAsync(50);

    // Act
    Process.sendAfter(probe, { type: "second" }, 50);
    await clock().tickAsync(50);

    // Assert
    expect(await received(probe)).toEqual([{ type: "first" }, { type: "second" }]);
  });

  it("#47 should deliver sendAfter(…, 0) asynchronously", async () => {
    // Arrange
    const probe = await start(Probe, {});

    // Act
    Process.sendAfter(probe, { type: "zero" }, 0);
    const before = await received(probe);
    await clock().tickAsync(0);

    // Assert
    expect(before).toEqual([]);
    expect(await received(probe)).toEqual([{ type: "zero" }]);
  });

  it("#47 should let a server re-arm a periodic sendAfter to itself, as the chapter's workers do", async () => {
    // Arrange
    const log: number[] = [];
    const Periodic: GenServerModule<Loose, undefined, null> = {
      init() {
        Process.sendAfter(self(), { type: "check" }, 1000);
        return ok(null);
      },
      handleInfo(_message, state) {
        log.push(now() - T0);
        Process.sendAfter(self(), { type: "check" }, 1000);
        return noreply(state);
      },
    };
    const pid = await start(Periodic, undefined);

    // Act
    await clock().tickAsync(3500);
    await Sys.getState(pid);

    // Assert
    expect(log).toEqual([1000, 2000, 3000]);
  });

  it("#48 should return the ms left from cancelTimer and readTimer while active, false once cancelled", async () => {
    // Arrange
    const probe = await start(Probe, {});
    const ref = Process.sendAfter(probe, { type: "tick" }, 1000);
    await clock().tickAsync(300);

    // Act
    const read = Process.readTimer(ref);
    const cancelled = Process.cancelTimer(ref);
    const cancelledAgain = Process.cancelTimer(ref);
    const readAfter = Process.readTimer(ref);
    await clock().tickAsync(1000);

    // Assert
    expect([read, cancelled, cancelledAgain, readAfter]).toEqual([700, 700, false, false]);
    expect(await received(probe)).toEqual([]);
  });

  it("#48 should return false from cancelTimer and readTimer after the timer fired", async () => {
    // Arrange
    const probe = await start(Probe, {});
    const ref = Process.sendAfter(probe, { type: "tick" }, 100);

    // Act
    await clock().tickAsync(100);

    // Assert
    expect(Process.readTimer(ref)).toBe(false);
    expect(Process.cancelTimer(ref)).toBe(false);
    expect(await received(probe)).toEqual([{ type: "tick" }]);
  });

  it("#49 should cancel a timer aimed at a pid when that pid exits", async () => {
    // Arrange
    const probe = await start(Probe, {});
    const ref = Process.sendAfter(probe, { type: "tick" }, 100);

    // Act
    await GenServer.stop(probe);
    await clock().tickAsync(0);

    // Assert
    expect(Process.readTimer(ref)).toBe(false);
    expect(pendingTimers(clock())).toBe(0);
  });

  it("#49 should resolve a timer aimed at a name when it fires", async () => {
    // Arrange
    const name = GenServer.name<ProbeProtocol>("TimerTarget");
    const first = await start(Probe, {}, { name });
    Process.sendAfter(name, { type: "tick" }, 100);
    await GenServer.stop(first);
    const second = await start(Probe, {}, { name });

    // Act
    await clock().tickAsync(100);

    // Assert
    expect(await received(second)).toEqual([{ type: "tick" }]);
  });

  it("#49 should drop a timer aimed at a name nobody holds when it fires", async () => {
    // Arrange
    const name = GenServer.name<Loose>("NobodyHere");

    // Act
    Process.sendAfter(name, { type: "tick" }, 100);
    await clock().tickAsync(100);

    // Assert
    expect(GenServer.whereis(name)).toBeNull();
    expect(pendingTimers(clock())).toBe(0);
  });

  it("should reject a negative or fractional sendAfter delay", async () => {
    // Arrange
    const probe = await start(Probe, {});

    // Act / Assert
    expect(() => Process.sendAfter(probe, { type: "x" }, -1)).toThrow(TypeError);
    expect(() => Process.sendAfter(probe, { type: "x" }, 1.5)).toThrow(TypeError);
  });
});

describe("now", () => {
  it("should read the fake clock's milliseconds and advance with it", async () => {
    // Arrange
    const before = now();

    // Act
    await clock().tickAsync(1234);

    // Assert
    expect(before).toBe(T0);
    expect(now() - before).toBe(1234);
  });
});

describe("now on the real clock", () => {
  it("should follow a synchronous tick of a fake clock at once", () => {
    // Arrange: a faked Date is read every time, so a test's tick shows in the same synchronous stretch.
    const start = clock().now;

    // Act
    clock().tick(7);

    // Assert
    expect(now()).toBe(start + 7);
  });

  it("should never serve a real clock reading past the current job", async () => {
    // Arrange
    clock().uninstall();
    const before = now();

    // Act: a real wait of a few milliseconds, with no process running in between.
    await new Promise<void>((resolve) => setTimeout(resolve, 25));
    const after = now();

    // Assert
    expect(after - before).toBeGreaterThanOrEqual(20);
  });
});
