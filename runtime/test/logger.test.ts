import { afterEach, describe, expect, it, vi } from "vitest";
import { type ExitError, GenServer, type GenServerModule, Logger, noreply, ok, reply, stop } from "#runtime";
import { type Loose, useFakeClock, useProcesses } from "./support.ts";

const T0 = 1_700_000_000_000;
useFakeClock(T0);
const { start } = useProcesses();

afterEach(() => {
  Logger.configure({ level: "debug" });
  vi.restoreAllMocks();
});

/** A server that logs on request, stops on request and crashes on request. */
const Chatty: GenServerModule<Loose, undefined, null> = {
  init: () => ok(null),
  handleCall(request, _from, state) {
    if (request.type === "crash") throw new Error("kaput");
    Logger.info(`handling ${request.type}`);
    return reply("ok", state);
  },
  handleCast(message, state) {
    return message.type === "stop" ? stop(message.reason, state) : noreply(state);
  },
};

describe("Logger levels", () => {
  it("should keep every level by default", async () => {
    // Act
    const lines = await Logger.captureLog(() => {
      Logger.debug("d");
      Logger.info("i");
      Logger.warn("w");
      Logger.error("e");
    });

    // Assert
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ["debug", "d"],
      ["info", "i"],
      ["warn", "w"],
      ["error", "e"],
    ]);
  });

  it("should drop the lines below the configured level", async () => {
    // Arrange
    Logger.configure({ level: "warn" });

    // Act
    const lines = await Logger.captureLog(() => {
      Logger.debug("d");
      Logger.info("i");
      Logger.warn("w");
      Logger.error("e");
    });

    // Assert
    expect(lines.map((line) => line.level)).toEqual(["warn", "error"]);
    expect(Logger.level()).toBe("warn");
  });

  it("should drop every line at level none", async () => {
    // Arrange
    Logger.configure({ level: "none" });

    // Act
    const lines = await Logger.captureLog(() => Logger.error("e"));

    // Assert
    expect(lines).toEqual([]);
  });

  it("should refuse an unknown level", () => {
    // Act / Assert
    expect(() => Logger.configure({ level: "verbose" as "debug" })).toThrow(TypeError);
  });
});

describe("Logger.captureLog", () => {
  it("should capture the lines of every process until fn settled, with their pid and time", async () => {
    // Arrange
    const pid = await start(Chatty, undefined);

    // Act
    const lines = await Logger.captureLog(async () => {
      Logger.warn("from the test");
      await GenServer.call(pid, { type: "price" });
    });

    // Assert
    expect(lines).toEqual([
      { level: "warn", message: "from the test", pid: null, time: T0 },
      { level: "info", message: "handling price", pid, time: T0 },
    ]);
  });

  it("should keep captured lines off the console", async () => {
    // Arrange
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);

    // Act
    await Logger.captureLog(() => {
      Logger.info("quiet");
      Logger.error("quiet");
    });

    // Assert
    expect(log).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it("should write to the console when nothing captures and no handler is added", () => {
    // Arrange
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);

    // Act
    Logger.info("to stdout");
    Logger.error("to stderr");

    // Assert
    expect(log).toHaveBeenCalledWith("[info] to stdout");
    expect(error).toHaveBeenCalledWith("[error] to stderr");
  });

  it("should format a non-string message like inspect", async () => {
    // Act
    const lines = await Logger.captureLog(() => Logger.info({ symbol: "BTCUSD", price: 1 }));

    // Assert
    expect(lines[0]?.message).toBe("{ symbol: 'BTCUSD', price: 1 }");
  });
});

describe("Logger.addHandler", () => {
  it("should send every line to the handler until it is removed", () => {
    // Arrange
    const seen: string[] = [];
    const remove = Logger.addHandler((entry) => seen.push(entry.message));

    // Act
    Logger.info("one");
    remove();
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    Logger.info("two");

    // Assert
    expect(seen).toEqual(["one"]);
    expect(log).toHaveBeenCalledWith("[info] two");
  });
});

describe("Crash logging", () => {
  it("#43 should log a crash once, at error level, with the server's pid and the error", async () => {
    // Arrange
    const pid = await start(Chatty, undefined);

    // Act
    const lines = await Logger.captureLog(async () => {
      await GenServer.call(pid, { type: "crash" }).catch((e: unknown) => (e as ExitError).reason);
    });

    // Assert
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", pid });
    expect(lines[0]?.message).toMatch(/kaput/);
  });

  it.each(["normal", "shutdown", { shutdown: "restart" }])("#43 should not log a stop with reason %o", async (reason) => {
    // Arrange
    const pid = await start(Chatty, undefined);

    // Act
    const lines = await Logger.captureLog(async () => {
      GenServer.cast(pid, { type: "stop", reason });
      await GenServer.call(pid, { type: "after" }).catch(() => undefined);
    });

    // Assert
    expect(lines).toEqual([]);
  });

  it("#43 should not log a GenServer.stop with the default reason", async () => {
    // Arrange
    const pid = await start(Chatty, undefined);

    // Act
    const lines = await Logger.captureLog(() => GenServer.stop(pid));

    // Assert
    expect(lines).toEqual([]);
  });
});
