import fc from "fast-check";
import { afterEach, beforeEach, it } from "vitest";
import { assertEqual, assertModel, assertRejects, fail, gradeTask, gradingSeed, type Text, t } from "#grading";
import * as OrderBook from "#impl/06-order-book/order-book.ts";
import { type Call, GenServer, type GenServerModule, ok, type Pid, type Protocol, Registry, reply, StartError } from "#runtime";
import { BookModel, type ModelDepth, type ModelSide, type ModelTop } from "./model.ts";

type Book = Pid<OrderBook.OrderBookProtocol>;

const REGISTRY = OrderBook.ORDER_BOOK_REGISTRY;
const started: Book[] = [];

/** A grader's clean-up never fails a test. */
async function stopQuietly(pid: Pid): Promise<void> {
  if (GenServer.whereis(pid) !== null) await GenServer.stop(pid).catch(() => undefined);
}

// The statement says the application starts the registry; each test gets a fresh one and fresh books.
beforeEach(async () => {
  await Registry.start({ keys: "unique", name: REGISTRY });
});

afterEach(async () => {
  for (const pid of started.splice(0)) await stopQuietly(pid);
  const registry = GenServer.whereis(GenServer.name(REGISTRY));
  if (registry !== null) await stopQuietly(registry);
});

async function startBook(symbol: string): Promise<Book> {
  const pid = await OrderBook.startLink(symbol);
  started.push(pid);
  return pid;
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
  const actual = await OrderBook.addOrder(symbol, side as OrderBook.Side, price, qty);
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

async function expectTop(symbol: string, expected: ModelTop, note?: Text, when?: string): Promise<OrderBook.TopOfBook> {
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
    const pid = await startBook("BTCUSD");
    assertEqual(GenServer.whereis(Registry.via(REGISTRY, "BTCUSD")), pid, {
      call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, "BTCUSD")) // ${t({ es: "después de", en: "after" })} OrderBook.startLink("BTCUSD")`,
      note: {
        es: "Arranca con GenServer.startLink(…, { name: Registry.via(ORDER_BOOK_REGISTRY, symbol) }).",
        en: "Start with GenServer.startLink(…, { name: Registry.via(ORDER_BOOK_REGISTRY, symbol) }).",
      },
    });
    const other = await OrderBook.start("ETHUSD");
    started.push(other);
    assertEqual(GenServer.whereis(Registry.via(REGISTRY, "ETHUSD")), other, {
      call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, "ETHUSD")) // ${t({ es: "después de", en: "after" })} OrderBook.start("ETHUSD")`,
      note: {
        es: "start registra el libro igual que startLink, solo que sin enlace.",
        en: "start registers the book just like startLink, only without a link.",
      },
    });
  });

  it("should fail a second start for the same symbol with already_started", async () => {
    const pid = await startBook("BTCUSD");
    await assertRejects(
      () =>
        OrderBook.startLink("BTCUSD").then((second: Book) => {
          started.push(second);
          return second;
        }),
      {
        call: `OrderBook.startLink("BTCUSD") // ${t({ es: "por segunda vez", en: "a second time" })}`,
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
      },
    );
  });

  it("should reject a call for a symbol with no book with an error naming the symbol", async () => {
    const pid = await startBook("BTCUSD");
    const calls: readonly [string, () => Promise<unknown>][] = [
      [callText("addOrder", "ETHUSD", "bid", 100, 1), () => OrderBook.addOrder("ETHUSD", "bid", 100, 1)],
      [callText("cancelOrder", "ETHUSD", 1), () => OrderBook.cancelOrder("ETHUSD", 1)],
      [callText("getTopOfBook", "ETHUSD"), () => OrderBook.getTopOfBook("ETHUSD")],
      [callText("getDepth", "ETHUSD", 5), () => OrderBook.getDepth("ETHUSD", 5)],
    ];
    for (const [call, run] of calls) {
      await assertRejects(run, {
        call: `${call} // ${t({ es: "solo hay libro para BTCUSD", en: "there is only a book for BTCUSD" })}`,
        expected: { es: 'un Error cuyo mensaje nombre el símbolo "ETHUSD"', en: 'an Error whose message names the symbol "ETHUSD"' },
        check: (error) => error instanceof Error && error.message.includes("ETHUSD"),
        note: {
          es: 'GenServer.call rechaza con reason "noproc", que no dice qué símbolo faltaba: conviértelo en un Error que lo nombre.',
          en: 'GenServer.call rejects with reason "noproc", which does not say which symbol was missing: turn it into an Error that names it.',
        },
      });
    }
    assertEqual(GenServer.whereis(Registry.via(REGISTRY, "BTCUSD")) === pid, true, {
      call: `GenServer.whereis(Registry.via(ORDER_BOOK_REGISTRY, "BTCUSD")) === pid // ${t({ es: "después de las llamadas a ETHUSD", en: "after the calls to ETHUSD" })}`,
      note: {
        es: "Una llamada a un símbolo sin libro no debe afectar a los demás libros.",
        en: "A call to a symbol with no book must not affect the other books.",
      },
    });
  });

  it("should keep the books of different symbols apart", async () => {
    await startBook("BTCUSD");
    await startBook("ETHUSD");
    const note: Text = {
      es: "Cada libro tiene su propio estado, creado en su init, y numera sus órdenes desde 1: nada compartido entre símbolos.",
      en: "Each book has its own state, created in its init, and numbers its orders from 1: nothing shared between symbols.",
    };
    await expectAdd("BTCUSD", "bid", 100, 5, 1, note);
    await expectAdd("BTCUSD", "ask", 110, 2, 2, note);
    await expectAdd("ETHUSD", "bid", 50, 1, 1, note, t({ es: "la primera orden de ETHUSD", en: "the first order of ETHUSD" }));
    await expectAdd("BTCUSD", "bid", 101, 1, 3, note);
    await expectAdd("ETHUSD", "ask", 51, 1, 2, note);
  });
});

