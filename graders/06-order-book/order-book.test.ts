import fc from "fast-check";
import { beforeEach, it } from "vitest";
import {
  assertEqual,
  assertModel,
  assertRejects,
  type Examples,
  examples,
  fail,
  gradeTask,
  StartError,
  startServer,
  subject,
  type Text,
  t,
} from "#grading";
import type * as Impl from "#impl/06-order-book/order-book.ts";
import type { Pid } from "#runtime";
import { BookModel, type ModelDepth, type ModelSide, type ModelTop } from "./model.ts";
import { assertScale } from "./scale.ts";

const OrderBook = subject.module<typeof Impl>();
const { GenServer, Registry } = subject.runtime;

// Every example value (symbols, prices, quantities, how many orders, which one is cancelled, depths) is drawn from
// the grading seed with examples(): a fresh seed shows the implementation examples nobody could know in advance, so
// canned answers fail. Expected answers come from the grader's BookModel. The deliberate edge cases stay literal:
// depths 1 and 2, ids 0, -1 and the next one, the invalid sides, prices, quantities and depths.

type Book = Pid<Impl.OrderBookProtocol>;

/** The statement's registry name: the grader's own, which the exercise's ORDER_BOOK_REGISTRY must match. */
const REGISTRY = "OrderBookRegistry";

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
  return typeof value === "string" ? JSON.stringify(value) : String(value);
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

async function expectAdd(
  symbol: string,
  side: string,
  price: number,
  qty: number,
  expected: unknown,
  note?: Text,
  when?: string,
): Promise<void> {
  const actual = await OrderBook.addOrder(symbol, side as Impl.Side, price, qty);
  assertEqual(actual, expected, { call: withWhen(callText("addOrder", symbol, side, price, qty), when), ...noteOf(note) });
}

/** Adds valid orders and checks nothing but that each got a number; returns the ids. */
async function addAll(symbol: string, orders: readonly (readonly [ModelSide, number, number])[]): Promise<number[]> {
  const ids: number[] = [];
  for (const [side, price, qty] of orders) {
    const id = await OrderBook.addOrder(symbol, side, price, qty);
    if (typeof id !== "number") {
      fail({
        es: `${callText("addOrder", symbol, side, price, qty)} debía devolver el id de la orden y devolvió ${JSON.stringify(id)}`,
        en: `${callText("addOrder", symbol, side, price, qty)} should return the order's id and returned ${JSON.stringify(id)}`,
      });
    }
    ids.push(id);
  }
  return ids;
}

async function expectCancel(symbol: string, id: number, expected: "ok" | "not_found", note?: Text, when?: string): Promise<void> {
  const actual = await OrderBook.cancelOrder(symbol, id);
  assertEqual(actual, expected, { call: withWhen(callText("cancelOrder", symbol, id), when), ...noteOf(note) });
}

async function expectTop(symbol: string, expected: ModelTop, note?: Text, when?: string): Promise<Impl.TopOfBook> {
  const actual = await OrderBook.getTopOfBook(symbol);
  assertEqual(actual, expected, { call: withWhen(callText("getTopOfBook", symbol), when), ...noteOf(note) });
  return actual;
}

