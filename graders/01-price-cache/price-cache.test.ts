import fc from "fast-check";
import { afterEach, it } from "vitest";
import { assertEqual, assertModel, assertRejects, fail, gradeTask, t } from "#grading";
import * as PriceCache from "#impl/01-price-cache/price-cache.ts";
import { GenServer, type Pid, Process, StartError, Sys } from "#runtime";

type Server = Pid<PriceCache.PriceCacheProtocol>;

const started: Server[] = [];

/** Starts a cache for this test (stopped after it); a failure to start reads as the call that failed. */
async function startCache(call = "PriceCache.start()", start: () => Promise<Server> = () => PriceCache.start()): Promise<Server> {
  let pid: Server;
  try {
    pid = await start();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    fail({
      es: `${call} falló: ${reason}\nSin un servidor en marcha no se puede comprobar nada más de esta tarea.`,
      en: `${call} failed: ${reason}\nWithout a running server nothing else of this task can be checked.`,
    });
  }
  started.push(pid);
  return pid;
}

afterEach(async () => {
  for (const pid of started.splice(0)) {
    if (Process.alive(pid)) await GenServer.stop(pid).catch(() => undefined);
  }
});

let nameCounter = 0;
const uniqueName = (): string => `PriceCache${++nameCounter}`;

gradeTask(1, () => {
  it("should start a live server whose state is an empty Map", async () => {
    const pid = await startCache();
    assertEqual(Process.alive(pid), true, { call: "Process.alive(await PriceCache.start())" });
    assertEqual(await Sys.getState(pid), new Map(), {
      call: "Sys.getState(await PriceCache.start())",
      note: { es: "init debe devolver ok(new Map()).", en: "init should return ok(new Map())." },
    });
  });

  it("should start a separate server on each start, and with startLink", async () => {
    const first = await startCache();
    const second = await startCache("PriceCache.startLink()", () => PriceCache.startLink());
    assertEqual(first === second, false, { call: "(await PriceCache.start()) === (await PriceCache.startLink())" });
    assertEqual(await Sys.getState(second), new Map(), { call: "Sys.getState(await PriceCache.startLink())" });
  });
});

gradeTask(2, () => {
  it("should return the price stored with put", async () => {
    const pid = await startCache();
    PriceCache.put(pid, "BTCUSD", 67543.21);
    assertEqual(await PriceCache.get(pid, "BTCUSD"), 67543.21, {
      call: `PriceCache.put(pid, "BTCUSD", 67543.21); await PriceCache.get(pid, "BTCUSD")`,
    });
  });

  it("should keep the last price when a symbol is put twice", async () => {
    const pid = await startCache();
    PriceCache.put(pid, "AAPL", 189.5);
    PriceCache.put(pid, "AAPL", 190.25);
    assertEqual(await PriceCache.get(pid, "AAPL"), 190.25, {
      call: `PriceCache.put(pid, "AAPL", 189.5); PriceCache.put(pid, "AAPL", 190.25); await PriceCache.get(pid, "AAPL")`,
    });
  });

  it("should keep each symbol's price apart", async () => {
    const pid = await startCache();
    PriceCache.put(pid, "BTCUSD", 67543.21);
    PriceCache.put(pid, "ETHUSD", 3456.78);
    assertEqual(await PriceCache.get(pid, "BTCUSD"), 67543.21, {
      call: `PriceCache.put(pid, "BTCUSD", 67543.21); PriceCache.put(pid, "ETHUSD", 3456.78); await PriceCache.get(pid, "BTCUSD")`,
    });
    assertEqual(await PriceCache.get(pid, "ETHUSD"), 3456.78, { call: `await PriceCache.get(pid, "ETHUSD")` });
  });

  it('should put with a cast that returns "ok" at once', async () => {
    const pid = await startCache();
    assertEqual(PriceCache.put(pid, "EURUSD", 1.0842), "ok", {
      call: `PriceCache.put(pid, "EURUSD", 1.0842)`,
      note: {
        es: 'put usa GenServer.cast, que devuelve "ok" sin esperar al servidor.',
        en: 'put uses GenServer.cast, which returns "ok" without waiting for the server.',
      },
    });
    assertEqual(await Sys.getState(pid), new Map([["EURUSD", 1.0842]]), { call: `Sys.getState(pid)` });
  });

  it("should get with a call to the server", async () => {
    const pid = await startCache();
    PriceCache.put(pid, "MSFT", 415.1);
    await Sys.replaceState(pid, (state) => new Map([...(state as PriceCache.PriceCacheState), ["MSFT", 999]]));
    assertEqual(await PriceCache.get(pid, "MSFT"), 999, {
      call: `await PriceCache.get(pid, "MSFT")`,
      note: { es: "get debe preguntar al servidor con GenServer.call.", en: "get should ask the server with GenServer.call." },
    });
  });
});