gradeTask(2, () => {
  const idNote: Text = {
    es: "Cada libro numera sus órdenes 1, 2, 3… en el orden en que las acepta; un id nunca se reutiliza, ni después de cancelar.",
    en: "Each book numbers its orders 1, 2, 3… in the order it accepts them; an id is never reused, not even after a cancel.",
  };

  it("should number a book's orders 1, 2, 3 in the order they are added", async () => {
    await startBook("BTCUSD");
    await expectAdd("BTCUSD", "bid", 100, 5, 1, idNote);
    await expectAdd("BTCUSD", "ask", 101, 3, 2, idNote);
    await expectAdd("BTCUSD", "bid", 100, 1, 3, idNote);
    await expectAdd("BTCUSD", "bid", 99, 2, 4, idNote);
  });

  it("should number orders sent all at once in the order they arrive", async () => {
    await startBook("BTCUSD");
    const sent = Array.from({ length: 50 }, (_, i) => OrderBook.addOrder("BTCUSD", i % 2 === 0 ? "bid" : "ask", 100 + (i % 7), 1 + i));
    const ids = await Promise.all(sent);
    assertEqual(
      ids,
      Array.from({ length: 50 }, (_, i) => i + 1),
      {
        call: `await Promise.all([OrderBook.addOrder("BTCUSD", …) × 50]) // ${t({ es: "50 llamadas en vuelo a la vez", en: "50 calls in flight at once" })}`,
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
    await startBook("BTCUSD");
    await expectTop("BTCUSD", emptyTop, {
      es: "Sin órdenes no hay mejor nivel: null, no undefined ni un nivel vacío.",
      en: "With no orders there is no best level: null, not undefined nor an empty level.",
    });
  });

  it("should answer the highest bid and the lowest ask", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 1],
      ["bid", 102, 2],
      ["bid", 101, 3],
      ["ask", 106, 4],
      ["ask", 104, 5],
      ["ask", 105, 6],
    ]);
    await expectTop("BTCUSD", { bid: level(102, 2, 1), ask: level(104, 5, 1) }, topNote);
  });

  it("should compare prices as numbers, not as text", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 99, 1],
      ["bid", 100, 2],
      ["bid", 9, 3],
      ["ask", 1000, 4],
      ["ask", 200, 5],
      ["ask", 1001, 6],
    ]);
    await expectTop("BTCUSD", { bid: level(100, 2, 1), ask: level(200, 5, 1) }, numericNote);
  });

  it("should sum the quantity and count the orders of the best level", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 5],
      ["bid", 99, 50],
      ["bid", 100, 7],
      ["ask", 101, 1],
      ["ask", 101, 2],
      ["ask", 101, 3],
    ]);
    await expectTop("BTCUSD", { bid: level(100, 12, 2), ask: level(101, 6, 3) }, topNote);
  });

  it("should keep orders that cross resting: there is no matching", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["ask", 100, 5],
      ["bid", 105, 3],
    ]);
    await expectTop(
      "BTCUSD",
      { bid: level(105, 3, 1), ask: level(100, 5, 1) },
      {
        es: "Este libro no cruza órdenes: un bid mayor o igual que el mejor ask queda en el libro como cualquier otra orden.",
        en: "This book does not match orders: a bid at or above the best ask rests in the book like any other order.",
      },
    );
  });

  it("should return a top of book that later orders and changes by the caller do not touch", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 5],
      ["ask", 101, 5],
    ]);
    const first = await expectTop("BTCUSD", { bid: level(100, 5, 1), ask: level(101, 5, 1) }, topNote);
    await addAll("BTCUSD", [
      ["bid", 100, 1],
      ["ask", 101, 1],
    ]);
    assertEqual(
      first,
      { bid: level(100, 5, 1), ask: level(101, 5, 1) },
      {
        call: t({
          es: "el resultado del primer getTopOfBook, después de agregar más órdenes a esos niveles",
          en: "the result of the first getTopOfBook, after adding more orders to those levels",
        }),
        note: freshNote,
      },
    );
    const second = await OrderBook.getTopOfBook("BTCUSD");
    if (second.bid !== null) second.bid.qty = 0;
    if (second.ask !== null) second.ask.orders = 0;
    await expectTop(
      "BTCUSD",
      { bid: level(100, 6, 2), ask: level(101, 6, 2) },
      freshNote,
      t({ es: "después de cambiar el resultado anterior", en: "after changing the previous result" }),
    );
  });

  it("should agree with a model over random orders on several symbols", async () => {
    await assertModel(modelRun([addCommand, topCommand]));
  });
});

