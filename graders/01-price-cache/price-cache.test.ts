import fc from "fast-check";
import { it } from "vitest";
import {
  assertAnswer,
  assertEqual,
  assertModel,
  assertRejects,
  type Examples,
  examples,
  gradeTask,
  StartError,
  startServer,
  subject,
  t,
} from "#grading";
import type * as Impl from "#impl/01-price-cache/price-cache.ts";
import type { Name, Pid } from "#runtime";

const PriceCache = subject.module<typeof Impl>();
const { GenServer, Process, Sys } = subject.runtime;

type Server = Pid<Impl.PriceCacheProtocol>;

/** Starts a cache for this test (the subject stops it after the test). */
function startCache(call = "PriceCache.start()", start: () => Promise<Server> = () => PriceCache.start()): Promise<Server> {
  return startServer(call, start);
}

/** A server name drawn for this test, so that no implementation can know it in advance. */
const drawnName = (ex: Examples): Name<Impl.PriceCacheProtocol> =>
  GenServer.name<Impl.PriceCacheProtocol>(`PriceCache${ex.int(1, 99_999)}`);

const q = (text: string): string => JSON.stringify(text);

gradeTask(1, () => {
  it("should start a live server whose state is an empty Map", async () => {
    const pid = await startCache();
    assertEqual(await Process.alive(pid), true, { call: "Process.alive(await PriceCache.start())" });
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
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startCache();
    await PriceCache.put(pid, symbol, price);
    await assertAnswer(PriceCache.get(pid, symbol), price, {
      call: `PriceCache.put(pid, ${q(symbol)}, ${price}); await PriceCache.get(pid, ${q(symbol)})`,
    });
  });

  it("should keep the last price when a symbol is put twice", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const [first, last] = ex.prices(2) as [number, number];
    const pid = await startCache();
    await PriceCache.put(pid, symbol, first);
    await PriceCache.put(pid, symbol, last);
    await assertAnswer(PriceCache.get(pid, symbol), last, {
      call: `PriceCache.put(pid, ${q(symbol)}, ${first}); PriceCache.put(pid, ${q(symbol)}, ${last}); await PriceCache.get(pid, ${q(symbol)})`,
    });
  });

  it("should keep each symbol's price apart", async () => {
    const ex = examples();
    const [one, two] = ex.symbols(2) as [string, string];
    const [onePrice, twoPrice] = ex.prices(2) as [number, number];
    const pid = await startCache();
    await PriceCache.put(pid, one, onePrice);
    await PriceCache.put(pid, two, twoPrice);
    await assertAnswer(PriceCache.get(pid, one), onePrice, {
      call: `PriceCache.put(pid, ${q(one)}, ${onePrice}); PriceCache.put(pid, ${q(two)}, ${twoPrice}); await PriceCache.get(pid, ${q(one)})`,
    });
    await assertAnswer(PriceCache.get(pid, two), twoPrice, { call: `await PriceCache.get(pid, ${q(two)})` });
  });

  it('should put with a cast that returns "ok" at once', async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startCache();
    const put = await PriceCache.put.withTiming(pid, symbol, price);
    assertEqual(
      { returned: put.value, atOnce: put.sync },
      { returned: "ok", atOnce: true },
      {
        call: `PriceCache.put(pid, ${q(symbol)}, ${price})`,
        note: {
          es: 'put usa GenServer.cast, que devuelve "ok" en el acto, sin esperar al servidor (no una promesa).',
          en: 'put uses GenServer.cast, which returns "ok" at once, without waiting for the server (not a promise).',
        },
      },
    );
    assertEqual(await Sys.getState(pid), new Map([[symbol, price]]), { call: `Sys.getState(pid)` });
  });

  it("should get with a call to the server", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const [price, replaced] = ex.prices(2) as [number, number];
    const pid = await startCache();
    await PriceCache.put(pid, symbol, price);
    const state = (await Sys.getState(pid)) as Impl.PriceCacheState;
    await Sys.replaceState(pid, new Map([...state, [symbol, replaced]]));
    await assertAnswer(PriceCache.get(pid, symbol), replaced, {
      call: `PriceCache.put(pid, ${q(symbol)}, ${price}); Sys.replaceState(pid, (state) => state.set(${q(symbol)}, ${replaced})); await PriceCache.get(pid, ${q(symbol)})`,
      note: { es: "get debe preguntar al servidor con GenServer.call.", en: "get should ask the server with GenServer.call." },
    });
  });
});

