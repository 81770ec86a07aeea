import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as FakeTimers from "@sinonjs/fake-timers";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ExitError, GenServer, type GenServerModule, now, ok, type Pid, Process, Sys, self, useClock } from "#runtime";
import { messagePassing as messagePassingWith, T0, timeline } from "./message-passing.ts";
import { type InstalledClock, type Loose, pendingTimers, useLogs, useProcesses } from "./support.ts";

// The runtime is imported above and every clock below is installed after that, as graders do: the runtime must
// look its timers up when arming them.
const { start, track } = useProcesses();
useLogs();

let installed: InstalledClock | null = null;
afterEach(() => {
  installed?.runMicrotasks();
  installed?.uninstall();
  installed = null;
  vi.useRealTimers();
  useClock(null);
});

/**
 * Everything FakeTimers.install() fakes by default but process.nextTick: this file runs in one of Vitest's child
 * processes, whose messages to the main process go through process.nextTick; faked, they wait on the fake clock and
 * the run hangs after its last test (Vitest refuses `toFake: ["nextTick"]` there for that reason). The defaults,
 * nextTick included, are tested in a process of their own (message-passing.ts).
 */
const ALL_BUT_NEXT_TICK = (Object.keys(FakeTimers.timers) as FakeTimers.FakeMethod[]).filter((method) => method !== "nextTick");

function install(options: FakeTimers.Config = {}): InstalledClock {
  installed = FakeTimers.install({ now: T0, toFake: ALL_BUT_NEXT_TICK, ...options });
  return installed;
}

/** The message passing of message-passing.ts, with the processes it starts tracked (and killed after the test). */
const messagePassing = (): ReturnType<typeof messagePassingWith> => messagePassingWith(start);