async function expectDepth(
  symbol: string,
  levels: number,
  expected: ModelDepth | { error: string },
  note?: Text,
  when?: string,
): Promise<unknown> {
  const actual = await OrderBook.getDepth(symbol, levels);
  assertEqual(actual, expected, { call: withWhen(callText("getDepth", symbol, levels), when), ...noteOf(note) });
  return actual;
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

/** The orders in a drawn order. */
function shuffled(ex: Examples, orders: readonly Order[]): Order[] {
  return ex.pickDistinct(orders, orders.length);
}

/** `count` bids at distinct prices below `mid` and `count` asks above it, in a drawn order. */
function twoSided(ex: Examples, mid: number, count: number): Order[] {
  return shuffled(ex, [
    ...distinctInts(ex, count, mid - 100, mid - 1).map((price): Order => ["bid", price, drawQty(ex)]),
    ...distinctInts(ex, count, mid + 1, mid + 100).map((price): Order => ["ask", price, drawQty(ex)]),
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

gradeTask(1, () => {
  it("should start a book registered in the registry under its symbol", async () => {
    const [first, second] = examples().symbols(2) as [string, string];
    const pid = await startBook(first);
    assertEqual(await GenServer.whereis(Registry.via(REGISTRY, first)), pid, {
      call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, ${arg(first)})) // ${t({ es: "después de", en: "after" })} OrderBook.startLink(${arg(first)})`,
      note: {
        es: "Arranca con GenServer.startLink(…, { name: Registry.via(ORDER_BOOK_REGISTRY, symbol) }).",
        en: "Start with GenServer.startLink(…, { name: Registry.via(ORDER_BOOK_REGISTRY, symbol) }).",
      },
    });
    const other = await OrderBook.start(second);
    assertEqual(await GenServer.whereis(Registry.via(REGISTRY, second)), other, {
      call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, ${arg(second)})) // ${t({ es: "después de", en: "after" })} OrderBook.start(${arg(second)})`,
      note: {
        es: "start registra el libro igual que startLink, solo que sin enlace.",
        en: "start registers the book just like startLink, only without a link.",
      },
    });
  });

  it("should fail a second start for the same symbol with already_started", async () => {
    const symbol = examples().symbol();
    const pid = await startBook(symbol);
    await assertRejects(() => OrderBook.startLink(symbol), {
      call: `OrderBook.startLink(${arg(symbol)}) // ${t({ es: "por segunda vez", en: "a second time" })}`,
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
        es: "Un solo libro por símbolo: el nombre via ya está tomado, y GenServer.startLink lo dice solo si no atrapas el error.",
        en: "One book per symbol: the via name is taken, and GenServer.startLink says so by itself if you do not catch the error.",
      },
    });
  });

  it("should reject a call for a symbol with no book with an error naming the symbol", async () => {
    const ex = examples();
    const [present, missing] = ex.symbols(2) as [string, string];
    const [side, price, qty, id, levels] = [drawSide(ex), drawMid(ex), drawQty(ex), ex.int(1, 100), ex.int(1, 20)];
    const pid = await startBook(present);
    const calls: readonly [string, () => Promise<unknown>][] = [
      [callText("addOrder", missing, side, price, qty), () => OrderBook.addOrder(missing, side, price, qty)],
      [callText("cancelOrder", missing, id), () => OrderBook.cancelOrder(missing, id)],
      [callText("getTopOfBook", missing), () => OrderBook.getTopOfBook(missing)],
      [callText("getDepth", missing, levels), () => OrderBook.getDepth(missing, levels)],
    ];
    for (const [call, run] of calls) {
      await assertRejects(run, {
        call: `${call} // ${t({ es: `solo hay libro para ${present}`, en: `there is only a book for ${present}` })}`,
        expected: {
          es: `un Error cuyo mensaje nombre el símbolo ${arg(missing)}`,
          en: `an Error whose message names the symbol ${arg(missing)}`,
        },
        check: (error) => error instanceof Error && error.message.includes(missing),
        note: {
          es: 'GenServer.call rechaza con reason "noproc", que no dice qué símbolo faltaba: conviértelo en un Error que lo nombre.',
          en: 'GenServer.call rejects with reason "noproc", which does not say which symbol was missing: turn it into an Error that names it.',
        },
      });
    }
    assertEqual((await GenServer.whereis(Registry.via(REGISTRY, present))) === pid, true, {
      call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, ${arg(present)})) === pid // ${t({ es: `después de las llamadas a ${missing}`, en: `after the calls to ${missing}` })}`,
      note: {
        es: "Una llamada a un símbolo sin libro no debe afectar a los demás libros.",
        en: "A call to a symbol with no book must not affect the other books.",
      },
    });
  });

  it("should keep the books of different symbols apart", async () => {
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
    for (const symbol of [a, ...ex.pickDistinct(rest, rest.length)]) {
      const id = (ids.get(symbol) ?? 0) + 1;
      ids.set(symbol, id);
      const when = symbol === b && id === 1 ? t({ es: `la primera orden de ${b}`, en: `the first order of ${b}` }) : undefined;
      await expectAdd(symbol, drawSide(ex), drawMid(ex), drawQty(ex), id, note, when);
    }
  });
});