gradeTask(4, () => {
  it("should list bids by price descending and asks ascending", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 1],
      ["ask", 103, 2],
      ["bid", 98, 3],
      ["ask", 101, 4],
      ["bid", 99, 5],
      ["ask", 102, 6],
    ]);
    await expectDepth(
      "BTCUSD",
      10,
      { bids: [level(100, 1, 1), level(99, 5, 1), level(98, 3, 1)], asks: [level(101, 4, 1), level(102, 6, 1), level(103, 2, 1)] },
      depthNote,
    );
  });

  it("should give one row per price, with the quantity summed and the orders counted", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 1],
      ["bid", 99, 2],
      ["bid", 100, 3],
      ["ask", 101, 4],
      ["bid", 100, 5],
      ["ask", 101, 6],
    ]);
    await expectDepth(
      "BTCUSD",
      5,
      { bids: [level(100, 9, 3), level(99, 2, 1)], asks: [level(101, 10, 2)] },
      {
        es: "Una fila por nivel de precio, no por orden: suma qty y cuenta las órdenes del nivel.",
        en: "One row per price level, not per order: sum qty and count the level's orders.",
      },
    );
  });

  it("should return at most the number of levels asked for, a side", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 1],
      ["bid", 99, 1],
      ["bid", 98, 1],
      ["ask", 101, 1],
      ["ask", 102, 1],
      ["ask", 103, 1],
    ]);
    const note: Text = {
      es: "getDepth(symbol, levels) devuelve como mucho `levels` niveles por lado: ni más ni menos si hay suficientes.",
      en: "getDepth(symbol, levels) returns at most `levels` levels a side: no more, and no fewer when there are enough.",
    };
    await expectDepth("BTCUSD", 1, { bids: [level(100, 1, 1)], asks: [level(101, 1, 1)] }, note);
    await expectDepth("BTCUSD", 2, { bids: [level(100, 1, 1), level(99, 1, 1)], asks: [level(101, 1, 1), level(102, 1, 1)] }, note);
    const all = {
      bids: [level(100, 1, 1), level(99, 1, 1), level(98, 1, 1)],
      asks: [level(101, 1, 1), level(102, 1, 1), level(103, 1, 1)],
    };
    await expectDepth("BTCUSD", 3, all, note);
    await expectDepth("BTCUSD", 50, all, note);
  });

  it("should answer empty lists for an empty book", async () => {
    await startBook("BTCUSD");
    await expectDepth("BTCUSD", 5, { bids: [], asks: [] }, depthNote);
  });

  it("should compare prices as numbers, not as text", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 99, 1],
      ["bid", 100, 2],
      ["bid", 9, 3],
      ["bid", 1000, 4],
      ["ask", 1000, 5],
      ["ask", 200, 6],
      ["ask", 30, 7],
    ]);
    await expectDepth(
      "BTCUSD",
      10,
      {
        bids: [level(1000, 4, 1), level(100, 2, 1), level(99, 1, 1), level(9, 3, 1)],
        asks: [level(30, 7, 1), level(200, 6, 1), level(1000, 5, 1)],
      },
      numericNote,
    );
  });

  it("should start with the top of book on each side", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 2],
      ["bid", 101, 3],
      ["ask", 103, 4],
      ["ask", 102, 5],
      ["ask", 102, 1],
    ]);
    const top = await OrderBook.getTopOfBook("BTCUSD");
    const depth = await OrderBook.getDepth("BTCUSD", 1);
    const firsts = "bids" in depth ? { bid: depth.bids[0] ?? null, ask: depth.asks[0] ?? null } : depth;
    assertEqual(firsts, top, {
      call: `${t({ es: "el primer nivel de cada lado de", en: "the first level of each side of" })} OrderBook.getDepth("BTCUSD", 1)`,
      note: {
        es: "El top of book y el primer nivel de la profundidad son el mismo nivel.",
        en: "The top of book and the first level of depth are the same level.",
      },
    });
    assertEqual(top, { bid: level(101, 3, 1), ask: level(102, 6, 2) }, { call: callText("getTopOfBook", "BTCUSD"), note: topNote });
  });

  it("should return depth that later orders and changes by the caller do not touch", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 5],
      ["ask", 101, 5],
    ]);
    const expected = { bids: [level(100, 5, 1)], asks: [level(101, 5, 1)] };
    const first = await expectDepth("BTCUSD", 5, expected, depthNote);
    await addAll("BTCUSD", [
      ["bid", 100, 1],
      ["bid", 99, 1],
      ["ask", 101, 1],
    ]);
    assertEqual(first, expected, {
      call: t({
        es: "el resultado del primer getDepth, después de agregar más órdenes",
        en: "the result of the first getDepth, after adding more orders",
      }),
      note: freshNote,
    });
    const second = await OrderBook.getDepth("BTCUSD", 5);
    if ("bids" in second) {
      second.bids.length = 0;
      const ask = second.asks[0];
      if (ask !== undefined) ask.qty = 0;
    }
    await expectDepth(
      "BTCUSD",
      5,
      { bids: [level(100, 6, 2), level(99, 1, 1)], asks: [level(101, 6, 2)] },
      freshNote,
      t({ es: "después de cambiar el resultado anterior", en: "after changing the previous result" }),
    );
  });

  it("should agree with a model over random orders on several symbols", async () => {
    await assertModel(modelRun([addCommand, depthCommand]));
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
    await startBook("BTCUSD");
    await addAll("BTCUSD", [
      ["bid", 100, 5],
      ["bid", 101, 5],
      ["ask", 102, 5],
    ]);
    await expectCancel("BTCUSD", 3, "ok");
    await expectAdd("BTCUSD", "ask", 103, 1, 4, reuseNote, t({ es: "después de cancelar la orden 3", en: "after cancelling order 3" }));
    await expectCancel("BTCUSD", 1, "ok");
    await expectCancel("BTCUSD", 2, "ok");
    await expectAdd(
      "BTCUSD",
      "bid",
      100,
      1,
      5,
      reuseNote,
      t({ es: "después de cancelar las órdenes 1 y 2", en: "after cancelling orders 1 and 2" }),
    );
  });

  it("should take a cancelled order's quantity off its level", async () => {
    await startBook("BTCUSD");
    const [a, , c] = await addAll("BTCUSD", [
      ["bid", 100, 5],
      ["bid", 100, 7],
      ["ask", 101, 2],
      ["ask", 101, 3],
    ]);
    await expectCancel("BTCUSD", a as number, "ok");
    await expectCancel("BTCUSD", c as number, "ok");
    await expectTop("BTCUSD", { bid: level(100, 7, 1), ask: level(101, 3, 1) }, cancelNote);
  });

  it("should remove a level when its last order is cancelled", async () => {
    await startBook("BTCUSD");
    const [a, b, c] = await addAll("BTCUSD", [
      ["bid", 101, 5],
      ["bid", 100, 7],
      ["ask", 102, 2],
      ["ask", 103, 3],
    ]);
    await expectCancel("BTCUSD", a as number, "ok");
    await expectTop(
      "BTCUSD",
      { bid: level(100, 7, 1), ask: level(102, 2, 1) },
      cancelNote,
      t({ es: "después de cancelar la única orden de 101", en: "after cancelling the only order at 101" }),
    );
    await expectCancel("BTCUSD", b as number, "ok");
    await expectCancel("BTCUSD", c as number, "ok");
    await expectDepth(
      "BTCUSD",
      5,
      { bids: [], asks: [level(103, 3, 1)] },
      cancelNote,
      t({ es: "después de cancelar las órdenes 1, 2 y 3", en: "after cancelling orders 1, 2 and 3" }),
    );
    await expectTop("BTCUSD", { bid: null, ask: level(103, 3, 1) }, cancelNote);
  });

  it("should answer not_found for an unknown id and leave the book as it was", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [["bid", 100, 5]]);
    const note: Text = {
      es: 'Un id que este libro no dio responde "not_found" y no cambia nada.',
      en: 'An id this book never gave answers "not_found" and changes nothing.',
    };
    await expectCancel("BTCUSD", 2, "not_found", note);
    await expectCancel("BTCUSD", 0, "not_found", note);
    await expectCancel("BTCUSD", -1, "not_found", note);
    await expectDepth("BTCUSD", 5, { bids: [level(100, 5, 1)], asks: [] }, note);
  });

  it("should answer not_found when the same order is cancelled twice", async () => {
    await startBook("BTCUSD");
    const [a] = await addAll("BTCUSD", [
      ["bid", 100, 5],
      ["bid", 100, 7],
    ]);
    const note: Text = {
      es: 'Una orden cancelada sale del índice de ids: cancelarla otra vez responde "not_found" y no toca su nivel.',
      en: 'A cancelled order leaves the id index: cancelling it again answers "not_found" and leaves its level alone.',
    };
    await expectCancel("BTCUSD", a as number, "ok");
    await expectCancel("BTCUSD", a as number, "not_found", note, t({ es: "por segunda vez", en: "a second time" }));
    await expectTop("BTCUSD", { bid: level(100, 7, 1), ask: null }, note);
  });

  it("should cancel only in the book of the given symbol", async () => {
    await startBook("BTCUSD");
    await startBook("ETHUSD");
    await addAll("BTCUSD", [["bid", 100, 5]]);
    await addAll("ETHUSD", [["bid", 20, 1]]);
    await expectCancel("ETHUSD", 1, "ok");
    await expectTop(
      "BTCUSD",
      { bid: level(100, 5, 1), ask: null },
      { es: "La orden 1 de ETHUSD no es la orden 1 de BTCUSD.", en: "Order 1 of ETHUSD is not order 1 of BTCUSD." },
    );
  });

  it("should agree with a model over random adds, cancels and queries on several symbols", async () => {
    await assertModel(modelRun([addCommand, addCommand, cancelCommand, topCommand, depthCommand]));
  });
});

