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
  startProbe,
  startServer,
  subject,
  type Text,
  t,
  testName,
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

/**
 * Starts a cache from a probe, as a process of the subject would, then ends that probe with an error: whether the
 * cache survived says whether it was linked to its caller.
 */
async function survivesItsCaller(call: string, start: () => Promise<Server>): Promise<boolean> {
  const caller = await startProbe();
  const pid = await startCache(call, () => caller.run(start));
  await caller.stop({ crashed: "caller" });
  return Process.alive(pid);
}

gradeTask(1, () => {
  it(
    testName({
      en: "should start a live server whose state is an empty Map",
      es: "debería arrancar un servidor vivo cuyo estado es un Map vacío",
    }),
    async () => {
      const pid = await startCache();
      assertEqual(await Process.alive(pid), true, { call: "Process.alive(await PriceCache.start())" });
      assertEqual(await Sys.getState(pid), new Map(), {
        call: "Sys.getState(await PriceCache.start())",
        note: { es: "init debe devolver ok(new Map()).", en: "init should return ok(new Map())." },
      });
    },
  );

  it(
    testName({
      en: "should start a separate server on each start, and with startLink",
      es: "debería arrancar un servidor distinto en cada start, y con startLink",
    }),
    async () => {
      const first = await startCache();
      const second = await startCache("PriceCache.startLink()", () => PriceCache.startLink());
      assertEqual(first === second, false, { call: "(await PriceCache.start()) === (await PriceCache.startLink())" });
      assertEqual(await Sys.getState(second), new Map(), { call: "Sys.getState(await PriceCache.startLink())" });
    },
  );

  it(
    testName({
      en: "should link startLink's server to its caller, and not start's",
      es: "debería enlazar a quien lo llama el servidor de startLink, y no el de start",
    }),
    async () => {
      const crash = t({ es: "quien lo arrancó termina con error", en: "its caller exits with an error" });
      assertEqual(await survivesItsCaller("PriceCache.startLink()", () => PriceCache.startLink()), false, {
        call: `const pid = await PriceCache.startLink(); /* ${crash} */ Process.alive(pid)`,
        note: {
          es: "startLink usa GenServer.startLink: el servidor queda enlazado a quien lo arranca y cae con él, como bajo un supervisor.",
          en: "startLink uses GenServer.startLink: the server is linked to its caller and goes down with it, as under a supervisor.",
        },
      });
      assertEqual(await survivesItsCaller("PriceCache.start()", () => PriceCache.start()), true, {
        call: `const pid = await PriceCache.start(); /* ${crash} */ Process.alive(pid)`,
        note: {
          es: "start usa GenServer.start: sin enlace, el servidor sigue en marcha aunque termine quien lo arrancó.",
          en: "start uses GenServer.start: with no link, the server keeps running when its caller exits.",
        },
      });
    },
  );
});