gradeTask(2, () => {
  const idNote: Text = {
    es: "Cada libro numera sus órdenes 1, 2, 3… en el orden en que las acepta; un id nunca se reutiliza, ni después de cancelar.",
    en: "Each book numbers its orders 1, 2, 3… in the order it accepts them; an id is never reused, not even after a cancel.",
  };

  it("should number a book's orders 1, 2, 3 in the order they are added", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const mid = drawMid(ex);
    await startBook(symbol);
    const count = ex.int(4, 8);
    // Prices close together, so that some orders share a level: an id is per order, not per level.
    for (let id = 1; id <= count; id++) await expectAdd(symbol, drawSide(ex), mid + ex.int(-3, 3), drawQty(ex), id, idNote);
  });

  it("should number orders sent all at once in the order they arrive", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const mid = drawMid(ex);
    const count = ex.int(30, 80);
    const orders: Order[] = Array.from({ length: count }, () => [drawSide(ex), mid + ex.int(-6, 6), drawQty(ex)]);
    await startBook(symbol);
    const ids = await Promise.all(orders.map(([side, price, qty]) => OrderBook.addOrder(symbol, side, price, qty)));
    assertEqual(
      ids,
      Array.from({ length: count }, (_, i) => i + 1),
      {
        call: `await Promise.all([OrderBook.addOrder(${arg(symbol)}, …) × ${count}]) // ${t({ es: `${count} llamadas en vuelo a la vez`, en: `${count} calls in flight at once` })}`,
        note: {
          es: "El servidor atiende un mensaje a la vez, en orden de llegada: sin locks, cada orden recibe el siguiente id.",
          en: "The server handles one message at a time, in arrival order: with no locks, each order gets the next id.",
        },
      },
    );
  });
});