gradeTask(3, () => {
  it("should give undefined for a symbol never stored", async () => {
    const pid = await startCache();
    assertEqual(await PriceCache.get(pid, "DOGEUSD"), undefined, { call: `await PriceCache.get(pid, "DOGEUSD")` });
  });

  it("should give undefined for an unknown symbol when others are stored", async () => {
    const pid = await startCache();
    PriceCache.put(pid, "BTCUSD", 67543.21);
    assertEqual(await PriceCache.get(pid, "btcusd"), undefined, {
      call: `PriceCache.put(pid, "BTCUSD", 67543.21); await PriceCache.get(pid, "btcusd")`,
    });
  });

  it("should treat names of object properties as ordinary symbols", async () => {
    const pid = await startCache();
    for (const symbol of ["toString", "constructor", "__proto__"]) {
      assertEqual(await PriceCache.get(pid, symbol), undefined, {
        call: `await PriceCache.get(pid, ${JSON.stringify(symbol)})`,
        note: { es: "Guarda los precios en un Map, no en un objeto.", en: "Keep the prices in a Map, not in an object." },
      });
    }
    PriceCache.put(pid, "__proto__", 1);
    assertEqual(await PriceCache.get(pid, "__proto__"), 1, {
      call: `PriceCache.put(pid, "__proto__", 1); await PriceCache.get(pid, "__proto__")`,
    });
  });
});

gradeTask(4, () => {
  it("should register the server under the name option", async () => {
    const name = GenServer.name<PriceCache.PriceCacheProtocol>(uniqueName());
    const pid = await startCache(`PriceCache.start({ name: "${name}" })`, () => PriceCache.start({ name }));
    assertEqual(GenServer.whereis(name), pid, { call: `GenServer.whereis("${name}")` });
  });

  it("should get and put through the name", async () => {
    const name = GenServer.name<PriceCache.PriceCacheProtocol>(uniqueName());
    await startCache(`PriceCache.startLink({ name: "${name}" })`, () => PriceCache.startLink({ name }));
    PriceCache.put(name, "BTCUSD", 67543.21);
    assertEqual(await PriceCache.get(name, "BTCUSD"), 67543.21, {
      call: `PriceCache.put("${name}", "BTCUSD", 67543.21); await PriceCache.get("${name}", "BTCUSD")`,
    });
  });

  it("should refuse a second server with the same name", async () => {
    const name = GenServer.name<PriceCache.PriceCacheProtocol>(uniqueName());
    const pid = await startCache(`PriceCache.start({ name: "${name}" })`, () => PriceCache.start({ name }));
    const error = await assertRejects(PriceCache.start({ name }), {
      call: `PriceCache.start({ name: "${name}" }) // ${t({ es: "por segunda vez", en: "a second time" })}`,
      expected: { es: "un StartError con reason { already_started: pid }", en: "a StartError with reason { already_started: pid }" },
      check: (e) => e instanceof StartError,
    });
    assertEqual((error as StartError).reason, { already_started: pid }, { call: `(error as StartError).reason` });
  });
});

gradeTask(5, () => {
  it("should see a put followed by a get in order", async () => {
    const pid = await startCache();
    const seen: (number | undefined)[] = [];
    for (let price = 1; price <= 5; price++) {
      PriceCache.put(pid, "BTCUSD", price);
      seen.push(await PriceCache.get(pid, "BTCUSD"));
    }
    assertEqual(seen, [1, 2, 3, 4, 5], {
      call: `for (price of [1, 2, 3, 4, 5]) { PriceCache.put(pid, "BTCUSD", price); await PriceCache.get(pid, "BTCUSD") }`,
      note: {
        es: "Un cast llega antes que un call enviado después por el mismo proceso.",
        en: "A cast arrives before a call sent after it by the same process.",
      },
    });
  });

  it("should agree with a Map on any sequence of puts and gets over many symbols", async () => {
    type Model = { prices: Map<string, number> };
    // A few symbols, so that puts and gets meet often; mixed case and object property names on purpose.
    const symbol = fc.oneof(
      { arbitrary: fc.constantFrom("BTCUSD", "ETHUSD", "aapl", "Msft", "EURUSD", "__proto__", "toString"), weight: 4 },
      { arbitrary: fc.string({ maxLength: 2 }), weight: 1 },
    );
    const price = fc.double({ min: 0.01, max: 100_000, noNaN: true }).map((p) => Math.round(p * 100) / 100);
    const putCommand = fc.tuple(symbol, price).map(
      ([s, p]): fc.AsyncCommand<Model, Server> => ({
        check: () => true,
        run: async (model, real) => {
          PriceCache.put(real, s, p);
          model.prices.set(s, p);
        },
        toString: () => `PriceCache.put(pid, ${JSON.stringify(s)}, ${p})`,
      }),
    );
    const getCommand = symbol.map(
      (s): fc.AsyncCommand<Model, Server> => ({
        check: () => true,
        run: async (model, real) => {
          assertEqual(await PriceCache.get(real, s), model.prices.get(s), { call: `await PriceCache.get(pid, ${JSON.stringify(s)})` });
        },
        toString: () => `await PriceCache.get(pid, ${JSON.stringify(s)})`,
      }),
    );
    await assertModel<Model, Server>({
      setup: async () => {
        const real = await startCache();
        return { model: { prices: new Map() }, real, cleanup: () => GenServer.stop(real) };
      },
      commands: [putCommand, getCommand],
      numRuns: 100,
      maxCommands: 40,
    });
  });
});
