// Type-level tests: `tsc -p .` checks them (each `@ts-expect-error` must meet a real error); vitest runs the
// value-level halves against a live server.
import { describe, expect, expectTypeOf, it } from "vitest";
import { type Call, GenServer, type GenServerModule, noreply, ok, type Pid, Process, type Protocol, Registry, reply, Sys } from "#runtime";
import { useFakeClock, useProcesses } from "./support.ts";

useFakeClock();
const { start, track } = useProcesses();

interface PriceCacheProtocol extends Protocol {
  readonly call: Call<{ readonly type: "get"; readonly symbol: string }, number | undefined> | Call<{ readonly type: "size" }, number>;
  readonly cast: { readonly type: "put"; readonly symbol: string; readonly price: number };
  readonly info: { readonly type: "check" };
}

interface OtherProtocol extends Protocol {
  readonly call: Call<{ readonly type: "ping" }, "pong">;
  readonly cast: never;
  readonly info: never;
}

type Prices = ReadonlyMap<string, number>;

const PriceCache: GenServerModule<PriceCacheProtocol, undefined, Prices> = {
  init: () => ok(new Map()),
  handleCall(request, _from, state) {
    switch (request.type) {
      case "get":
        return reply(state.get(request.symbol), state);
      case "size":
        return reply(state.size, state);
      default: {
        const unreachable: never = request;
        return unreachable;
      }
    }
  },
  handleCast: (message, state) => noreply(new Map(state).set(message.symbol, message.price)),
  handleInfo: (_message, state) => noreply(state),
};

describe("Typed calls", () => {
  it("should resolve a call to the reply type of that request", async () => {
    // Arrange
    const pid = await start(PriceCache, undefined);
    GenServer.cast(pid, { type: "put", symbol: "BTCUSD", price: 67_543.21 });

    // Act
    const price = GenServer.call(pid, { type: "get", symbol: "BTCUSD" });
    const size = GenServer.call(pid, { type: "size" });

    // Assert
    expectTypeOf(price).resolves.toEqualTypeOf<number | undefined>();
    expectTypeOf(size).resolves.toEqualTypeOf<number>();
    expect(await price).toBe(67_543.21);
    expect(await size).toBe(1);
  });

  it("should carry the protocol through local names and via names", async () => {
    // Arrange
    track(await Registry.start({ keys: "unique", name: "TypedRegistry" }));
    const name = GenServer.name<PriceCacheProtocol>("TypedCache");
    const via = Registry.via<PriceCacheProtocol>("TypedRegistry", "BTCUSD");
    await start(PriceCache, undefined, { name });
    await start(PriceCache, undefined, { name: via });

    // Act
    const byName = GenServer.call(name, { type: "size" });
    const byVia = GenServer.call(via, { type: "get", symbol: "X" });

    // Assert
    expectTypeOf(byName).resolves.toEqualTypeOf<number>();
    expectTypeOf(byVia).resolves.toEqualTypeOf<number | undefined>();
    expectTypeOf(GenServer.start(PriceCache, undefined)).resolves.toEqualTypeOf<Pid<PriceCacheProtocol>>();
    expect([await byName, await byVia]).toEqual([0, undefined]);
  });

  it("should make a message the server does not accept a compile error", () => {
    // Each line below must fail to compile; the function is never called.
    function rejected(pid: Pid<PriceCacheProtocol>, other: Pid<OtherProtocol>): void {
      // @ts-expect-error: an unknown cast
      GenServer.cast(pid, { type: "delete", symbol: "BTCUSD" });
      // @ts-expect-error: a cast missing a field
      GenServer.cast(pid, { type: "put", symbol: "BTCUSD" });
      // @ts-expect-error: a field of the wrong type
      GenServer.cast(pid, { type: "put", symbol: "BTCUSD", price: "high" });
      // @ts-expect-error: a call request the server does not take
      void GenServer.call(pid, { type: "clear" });
      // @ts-expect-error: a cast sent as a call
      void GenServer.call(pid, { type: "put", symbol: "BTCUSD", price: 1 });
      // @ts-expect-error: an info the server does not take
      Process.send(pid, { type: "tick" });
      // @ts-expect-error: another server's request
      void GenServer.call(other, { type: "size" });
      // @ts-expect-error: a server that takes no casts
      GenServer.cast(other, { type: "put", symbol: "BTCUSD", price: 1 });
      // @ts-expect-error: a typed name keeps its protocol
      GenServer.cast(GenServer.name<PriceCacheProtocol>("PriceCache"), { type: "ping" });
      // @ts-expect-error: so does a via name
      void GenServer.call(Registry.via<PriceCacheProtocol>("R", "k"), { type: "ping" });
    }

    expect(typeof rejected).toBe("function");
  });

  it("should make a reply of the wrong type a compile error", () => {
    // Each line below must fail to compile; nothing here runs.
    async function rejected(pid: Pid<PriceCacheProtocol>): Promise<void> {
      // @ts-expect-error: size replies a number
      const size: string = await GenServer.call(pid, { type: "size" });
      // @ts-expect-error: get may reply undefined
      const price: number = await GenServer.call(pid, { type: "get", symbol: "BTCUSD" });
      void [size, price];
    }

    expect(typeof rejected).toBe("function");
  });

  it("should type the callbacks of a module by its protocol and state", () => {
    // Each module below must fail to compile; none is started.
    const wrongReply: GenServerModule<OtherProtocol, undefined, number> = {
      init: () => ok(0),
      // @ts-expect-error: ping replies "pong"
      handleCall: (_request, _from, n) => reply("pang", n),
    };
    const wrongState: GenServerModule<OtherProtocol, undefined, number> = {
      // @ts-expect-error: the state is a number
      init: () => ok("zero"),
    };
    const wrongResult: GenServerModule<PriceCacheProtocol, undefined, Prices> = {
      init: () => ok(new Map()),
      // @ts-expect-error: a cast cannot reply
      handleCast: (_message, state) => reply(1, state),
    };

    expect([wrongReply, wrongState, wrongResult].length).toBe(3);
  });

  it("should type Sys.replaceState by the state it is given", async () => {
    // Arrange
    const pid = await start(PriceCache, undefined);

    // Act
    const replaced = Sys.replaceState(pid, (state: Prices): Prices => new Map(state).set("ETHUSD", 1));

    // Assert
    expectTypeOf(replaced).resolves.toEqualTypeOf<Prices>();
    expect((await replaced).get("ETHUSD")).toBe(1);
  });
});
