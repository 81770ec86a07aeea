/**
 * An order book per symbol: one GenServer per symbol, registered in a Registry under its symbol, keeps the
 * resting bids and asks sorted by price and answers the best level of each side and the first levels of depth.
 * Orders rest until cancelled: this book does no matching.
 *
 * A second correct implementation, for the grader's self-check: each side keeps its prices in a binary heap, best
 * on top, with lazy deletion (an emptied level's price stays in the heap until it reaches the top, and is dropped
 * there), and the resting orders in a plain Map by id. Depth pops the best prices and pushes them back.
 */
import { type Call, GenServer, type GenServerModule, ok, type Pid, type Protocol, Registry, type ReplyFor, reply } from "#runtime";

/** The Registry (unique keys) the books register in; the application starts it once. */
export const ORDER_BOOK_REGISTRY = "OrderBookRegistry";

export type Side = "bid" | "ask";

/** One price level: its price, the quantity summed over its orders, and how many orders rest there. */
export interface Level {
  price: number;
  qty: number;
  orders: number;
}

export interface TopOfBook {
  bid: Level | null;
  ask: Level | null;
}

export interface Depth {
  bids: Level[];
  asks: Level[];
}

export type OrderError = { error: "invalid_side" | "invalid_price" | "invalid_qty" };
export type DepthError = { error: "invalid_levels" };

export interface OrderBookProtocol extends Protocol {
  call:
    | Call<{ type: "add_order"; side: Side; price: number; qty: number }, number | OrderError>
    | Call<{ type: "cancel_order"; id: number }, "ok" | "not_found">
    | Call<{ type: "top_of_book" }, TopOfBook>
    | Call<{ type: "depth"; levels: number }, Depth | DepthError>;
  cast: never;
  info: never;
}

/** A binary heap of prices with the best one at index 0; `better(a, b)` says whether `a` goes above `b`. */
class PriceHeap {
  readonly items: number[] = [];
  private readonly better: (a: number, b: number) => boolean;

  constructor(better: (a: number, b: number) => boolean) {
    this.better = better;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(price: number): void {
    const items = this.items;
    items.push(price);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.better(items[i] as number, items[parent] as number)) break;
      [items[i], items[parent]] = [items[parent] as number, items[i] as number];
      i = parent;
    }
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Makes a heap of `prices` at once (O(n)). */
  rebuild(prices: Iterable<number>): void {
    this.items.length = 0;
    this.items.push(...prices);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const items = this.items;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < items.length && this.better(items[left] as number, items[best] as number)) best = left;
      if (right < items.length && this.better(items[right] as number, items[best] as number)) best = right;
      if (best === i) return;
      [items[i], items[best]] = [items[best] as number, items[i] as number];
      i = best;
    }
  }
}

/**
 * One side of the book. `levels` holds the levels with orders; `heap` holds their prices and, lazily, prices whose
 * level has emptied since; `queued` says which prices are in the heap, so that a price is never in it twice.
 */
interface BookSide {
  readonly levels: Map<number, Level>;
  readonly heap: PriceHeap;
  readonly queued: Set<number>;
}

interface Order {
  readonly side: Side;
  readonly price: number;
  readonly qty: number;
}

interface Book {
  readonly symbol: string;
  nextId: number;
  readonly orders: Map<number, Order>;
  readonly bid: BookSide;
  readonly ask: BookSide;
}