gradeTask(6, () => {
  const unchangedNote: Text = {
    es: "Una entrada inválida no cambia el libro ni consume un id.",
    en: "Invalid input does not change the book nor use up an id.",
  };

  it("should reject an unknown side with invalid_side", async () => {
    await startBook("BTCUSD");
    for (const side of ["buy", "BID", "sell", ""]) {
      await expectAdd(
        "BTCUSD",
        side,
        100,
        1,
        { error: "invalid_side" },
        { es: 'side es "bid" o "ask", exactamente.', en: 'side is "bid" or "ask", exactly.' },
      );
    }
  });

  it("should reject a price that is not a positive safe integer with invalid_price", async () => {
    await startBook("BTCUSD");
    for (const price of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "100" as unknown as number]) {
      await expectAdd(
        "BTCUSD",
        "bid",
        price,
        1,
        { error: "invalid_price" },
        {
          es: "Los precios son ticks enteros: Number.isSafeInteger(price) && price > 0.",
          en: "Prices are integer ticks: Number.isSafeInteger(price) && price > 0.",
        },
      );
    }
  });

  it("should reject a quantity that is not a positive safe integer with invalid_qty", async () => {
    await startBook("BTCUSD");
    for (const qty of [0, -5, 0.5, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53, "1" as unknown as number]) {
      await expectAdd(
        "BTCUSD",
        "ask",
        100,
        qty,
        { error: "invalid_qty" },
        {
          es: "Las cantidades son lotes enteros: Number.isSafeInteger(qty) && qty > 0.",
          en: "Quantities are integer lots: Number.isSafeInteger(qty) && qty > 0.",
        },
      );
    }
  });

  it("should check the side, then the price, then the quantity", async () => {
    await startBook("BTCUSD");
    const note: Text = {
      es: "Con varios campos inválidos, el error es el del primero en este orden: side, price, qty.",
      en: "With several invalid fields, the error is that of the first in this order: side, price, qty.",
    };
    await expectAdd("BTCUSD", "buy", 0, 0, { error: "invalid_side" }, note);
    await expectAdd("BTCUSD", "bid", 0, 0, { error: "invalid_price" }, note);
    await expectAdd("BTCUSD", "ask", 5, -1, { error: "invalid_qty" }, note);
  });

  it("should leave the book unchanged and give no id to an invalid order", async () => {
    await startBook("BTCUSD");
    await expectAdd("BTCUSD", "bid", 100, 5, 1);
    await OrderBook.addOrder("BTCUSD", "bid", 0, 5);
    await OrderBook.addOrder("BTCUSD", "bid", 101, 0);
    await OrderBook.addOrder("BTCUSD", "sell" as OrderBook.Side, 101, 1);
    await expectDepth(
      "BTCUSD",
      5,
      { bids: [level(100, 5, 1)], asks: [] },
      unchangedNote,
      t({ es: "después de tres órdenes inválidas", en: "after three invalid orders" }),
    );
    await expectAdd(
      "BTCUSD",
      "ask",
      102,
      1,
      2,
      unchangedNote,
      t({ es: "después de tres órdenes inválidas", en: "after three invalid orders" }),
    );
  });

  it("should answer invalid_levels for a depth that is not a positive safe integer, and keep serving", async () => {
    await startBook("BTCUSD");
    await addAll("BTCUSD", [["bid", 100, 5]]);
    for (const levels of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "3" as unknown as number]) {
      await expectDepth(
        "BTCUSD",
        levels,
        { error: "invalid_levels" },
        {
          es: 'levels debe ser un entero positivo: responde { error: "invalid_levels" } sin hacer caer el servidor.',
          en: 'levels must be a positive integer: answer { error: "invalid_levels" } without crashing the server.',
        },
      );
    }
    await expectTop(
      "BTCUSD",
      { bid: level(100, 5, 1), ask: null },
      { es: "El libro sigue vivo y con sus órdenes.", en: "The book is still alive, with its orders." },
    );
  });
});