gradeTask(3, () => {
  it("should answer null for both sides of an empty book", async () => {
    const symbol = examples().symbol();
    await startBook(symbol);
    await expectTop(symbol, emptyTop, {
      es: "Sin órdenes no hay mejor nivel: null, no undefined ni un nivel vacío.",
      en: "With no orders there is no best level: null, not undefined nor an empty level.",
    });
  });

  it("should answer the highest bid and the lowest ask", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const mid = drawMid(ex);
    const count = ex.int(3, 5);
    const orders = twoSided(ex, mid, count);
    await startBook(symbol);
    await addAll(symbol, orders);
    await expectTop(symbol, modelAfter(orders).top(), topNote);
  });

  it("should compare prices as numbers, not as text", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const scale = drawScale(ex);
    // The best bid starts with 1 and the others with 9 or have fewer digits; the best ask has fewer digits than
    // the others, which start with 10: in text order, neither is the best.
    const bids = [ex.int(100 * scale, 200 * scale - 1), ex.int(90 * scale, 100 * scale - 1), ex.int(scale, 10 * scale - 1)];
    const asks = [ex.int(200 * scale, 1_000 * scale - 1), ...distinctInts(ex, 2, 1_000 * scale, 1_100 * scale - 1)];
    const orders = shuffled(ex, [
      ...bids.map((price): Order => ["bid", price, drawQty(ex)]),
      ...asks.map((price): Order => ["ask", price, drawQty(ex)]),
    ]);
    await startBook(symbol);
    await addAll(symbol, orders);
    await expectTop(symbol, modelAfter(orders).top(), numericNote);
  });

  it("should sum the quantity and count the orders of the best level", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const bestBid = drawMid(ex);
    const bestAsk = bestBid + ex.int(1, 50);
    const orders = shuffled(ex, [
      ...Array.from({ length: ex.int(2, 4) }, (): Order => ["bid", bestBid, drawQty(ex)]),
      ["bid", bestBid - ex.int(1, 50), ex.int(51, 100)],
      ...Array.from({ length: ex.int(2, 4) }, (): Order => ["ask", bestAsk, drawQty(ex)]),
      ["ask", bestAsk + ex.int(1, 50), ex.int(51, 100)],
    ]);
    await startBook(symbol);
    await addAll(symbol, orders);
    await expectTop(symbol, modelAfter(orders).top(), topNote);
  });

  it("should keep orders that cross resting: there is no matching", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const ask = drawMid(ex);
    const [askQty, bid, bidQty] = [drawQty(ex), ask + ex.int(0, 50), drawQty(ex)];
    await startBook(symbol);
    await addAll(symbol, [
      ["ask", ask, askQty],
      ["bid", bid, bidQty],
    ]);
    await expectTop(
      symbol,
      { bid: level(bid, bidQty, 1), ask: level(ask, askQty, 1) },
      {
        es: "Este libro no cruza órdenes: un bid mayor o igual que el mejor ask queda en el libro como cualquier otra orden.",
        en: "This book does not match orders: a bid at or above the best ask rests in the book like any other order.",
      },
    );
  });

  it("should return a top of book that later orders and changes by the caller do not touch", async () => {
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
    // Kept in the subject, as the caller holds a reply there: a later order must not change it.
    const first = await OrderBook.getTopOfBook.keep(symbol);
    assertEqual(first.value, expected, { call: callText("getTopOfBook", symbol), note: topNote });
    await addAll(symbol, [
      ["bid", bid, moreBid],
      ["ask", ask, moreAsk],
    ]);
    assertEqual(await first.read(), expected, {
      call: t({
        es: "el resultado del primer getTopOfBook, después de agregar más órdenes a esos niveles",
        en: "the result of the first getTopOfBook, after adding more orders to those levels",
      }),
      note: freshNote,
    });
    // And a caller that changes its reply must not change the book.
    const second = await OrderBook.getTopOfBook.keep(symbol);
    if (second.value.bid !== null) await second.set(["bid", "qty"], 0);
    if (second.value.ask !== null) await second.set(["ask", "orders"], 0);
    await expectTop(
      symbol,
      { bid: level(bid, bidQty + moreBid, 2), ask: level(ask, askQty + moreAsk, 2) },
      freshNote,
      t({ es: "después de cambiar el resultado anterior", en: "after changing the previous result" }),
    );
  });

  it("should agree with a model over random orders on several symbols", async () => {
    await assertModel(modelRun(["add", "top"]));
  });
});

