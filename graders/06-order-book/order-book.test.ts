import fc from "fast-check";
import { beforeEach, it } from "vitest";
import {
  assertAnswer,
  assertEqual,
  assertModel,
  assertRejects,
  type Examples,
  examples,
  fail,
  gradeTask,
  type RemoteProbe,
  StartError,
  startProbe,
  startServer,
  subject,
  type Text,
  t,
  testName,
} from "#grading";
import type * as Impl from "#impl/06-order-book/order-book.ts";
import type { Pid } from "#runtime";
import { BookModel, type ModelDepth, type ModelSide, type ModelTop, REGISTRY } from "./model.ts";

const OrderBook = subject.module<typeof Impl>();
const { GenServer, Process, Registry } = subject.runtime;

// Every example value (symbols, prices, quantities, how many orders, which one is cancelled, depths) is drawn from
// the grading seed with examples(): a fresh seed shows the implementation examples nobody could know in advance, so
// canned answers fail. Expected answers come from the grader's BookModel. The deliberate edge cases stay literal:
// depths 1 and 2, ids 0, -1 and the next one, the invalid sides, prices, quantities and depths, the values of the
// wrong type.

type Book = Pid<Impl.OrderBookProtocol>;

/** Stops a book between two runs of a model (the subject stops every process a test started when it ends). */
async function stopQuietly(pid: Pid): Promise<void> {
  if ((await GenServer.whereis(pid)) !== null) await GenServer.stop(pid).catch(() => undefined);
}

// The statement says the application starts the registry; each test gets a fresh one and fresh books.
beforeEach(async () => {
  await Registry.start({ keys: "unique", name: REGISTRY });
});

function startBook(symbol: string): Promise<Book> {
  return startServer(`OrderBook.startLink(${JSON.stringify(symbol)})`, () => OrderBook.startLink(symbol));
}

/** An argument as it would be written in code. */
function arg(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(arg).join(", ")}]`;
  if (typeof value === "object" && value !== null)
    return `{ ${Object.entries(value)
      .map(([key, field]) => `${key}: ${arg(field)}`)
      .join(", ")} }`;
  return String(value);
}

function callText(fn: string, ...args: unknown[]): string {
  return `OrderBook.${fn}(${args.map(arg).join(", ")})`;
}

function withWhen(call: string, when: string | undefined): string {
  return when === undefined ? call : `${call} // ${when}`;
}

function noteOf(note: Text | undefined): { note?: Text } {
  return note === undefined ? {} : { note };
}

/**
 * Awaits a client call whose answer the test checks itself (or only in part); when the call throws or rejects
 * instead, the test fails as assertAnswer fails, naming the call, what it should have answered and where the
 * implementation threw.
 */
async function settled<T>(answer: Promise<T>, expected: unknown, options: { readonly call: string; readonly note?: Text }): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    return (await assertAnswer(Promise.reject(error), expected, options)) as never;
  }
}

async function expectAdd(
  symbol: string,
  side: unknown,
  price: unknown,
  qty: unknown,
  expected: unknown,
  note?: Text,
  when?: string,
): Promise<void> {
  await assertAnswer(OrderBook.addOrder(symbol, side as Impl.Side, price as number, qty as number), expected, {
    call: withWhen(callText("addOrder", symbol, side, price, qty), when),
    ...noteOf(note),
  });
}

/**
 * Adds valid orders, all sent at once (the server takes them in arrival order), and checks nothing but that each
 * got a number (the ids themselves are task 2's); returns the ids. `firstId` is the id the first one should get,
 * shown if a call fails.
 */
async function addAll(symbol: string, orders: readonly (readonly [ModelSide, number, number])[], firstId = 1): Promise<number[]> {
  return Promise.all(
    orders.map(async ([side, price, qty], i) => {
      const call = callText("addOrder", symbol, side, price, qty);
      const id = await settled(OrderBook.addOrder(symbol, side, price, qty), firstId + i, { call });
      if (typeof id !== "number") {
        fail({
          es: `${call} debía devolver el id de la orden y devolvió ${JSON.stringify(id)}`,
          en: `${call} should return the order's id and returned ${JSON.stringify(id)}`,
        });
      }
      return id;
    }),
  );
}

async function expectCancel(symbol: string, id: unknown, expected: "ok" | "not_found", note?: Text, when?: string): Promise<void> {
  await assertAnswer(OrderBook.cancelOrder(symbol, id as number), expected, {
    call: withWhen(callText("cancelOrder", symbol, id), when),
    ...noteOf(note),
  });
}

async function expectTop(symbol: string, expected: ModelTop, note?: Text, when?: string): Promise<void> {
  await assertAnswer(OrderBook.getTopOfBook(symbol), expected, { call: withWhen(callText("getTopOfBook", symbol), when), ...noteOf(note) });
}

async function expectDepth(
  symbol: string,
  levels: unknown,
  expected: ModelDepth | { error: string },
  note?: Text,
  when?: string,
): Promise<void> {
  await assertAnswer(OrderBook.getDepth(symbol, levels as number), expected, {
    call: withWhen(callText("getDepth", symbol, levels), when),
    ...noteOf(note),
  });
}

const level = (price: number, qty: number, orders: number) => ({ price, qty, orders });

type Order = readonly [ModelSide, number, number];

/** `count` distinct integers in [min, max], in drawn order. */
function distinctInts(ex: Examples, count: number, min: number, max: number): number[] {
  if (max - min + 1 < count) throw new RangeError(`grader: ${count} distinct integers asked from [${min}, ${max}]`);
  const seen = new Set<number>();
  while (seen.size < count) seen.add(ex.int(min, max));
  return [...seen];
}

/** A price in integer ticks around which a test places its orders: bids below it, asks above. */
function drawMid(ex: Examples): number {
  return ex.int(1_000, 90_000);
}

function drawQty(ex: Examples): number {
  return ex.int(1, 50);
}

function drawSide(ex: Examples): ModelSide {
  return ex.pick(["bid", "ask"] as const);
}

const otherSide = (side: ModelSide): ModelSide => (side === "bid" ? "ask" : "bid");

/** A price `ticks` worse than `price` on `side`: lower for a bid, higher for an ask. */
const worse = (side: ModelSide, price: number, ticks: number): number => (side === "bid" ? price - ticks : price + ticks);

/** The orders in a drawn order. */
function shuffled<T>(ex: Examples, items: readonly T[]): T[] {
  return ex.pickDistinct(items, items.length);
}

/** `count` bids at distinct prices below `mid` and `count` asks above it, in a drawn order. */
function twoSided(ex: Examples, mid: number, count: number, spread = 100): Order[] {
  return shuffled<Order>(ex, [
    ...distinctInts(ex, count, mid - spread, mid - 1).map((price): Order => ["bid", price, drawQty(ex)]),
    ...distinctInts(ex, count, mid + 1, mid + spread).map((price): Order => ["ask", price, drawQty(ex)]),
  ]);
}

/** The grader's model after `orders`: the expected answers of a test come from it. */
function modelAfter(orders: readonly Order[]): BookModel {
  const model = new BookModel();
  for (const [side, price, qty] of orders) model.add(side, price, qty);
  return model;
}

/**
 * A power of ten that scales the prices of the text-order tests, so that their digit counts vary with the seed
 * while text order and numeric order still disagree.
 */
function drawScale(ex: Examples): number {
  return ex.pick([1, 10, 100]);
}

/** Sides that are not "bid" or "ask", drawn beside the fixed ones. */
const WRONG_SIDES = ["Bid", "ASK", "bids", "asks", "offer", "b", "a", " bid", "ask ", "buy_limit"] as const;

/** Values of the wrong type for a side: what a caller's bug or a decoded message could hand the client functions. */
const WRONG_TYPE_SIDES: readonly unknown[] = [null, undefined, 1, true, ["bid"], { side: "bid" }];

/** Values of the wrong type for a number (a price, a quantity, a depth), beside the out-of-range numbers. */
function wrongTypeNumbers(ex: Examples): unknown[] {
  const n = ex.int(1, 100);
  return [null, undefined, true, [n], { value: n }, BigInt(n), ""];
}

/** Bad numbers drawn from the seed, beside the fixed edge cases: a negative, a fraction, a numeric string, an unsafe integer. */
function drawnBadNumbers(ex: Examples): unknown[] {
  return [
    -ex.int(2, 1_000_000),
    ex.int(1, 100_000) + ex.pick([0.25, 0.5, 0.75]),
    String(ex.int(1, 100_000)),
    2 ** 53 + 2 * ex.int(1, 1_000),
  ];
}