gradeTask(7, () => {
  it("should keep up with 100 k resting orders over 10 k price levels", async () => {
    await assertScale();
  });
});

// Model-based runs: random adds, cancels and queries on three books, checked against BookModel after every step.

const SYMBOLS = ["AAA", "BBB", "CCC"] as const;

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

const symbolArb = fc.constantFrom(...SYMBOLS);
// Prices around 100 so that levels collide and "99" vs "100" tells numeric from text order.
const addCommand = fc
  .record({
    symbol: symbolArb,
    side: fc.constantFrom<ModelSide>("bid", "ask"),
    price: fc.integer({ min: 94, max: 106 }),
    qty: fc.integer({ min: 1, max: 9 }),
  })
  .map(({ symbol, side, price, qty }): Command => new AddCommand(symbol, side, price, qty));
const cancelCommand = fc
  .record({ symbol: symbolArb, pick: fc.constantFrom<CancelPick>("live", "live", "cancelled", "unknown"), n: fc.nat({ max: 50 }) })
  .map(({ symbol, pick, n }): Command => new CancelCommand(symbol, pick, n));
const topCommand = symbolArb.map((symbol): Command => new TopCommand(symbol));
const depthCommand = fc
  .record({ symbol: symbolArb, levels: fc.integer({ min: 1, max: 5 }) })
  .map(({ symbol, levels }): Command => new DepthCommand(symbol, levels));