gradeTask(4, () => {
  it("should list bids by price descending and asks ascending", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const mid = drawMid(ex);
    const count = ex.int(3, 5);
    const orders = twoSided(ex, mid, count);
    const levels = ex.int(count, 20);
    await startBook(symbol);
    await addAll(symbol, orders);
    await expectDepth(symbol, levels, modelAfter(orders).depth(levels), depthNote);
  });

  it("should give one row per price, with the quantity summed and the orders counted", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const bid = drawMid(ex);
    const ask = bid + ex.int(1, 50);
    const orders = shuffled(ex, [
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
  });

  it("should return at most the number of levels asked for, a side", async () => {
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
  });

  it("should answer empty lists for an empty book", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    await startBook(symbol);
    await expectDepth(symbol, ex.int(1, 20), { bids: [], asks: [] }, depthNote);
  });

  it("should compare prices as numbers, not as text", async () => {
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
    const orders = shuffled(ex, [
      ...bids.map((price): Order => ["bid", price, drawQty(ex)]),
      ...asks.map((price): Order => ["ask", price, drawQty(ex)]),
    ]);
    const levels = ex.int(4, 20);
    await startBook(symbol);
    await addAll(symbol, orders);
    await expectDepth(symbol, levels, modelAfter(orders).depth(levels), numericNote);
  });

  it("should start with the top of book on each side", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const bid = drawMid(ex);
    const ask = bid + ex.int(1, 50);
    const orders = shuffled(ex, [
      ["bid", bid - ex.int(1, 50), drawQty(ex)],
      ["bid", bid, drawQty(ex)],
      ["ask", ask + ex.int(1, 50), drawQty(ex)],
      ["ask", ask, drawQty(ex)],
      ["ask", ask, drawQty(ex)],
    ]);
    await startBook(symbol);
    await addAll(symbol, orders);
    const top = await OrderBook.getTopOfBook(symbol);
    const depth = await OrderBook.getDepth(symbol, 1);
    const firsts = "bids" in depth ? { bid: depth.bids[0] ?? null, ask: depth.asks[0] ?? null } : depth;
    assertEqual(firsts, top, {
      call: `${t({ es: "el primer nivel de cada lado de", en: "the first level of each side of" })} ${callText("getDepth", symbol, 1)}`,
      note: {
        es: "El top of book y el primer nivel de la profundidad son el mismo nivel.",
        en: "The top of book and the first level of depth are the same level.",
      },
    });
    assertEqual(top, modelAfter(orders).top(), { call: callText("getTopOfBook", symbol), note: topNote });
  });

  it("should return depth that later orders and changes by the caller do not touch", async () => {
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
    // Kept in the subject, as the caller holds a reply there: a later order must not change it.
    const first = await OrderBook.getDepth.keep(symbol, levels);
    assertEqual(first.value, expected, { call: callText("getDepth", symbol, levels), note: depthNote });
    await addAll(symbol, more);
    assertEqual(await first.read(), expected, {
      call: t({
        es: "el resultado del primer getDepth, después de agregar más órdenes",
        en: "the result of the first getDepth, after adding more orders",
      }),
      note: freshNote,
    });
    // And a caller that changes its reply must not change the book.
    const second = await OrderBook.getDepth.keep(symbol, levels);
    if ("bids" in second.value) {
      await second.set(["bids", "length"], 0);
      if (second.value.asks[0] !== undefined) await second.set(["asks", 0, "qty"], 0);
    }
    await expectDepth(
      symbol,
      levels,
      modelAfter([...orders, ...more]).depth(levels),
      freshNote,
      t({ es: "después de cambiar el resultado anterior", en: "after changing the previous result" }),
    );
  });

  it("should agree with a model over random orders on several symbols", async () => {
    await assertModel(modelRun(["add", "depth"]));
  });
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

  it("should never reuse the id of a cancelled order", async () => {
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
  });

  it("should take a cancelled order's quantity off its level", async () => {
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
  });

  it("should remove a level when its last order is cancelled", async () => {
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
  });

  it("should answer not_found for an unknown id and leave the book as it was", async () => {
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
  });

  it("should answer not_found when the same order is cancelled twice", async () => {
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
  });

  it("should cancel only in the book of the given symbol", async () => {
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
  });

  it("should agree with a model over random adds, cancels and queries on several symbols", async () => {
    await assertModel(modelRun(["add", "add", "cancel", "top", "depth"]));
  });
});