const numericNote: Text = {
  es: 'Los precios se comparan como números: sort() sin comparador ordena como texto ("100" < "99"). Usa (a, b) => a - b o b - a.',
  en: 'Prices compare as numbers: sort() without a comparator sorts as text ("100" < "99"). Use (a, b) => a - b or b - a.',
};
const topNote: Text = {
  es: "El mejor bid es el precio MÁS ALTO de compra; el mejor ask, el precio MÁS BAJO de venta. qty suma las cantidades del nivel y orders cuenta sus órdenes.",
  en: "The best bid is the HIGHEST buying price; the best ask, the LOWEST selling price. qty sums the level's quantities and orders counts its orders.",
};
const depthNote: Text = {
  es: "bids de mayor a menor precio, asks de menor a mayor; una fila por precio con qty sumada y orders contadas; como mucho `levels` filas por lado.",
  en: "bids from highest to lowest price, asks from lowest to highest; one row per price with qty summed and orders counted; at most `levels` rows a side.",
};
const freshNote: Text = {
  es: "Responde copias: si devuelves los objetos del estado, quien llama los ve cambiar (o los cambia) después.",
  en: "Reply with copies: if you return the state's own objects, the caller sees them change (or changes them) later.",
};
const emptyTop: ModelTop = { bid: null, ask: null };
const emptyDepth: ModelDepth = { bids: [], asks: [] };

/**
 * Whether `pid` is still alive once an exit has had time to spread: the runtime delivers exit signals as messages,
 * so the answer is asked again a bounded number of times (round trips, never a wait on the clock) until it is false.
 */
async function aliveAfterExits(pid: Pid): Promise<boolean> {
  for (let round = 0; round < 20; round++) if (!(await Process.alive(pid))) return false;
  return true;
}

/** Runs `start` as `probe` and returns the book it started, or fails the test naming the call. */
async function startFrom(probe: RemoteProbe, call: string, start: () => Promise<Book>): Promise<Book> {
  return startServer(call, () => probe.run(start));
}

gradeTask(1, () => {
  it(
    testName({
      en: "should start a book registered in the registry under its symbol",
      es: "debería arrancar un libro registrado en el registro con su símbolo",
    }),
    async () => {
      const [first, second] = examples().symbols(2) as [string, string];
      const pid = await startBook(first);
      assertEqual(await GenServer.whereis(Registry.via(REGISTRY, first)), pid, {
        call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, ${arg(first)})) // ${t({ es: "después de", en: "after" })} OrderBook.startLink(${arg(first)})`,
        note: {
          es: "Arranca con GenServer.startLink(…, { name: Registry.via(ORDER_BOOK_REGISTRY, symbol) }).",
          en: "Start with GenServer.startLink(…, { name: Registry.via(ORDER_BOOK_REGISTRY, symbol) }).",
        },
      });
      const other = await startServer(`OrderBook.start(${arg(second)})`, () => OrderBook.start(second));
      assertEqual(await GenServer.whereis(Registry.via(REGISTRY, second)), other, {
        call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, ${arg(second)})) // ${t({ es: "después de", en: "after" })} OrderBook.start(${arg(second)})`,
        note: {
          es: "start registra el libro igual que startLink, solo que sin enlace.",
          en: "start registers the book just like startLink, only without a link.",
        },
      });
    },
  );

  it(
    testName({
      en: "should link the book to the process that calls startLink",
      es: "debería enlazar el libro al proceso que llama a startLink",
    }),
    async () => {
      const symbol = examples().symbol();
      const owner = await startProbe();
      const pid = await startFrom(owner, `await owner.run(() => OrderBook.startLink(${arg(symbol)}))`, () => OrderBook.startLink(symbol));
      await owner.stop("shutdown");
      assertEqual(await aliveAfterExits(pid), false, {
        call: `Process.alive(pid) // ${t({ es: 'después de que el proceso que llamó a startLink terminara con "shutdown"', en: 'after the process that called startLink exited with "shutdown"' })}`,
        note: {
          es: "startLink enlaza el libro con quien lo arranca (GenServer.startLink): si ese proceso cae, el libro cae con él, como en un árbol de supervisión.",
          en: "startLink links the book to its caller (GenServer.startLink): when that process fails, the book goes with it, as in a supervision tree.",
        },
      });
    },
  );

  it(
    testName({
      en: "should not link the book to the process that calls start",
      es: "no debería enlazar el libro al proceso que llama a start",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const order: Order = [drawSide(ex), drawMid(ex), drawQty(ex)];
      const owner = await startProbe();
      const pid = await startFrom(owner, `await owner.run(() => OrderBook.start(${arg(symbol)}))`, () => OrderBook.start(symbol));
      await owner.stop("shutdown");
      const note: Text = {
        es: "start arranca el libro sin enlace (GenServer.start): sigue vivo cuando el proceso que lo arrancó termina.",
        en: "start starts the book without a link (GenServer.start): it stays alive when the process that started it exits.",
      };
      const when = t({
        es: 'después de que el proceso que llamó a start terminara con "shutdown"',
        en: 'after the process that called start exited with "shutdown"',
      });
      assertEqual(await aliveAfterExits(pid), true, { call: `Process.alive(pid) // ${when}`, note });
      await expectAdd(symbol, ...order, 1, note, when);
    },
  );

  it(
    testName({
      en: "should fail a second start for the same symbol with already_started",
      es: "debería fallar un segundo arranque del mismo símbolo con already_started",
    }),
    async () => {
      const symbol = examples().symbol();
      const pid = await startBook(symbol);
      for (const [fn, start] of [
        ["startLink", () => OrderBook.startLink(symbol)],
        ["start", () => OrderBook.start(symbol)],
      ] as const) {
        await assertRejects(start, {
          call: `OrderBook.${fn}(${arg(symbol)}) // ${t({ es: "con el libro ya en marcha", en: "with the book already running" })}`,
          expected: {
            es: `un StartError con reason { already_started: ${pid} }`,
            en: `a StartError with reason { already_started: ${pid} }`,
          },
          check: (error) =>
            error instanceof StartError &&
            typeof error.reason === "object" &&
            error.reason !== null &&
            (error.reason as { already_started?: unknown }).already_started === pid,
          note: {
            es: "Un solo libro por símbolo: el nombre via ya está tomado, y GenServer.startLink (o start) lo dice solo si no atrapas el error.",
            en: "One book per symbol: the via name is taken, and GenServer.startLink (or start) says so by itself if you do not catch the error.",
          },
        });
      }
    },
  );

  it(
    testName({
      en: "should reject a call for a symbol with no book with an error naming the symbol",
      es: "debería rechazar una llamada a un símbolo sin libro con un error que nombre el símbolo",
    }),
    async () => {
      const ex = examples();
      const [present, missing] = ex.symbols(2) as [string, string];
      const [side, price, qty, id, levels] = [drawSide(ex), drawMid(ex), drawQty(ex), ex.int(1, 100), ex.int(1, 20)];
      const pid = await startBook(present);
      // A missing symbol, and one of the wrong type (a number): neither has a book, and the error names each.
      const numeric = ex.int(100, 99_999);
      const calls: readonly [string, unknown, () => Promise<unknown>][] = [missing, numeric].flatMap((symbol) => {
        const s = symbol as string;
        return [
          [callText("addOrder", symbol, side, price, qty), symbol, () => OrderBook.addOrder(s, side, price, qty)],
          [callText("cancelOrder", symbol, id), symbol, () => OrderBook.cancelOrder(s, id)],
          [callText("getTopOfBook", symbol), symbol, () => OrderBook.getTopOfBook(s)],
          [callText("getDepth", symbol, levels), symbol, () => OrderBook.getDepth(s, levels)],
        ] as const;
      });
      for (const [call, symbol, run] of calls) {
        await assertRejects(run, {
          call: `${call} // ${t({ es: `solo hay libro para ${present}`, en: `there is only a book for ${present}` })}`,
          expected: {
            es: `un Error cuyo mensaje nombre el símbolo ${arg(symbol)}`,
            en: `an Error whose message names the symbol ${arg(symbol)}`,
          },
          check: (error) => error instanceof Error && error.message.includes(String(symbol)),
          note: {
            es: 'GenServer.call a un nombre via sin proceso rechaza con un ExitError (reason "noproc") cuyo mensaje ya muestra el nombre via, símbolo incluido: déjalo llegar a quien llama, o rechaza con tu propio Error que nombre el símbolo. No respondas un valor ni arranques un libro.',
            en: 'GenServer.call to a via name with no process rejects with an ExitError (reason "noproc") whose message already shows the via name, symbol included: let it reach the caller, or reject with an Error of your own that names the symbol. Do not answer a value, nor start a book.',
          },
        });
      }
      assertEqual((await GenServer.whereis(Registry.via(REGISTRY, present))) === pid, true, {
        call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, ${arg(present)})) === pid // ${t({ es: `después de las llamadas a ${missing} y ${numeric}`, en: `after the calls to ${missing} and ${numeric}` })}`,
        note: {
          es: "Una llamada a un símbolo sin libro no debe afectar a los demás libros.",
          en: "A call to a symbol with no book must not affect the other books.",
        },
      });
    },
  );

  it(
    testName({
      en: "should keep the books of different symbols apart",
      es: "debería mantener separados los libros de símbolos distintos",
    }),
    async () => {
      const ex = examples();
      const [a, b] = ex.symbols(2) as [string, string];
      await startBook(a);
      await startBook(b);
      const note: Text = {
        es: "Cada libro tiene su propio estado, creado en su init, y numera sus órdenes desde 1: nada compartido entre símbolos.",
        en: "Each book has its own state, created in its init, and numbers its orders from 1: nothing shared between symbols.",
      };
      // The first order goes to a, the others to a and b in a drawn interleaving: b's first order must still get id 1.
      const rest = [...Array.from({ length: ex.int(1, 3) }, () => a), ...Array.from({ length: ex.int(2, 3) }, () => b)];
      const ids = new Map<string, number>();
      for (const symbol of [a, ...shuffled(ex, rest)]) {
        const id = (ids.get(symbol) ?? 0) + 1;
        ids.set(symbol, id);
        const when = symbol === b && id === 1 ? t({ es: `la primera orden de ${b}`, en: `the first order of ${b}` }) : undefined;
        await expectAdd(symbol, drawSide(ex), drawMid(ex), drawQty(ex), id, note, when);
      }
    },
  );
});