gradeTask(2, () => {
  it(testName({ en: "should return the price stored with put", es: "debería devolver el precio guardado con put" }), async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startCache();
    await PriceCache.put(pid, symbol, price);
    await assertAnswer(PriceCache.get(pid, symbol), price, {
      call: `PriceCache.put(pid, ${q(symbol)}, ${price}); await PriceCache.get(pid, ${q(symbol)})`,
    });
  });

  it(
    testName({
      en: "should keep the last price when a symbol is put twice",
      es: "debería quedarse con el último precio cuando un símbolo se guarda dos veces",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [first, last] = ex.prices(2) as [number, number];
      const pid = await startCache();
      await PriceCache.put(pid, symbol, first);
      await PriceCache.put(pid, symbol, last);
      await assertAnswer(PriceCache.get(pid, symbol), last, {
        call: `PriceCache.put(pid, ${q(symbol)}, ${first}); PriceCache.put(pid, ${q(symbol)}, ${last}); await PriceCache.get(pid, ${q(symbol)})`,
        note: { es: "Un precio nuevo de un símbolo reemplaza al anterior.", en: "A new price for a symbol replaces the previous one." },
      });
    },
  );

  it(testName({ en: "should store a price of 0 like any other", es: "debería guardar un precio de 0 como cualquier otro" }), async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startCache();
    await PriceCache.put(pid, symbol, price);
    await PriceCache.put(pid, symbol, 0);
    await assertAnswer(PriceCache.get(pid, symbol), 0, {
      call: `PriceCache.put(pid, ${q(symbol)}, ${price}); PriceCache.put(pid, ${q(symbol)}, 0); await PriceCache.get(pid, ${q(symbol)})`,
      note: {
        es: "0 es un precio: put lo guarda y get lo responde tal cual. `if (!price)` o `price || …` lo toman por «sin precio».",
        en: "0 is a price: put stores it and get answers it as is. `if (!price)` or `price || …` take it for “no price”.",
      },
    });
  });

  it(testName({ en: "should keep each symbol's price apart", es: "debería mantener aparte el precio de cada símbolo" }), async () => {
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

  it(testName({ en: "should keep each cache's prices apart", es: "debería mantener aparte los precios de cada caché" }), async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const [onePrice, twoPrice] = ex.prices(2) as [number, number];
    const one = await startCache();
    const two = await startCache();
    await PriceCache.put(one, symbol, onePrice);
    await PriceCache.put(two, symbol, twoPrice);
    const note: Text = {
      es: "Cada servidor tiene su propio estado: guarda los precios en el estado que devuelve init, no en una variable del módulo.",
      en: "Each server has its own state: keep the prices in the state init returns, not in a variable of the module.",
    };
    // Only symbols stored in both: asking for an unknown symbol is task 3's subject (a code that hangs on one loses
    // that task, not this one).
    const puts = `PriceCache.put(one, ${q(symbol)}, ${onePrice}); PriceCache.put(two, ${q(symbol)}, ${twoPrice})`;
    await assertAnswer(PriceCache.get(one, symbol), onePrice, { call: `${puts}; await PriceCache.get(one, ${q(symbol)})`, note });
    await assertAnswer(PriceCache.get(two, symbol), twoPrice, { call: `${puts}; await PriceCache.get(two, ${q(symbol)})`, note });
  });

  it(
    testName({ en: 'should put with a cast that returns "ok" at once', es: 'debería guardar con un cast que devuelve "ok" en el acto' }),
    async () => {
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
    },
  );

  it(testName({ en: "should get with a call to the server", es: "debería leer con un call al servidor" }), async () => {
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
  it(
    testName({ en: "should give undefined for a symbol never stored", es: "debería dar undefined para un símbolo nunca guardado" }),
    async () => {
      const symbol = examples().symbol();
      const pid = await startCache();
      await assertAnswer(PriceCache.get(pid, symbol), undefined, { call: `await PriceCache.get(pid, ${q(symbol)})` });
    },
  );

  it(
    testName({
      en: "should give undefined for an unknown symbol when others are stored",
      es: "debería dar undefined para un símbolo desconocido cuando hay otros guardados",
    }),
    async () => {
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
      await assertAnswer(PriceCache.get(pid, lower), undefined, {
        call: `await PriceCache.get(pid, ${q(lower)})`,
        note: {
          es: "Los símbolos se comparan tal cual: en minúsculas es otro símbolo.",
          en: "Symbols are compared as they are: in lower case it is another symbol.",
        },
      });
    },
  );

  it(
    testName({
      en: "should treat names of object properties as ordinary symbols",
      es: "debería tratar los nombres de propiedades de objetos como símbolos corrientes",
    }),
    async () => {
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
        // Two mistakes end here: an object as the store, or a symbol changed before storing it (toUpperCase…).
        note: {
          es: 'get devuelve lo que put guardó con ese mismo símbolo, tal cual: en un objeto "__proto__" no es una clave corriente (usa un Map), y un símbolo cambiado al guardarlo ("btcusd" → "BTCUSD") es otro símbolo.',
          en: 'get gives back what put stored under that very symbol, as it came: in an object "__proto__" is no ordinary key (use a Map), and a symbol changed when stored ("btcusd" → "BTCUSD") is another symbol.',
        },
      });
    },
  );

  it(
    testName({
      en: "should give undefined for a symbol that is not text, and keep its prices",
      es: "debería dar undefined para un símbolo que no es texto, y conservar sus precios",
    }),
    async () => {
      const ex = examples();
      const [symbol, price] = [ex.symbol(), ex.price()];
      const number = ex.int(1, 99_999);
      const pid = await startCache();
      await PriceCache.put(pid, symbol, price);
      const note: Text = {
        es: "Cualquier valor puede llegar como símbolo: compáralo tal cual (es la clave de un Map), sin llamar a métodos de texto. Si handleCall lanza, el servidor cae y pierde todos sus precios.",
        en: "Any value may arrive as a symbol: compare it as it is (it is a Map key), without calling text methods on it. If handleCall throws, the server crashes and loses every price.",
      };
      for (const [wrong, code] of [
        [number, String(number)],
        [null, "null"],
      ] as const) {
        await assertAnswer(PriceCache.get(pid, wrong as unknown as string), undefined, {
          call: `PriceCache.put(pid, ${q(symbol)}, ${price}); await PriceCache.get(pid, ${code})`,
          note,
        });
      }
      await assertAnswer(PriceCache.get(pid, symbol), price, { call: `await PriceCache.get(pid, ${q(symbol)})`, note });
    },
  );
});