function modelRun(commands: readonly fc.Arbitrary<Command>[]) {
  return {
    commands,
    numRuns: 40,
    maxCommands: 40,
    async setup() {
      const pids: Book[] = [];
      for (const symbol of SYMBOLS) pids.push(await OrderBook.startLink(symbol));
      return {
        model: { books: new Map(SYMBOLS.map((symbol) => [symbol, new BookModel()])) },
        real: {},
        async cleanup() {
          for (const pid of pids) await stopQuietly(pid);
        },
      };
    },
  };
}

// Scale. The budget is relative: just before timing the book, the grader times the same calls, sent the same way
// (BATCH calls in flight), to a server that does no work. Both share the machine and its load at that moment,
// so the machine's speed cancels out. Each time is the median batch time times the number of batches, so a GC
// pause or the compiler warming up (one or two batches) drops out while a cost paid on every operation stays.
// Calibration (2-core machine with other jobs running; three runs each, as time / bare calls): the reference
// solution took 1.6-2.2 to load and 2.8-4.9 for the mixed stream. On the stream, the known-wrong fixtures took
// 20-22.5 (resort-on-every-new-level), over 25-30 (rescan-for-best-price, stopped at SCALE_ABORT budgets) and over
// 40 (resort-on-every-query, stopped; about 1 500 if left to finish). SCALE_FACTOR = 10 sits about twice above the
// solution's worst run and twice below the closest fixture.