gradeTask(2, () => {
  const idNote: Text = {
    es: "Cada libro numera sus órdenes 1, 2, 3… en el orden en que las acepta; un id nunca se reutiliza, ni después de cancelar.",
    en: "Each book numbers its orders 1, 2, 3… in the order it accepts them; an id is never reused, not even after a cancel.",
  };

  it(
    testName({
      en: "should number a book's orders 1, 2, 3 in the order they are added",
      es: "debería numerar las órdenes de un libro 1, 2, 3 en el orden en que llegan",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      await startBook(symbol);
      const count = ex.int(4, 8);
      // Prices close together, so that some orders share a level: an id is per order, not per level.
      for (let id = 1; id <= count; id++) await expectAdd(symbol, drawSide(ex), mid + ex.int(-3, 3), drawQty(ex), id, idNote);
    },
  );

  it(
    testName({
      en: "should number orders sent all at once in the order they arrive",
      es: "debería numerar las órdenes enviadas todas a la vez en el orden en que llegan",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const count = ex.int(30, 80);
      const orders: Order[] = Array.from({ length: count }, () => [drawSide(ex), mid + ex.int(-6, 6), drawQty(ex)]);
      await startBook(symbol);
      await assertAnswer(
        Promise.all(orders.map(([side, price, qty]) => OrderBook.addOrder(symbol, side, price, qty))),
        Array.from({ length: count }, (_, i) => i + 1),
        {
          call: `await Promise.all([OrderBook.addOrder(${arg(symbol)}, …) × ${count}]) // ${t({ es: `${count} llamadas en vuelo a la vez`, en: `${count} calls in flight at once` })}`,
          note: {
            es: "El servidor atiende un mensaje a la vez, en orden de llegada: sin locks, cada orden recibe el siguiente id.",
            en: "The server handles one message at a time, in arrival order: with no locks, each order gets the next id.",
          },
        },
      );
    },
  );
});

gradeTask(3, () => {
  it(
    testName({
      en: "should answer null for both sides of an empty book",
      es: "debería responder null en los dos lados de un libro vacío",
    }),
    async () => {
      const symbol = examples().symbol();
      await startBook(symbol);
      await expectTop(symbol, emptyTop, {
        es: "Sin órdenes no hay mejor nivel: null, no undefined ni un nivel vacío.",
        en: "With no orders there is no best level: null, not undefined nor an empty level.",
      });
    },
  );

  it(
    testName({
      en: "should answer the highest bid and the lowest ask",
      es: "debería responder el bid más alto y el ask más bajo",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const count = ex.int(3, 5);
      const orders = twoSided(ex, mid, count);
      await startBook(symbol);
      await addAll(symbol, orders);
      await expectTop(symbol, modelAfter(orders).top(), topNote);
    },
  );

  it(
    testName({
      en: "should compare prices as numbers, not as text",
      es: "debería comparar los precios como números, no como texto",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const scale = drawScale(ex);
      // The best bid starts with 1 and the others with 9 or have fewer digits; the best ask has fewer digits than
      // the others, which start with 10: in text order, neither is the best.
      const bids = [ex.int(100 * scale, 200 * scale - 1), ex.int(90 * scale, 100 * scale - 1), ex.int(scale, 10 * scale - 1)];
      const asks = [ex.int(200 * scale, 1_000 * scale - 1), ...distinctInts(ex, 2, 1_000 * scale, 1_100 * scale - 1)];
      const orders = shuffled<Order>(ex, [
        ...bids.map((price): Order => ["bid", price, drawQty(ex)]),
        ...asks.map((price): Order => ["ask", price, drawQty(ex)]),
      ]);
      await startBook(symbol);
      await addAll(symbol, orders);
      await expectTop(symbol, modelAfter(orders).top(), numericNote);
    },
  );

  it(
    testName({
      en: "should sum the quantity and count the orders of the best level",
      es: "debería sumar la cantidad y contar las órdenes del mejor nivel",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bestBid = drawMid(ex);
      const bestAsk = bestBid + ex.int(1, 50);
      const orders = shuffled<Order>(ex, [
        ...Array.from({ length: ex.int(2, 4) }, (): Order => ["bid", bestBid, drawQty(ex)]),
        ["bid", bestBid - ex.int(1, 50), ex.int(51, 100)],
        ...Array.from({ length: ex.int(2, 4) }, (): Order => ["ask", bestAsk, drawQty(ex)]),
        ["ask", bestAsk + ex.int(1, 50), ex.int(51, 100)],
      ]);
      await startBook(symbol);
      await addAll(symbol, orders);
      await expectTop(symbol, modelAfter(orders).top(), topNote);
    },
  );

  it(
    testName({
      en: "should keep a bid and an ask at one price, and orders that cross, apart: there is no matching",
      es: "debería mantener separados un bid y un ask al mismo precio, y las órdenes que se cruzan: no hay matching",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const price = drawMid(ex);
      const first = drawSide(ex);
      // A bid and an ask at one price, in a drawn order: each side has its own levels, even at the same price.
      const sharing: Order[] = [
        [first, price, drawQty(ex)],
        [otherSide(first), price, drawQty(ex)],
      ];
      const note: Text = {
        es: "Este libro no cruza órdenes: un bid mayor o igual que el mejor ask queda en el libro como cualquier otra orden, y cada lado tiene sus propios niveles, aunque compartan precio.",
        en: "This book does not match orders: a bid at or above the best ask rests in the book like any other order, and each side has its own levels, even at a shared price.",
      };
      await startBook(symbol);
      await addAll(symbol, sharing);
      await expectTop(symbol, modelAfter(sharing).top(), note, t({ es: `un bid y un ask a ${price}`, en: `a bid and an ask at ${price}` }));
      // Then orders that cross the other side by a few ticks.
      const crossing: Order[] = [
        ["bid", price + ex.int(1, 50), drawQty(ex)],
        ["ask", price - ex.int(1, 50), drawQty(ex)],
      ];
      await addAll(symbol, crossing, 3);
      await expectTop(
        symbol,
        modelAfter([...sharing, ...crossing]).top(),
        note,
        t({ es: "con órdenes que cruzan", en: "with crossing orders" }),
      );
    },
  );

  it(
    testName({
      en: "should return a top of book that later orders and changes by the caller do not touch",
      es: "debería devolver un top of book que ni las órdenes posteriores ni los cambios de quien llama alteran",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bid = drawMid(ex);
      const ask = bid + ex.int(1, 50);
      const [bidQty, askQty, moreBid, moreAsk] = [drawQty(ex), drawQty(ex), drawQty(ex), drawQty(ex)];
      await startBook(symbol);
      await addAll(symbol, [
        ["bid", bid, bidQty],
        ["ask", ask, askQty],
      ]);
      const expected = { bid: level(bid, bidQty, 1), ask: level(ask, askQty, 1) };
      const call = callText("getTopOfBook", symbol);
      // Kept in the subject, as the caller holds a reply there: a later order must not change it.
      const first = await settled(OrderBook.getTopOfBook.keep(symbol), expected, { call, note: topNote });
      assertEqual(first.value, expected, { call, note: topNote });
      await addAll(
        symbol,
        [
          ["bid", bid, moreBid],
          ["ask", ask, moreAsk],
        ],
        3,
      );
      assertEqual(await first.read(), expected, {
        call: t({
          es: "el resultado del primer getTopOfBook, después de agregar más órdenes a esos niveles",
          en: "the result of the first getTopOfBook, after adding more orders to those levels",
        }),
        note: freshNote,
      });
      // And a caller that changes its reply must not change the book.
      const later = { bid: level(bid, bidQty + moreBid, 2), ask: level(ask, askQty + moreAsk, 2) };
      const second = await settled(OrderBook.getTopOfBook.keep(symbol), later, { call, note: topNote });
      if (second.value.bid !== null) await second.set(["bid", "qty"], 0);
      if (second.value.ask !== null) await second.set(["ask", "orders"], 0);
      await expectTop(
        symbol,
        later,
        freshNote,
        t({ es: "después de cambiar el resultado anterior", en: "after changing the previous result" }),
      );
    },
  );

  it(
    testName({
      en: "should agree with a model over random orders on two symbols",
      es: "debería coincidir con un modelo en órdenes aleatorias sobre dos símbolos",
    }),
    async () => {
      await assertModel(modelRun(["add", "top"]));
    },
  );
});

gradeTask(4, () => {
  it(
    testName({
      en: "should list bids by price descending and asks ascending",
      es: "debería listar los bids por precio descendente y los asks ascendente",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const count = ex.int(3, 5);
      const orders = twoSided(ex, mid, count);
      const levels = ex.int(count, 20);
      await startBook(symbol);
      await addAll(symbol, orders);
      await expectDepth(symbol, levels, modelAfter(orders).depth(levels), depthNote);
    },
  );

  it(
    testName({
      en: "should give one row per price, with the quantity summed and the orders counted",
      es: "debería dar una fila por precio, con la cantidad sumada y las órdenes contadas",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bid = drawMid(ex);
      const ask = bid + ex.int(1, 50);
      const orders = shuffled<Order>(ex, [
        ...Array.from({ length: ex.int(2, 4) }, (): Order => ["bid", bid, drawQty(ex)]),
        ["bid", bid - ex.int(1, 50), drawQty(ex)],
        ...Array.from({ length: ex.int(2, 3) }, (): Order => ["ask", ask, drawQty(ex)]),
      ]);
      const levels = ex.int(2, 10);
      await startBook(symbol);
      await addAll(symbol, orders);
      await expectDepth(symbol, levels, modelAfter(orders).depth(levels), {
        es: "Una fila por nivel de precio, no por orden: suma qty y cuenta las órdenes del nivel.",
        en: "One row per price level, not per order: sum qty and count the level's orders.",
      });
    },
  );

  it(
    testName({
      en: "should return at most the number of levels asked for, a side",
      es: "debería devolver como mucho la cantidad de niveles pedida, por lado",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const count = ex.int(3, 6);
      const orders = twoSided(ex, mid, count);
      await startBook(symbol);
      await addAll(symbol, orders);
      const model = modelAfter(orders);
      const note: Text = {
        es: "getDepth(symbol, levels) devuelve como mucho `levels` niveles por lado: ni más ni menos si hay suficientes.",
        en: "getDepth(symbol, levels) returns at most `levels` levels a side: no more, and no fewer when there are enough.",
      };
      // 1 and 2 are the boundaries; then a drawn depth, every level, and more than there are.
      for (const levels of [1, 2, ex.int(2, count), count, ex.int(count + 1, 100)]) {
        await expectDepth(symbol, levels, model.depth(levels), note, t({ es: `${count} niveles por lado`, en: `${count} levels a side` }));
      }
    },
  );

  it(
    testName({
      en: "should list every level asked for in a deep book, past 50 a side",
      es: "debería listar todos los niveles pedidos en un libro profundo, más de 50 por lado",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const count = ex.int(60, 120);
      const orders = twoSided(ex, mid, count, 400);
      await startBook(symbol);
      await addAll(symbol, orders);
      const model = modelAfter(orders);
      const note: Text = {
        es: "La profundidad no tiene un tope propio: devuelve `levels` niveles por lado, o todos si hay menos, aunque sean cientos.",
        en: "Depth has no cap of its own: it returns `levels` levels a side, or all of them when there are fewer, even hundreds.",
      };
      const when = t({ es: `${count} niveles por lado`, en: `${count} levels a side` });
      for (const levels of [ex.int(51, count - 1), count, ex.int(count + 1, 100_000), Number.MAX_SAFE_INTEGER]) {
        const expected = model.depth(levels);
        const call = withWhen(callText("getDepth", symbol, levels), when);
        const actual = await settled(OrderBook.getDepth(symbol, levels), expected, { call, note });
        // The number of rows first: two lists of a hundred levels are too long to compare by eye.
        const lengths = (depth: unknown): unknown =>
          typeof depth === "object" &&
          depth !== null &&
          "bids" in depth &&
          "asks" in depth &&
          Array.isArray(depth.bids) &&
          Array.isArray(depth.asks)
            ? { bids: depth.bids.length, asks: depth.asks.length }
            : depth;
        assertEqual(lengths(actual), lengths(expected), {
          call: `${t({ es: "cuántas filas por lado en", en: "how many rows a side in" })} ${call}`,
          note,
        });
        assertEqual(actual, expected, { call, note });
      }
    },
  );

  it(
    testName({
      en: "should answer empty lists for an empty book",
      es: "debería responder listas vacías para un libro vacío",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      await startBook(symbol);
      await expectDepth(symbol, ex.int(1, 20), emptyDepth, depthNote);
    },
  );

  it(
    testName({
      en: "should compare prices as numbers, not as text",
      es: "debería comparar los precios como números, no como texto",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const scale = drawScale(ex);
      // Bids of four digit counts, asks of three: numeric order differs from text order on both sides.
      const bids = [
        ex.int(90 * scale, 100 * scale - 1),
        ex.int(100 * scale, 200 * scale - 1),
        ex.int(scale, 10 * scale - 1),
        ex.int(1_000 * scale, 2_000 * scale - 1),
      ];
      const asks = [ex.int(1_000 * scale, 2_000 * scale - 1), ex.int(200 * scale, 1_000 * scale - 1), ex.int(30 * scale, 100 * scale - 1)];
      const orders = shuffled<Order>(ex, [
        ...bids.map((price): Order => ["bid", price, drawQty(ex)]),
        ...asks.map((price): Order => ["ask", price, drawQty(ex)]),
      ]);
      const levels = ex.int(4, 20);
      await startBook(symbol);
      await addAll(symbol, orders);
      await expectDepth(symbol, levels, modelAfter(orders).depth(levels), numericNote);
    },
  );

  it(
    testName({
      en: "should start with the top of book on each side",
      es: "debería empezar por el top of book de cada lado",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bid = drawMid(ex);
      const ask = bid + ex.int(1, 50);
      const orders = shuffled<Order>(ex, [
        ["bid", bid - ex.int(1, 50), drawQty(ex)],
        ["bid", bid, drawQty(ex)],
        ["ask", ask + ex.int(1, 50), drawQty(ex)],
        ["ask", ask, drawQty(ex)],
        ["ask", ask, drawQty(ex)],
      ]);
      await startBook(symbol);
      await addAll(symbol, orders);
      const model = modelAfter(orders);
      const top = await settled(OrderBook.getTopOfBook(symbol), model.top(), { call: callText("getTopOfBook", symbol), note: topNote });
      const depth = await settled(OrderBook.getDepth(symbol, 1), model.depth(1), {
        call: callText("getDepth", symbol, 1),
        note: depthNote,
      });
      const firsts = "bids" in depth ? { bid: depth.bids[0] ?? null, ask: depth.asks[0] ?? null } : depth;
      assertEqual(firsts, top, {
        call: `${t({ es: "el primer nivel de cada lado de", en: "the first level of each side of" })} ${callText("getDepth", symbol, 1)}`,
        note: {
          es: "El top of book y el primer nivel de la profundidad son el mismo nivel.",
          en: "The top of book and the first level of depth are the same level.",
        },
      });
      assertEqual(top, model.top(), { call: callText("getTopOfBook", symbol), note: topNote });
    },
  );

  it(
    testName({
      en: "should return depth that later orders and changes by the caller do not touch",
      es: "debería devolver una profundidad que ni las órdenes posteriores ni los cambios de quien llama alteran",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bid = drawMid(ex);
      const ask = bid + ex.int(1, 50);
      const orders: Order[] = [
        ["bid", bid, drawQty(ex)],
        ["ask", ask, drawQty(ex)],
      ];
      const more: Order[] = [
        ["bid", bid, drawQty(ex)],
        ["bid", bid - ex.int(1, 50), drawQty(ex)],
        ["ask", ask, drawQty(ex)],
      ];
      const levels = ex.int(2, 10);
      await startBook(symbol);
      await addAll(symbol, orders);
      const expected = modelAfter(orders).depth(levels);
      const call = callText("getDepth", symbol, levels);
      // Kept in the subject, as the caller holds a reply there: a later order must not change it.
      const first = await settled(OrderBook.getDepth.keep(symbol, levels), expected, { call, note: depthNote });
      assertEqual(first.value, expected, { call, note: depthNote });
      await addAll(symbol, more, orders.length + 1);
      assertEqual(await first.read(), expected, {
        call: t({
          es: "el resultado del primer getDepth, después de agregar más órdenes",
          en: "the result of the first getDepth, after adding more orders",
        }),
        note: freshNote,
      });
      // And a caller that changes its reply must not change the book.
      const later = modelAfter([...orders, ...more]).depth(levels);
      const second = await settled(OrderBook.getDepth.keep(symbol, levels), later, { call, note: depthNote });
      if ("bids" in second.value) {
        await second.set(["bids", "length"], 0);
        if (second.value.asks[0] !== undefined) await second.set(["asks", 0, "qty"], 0);
      }
      await expectDepth(
        symbol,
        levels,
        later,
        freshNote,
        t({ es: "después de cambiar el resultado anterior", en: "after changing the previous result" }),
      );
    },
  );

  it(
    testName({
      en: "should agree with a model over random orders on two symbols",
      es: "debería coincidir con un modelo en órdenes aleatorias sobre dos símbolos",
    }),
    async () => {
      await assertModel(modelRun(["add", "depth"]));
    },
  );
});

gradeTask(5, () => {
  const cancelNote: Text = {
    es: "Cancelar quita la cantidad de la orden de su nivel y resta una orden; un nivel sin órdenes desaparece.",
    en: "Cancelling removes the order's quantity from its level and one order from its count; a level with no orders disappears.",
  };

  const reuseNote: Text = {
    es: "Los ids vienen de un contador que solo sube: nunca de cuántas órdenes hay vivas, porque después de cancelar se repetirían.",
    en: "Ids come from a counter that only goes up: never from how many orders are alive, since after a cancel they would repeat.",
  };

  it(
    testName({
      en: "should never reuse the id of a cancelled order",
      es: "nunca debería reutilizar el id de una orden cancelada",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const count = ex.int(3, 6);
      await startBook(symbol);
      await addAll(
        symbol,
        Array.from({ length: count }, (): Order => [drawSide(ex), mid + ex.int(-20, 20), drawQty(ex)]),
      );
      // Cancelling the newest order first: an id taken from the number of live orders comes back at once.
      await expectCancel(symbol, count, "ok");
      await expectAdd(
        symbol,
        drawSide(ex),
        mid + ex.int(-20, 20),
        drawQty(ex),
        count + 1,
        reuseNote,
        t({ es: `después de cancelar la orden ${count}`, en: `after cancelling order ${count}` }),
      );
      const [i, j] = ex.pickDistinct(
        Array.from({ length: count - 1 }, (_, k) => k + 1),
        2,
      ) as [number, number];
      await expectCancel(symbol, i, "ok");
      await expectCancel(symbol, j, "ok");
      await expectAdd(
        symbol,
        drawSide(ex),
        mid + ex.int(-20, 20),
        drawQty(ex),
        count + 2,
        reuseNote,
        t({ es: `después de cancelar las órdenes ${i} y ${j}`, en: `after cancelling orders ${i} and ${j}` }),
      );
    },
  );

  it(
    testName({
      en: "should take a cancelled order's quantity off its level",
      es: "debería descontar de su nivel la cantidad de una orden cancelada",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bid = drawMid(ex);
      const ask = bid + ex.int(1, 50);
      const orders: Order[] = [
        ["bid", bid, drawQty(ex)],
        ["bid", bid, drawQty(ex)],
        ["ask", ask, drawQty(ex)],
        ["ask", ask, drawQty(ex)],
      ];
      await startBook(symbol);
      const ids = await addAll(symbol, orders);
      const model = modelAfter(orders);
      // One order of each level, either the older or the newer.
      for (const id of [ex.pick(ids.slice(0, 2)), ex.pick(ids.slice(2))]) {
        await expectCancel(symbol, id, "ok");
        model.cancel(id);
      }
      await expectTop(symbol, model.top(), cancelNote);
    },
  );

  it(
    testName({
      en: "should remove a level when its last order is cancelled",
      es: "debería quitar un nivel cuando se cancela su última orden",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bestBid = drawMid(ex);
      const bestAsk = bestBid + ex.int(1, 50);
      const orders: Order[] = [
        ["bid", bestBid, drawQty(ex)],
        ["bid", bestBid - ex.int(1, 50), drawQty(ex)],
        ["ask", bestAsk, drawQty(ex)],
        ["ask", bestAsk + ex.int(1, 50), drawQty(ex)],
      ];
      await startBook(symbol);
      const [a, b, c] = (await addAll(symbol, orders)) as [number, number, number, number];
      const model = modelAfter(orders);
      await expectCancel(symbol, a, "ok");
      model.cancel(a);
      await expectTop(
        symbol,
        model.top(),
        cancelNote,
        t({ es: `después de cancelar la única orden de ${bestBid}`, en: `after cancelling the only order at ${bestBid}` }),
      );
      for (const id of [b, c]) {
        await expectCancel(symbol, id, "ok");
        model.cancel(id);
      }
      const levels = ex.int(2, 10);
      const after = t({ es: `después de cancelar las órdenes ${a}, ${b} y ${c}`, en: `after cancelling orders ${a}, ${b} and ${c}` });
      await expectDepth(symbol, levels, model.depth(levels), cancelNote, after);
      await expectTop(symbol, model.top(), cancelNote, after);
    },
  );

  it(
    testName({
      en: "should list a level again when an order comes back to a price that was emptied",
      es: "debería volver a listar un nivel cuando llega una orden a un precio que se había vaciado",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const bid = drawMid(ex);
      const ask = bid + ex.int(1, 50);
      // Each side's best level, with one to three orders, and a worse level that stays.
      const best = (side: ModelSide, price: number): Order[] =>
        Array.from({ length: ex.int(1, 3) }, (): Order => [side, price, drawQty(ex)]);
      const orders = shuffled<Order>(ex, [
        ...best("bid", bid),
        ...best("ask", ask),
        ["bid", worse("bid", bid, ex.int(1, 50)), drawQty(ex)],
        ["ask", worse("ask", ask, ex.int(1, 50)), drawQty(ex)],
      ]);
      await startBook(symbol);
      const ids = await addAll(symbol, orders);
      const model = modelAfter(orders);
      const emptied = ids.filter((_, i) => (orders[i] as Order)[1] === bid || (orders[i] as Order)[1] === ask);
      for (const id of shuffled(ex, emptied)) {
        await expectCancel(symbol, id, "ok");
        model.cancel(id);
      }
      const note: Text = {
        es: "Un nivel que se vacía sale de todas partes (del Map de niveles y de la lista de precios): una orden nueva a ese precio abre un nivel nuevo, con solo su cantidad, en su lugar.",
        en: "A level that empties leaves every place it was kept (the Map of levels and the list of prices): a new order at that price opens a new level, with only its quantity, in its place.",
      };
      const when = t({ es: `después de vaciar los niveles ${bid} y ${ask}`, en: `after emptying levels ${bid} and ${ask}` });
      await expectTop(symbol, model.top(), note, when);
      const again = shuffled<Order>(ex, [
        ["bid", bid, drawQty(ex)],
        ["ask", ask, drawQty(ex)],
      ]);
      for (const [side, price, qty] of again) await expectAdd(symbol, side, price, qty, model.add(side, price, qty), reuseNote, when);
      const back = t({ es: `con órdenes otra vez a ${bid} y ${ask}`, en: `with orders at ${bid} and ${ask} again` });
      await expectTop(symbol, model.top(), note, back);
      const levels = ex.int(2, 10);
      await expectDepth(symbol, levels, model.depth(levels), note, back);
    },
  );

  it(
    testName({
      en: "should start over from an empty book once every order is cancelled, with the ids going on",
      es: "debería volver a empezar desde un libro vacío cuando se cancelan todas las órdenes, sin reiniciar los ids",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const orders = shuffled<Order>(ex, [...twoSided(ex, mid, ex.int(1, 3), 5), ["bid", mid - ex.int(1, 5), drawQty(ex)]]);
      await startBook(symbol);
      const ids = await addAll(symbol, orders);
      const model = modelAfter(orders);
      for (const id of shuffled(ex, ids)) {
        await expectCancel(symbol, id, "ok");
        model.cancel(id);
      }
      const empty = t({ es: "después de cancelar todas las órdenes", en: "after cancelling every order" });
      await expectTop(symbol, emptyTop, cancelNote, empty);
      await expectDepth(symbol, ex.int(1, 10), emptyDepth, cancelNote, empty);
      // The same prices again, and one more: an emptied book is not a new book.
      const more = shuffled<Order>(ex, [...orders.slice(0, ex.int(1, orders.length)), [drawSide(ex), mid, drawQty(ex)]]);
      for (const [side, price, qty] of more) {
        await expectAdd(symbol, side, price, qty, model.add(side, price, qty), reuseNote, empty);
      }
      const levels = ex.int(3, 10);
      const refilled = t({ es: "con el libro otra vez con órdenes", en: "with the book holding orders again" });
      await expectDepth(symbol, levels, model.depth(levels), cancelNote, refilled);
      await expectTop(symbol, model.top(), cancelNote, refilled);
    },
  );

  it(
    testName({
      en: "should cancel an order from its own side when a bid and an ask share its price",
      es: "debería cancelar una orden de su propio lado cuando un bid y un ask comparten su precio",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const price = drawMid(ex);
      const orders = shuffled<Order>(ex, [
        ["bid", price, drawQty(ex)],
        ["ask", price, drawQty(ex)],
        ...Array.from({ length: ex.int(0, 2) }, (): Order => [drawSide(ex), price, drawQty(ex)]),
        ["bid", price - ex.int(1, 20), drawQty(ex)],
        ["ask", price + ex.int(1, 20), drawQty(ex)],
      ]);
      await startBook(symbol);
      const ids = await addAll(symbol, orders);
      const model = modelAfter(orders);
      const note: Text = {
        es: "Cada orden recuerda su lado: cancelarla resta de su nivel en ese lado, aunque el otro lado tenga un nivel al mismo precio.",
        en: "Each order remembers its side: cancelling it takes from its level on that side, even when the other side has a level at the same price.",
      };
      // The orders at the shared price, one side's first (drawn), then the other's.
      const first = drawSide(ex);
      const atPrice = (side: ModelSide): number[] =>
        ids.filter((_, i) => (orders[i] as Order)[0] === side && (orders[i] as Order)[1] === price);
      for (const id of [...atPrice(first), ...atPrice(otherSide(first))]) {
        await expectCancel(symbol, id, "ok");
        model.cancel(id);
        const when = t({ es: `después de cancelar la orden ${id}`, en: `after cancelling order ${id}` });
        await expectTop(symbol, model.top(), note, when);
      }
      const levels = ex.int(2, 10);
      await expectDepth(symbol, levels, model.depth(levels), note);
    },
  );

  it(
    testName({
      en: "should answer not_found for an unknown id and leave the book as it was",
      es: "debería responder not_found para un id desconocido y dejar el libro como estaba",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const orders = Array.from({ length: ex.int(1, 4) }, (): Order => [drawSide(ex), mid + ex.int(-20, 20), drawQty(ex)]);
      await startBook(symbol);
      await addAll(symbol, orders);
      const note: Text = {
        es: 'Un id que este libro no dio responde "not_found" y no cambia nada.',
        en: 'An id this book never gave answers "not_found" and changes nothing.',
      };
      // The next id, 0 and -1 are the edges; a drawn id far beyond them is the ordinary case.
      for (const id of [orders.length + 1, 0, -1, ex.int(orders.length + 2, 1_000_000)]) await expectCancel(symbol, id, "not_found", note);
      const levels = ex.int(orders.length, 20);
      await expectDepth(symbol, levels, modelAfter(orders).depth(levels), note);
    },
  );

  it(
    testName({
      en: "should answer not_found when the same order is cancelled twice",
      es: "debería responder not_found cuando se cancela dos veces la misma orden",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const side = drawSide(ex);
      const price = drawMid(ex);
      const orders: Order[] = Array.from({ length: ex.int(2, 4) }, () => [side, price, drawQty(ex)]);
      await startBook(symbol);
      const ids = await addAll(symbol, orders);
      const id = ex.pick(ids);
      const model = modelAfter(orders);
      model.cancel(id);
      const note: Text = {
        es: 'Una orden cancelada sale del índice de ids: cancelarla otra vez responde "not_found" y no toca su nivel.',
        en: 'A cancelled order leaves the id index: cancelling it again answers "not_found" and leaves its level alone.',
      };
      await expectCancel(symbol, id, "ok");
      await expectCancel(symbol, id, "not_found", note, t({ es: "por segunda vez", en: "a second time" }));
      await expectTop(symbol, model.top(), note);
    },
  );

  it(
    testName({
      en: "should cancel only in the book of the given symbol",
      es: "debería cancelar solo en el libro del símbolo indicado",
    }),
    async () => {
      const ex = examples();
      const [kept, cancelled] = ex.symbols(2) as [string, string];
      const count = ex.int(1, 3);
      const ordersOf = (): Order[] => {
        const mid = drawMid(ex);
        return Array.from({ length: count }, () => [drawSide(ex), mid + ex.int(-20, 20), drawQty(ex)]);
      };
      const keptOrders = ordersOf();
      await startBook(kept);
      await startBook(cancelled);
      await addAll(kept, keptOrders);
      await addAll(cancelled, ordersOf());
      const id = ex.int(1, count);
      await expectCancel(cancelled, id, "ok");
      const levels = ex.int(count, 20);
      await expectDepth(kept, levels, modelAfter(keptOrders).depth(levels), {
        es: `La orden ${id} de ${cancelled} no es la orden ${id} de ${kept}.`,
        en: `Order ${id} of ${cancelled} is not order ${id} of ${kept}.`,
      });
    },
  );

  it(
    testName({
      en: "should agree with a model over random adds, cancels and queries on two symbols",
      es: "debería coincidir con un modelo en altas, cancelaciones y consultas aleatorias sobre dos símbolos",
    }),
    async () => {
      await assertModel(modelRun(["add", "add", "cancel", "cancel", "top", "depth"]));
    },
  );
});

gradeTask(6, () => {
  const unchangedNote: Text = {
    es: "Una entrada inválida no cambia el libro ni consume un id.",
    en: "Invalid input does not change the book nor use up an id.",
  };

  it(
    testName({
      en: "should reject an unknown side with invalid_side",
      es: "debería rechazar un lado desconocido con invalid_side",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [price, qty] = [drawMid(ex), drawQty(ex)];
      await startBook(symbol);
      for (const side of ["buy", "BID", "sell", "", ex.pick(WRONG_SIDES), ...WRONG_TYPE_SIDES]) {
        await expectAdd(
          symbol,
          side,
          price,
          qty,
          { error: "invalid_side" },
          {
            es: 'side es "bid" o "ask", exactamente: cualquier otro valor, sea del tipo que sea, responde invalid_side.',
            en: 'side is "bid" or "ask", exactly: any other value, of whatever type, answers invalid_side.',
          },
        );
      }
    },
  );

  it(
    testName({
      en: "should reject a price that is not a positive safe integer with invalid_price",
      es: "debería rechazar con invalid_price un precio que no es un entero seguro positivo",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [side, qty] = [drawSide(ex), drawQty(ex)];
      await startBook(symbol);
      for (const price of [
        0,
        -1,
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        2 ** 53,
        "100",
        ...drawnBadNumbers(ex),
        ...wrongTypeNumbers(ex),
      ]) {
        await expectAdd(
          symbol,
          side,
          price,
          qty,
          { error: "invalid_price" },
          {
            es: "Los precios son ticks enteros: Number.isSafeInteger(price) && price > 0.",
            en: "Prices are integer ticks: Number.isSafeInteger(price) && price > 0.",
          },
        );
      }
    },
  );

  it(
    testName({
      en: "should reject a quantity that is not a positive safe integer with invalid_qty",
      es: "debería rechazar con invalid_qty una cantidad que no es un entero seguro positivo",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [side, price] = [drawSide(ex), drawMid(ex)];
      await startBook(symbol);
      for (const qty of [0, -5, 0.5, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53, "1", ...drawnBadNumbers(ex), ...wrongTypeNumbers(ex)]) {
        await expectAdd(
          symbol,
          side,
          price,
          qty,
          { error: "invalid_qty" },
          {
            es: "Las cantidades son lotes enteros: Number.isSafeInteger(qty) && qty > 0.",
            en: "Quantities are integer lots: Number.isSafeInteger(qty) && qty > 0.",
          },
        );
      }
    },
  );

  it(
    testName({
      en: "should accept the smallest and the largest valid price and quantity",
      es: "debería aceptar el menor y el mayor precio y cantidad válidos",
    }),
    async () => {
      const ex = examples();
      const max = Number.MAX_SAFE_INTEGER;
      const note: Text = {
        es: "Todo entero seguro positivo es válido: de 1 a Number.MAX_SAFE_INTEGER (2 ** 53 - 1), también más allá de 2 ** 31.",
        en: "Every positive safe integer is valid: from 1 to Number.MAX_SAFE_INTEGER (2 ** 53 - 1), past 2 ** 31 too.",
      };
      // 1 and 2 ** 53 - 1 are the bounds of the rule; past 2 ** 31 is what a 32-bit check gets wrong. Two books of
      // one level a side each, so that only the validation is at stake here: not the order of levels, nor cancels.
      const [low, high] = ex.symbols(2) as [string, string];
      const big = ex.int(2 ** 31, 2 ** 40);
      const books: [string, Order[]][] = [
        [
          low,
          shuffled<Order>(ex, [
            ["bid", 1, drawQty(ex)],
            ["ask", max, 1],
          ]),
        ],
        [
          high,
          shuffled<Order>(ex, [
            ["bid", big, max],
            ["ask", big + ex.int(1, 1_000), big],
          ]),
        ],
      ];
      for (const [symbol, orders] of books) {
        await startBook(symbol);
        const model = new BookModel();
        for (const [side, price, qty] of orders) await expectAdd(symbol, side, price, qty, model.add(side, price, qty), note);
        await expectDepth(symbol, max, model.depth(max), note);
      }
    },
  );

  it(
    testName({
      en: "should check the side, then the price, then the quantity",
      es: "debería comprobar el lado, luego el precio, luego la cantidad",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      await startBook(symbol);
      const note: Text = {
        es: "Con varios campos inválidos, el error es el del primero en este orden: side, price, qty.",
        en: "With several invalid fields, the error is that of the first in this order: side, price, qty.",
      };
      const badNumber = (): unknown => ex.pick([0, -1, 1.5, ...drawnBadNumbers(ex), ...wrongTypeNumbers(ex)]);
      await expectAdd(symbol, ex.pick([...WRONG_SIDES, ...WRONG_TYPE_SIDES]), badNumber(), badNumber(), { error: "invalid_side" }, note);
      await expectAdd(symbol, drawSide(ex), badNumber(), badNumber(), { error: "invalid_price" }, note);
      await expectAdd(symbol, drawSide(ex), drawMid(ex), badNumber(), { error: "invalid_qty" }, note);
    },
  );

  it(
    testName({
      en: "should leave the book unchanged and give no id to an invalid order",
      es: "debería dejar el libro sin cambios y no dar id a una orden inválida",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const valid: Order = [drawSide(ex), drawMid(ex), drawQty(ex)];
      await startBook(symbol);
      await expectAdd(symbol, ...valid, 1);
      // One invalid order of each kind, and a few more of drawn kinds, in a drawn order.
      const kinds = ["side", "price", "qty", ...Array.from({ length: ex.int(0, 2) }, () => ex.pick(["side", "price", "qty"] as const))];
      for (const kind of shuffled(ex, kinds)) {
        const side = kind === "side" ? ex.pick([...WRONG_SIDES, ...WRONG_TYPE_SIDES]) : drawSide(ex);
        const price = kind === "price" ? ex.pick([0, ...drawnBadNumbers(ex), ...wrongTypeNumbers(ex)]) : drawMid(ex);
        const qty = kind === "qty" ? ex.pick([0, ...drawnBadNumbers(ex), ...wrongTypeNumbers(ex)]) : drawQty(ex);
        await expectAdd(symbol, side, price, qty, { error: `invalid_${kind}` }, unchangedNote);
      }
      const when = t({ es: `después de ${kinds.length} órdenes inválidas`, en: `after ${kinds.length} invalid orders` });
      const levels = ex.int(1, 20);
      await expectDepth(symbol, levels, modelAfter([valid]).depth(levels), unchangedNote, when);
      await expectAdd(symbol, drawSide(ex), drawMid(ex), drawQty(ex), 2, unchangedNote, when);
    },
  );

  it(
    testName({
      en: "should answer not_found for an id that is not a positive integer, and keep every order",
      es: "debería responder not_found para un id que no es un entero positivo, y conservar todas las órdenes",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const mid = drawMid(ex);
      const orders = Array.from({ length: ex.int(2, 5) }, (): Order => [drawSide(ex), mid + ex.int(-20, 20), drawQty(ex)]);
      await startBook(symbol);
      const ids = await addAll(symbol, orders);
      const id = ex.pick(ids);
      const note: Text = {
        es: 'Los ids son enteros positivos: cualquier otro valor ("3", 1.5, null, [3]…) no es el id de ninguna orden y responde "not_found", sin cancelar nada y sin hacer caer el libro.',
        en: 'Ids are positive integers: any other value ("3", 1.5, null, [3]…) is the id of no order and answers "not_found", cancelling nothing and without crashing the book.',
      };
      // Values that a loose lookup would read as an existing id (a numeric string, [id], true for 1), and others.
      const wrong = [
        String(id),
        [id],
        true,
        id + 0.5,
        BigInt(id),
        { id },
        Number.NaN,
        null,
        undefined,
        Number.POSITIVE_INFINITY,
        2 ** 53 + 2,
      ];
      for (const bad of shuffled(ex, wrong)) await expectCancel(symbol, bad, "not_found", note);
      const levels = ex.int(orders.length, 20);
      const when = t({ es: "después de esas cancelaciones", en: "after those cancels" });
      await expectDepth(symbol, levels, modelAfter(orders).depth(levels), note, when);
      await expectCancel(symbol, id, "ok", note, when);
    },
  );

  it(
    testName({
      en: "should answer invalid_levels for a depth that is not a positive safe integer, and keep serving",
      es: "debería responder invalid_levels para una profundidad que no es un entero seguro positivo, y seguir atendiendo",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const orders: Order[] = [[drawSide(ex), drawMid(ex), drawQty(ex)]];
      await startBook(symbol);
      await addAll(symbol, orders);
      for (const levels of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "3", ...drawnBadNumbers(ex), ...wrongTypeNumbers(ex)]) {
        await expectDepth(
          symbol,
          levels,
          { error: "invalid_levels" },
          {
            es: 'levels debe ser un entero positivo: responde { error: "invalid_levels" } sin hacer caer el servidor.',
            en: 'levels must be a positive integer: answer { error: "invalid_levels" } without crashing the server.',
          },
        );
      }
      await expectTop(symbol, modelAfter(orders).top(), {
        es: "El libro sigue vivo y con sus órdenes.",
        en: "The book is still alive, with its orders.",
      });
    },
  );

  it(
    testName({
      en: "should agree with a model over random valid and invalid requests",
      es: "debería coincidir con un modelo en peticiones aleatorias válidas e inválidas",
    }),
    async () => {
      // Only what task 6 is about: the ids and the contents of the book, not the order of its levels nor its cancels.
      await assertModel(modelRun(["add", "invalid-add", "invalid-cancel", "invalid-depth", "contents"], { numRuns: 10, maxCommands: 40 }));
    },
  );
});

// Task 7 (scale) is in scale.test.ts: the longest test of the exercise runs beside these, not after them.

// Model-based runs: random adds, cancels and queries on two books, checked against BookModel after every step.

interface Model {
  readonly books: ReadonlyMap<string, BookModel>;
}
type Real = Record<string, never>;
type Command = fc.AsyncCommand<Model, Real, boolean>;

const modelNote: Text = {
  es: 'Reglas: ids 1, 2, 3… por libro; bids de mayor a menor, asks de menor a mayor; una fila por precio (qty sumada, orders contadas); cancelar un id desconocido o ya cancelado responde "not_found"; una entrada inválida responde su error y no cambia nada.',
  en: 'Rules: ids 1, 2, 3… per book; bids from highest to lowest, asks from lowest to highest; one row per price (qty summed, orders counted); cancelling an unknown or already cancelled id answers "not_found"; invalid input answers its error and changes nothing.',
};

function bookOf(model: Model, symbol: string): BookModel {
  const book = model.books.get(symbol);
  if (book === undefined) throw new Error(`grader: no model book for ${symbol}`);
  return book;
}

/** The error the statement gives an order, checking side, then price, then quantity; null for a valid one. */
function orderError(side: unknown, price: unknown, qty: unknown): { error: string } | null {
  const valid = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) > 0;
  if (side !== "bid" && side !== "ask") return { error: "invalid_side" };
  if (!valid(price)) return { error: "invalid_price" };
  if (!valid(qty)) return { error: "invalid_qty" };
  return null;
}

/** An addOrder, valid or not: a valid one gets the model's next id, an invalid one its error and no id. */
class AddCommand implements Command {
  readonly symbol: string;
  readonly side: unknown;
  readonly price: unknown;
  readonly qty: unknown;
  private outcome = "";
  constructor(symbol: string, side: unknown, price: unknown, qty: unknown) {
    this.symbol = symbol;
    this.side = side;
    this.price = price;
    this.qty = qty;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const error = orderError(this.side, this.price, this.qty);
    const expected = error ?? bookOf(model, this.symbol).add(this.side as ModelSide, this.price as number, this.qty as number);
    const answer = OrderBook.addOrder(this.symbol, this.side as Impl.Side, this.price as number, this.qty as number);
    const actual = await settled(answer, expected, { call: this.call(), note: modelNote });
    this.outcome = ` → ${arg(actual)}`;
    assertEqual(actual, expected, { call: this.call(), note: modelNote });
  }
  private call(): string {
    return callText("addOrder", this.symbol, this.side, this.price, this.qty);
  }
  toString(): string {
    return `${this.call()}${this.outcome}`;
  }
  [fc.cloneMethod](): AddCommand {
    return new AddCommand(this.symbol, this.side, this.price, this.qty);
  }
}

type CancelPick = "live" | "cancelled" | "unknown";

/** Cancels a live, an already cancelled or a never given id, chosen when it runs (ids depend on the steps before). */
class CancelCommand implements Command {
  readonly symbol: string;
  readonly pick: CancelPick;
  readonly n: number;
  private id: number | null = null;
  private outcome = "";
  constructor(symbol: string, pick: CancelPick, n: number) {
    this.symbol = symbol;
    this.pick = pick;
    this.n = n;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const book = bookOf(model, this.symbol);
    const from = this.pick === "live" ? book.liveIds : this.pick === "cancelled" ? book.cancelled : [];
    const id = from.length > 0 ? (from[this.n % from.length] as number) : book.upcomingId + this.n;
    this.id = id;
    const expected = book.cancel(id);
    const actual = await settled(OrderBook.cancelOrder(this.symbol, id), expected, { call: this.call(), note: modelNote });
    this.outcome = ` → ${arg(actual)}`;
    assertEqual(actual, expected, { call: this.call(), note: modelNote });
  }
  private call(): string {
    return callText("cancelOrder", this.symbol, this.id ?? `<${this.pick}>`);
  }
  toString(): string {
    return `${this.call()}${this.outcome}`;
  }
  [fc.cloneMethod](): CancelCommand {
    return new CancelCommand(this.symbol, this.pick, this.n);
  }
}

/** A wrong value for an id, made when it runs from a live id where there is one: "3", [3], 3.5, true… */
type WrongId = "string" | "array" | "fraction" | "true" | "null" | "NaN";

/** Cancels with an id of the wrong type or a fraction: the answer is "not_found" and the book keeps every order. */
class WrongIdCancelCommand implements Command {
  readonly symbol: string;
  readonly wrong: WrongId;
  readonly n: number;
  private id: unknown = null;
  private outcome = "";
  constructor(symbol: string, wrong: WrongId, n: number) {
    this.symbol = symbol;
    this.wrong = wrong;
    this.n = n;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const live = bookOf(model, this.symbol).liveIds;
    const near = live.length > 0 ? (live[this.n % live.length] as number) : 1;
    const ids: Record<WrongId, unknown> = {
      string: String(near),
      array: [near],
      fraction: near + 0.5,
      true: true,
      null: null,
      NaN: Number.NaN,
    };
    this.id = ids[this.wrong];
    const actual = await settled(OrderBook.cancelOrder(this.symbol, this.id as number), "not_found", {
      call: this.call(),
      note: modelNote,
    });
    this.outcome = ` → ${arg(actual)}`;
    assertEqual(actual, "not_found", { call: this.call(), note: modelNote });
  }
  private call(): string {
    return callText("cancelOrder", this.symbol, this.id);
  }
  toString(): string {
    return `${this.call()}${this.outcome}`;
  }
  [fc.cloneMethod](): WrongIdCancelCommand {
    return new WrongIdCancelCommand(this.symbol, this.wrong, this.n);
  }
}

class TopCommand implements Command {
  readonly symbol: string;
  constructor(symbol: string) {
    this.symbol = symbol;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    await assertAnswer(OrderBook.getTopOfBook(this.symbol), bookOf(model, this.symbol).top(), { call: this.toString(), note: modelNote });
  }
  toString(): string {
    return callText("getTopOfBook", this.symbol);
  }
}

/** Levels sorted by price, lowest first: two lists of levels compared whatever order they came in. */
function byPrice(levels: unknown): unknown {
  if (!Array.isArray(levels)) return levels;
  return [...levels].sort((a: { price?: unknown }, b: { price?: unknown }) => Number(a?.price) - Number(b?.price));
}

/** Every level of a book, each side's rows compared whatever their order: the contents, without task 3's and 4's sorting. */
class ContentsCommand implements Command {
  readonly symbol: string;
  constructor(symbol: string) {
    this.symbol = symbol;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const levels = Number.MAX_SAFE_INTEGER;
    const expected = bookOf(model, this.symbol).depth(levels);
    const actual: unknown = await settled(OrderBook.getDepth(this.symbol, levels), expected, { call: this.toString(), note: modelNote });
    const rows =
      typeof actual === "object" && actual !== null && "bids" in actual && "asks" in actual
        ? { bids: byPrice(actual.bids), asks: byPrice(actual.asks) }
        : actual;
    assertEqual(rows, { bids: byPrice(expected.bids), asks: byPrice(expected.asks) }, { call: this.toString(), note: modelNote });
  }
  toString(): string {
    return `${callText("getDepth", this.symbol, Number.MAX_SAFE_INTEGER)} // ${t({ es: "cada lado ordenado por precio aquí", en: "each side sorted by price here" })}`;
  }
}

class DepthCommand implements Command {
  readonly symbol: string;
  readonly levels: unknown;
  constructor(symbol: string, levels: unknown) {
    this.symbol = symbol;
    this.levels = levels;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const { levels } = this;
    const valid = Number.isSafeInteger(levels) && (levels as number) > 0;
    const expected = valid ? bookOf(model, this.symbol).depth(levels as number) : { error: "invalid_levels" };
    await assertAnswer(OrderBook.getDepth(this.symbol, levels as number), expected, { call: this.toString(), note: modelNote });
  }
  toString(): string {
    return callText("getDepth", this.symbol, this.levels);
  }
}

type CommandKind = "add" | "cancel" | "top" | "depth" | "contents" | "invalid-add" | "invalid-cancel" | "invalid-depth";

/** Numbers a price, a quantity or a depth must not be: out of range, fractions, unsafe, and of the wrong type. */
const badNumber = fc.constantFrom<unknown>(0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "5", null, undefined, true, [5]);

/**
 * A model run over two books whose symbols, and the price their orders cluster around, are drawn from the seed;
 * `kinds` lists the commands to draw from (a kind listed twice comes up twice as often).
 *
 * Sized for the bugs that take a few steps: two books, seven prices a side, sequences of up to 60 commands
 * (fast-check's size "max": median 30, a quarter over 45; without it, fc.commands stops at 10 whatever maxCommands
 * says). Measured with fc.sample over 3 000 sequences of task 5's commands: 42 % of runs empty a level and add at
 * its price again, 57 % empty a book and add to it again, 39 % cancel an order while a bid and an ask share a price
 * (0.2 %, 3 % and 0.2 % with the earlier three books and default size); 15 runs see each with a probability over 0.999.
 */
function modelRun(kinds: readonly CommandKind[], sizing: { readonly numRuns?: number; readonly maxCommands?: number } = {}) {
  const ex = examples();
  const symbols = ex.symbols(2);
  // Prices within a few ticks of a power of ten, so that levels collide and "99" vs "100" tells numeric from text order.
  const base = ex.pick([100, 1_000, 10_000, 100_000]);
  const symbolArb = fc.constantFrom(...symbols);
  const sideArb = fc.constantFrom<ModelSide>("bid", "ask");
  const priceArb = fc.integer({ min: base - 3, max: base + 3 });
  const qtyArb = fc.integer({ min: 1, max: 9 });
  const arbitraries: Record<CommandKind, fc.Arbitrary<Command>> = {
    add: fc
      .record({ symbol: symbolArb, side: sideArb, price: priceArb, qty: qtyArb })
      .map(({ symbol, side, price, qty }): Command => new AddCommand(symbol, side, price, qty)),
    "invalid-add": fc
      .record({
        symbol: symbolArb,
        side: fc.oneof(sideArb, sideArb, fc.constantFrom<unknown>("buy", "BID", "", null, 1)),
        price: fc.oneof(priceArb, badNumber),
        qty: fc.oneof(qtyArb, badNumber),
      })
      .filter(({ side, price, qty }) => orderError(side, price, qty) !== null)
      .map(({ symbol, side, price, qty }): Command => new AddCommand(symbol, side, price, qty)),
    cancel: fc
      .record({
        symbol: symbolArb,
        pick: fc.constantFrom<CancelPick>("live", "live", "live", "cancelled", "unknown"),
        n: fc.nat({ max: 50 }),
      })
      .map(({ symbol, pick, n }): Command => new CancelCommand(symbol, pick, n)),
    "invalid-cancel": fc
      .record({
        symbol: symbolArb,
        wrong: fc.constantFrom<WrongId>("string", "array", "fraction", "true", "null", "NaN"),
        n: fc.nat({ max: 50 }),
      })
      .map(({ symbol, wrong, n }): Command => new WrongIdCancelCommand(symbol, wrong, n)),
    top: symbolArb.map((symbol): Command => new TopCommand(symbol)),
    depth: fc
      .record({ symbol: symbolArb, levels: fc.integer({ min: 1, max: 8 }) })
      .map(({ symbol, levels }): Command => new DepthCommand(symbol, levels)),
    contents: symbolArb.map((symbol): Command => new ContentsCommand(symbol)),
    "invalid-depth": fc
      .record({ symbol: symbolArb, levels: badNumber })
      .map(({ symbol, levels }): Command => new DepthCommand(symbol, levels)),
  };
  return {
    commands: kinds.map((kind) => arbitraries[kind]),
    numRuns: sizing.numRuns ?? 15,
    maxCommands: sizing.maxCommands ?? 60,
    size: "max" as const,
    async setup() {
      const pids: Book[] = [];
      for (const symbol of symbols) pids.push(await startBook(symbol));
      return {
        model: { books: new Map(symbols.map((symbol) => [symbol, new BookModel()])) },
        real: {},
        async cleanup() {
          for (const pid of pids) await stopQuietly(pid);
        },
      };
    },
  };
}