gradeTask(4, () => {
  it(
    testName({
      en: "should register the server under the name option, with start and with startLink",
      es: "debería registrar el servidor con la opción name, con start y con startLink",
    }),
    async () => {
      const ex = examples();
      for (const fn of ["start", "startLink"] as const) {
        const name = drawnName(ex);
        const call = `PriceCache.${fn}({ name: ${q(name)} })`;
        const pid = await startCache(call, () => PriceCache[fn]({ name }));
        assertEqual(await GenServer.whereis(name), pid, {
          call: `${call}; GenServer.whereis(${q(name)})`,
          note: {
            es: `${fn} pasa { name: options.name } a GenServer.${fn} cuando hay nombre.`,
            en: `${fn} passes { name: options.name } to GenServer.${fn} when there is a name.`,
          },
        });
      }
    },
  );

  it(testName({ en: "should get and put through the name", es: "debería leer y guardar a través del nombre" }), async () => {
    const ex = examples();
    const name = drawnName(ex);
    const [symbol, price] = [ex.symbol(), ex.price()];
    await startCache(`PriceCache.startLink({ name: ${q(name)} })`, () => PriceCache.startLink({ name }));
    await PriceCache.put(name, symbol, price);
    await assertAnswer(PriceCache.get(name, symbol), price, {
      call: `PriceCache.put(${q(name)}, ${q(symbol)}, ${price}); await PriceCache.get(${q(name)}, ${q(symbol)})`,
    });
  });

  it(
    testName({ en: "should refuse a second server with the same name", es: "debería rechazar un segundo servidor con el mismo nombre" }),
    async () => {
      const name = drawnName(examples());
      const pid = await startCache(`PriceCache.start({ name: ${q(name)} })`, () => PriceCache.start({ name }));
      const error = await assertRejects(PriceCache.start({ name }), {
        call: `PriceCache.start({ name: ${q(name)} }) // ${t({ es: "por segunda vez", en: "a second time" })}`,
        expected: { es: "un StartError con reason { already_started: pid }", en: "a StartError with reason { already_started: pid }" },
        check: (e) => e instanceof StartError,
      });
      assertEqual((error as StartError).reason, { already_started: pid }, { call: `(error as StartError).reason` });
    },
  );
});

gradeTask(5, () => {
  it(testName({ en: "should see a put followed by a get in order", es: "debería ver en orden un put seguido de un get" }), async () => {
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
    // Which rule broke: a first get that did not see the first put was answered before that put was stored; a first
    // get that saw it, with a later one that did not see its own put, points at how prices are stored.
    const overtaken = seen[0] !== prices[0];
    assertEqual(seen, prices, {
      call: `for (price of ${JSON.stringify(prices)}) { PriceCache.put(pid, ${q(symbol)}, price); await PriceCache.get(pid, ${q(symbol)}) }`,
      note: overtaken
        ? {
            es: "El primer get no vio el put enviado justo antes: un cast llega antes que un call enviado después por el mismo proceso, y handleCast debe guardar el precio al manejarlo (no más tarde).",
            en: "The first get did not see the put sent just before it: a cast arrives before a call sent after it by the same process, and handleCast should store the price when it handles it (not later).",
          }
        : {
            es: "El primer put se vio, uno posterior no: cada put reemplaza el precio del símbolo, no solo el primero.",
            en: "The first put was seen, a later one was not: each put replaces the symbol's price, not only the first one.",
          },
    });
  });

  it(
    testName({
      en: "should agree with a Map on any sequence of puts and gets over many symbols",
      es: "debería coincidir con un Map en cualquier secuencia de puts y gets sobre muchos símbolos",
    }),
    async () => {
      type Model = { prices: Map<string, number> };
      // A few symbols, so that puts and gets meet often: drawn ones, one of them also in lower case (another symbol),
      // and object property names on purpose.
      const [a, b, c, d] = examples().symbols(4) as [string, string, string, string];
      const symbol = fc.oneof(
        { arbitrary: fc.constantFrom(a, a.toLowerCase(), b, c.toLowerCase(), d, "__proto__", "toString"), weight: 4 },
        { arbitrary: fc.string({ maxLength: 2 }), weight: 1 },
      );
      // 0 on purpose, as often as a drawn price: a price of 0 is stored like any other.
      const price = fc.oneof(
        fc.constant(0),
        fc.double({ min: 0.01, max: 100_000, noNaN: true }).map((p) => Math.round(p * 100) / 100),
      );
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
        // Sequences of up to 40 operations, about 20 on average: long enough for a symbol to be put, read, put
        // again and read again among the others (fast-check's default size stops at 10).
        numRuns: 60,
        maxCommands: 40,
        size: "medium",
      });
    },
  );
});
