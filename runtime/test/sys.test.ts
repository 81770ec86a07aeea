import { describe, expect, it } from "vitest";
import { GenServer, type GenServerModule, noreply, ok, Process, reply, Sys } from "#runtime";
import { type Loose, pendingTimers, useFakeClock, useLogs, useProcesses } from "./support.ts";

const clock = useFakeClock();
const { start } = useProcesses();
useLogs();

interface Prices {
  readonly prices: Readonly<Record<string, number>>;
}

const PriceCache: GenServerModule<Loose, undefined, Prices> = {
  init: () => ok({ prices: {} }),
  handleCall: (request, _from, state) => reply(state.prices[String(request.symbol)], state),
  handleCast: (message, state) => noreply({ prices: { ...state.prices, [String(message.symbol)]: Number(message.price) } }),
};

describe("Sys.getState", () => {
  it("#55 should return the state after the messages queued before it", async () => {
    // Arrange
    const pid = await start(PriceCache, undefined);

    // Act
    GenServer.cast(pid, { type: "put", symbol: "BTCUSD", price: 1 });
    GenServer.cast(pid, { type: "put", symbol: "ETHUSD", price: 2 });
    const state = await Sys.getState(pid);

    // Assert
    expect(state).toEqual({ prices: { BTCUSD: 1, ETHUSD: 2 } });
  });

  it("#55 should reject with noproc for a dead server", async () => {
    // Arrange
    const pid = await start(PriceCache, undefined);
    await GenServer.stop(pid);

    // Act
    const error = await Sys.getState(pid).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ reason: "noproc", call: { fn: "Sys.getState" } });
  });
});

describe("Sys.replaceState", () => {
  it("#55 should set the state to fn(state) after the queued messages and resolve to it", async () => {
    // Arrange
    const pid = await start(PriceCache, undefined);
    GenServer.cast(pid, { type: "put", symbol: "BTCUSD", price: 1 });

    // Act
    const replaced = await Sys.replaceState(pid, (state: Prices) => ({ prices: { ...state.prices, BTCUSD: 99 } }));

    // Assert
    expect(replaced).toEqual({ prices: { BTCUSD: 99 } });
    expect(await GenServer.call(pid, { type: "get", symbol: "BTCUSD" })).toBe(99);
  });

  it("#55 should leave the state unchanged and keep the server alive when fn throws", async () => {
    // Arrange
    const pid = await start(PriceCache, undefined);
    GenServer.cast(pid, { type: "put", symbol: "BTCUSD", price: 1 });
    const thrown = new Error("bad fn");

    // Act
    const error = await Sys.replaceState(pid, () => {
      throw thrown;
    }).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ reason: { callback_failed: thrown } });
    expect(await Sys.getState(pid)).toEqual({ prices: { BTCUSD: 1 } });
    expect(Process.alive(pid)).toBe(true);
  });
});

describe("Sending to a dead process", () => {
  it("#56 should never throw for send, cast or sendAfter to a dead pid", async () => {
    // Arrange
    const pid = await start(PriceCache, undefined);
    await GenServer.stop(pid);

    // Act
    const act = (): unknown[] => [
      Process.send(pid, { type: "x" }),
      GenServer.cast(pid, { type: "x" }),
      Process.sendAfter(pid, { type: "x" }, 10),
    ];

    // Assert
    expect(act).not.toThrow();
    await clock().tickAsync(10);
    expect(pendingTimers(clock())).toBe(0);
  });
});