gradeTask(6, () => {
  const unchangedNote: Text = {
    es: "Una entrada inválida no cambia el libro ni consume un id.",
    en: "Invalid input does not change the book nor use up an id.",
  };

  it("should reject an unknown side with invalid_side", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const [price, qty] = [drawMid(ex), drawQty(ex)];
    await startBook(symbol);
    for (const side of ["buy", "BID", "sell", "", ex.pick(WRONG_SIDES)]) {
      await expectAdd(
        symbol,
        side,
        price,
        qty,
        { error: "invalid_side" },
        { es: 'side es "bid" o "ask", exactamente.', en: 'side is "bid" or "ask", exactly.' },
      );
    }
  });

  it("should reject a price that is not a positive safe integer with invalid_price", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const [side, qty] = [drawSide(ex), drawQty(ex)];
    await startBook(symbol);
    for (const price of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "100", ...drawnBadNumbers(ex)]) {
      await expectAdd(
        symbol,
        side,
        price as number,
        qty,
        { error: "invalid_price" },
        {
          es: "Los precios son ticks enteros: Number.isSafeInteger(price) && price > 0.",
          en: "Prices are integer ticks: Number.isSafeInteger(price) && price > 0.",
        },
      );
    }
  });

  it("should reject a quantity that is not a positive safe integer with invalid_qty", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const [side, price] = [drawSide(ex), drawMid(ex)];
    await startBook(symbol);
    for (const qty of [0, -5, 0.5, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53, "1", ...drawnBadNumbers(ex)]) {
      await expectAdd(
        symbol,
        side,
        price,
        qty as number,
        { error: "invalid_qty" },
        {
          es: "Las cantidades son lotes enteros: Number.isSafeInteger(qty) && qty > 0.",
          en: "Quantities are integer lots: Number.isSafeInteger(qty) && qty > 0.",
        },
      );
    }
  });

  it("should check the side, then the price, then the quantity", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    await startBook(symbol);
    const note: Text = {
      es: "Con varios campos inválidos, el error es el del primero en este orden: side, price, qty.",
      en: "With several invalid fields, the error is that of the first in this order: side, price, qty.",
    };
    const badNumber = (): number => ex.pick([0, -1, 1.5, ...drawnBadNumbers(ex)]) as number;
    await expectAdd(symbol, ex.pick(["buy", ...WRONG_SIDES]), badNumber(), badNumber(), { error: "invalid_side" }, note);
    await expectAdd(symbol, drawSide(ex), badNumber(), badNumber(), { error: "invalid_price" }, note);
    await expectAdd(symbol, drawSide(ex), drawMid(ex), badNumber(), { error: "invalid_qty" }, note);
  });

  it("should leave the book unchanged and give no id to an invalid order", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const valid: Order = [drawSide(ex), drawMid(ex), drawQty(ex)];
    await startBook(symbol);
    await expectAdd(symbol, ...valid, 1);
    // One invalid order of each kind, and a few more of drawn kinds, in a drawn order.
    const kinds = ["side", "price", "qty", ...Array.from({ length: ex.int(0, 2) }, () => ex.pick(["side", "price", "qty"] as const))];
    for (const kind of ex.pickDistinct(kinds, kinds.length)) {
      const side = kind === "side" ? ex.pick(WRONG_SIDES) : drawSide(ex);
      const price = kind === "price" ? (ex.pick([0, ...drawnBadNumbers(ex)]) as number) : drawMid(ex);
      const qty = kind === "qty" ? (ex.pick([0, ...drawnBadNumbers(ex)]) as number) : drawQty(ex);
      await OrderBook.addOrder(symbol, side as Impl.Side, price, qty);
    }
    const when = t({ es: `después de ${kinds.length} órdenes inválidas`, en: `after ${kinds.length} invalid orders` });
    const levels = ex.int(1, 20);
    await expectDepth(symbol, levels, modelAfter([valid]).depth(levels), unchangedNote, when);
    await expectAdd(symbol, drawSide(ex), drawMid(ex), drawQty(ex), 2, unchangedNote, when);
  });

  it("should answer invalid_levels for a depth that is not a positive safe integer, and keep serving", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const orders: Order[] = [[drawSide(ex), drawMid(ex), drawQty(ex)]];
    await startBook(symbol);
    await addAll(symbol, orders);
    for (const levels of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "3", ...drawnBadNumbers(ex)]) {
      await expectDepth(
        symbol,
        levels as number,
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
  });
});

gradeTask(7, () => {
  it("should cost about as much per operation with 10 000 price levels as with 400", async () => {
    await assertScale();
  });
});

// Model-based runs: random adds, cancels and queries on three books, checked against BookModel after every step.

interface Model {
  readonly books: ReadonlyMap<string, BookModel>;
}
type Real = Record<string, never>;
type Command = fc.AsyncCommand<Model, Real, boolean>;