describe("Message passing under fake timers", () => {
  it("should need no tick under FakeTimers.install() defaults (setImmediate, nextTick and queueMicrotask faked), in a process of its own", () => {
    // Act: message-passing.ts installs the defaults and prints what messagePassing() gave and the timers left.
    const script = fileURLToPath(new URL("./message-passing.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });

    // Assert
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({
      result: { log: ["cast@0", "info@0"], reply: "call@0", state: null, stopped: "ok" },
      pendingTimers: 0,
      nextTickFaked: true,
    });
  });

  it("should need no tick under FakeTimers.install() with every default but nextTick", async () => {
    // Arrange
    install();

    // Act
    const result = await messagePassing();

    // Assert
    expect(result).toEqual({ log: ["cast@0", "info@0"], reply: "call@0", state: null, stopped: "ok" });
    expect(pendingTimers(installed as InstalledClock)).toBe(0);
  });

  it("should need no tick under vi.useFakeTimers() defaults", async () => {
    // Arrange
    vi.useFakeTimers({ now: T0 });

    // Act
    const result = await messagePassing();

    // Assert
    expect(result).toEqual({ log: ["cast@0", "info@0"], reply: "call@0", state: null, stopped: "ok" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("should fire sendAfter, idle timeouts and call timeouts under vi.advanceTimersByTimeAsync", async () => {
    // Arrange
    vi.useFakeTimers({ now: T0 });
    const log: string[] = [];
    const pid = await start(timeline(log), undefined);

    // Act
    const calling = GenServer.call(pid, { type: "silent" }, 100).catch((e: unknown) => `${String((e as ExitError).reason)}@${now() - T0}`);
    GenServer.cast(pid, { type: "arm", idle: 200 });
    Process.sendAfter(pid, { type: "later" }, 300);
    await vi.advanceTimersByTimeAsync(300);
    const callOutcome = await calling;
    await GenServer.stop(pid);

    // Assert
    expect(callOutcome).toBe("timeout@100");
    expect(log).toEqual(["arm@0", "timeout@200", "later@300"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("should not read performance.now()", async () => {
    // Arrange
    const clock = install();
    vi.spyOn(performance, "now").mockImplementation(() => {
      throw new Error("performance.now() should not be used");
    });
    const log: string[] = [];
    const pid = await start(timeline(log), undefined);

    // Act
    GenServer.cast(pid, { type: "arm", idle: 50 });
    Process.sendAfter(pid, { type: "later" }, 100);
    await clock.tickAsync(200);
    await GenServer.stop(pid);

    // Assert
    expect(log).toEqual(["arm@0", "timeout@50", "later@100"]);
  });
});

describe("Time order under tickAsync", () => {
  it("should fire a call timeout, an idle timeout and a sendAfter in deadline order, whatever the order they were armed in", async () => {
    // Arrange
    const clock = install();
    const log: string[] = [];
    const pid = await start(timeline(log), undefined);
    const other = await start(timeline([]), undefined);

    // Act
    Process.sendAfter(pid, { type: "sendAfter" }, 300);
    GenServer.cast(pid, { type: "arm", idle: 200 });
    const calling = GenServer.call(other, { type: "silent" }, 100).catch((e: unknown) => {
      log.push(`call ${String((e as ExitError).reason)}@${now() - T0}`);
    });
    Process.sendAfter(pid, { type: "early" }, 50);
    await clock.tickAsync(1000);
    await calling;

    // Assert
    expect(log).toEqual(["arm@0", "early@50", "call timeout@100", "sendAfter@300"]);
  });

  it("should deliver sendAfter messages in deadline order, ties in arming order, under random delays and arming times", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ wait: fc.integer({ min: 0, max: 30 }), ms: fc.integer({ min: 0, max: 100 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        async (timers) => {
          const clock = FakeTimers.install({ now: T0, toFake: ALL_BUT_NEXT_TICK });
          const log: string[] = [];
          const pid = track(await GenServer.start(timeline(log), undefined));
          try {
            // Arrange: each timer is armed `wait` ms after the previous one.
            const expected: Array<{ at: number; seq: number }> = [];
            let at = 0;
            for (const [seq, timer] of timers.entries()) {
              await clock.tickAsync(timer.wait);
              at += timer.wait;
              Process.sendAfter(pid, { type: `t${seq}` }, timer.ms);
              expected.push({ at: at + timer.ms, seq });
            }

            // Act
            await clock.tickAsync(200);
            await Sys.getState(pid);

            // Assert
            expected.sort((a, b) => a.at - b.at || a.seq - b.seq);
            expect(log).toEqual(expected.map(({ at: t, seq }) => `t${seq}@${t}`));
          } finally {
            await GenServer.stop(pid);
            expect(pendingTimers(clock)).toBe(0);
            clock.runMicrotasks();
            clock.uninstall();
          }
        },
      ),
      { seed: 20260523, numRuns: 60 },
    );
  });
});

describe("No timer left behind", () => {
  it("should leave pendingTimers(clock) at 0 once every process has stopped", async () => {
    // Arrange
    const clock = install();
    const log: string[] = [];
    const a = await start(timeline(log), undefined);
    const b = await start(timeline(log), undefined);
    const c = await start(timeline(log), undefined);
    const slowInit: GenServerModule<Loose, undefined, null> = {
      init() {
        Process.sendAfter(self(), { type: "self-timer" }, 10_000);
        return ok(null, 5000);
      },
    };
    const d = await start(slowInit, undefined);
    GenServer.cast(a, { type: "arm", idle: 5000 });
    Process.sendAfter(b, { type: "later" }, 10_000);
    const pending = GenServer.call(c, { type: "silent" }, 60_000).catch((e: unknown) => (e as ExitError).reason);
    const armed = pendingTimers(clock);

    // Act
    for (const pid of [a, b, c, d] as Pid[]) await GenServer.stop(pid);
    const reason = await pending;

    // Assert
    expect(armed).toBeGreaterThan(0);
    expect(reason).toBe("normal");
    expect(pendingTimers(clock)).toBe(0);
  });

  it("should leave no timer after a call that was answered in time", async () => {
    // Arrange
    const clock = install();
    const pid = await start(timeline([]), undefined);

    // Act
    for (let i = 0; i < 3; i++) await GenServer.call(pid, { type: "quick" }, 1000);
    await GenServer.stop(pid);

    // Assert
    expect(pendingTimers(clock)).toBe(0);
  });
});

describe("Injected clock", () => {
  it("should arm timers on and read time from a clock given to useClock", async () => {
    // Arrange
    const clock = FakeTimers.createClock(T0);
    useClock(clock);
    const log: string[] = [];
    const pid = await start(timeline(log), undefined);

    // Act
    Process.sendAfter(pid, { type: "later" }, 100);
    await clock.tickAsync(100);
    await Sys.getState(pid);
    await GenServer.stop(pid);

    // Assert
    expect(log).toEqual(["later@100"]);
    expect(now()).toBe(T0 + 100);
    expect(pendingTimers(clock)).toBe(0);
  });
});