const SCALE_FACTOR = 10;
/** Below this a measurement is mostly noise (timer resolution); the budget never goes lower. */
const SCALE_FLOOR_MS = 50;
/** A run already this many budgets over is stopped there: there is no point waiting for its end. */
const SCALE_ABORT = 3;
const LEVELS_PER_SIDE = 5_000;
const ORDERS_PER_LEVEL = 10;
const STREAM_OPS = 20_000;
const BATCH = 500;
const BASE_BID = 100_000;
const BASE_ASK = 200_000;

interface NullProtocol extends Protocol {
  call: Call<{ type: "add_order" | "cancel_order" | "top_of_book" | "depth" }, null>;
  cast: never;
  info: never;
}
const NullServer: GenServerModule<NullProtocol, undefined, null> = {
  init: () => ok(null),
  handleCall: (_request, _from, state) => reply(null, state),
};

/** mulberry32, seeded by the grading seed: the same stream on every run with the same seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Op =
  | { readonly kind: "add"; readonly side: ModelSide; readonly price: number; readonly qty: number }
  | { readonly kind: "cancel"; readonly id: number }
  | { readonly kind: "top" }
  | { readonly kind: "depth" };

/** 100 k orders, 10 per price on the even ticks from BASE_BID and BASE_ASK, in shuffled order. */
function restingOrders(next: () => number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < LEVELS_PER_SIDE; i++) {
    for (let k = 0; k < ORDERS_PER_LEVEL; k++) {
      ops.push({ kind: "add", side: "bid", price: BASE_BID + 2 * i, qty: 1 + k });
      ops.push({ kind: "add", side: "ask", price: BASE_ASK + 2 * i, qty: 1 + k });
    }
  }
  for (let i = ops.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [ops[i], ops[j]] = [ops[j] as Op, ops[i] as Op];
  }
  return ops;
}

/** 25 % adds (half on the odd ticks between levels: new levels), 25 % cancels of live orders, 30 % top, 20 % depth(10). */
function mixedStream(next: () => number, live: number[], firstId: number): Op[] {
  const ops: Op[] = [];
  let id = firstId;
  for (let i = 0; i < STREAM_OPS; i++) {
    const roll = next();
    if (roll < 0.25) {
      const side: ModelSide = next() < 0.5 ? "bid" : "ask";
      const tick = 2 * Math.floor(next() * LEVELS_PER_SIDE) + (next() < 0.5 ? 1 : 0);
      ops.push({ kind: "add", side, price: (side === "bid" ? BASE_BID : BASE_ASK) + tick, qty: 1 + Math.floor(next() * 9) });
      live.push(id++);
    } else if (roll < 0.5) {
      const at = Math.floor(next() * live.length);
      ops.push({ kind: "cancel", id: live[at] as number });
      live[at] = live[live.length - 1] as number;
      live.pop();
    } else {
      ops.push(roll < 0.8 ? { kind: "top" } : { kind: "depth" });
    }
  }
  return ops;
}