gradeTask(3, () => {
  it("should give undefined for a symbol never stored", async () => {
    const symbol = examples().symbol();
    const pid = await startCache();
    await assertAnswer(PriceCache.get(pid, symbol), undefined, { call: `await PriceCache.get(pid, ${q(symbol)})` });
  });

  it("should give undefined for an unknown symbol when others are stored", async () => {
    const ex = examples();
    const [stored, other] = ex.symbols(2) as [string, string];
    const price = ex.price();
    const pid = await startCache();
    await PriceCache.put(pid, stored, price);
    await assertAnswer(PriceCache.get(pid, other), undefined, {
      call: `PriceCache.put(pid, ${q(stored)}, ${price}); await PriceCache.get(pid, ${q(other)})`,
    });
    // The stored symbol in lower case is another symbol: symbols are case-sensitive.
    const lower = stored.toLowerCase();
    await assertAnswer(PriceCache.get(pid, lower), undefined, { call: `await PriceCache.get(pid, ${q(lower)})` });
  });

  it("should treat names of object properties as ordinary symbols", async () => {
    const ex = examples();
    const price = ex.price();
    const pid = await startCache();
    for (const symbol of ["toString", "constructor", "__proto__"]) {
      await assertAnswer(PriceCache.get(pid, symbol), undefined, {
        call: `await PriceCache.get(pid, ${q(symbol)})`,
        note: { es: "Guarda los precios en un Map, no en un objeto.", en: "Keep the prices in a Map, not in an object." },
      });
    }
    await PriceCache.put(pid, "__proto__", price);
    await assertAnswer(PriceCache.get(pid, "__proto__"), price, {
      call: `PriceCache.put(pid, "__proto__", ${price}); await PriceCache.get(pid, "__proto__")`,
    });
  });
});

gradeTask(4, () => {
  it("should register the server under the name option", async () => {
    const name = drawnName(examples());
    const pid = await startCache(`PriceCache.start({ name: ${q(name)} })`, () => PriceCache.start({ name }));
    assertEqual(await GenServer.whereis(name), pid, { call: `GenServer.whereis(${q(name)})` });
  });

  it("should get and put through the name", async () => {
    const ex = examples();
    const name = drawnName(ex);
    const [symbol, price] = [ex.symbol(), ex.price()];
    await startCache(`PriceCache.startLink({ name: ${q(name)} })`, () => PriceCache.startLink({ name }));
    await PriceCache.put(name, symbol, price);
    await assertAnswer(PriceCache.get(name, symbol), price, {
      call: `PriceCache.put(${q(name)}, ${q(symbol)}, ${price}); await PriceCache.get(${q(name)}, ${q(symbol)})`,
    });
  });

  it("should refuse a second server with the same name", async () => {
    const name = drawnName(examples());
    const pid = await startCache(`PriceCache.start({ name: ${q(name)} })`, () => PriceCache.start({ name }));
    const error = await assertRejects(PriceCache.start({ name }), {
      call: `PriceCache.start({ name: ${q(name)} }) // ${t({ es: "por segunda vez", en: "a second time" })}`,
      expected: { es: "un StartError con reason { already_started: pid }", en: "a StartError with reason { already_started: pid }" },
      check: (e) => e instanceof StartError,
    });
    assertEqual((error as StartError).reason, { already_started: pid }, { call: `(error as StartError).reason` });
  });
});

gradeTask(5, () => {
  it("should see a put followed by a get in order", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const prices = ex.prices(ex.int(4, 8));
    const pid = await startCache();
    const seen: (number | undefined)[] = [];
    for (const price of prices) {
      // Both sent before either is answered: the cast must reach the server before the call that follows it.
      const [, got] = await Promise.all([PriceCache.put(pid, symbol, price), PriceCache.get(pid, symbol)]);
      seen.push(got);
    }
    assertEqual(seen, prices, {
      call: `for (price of ${JSON.stringify(prices)}) { PriceCache.put(pid, ${q(symbol)}, price); await PriceCache.get(pid, ${q(symbol)}) }`,
      note: {
        es: "Un cast llega antes que un call enviado después por el mismo proceso.",
        en: "A cast arrives before a call sent after it by the same process.",
      },
    });
  });

  it("should agree with a Map on any sequence of puts and gets over many symbols", async () => {
    type Model = { prices: Map<string, number> };
    // A few symbols, so that puts and gets meet often: drawn ones, one of them also in lower case (another symbol),
    // and object property names on purpose.
    const [a, b, c, d] = examples().symbols(4) as [string, string, string, string];
    const symbol = fc.oneof(
      { arbitrary: fc.constantFrom(a, a.toLowerCase(), b, c.toLowerCase(), d, "__proto__", "toString"), weight: 4 },
      { arbitrary: fc.string({ maxLength: 2 }), weight: 1 },
    );
    const price = fc.double({ min: 0.01, max: 100_000, noNaN: true }).map((p) => Math.round(p * 100) / 100);
    const putCommand = fc.tuple(symbol, price).map(
      ([s, p]): fc.AsyncCommand<Model, Server> => ({
        check: () => true,
        run: async (model, real) => {
          await PriceCache.put(real, s, p);
          model.prices.set(s, p);
        },
        toString: () => `PriceCache.put(pid, ${JSON.stringify(s)}, ${p})`,
      }),
    );
    const getCommand = symbol.map(
      (s): fc.AsyncCommand<Model, Server> => ({
        check: () => true,
        run: async (model, real) => {
          await assertAnswer(PriceCache.get(real, s), model.prices.get(s), { call: `await PriceCache.get(pid, ${JSON.stringify(s)})` });
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