const modelNote: Text = {
  es: 'Reglas: ids 1, 2, 3… por libro; bids de mayor a menor, asks de menor a mayor; una fila por precio (qty sumada, orders contadas); cancelar un id desconocido o ya cancelado responde "not_found".',
  en: 'Rules: ids 1, 2, 3… per book; bids from highest to lowest, asks from lowest to highest; one row per price (qty summed, orders counted); cancelling an unknown or already cancelled id answers "not_found".',
};

function bookOf(model: Model, symbol: string): BookModel {
  const book = model.books.get(symbol);
  if (book === undefined) throw new Error(`grader: no model book for ${symbol}`);
  return book;
}

class AddCommand implements Command {
  readonly symbol: string;
  readonly side: ModelSide;
  readonly price: number;
  readonly qty: number;
  private outcome = "";
  constructor(symbol: string, side: ModelSide, price: number, qty: number) {
    this.symbol = symbol;
    this.side = side;
    this.price = price;
    this.qty = qty;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const expected = bookOf(model, this.symbol).add(this.side, this.price, this.qty);
    const actual = await OrderBook.addOrder(this.symbol, this.side, this.price, this.qty);
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
    const actual = await OrderBook.cancelOrder(this.symbol, id);
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

class TopCommand implements Command {
  readonly symbol: string;
  constructor(symbol: string) {
    this.symbol = symbol;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const actual = await OrderBook.getTopOfBook(this.symbol);
    assertEqual(actual, bookOf(model, this.symbol).top(), { call: this.toString(), note: modelNote });
  }
  toString(): string {
    return callText("getTopOfBook", this.symbol);
  }
}

class DepthCommand implements Command {
  readonly symbol: string;
  readonly levels: number;
  constructor(symbol: string, levels: number) {
    this.symbol = symbol;
    this.levels = levels;
  }
  check(): boolean {
    return true;
  }
  async run(model: Model): Promise<void> {
    const actual = await OrderBook.getDepth(this.symbol, this.levels);
    assertEqual(actual, bookOf(model, this.symbol).depth(this.levels), { call: this.toString(), note: modelNote });
  }
  toString(): string {
    return callText("getDepth", this.symbol, this.levels);
  }
}

type CommandKind = "add" | "cancel" | "top" | "depth";

/**
 * A model run over three books whose symbols, and the price their orders cluster around, are drawn from the seed;
 * `kinds` lists the commands to draw from (a kind listed twice comes up twice as often).
 */
function modelRun(kinds: readonly CommandKind[]) {
  const ex = examples();
  const symbols = ex.symbols(3);
  // Prices within a few ticks of a power of ten, so that levels collide and "99" vs "100" tells numeric from text order.
  const base = ex.pick([100, 1_000, 10_000, 100_000]);
  const symbolArb = fc.constantFrom(...symbols);
  const arbitraries: Record<CommandKind, fc.Arbitrary<Command>> = {
    add: fc
      .record({
        symbol: symbolArb,
        side: fc.constantFrom<ModelSide>("bid", "ask"),
        price: fc.integer({ min: base - 6, max: base + 6 }),
        qty: fc.integer({ min: 1, max: 9 }),
      })
      .map(({ symbol, side, price, qty }): Command => new AddCommand(symbol, side, price, qty)),
    cancel: fc
      .record({ symbol: symbolArb, pick: fc.constantFrom<CancelPick>("live", "live", "cancelled", "unknown"), n: fc.nat({ max: 50 }) })
      .map(({ symbol, pick, n }): Command => new CancelCommand(symbol, pick, n)),
    top: symbolArb.map((symbol): Command => new TopCommand(symbol)),
    depth: fc
      .record({ symbol: symbolArb, levels: fc.integer({ min: 1, max: 5 }) })
      .map(({ symbol, levels }): Command => new DepthCommand(symbol, levels)),
  };
  return {
    commands: kinds.map((kind) => arbitraries[kind]),
    numRuns: 40,
    maxCommands: 40,
    async setup() {
      const pids: Book[] = [];
      for (const symbol of symbols) pids.push(await OrderBook.startLink(symbol));
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