function send(symbol: string, op: Op): Promise<unknown> {
  switch (op.kind) {
    case "add":
      return OrderBook.addOrder(symbol, op.side, op.price, op.qty);
    case "cancel":
      return OrderBook.cancelOrder(symbol, op.id);
    case "top":
      return OrderBook.getTopOfBook(symbol);
    case "depth":
      return OrderBook.getDepth(symbol, 10);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

interface Timing {
  readonly replies: unknown[];
  /** Median batch time times the number of batches, or the time so far when stopped. */
  readonly ms: number;
  readonly stopped: boolean;
}

/** Sends `ops` in batches of BATCH calls in flight; stops once `stopAfterMs` have passed. */
async function timed(ops: readonly Op[], sendOne: (op: Op) => Promise<unknown>, stopAfterMs = Number.POSITIVE_INFINITY): Promise<Timing> {
  const replies: unknown[] = [];
  const batchMs: number[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < ops.length; i += BATCH) {
    const batchStart = performance.now();
    replies.push(...(await Promise.all(ops.slice(i, i + BATCH).map(sendOne))));
    batchMs.push(performance.now() - batchStart);
    if (performance.now() - startedAt > stopAfterMs) return { replies, ms: performance.now() - startedAt, stopped: true };
  }
  return { replies, ms: median(batchMs) * batchMs.length, stopped: false };
}

/** The time of the same calls to a server that does nothing, sent the same way. */
async function bareCallsMs(ops: readonly Op[]): Promise<number> {
  const via = Registry.via<NullProtocol>(REGISTRY, "grader-calibration");
  const pid = await GenServer.start(NullServer, undefined, { name: via });
  try {
    const type = (op: Op) =>
      op.kind === "add" ? "add_order" : op.kind === "cancel" ? "cancel_order" : op.kind === "top" ? "top_of_book" : "depth";
    return (await timed(ops, (op) => GenServer.call(via, { type: type(op) }))).ms;
  } finally {
    await stopQuietly(pid);
  }
}

/** Times `ops` against the book and fails if they take over SCALE_FACTOR times the bare calls. */
async function assertFastEnough(symbol: string, ops: readonly Op[], what: Text): Promise<unknown[]> {
  const bare = await bareCallsMs(ops);
  const budget = Math.max(SCALE_FLOOR_MS, SCALE_FACTOR * bare);
  const run = await timed(ops, (op) => send(symbol, op), SCALE_ABORT * budget);
  if (run.stopped || run.ms > budget) {
    const took = run.stopped
      ? t({ es: `más de ${Math.round(run.ms)} ms (se detuvo ahí)`, en: `over ${Math.round(run.ms)} ms (stopped there)` })
      : `${Math.round(run.ms)} ms`;
    fail({
      es: `Demasiado lento: ${what.es} (${ops.length} operaciones) tardó ${took}; el presupuesto es ${Math.round(budget)} ms, ${SCALE_FACTOR} veces lo que tardan las mismas llamadas a un servidor que no hace nada (${Math.round(bare)} ms en esta máquina).\nPista:    con 10 000 niveles no puedes ordenar ni recorrer todos los niveles en cada operación: guarda los precios ordenados (búsqueda binaria), un Map de precio a nivel y otro de id a orden.`,
      en: `Too slow: ${what.en} (${ops.length} operations) took ${took}; the budget is ${Math.round(budget)} ms, ${SCALE_FACTOR} times what the same calls take against a server that does nothing (${Math.round(bare)} ms on this machine).\nHint:    with 10 000 levels you cannot sort or walk every level on each operation: keep the prices sorted (binary search), a Map from price to level and one from id to order.`,
    });
  }
  return run.replies;
}

async function assertScale(): Promise<void> {
  const symbol = "SCALE";
  await startBook(symbol);
  const next = random(gradingSeed());
  const resting = restingOrders(next);
  const live = Array.from({ length: resting.length }, (_, i) => i + 1);
  const stream = mixedStream(next, live, resting.length + 1);
  const when = t({ es: "durante la prueba de escala", en: "during the scale test" });

  const loaded = await assertFastEnough(symbol, resting, {
    es: "cargar 100 000 órdenes en 10 000 niveles",
    en: "loading 100 000 orders over 10 000 levels",
  });
  const model = new BookModel();
  for (const [i, op] of resting.entries()) {
    if (op.kind !== "add") continue;
    const expected = model.add(op.side, op.price, op.qty);
    if (loaded[i] !== expected)
      assertEqual(loaded[i], expected, { call: `${callText("addOrder", symbol, op.side, op.price, op.qty)} // ${when}`, note: modelNote });
  }

  const replies = await assertFastEnough(symbol, stream, {
    es: "la secuencia mixta de altas, cancelaciones y consultas",
    en: "the mixed stream of adds, cancels and queries",
  });
  for (const [i, op] of stream.entries()) {
    if (op.kind === "top" || op.kind === "depth") continue;
    const expected = op.kind === "add" ? model.add(op.side, op.price, op.qty) : model.cancel(op.id);
    if (replies[i] !== expected) {
      const call = op.kind === "add" ? callText("addOrder", symbol, op.side, op.price, op.qty) : callText("cancelOrder", symbol, op.id);
      assertEqual(replies[i], expected, { call: `${call} // ${when}`, note: modelNote });
    }
  }
  const atEnd = t({ es: "al final de la prueba de escala", en: "at the end of the scale test" });
  await expectDepth(symbol, 10, model.depth(10), depthNote, atEnd);
  await expectTop(symbol, model.top(), topNote, atEnd);
}