function newSide(better: (a: number, b: number) => boolean): BookSide {
  return { levels: new Map(), heap: new PriceHeap(better), queued: new Set() };
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function copy(level: Level): Level {
  return { price: level.price, qty: level.qty, orders: level.orders };
}

function addToSide(side: BookSide, price: number, qty: number): void {
  const level = side.levels.get(price);
  if (level !== undefined) {
    level.qty += qty;
    level.orders += 1;
    return;
  }
  side.levels.set(price, { price, qty, orders: 1 });
  // A price whose level emptied may still be in the heap: it counts again as it is.
  if (!side.queued.has(price)) {
    side.heap.push(price);
    side.queued.add(price);
  }
}

function removeFromSide(side: BookSide, price: number, qty: number): void {
  const level = side.levels.get(price) as Level;
  level.qty -= qty;
  level.orders -= 1;
  if (level.orders > 0) return;
  side.levels.delete(price);
  // The price stays in the heap until it comes to the top; when stale prices outnumber the live ones, start afresh.
  if (side.queued.size > 2 * side.levels.size + 64) {
    side.heap.rebuild(side.levels.keys());
    side.queued.clear();
    for (const live of side.levels.keys()) side.queued.add(live);
  }
}

/** The best live price of a side, dropping the stale prices found on top. */
function bestPrice(side: BookSide): number | undefined {
  for (let price = side.heap.peek(); price !== undefined; price = side.heap.peek()) {
    if (side.levels.has(price)) return price;
    side.heap.pop();
    side.queued.delete(price);
  }
  return undefined;
}

/** The `count` best levels of a side: popped best first, then pushed back. */
function bestLevels(side: BookSide, count: number): Level[] {
  const rows: Level[] = [];
  while (rows.length < count) {
    const price = bestPrice(side);
    if (price === undefined) break;
    side.heap.pop();
    rows.push(copy(side.levels.get(price) as Level));
  }
  for (const row of rows) side.heap.push(row.price);
  return rows;
}

export const OrderBook: GenServerModule<OrderBookProtocol, string, Book> = {
  init(symbol) {
    return ok({
      symbol,
      nextId: 1,
      orders: new Map(),
      bid: newSide((a, b) => a > b),
      ask: newSide((a, b) => a < b),
    });
  },

  handleCall(request, _from, book) {
    switch (request.type) {
      case "add_order": {
        const { side, price, qty } = request;
        if (side !== "bid" && side !== "ask") return reply({ error: "invalid_side" }, book);
        if (!isPositiveInteger(price)) return reply({ error: "invalid_price" }, book);
        if (!isPositiveInteger(qty)) return reply({ error: "invalid_qty" }, book);
        const id = book.nextId;
        book.nextId += 1;
        book.orders.set(id, { side, price, qty });
        addToSide(book[side], price, qty);
        return reply(id, book);
      }
      case "cancel_order": {
        // A Map keyed by numbers: "3" or 3.5 finds nothing, as in Elixir's Map.fetch with integer keys.
        const order = book.orders.get(request.id);
        if (order === undefined) return reply("not_found", book);
        book.orders.delete(request.id);
        removeFromSide(book[order.side], order.price, order.qty);
        return reply("ok", book);
      }
      case "top_of_book": {
        const bid = bestPrice(book.bid);
        const ask = bestPrice(book.ask);
        return reply(
          {
            bid: bid === undefined ? null : copy(book.bid.levels.get(bid) as Level),
            ask: ask === undefined ? null : copy(book.ask.levels.get(ask) as Level),
          },
          book,
        );
      }
      case "depth": {
        if (!isPositiveInteger(request.levels)) return reply({ error: "invalid_levels" }, book);
        return reply({ bids: bestLevels(book.bid, request.levels), asks: bestLevels(book.ask, request.levels) }, book);
      }
      default: {
        const unknown: never = request;
        throw new Error(`OrderBook: unknown request ${String(unknown)}`);
      }
    }
  },
};

function via(symbol: string) {
  return Registry.via<OrderBookProtocol>(ORDER_BOOK_REGISTRY, symbol);
}

/** Starts the book of `symbol`, linked to the caller; ORDER_BOOK_REGISTRY must be running. */
export function startLink(symbol: string): Promise<Pid<OrderBookProtocol>> {
  return GenServer.startLink(OrderBook, symbol, { name: via(symbol) });
}

/** Starts the book of `symbol` without a link; ORDER_BOOK_REGISTRY must be running. */
export function start(symbol: string): Promise<Pid<OrderBookProtocol>> {
  return GenServer.start(OrderBook, symbol, { name: via(symbol) });
}

// No check first: GenServer.call to a via name nobody holds rejects with an ExitError whose message shows the name.
function callBook<R extends OrderBookProtocol["call"]>(symbol: string, request: R): Promise<ReplyFor<OrderBookProtocol, R["type"]>> {
  return GenServer.call(via(symbol), request);
}

/** Adds a resting order; resolves to its id, or to an error value when the input is invalid. */
export function addOrder(symbol: string, side: Side, price: number, qty: number): Promise<number | OrderError> {
  return callBook(symbol, { type: "add_order", side, price, qty });
}

export function cancelOrder(symbol: string, id: number): Promise<"ok" | "not_found"> {
  return callBook(symbol, { type: "cancel_order", id });
}

export function getTopOfBook(symbol: string): Promise<TopOfBook> {
  return callBook(symbol, { type: "top_of_book" });
}

export function getDepth(symbol: string, levels: number): Promise<Depth | DepthError> {
  return callBook(symbol, { type: "depth", levels });
}
