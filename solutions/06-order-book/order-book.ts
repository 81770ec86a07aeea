/**
 * An order book per symbol: one GenServer per symbol, registered in a Registry under its symbol, keeps the
 * resting bids and asks sorted by price and answers the best level of each side and the first levels of depth.
 * Orders rest until cancelled: this book does no matching.
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

/** One side of the book: its levels by price, and their prices sorted best first. */
interface BookSide {
  readonly levels: Map<number, Level>;
  readonly prices: number[];
  /** Negative when price `a` is better than price `b`. */
  readonly compare: (a: number, b: number) => number;
}

interface RestingOrder {
  readonly side: BookSide;
  readonly price: number;
  readonly qty: number;
}

/** Ids per page of the order index. */
const PAGE = 1024;

/** The orders whose ids share a page, as columns; side 0 marks a free slot. */
class OrderPage {
  readonly side = new Uint8Array(PAGE);
  readonly price = new Float64Array(PAGE);
  readonly qty = new Float64Array(PAGE);
  live = 0;
}

/**
 * Resting orders by id. Ids are consecutive, so the index is pages of typed columns: no hashing, and no object
 * per resting order for the garbage collector to trace (a Map of 300 k orders cost the book half its time).
 * A page is dropped once its last order is gone.
 */
class OrderIndex {
  private readonly pages: (OrderPage | undefined)[] = [];
  private readonly bids: BookSide;
  private readonly asks: BookSide;
  size = 0;

  constructor(bids: BookSide, asks: BookSide) {
    this.bids = bids;
    this.asks = asks;
  }

  get(id: number): RestingOrder | undefined {
    const page = this.pages[Math.floor(id / PAGE)];
    const slot = id % PAGE;
    const side = page?.side[slot];
    if (page === undefined || side === undefined || side === 0) return undefined;
    return { side: side === 1 ? this.bids : this.asks, price: page.price[slot] as number, qty: page.qty[slot] as number };
  }

  set(id: number, side: BookSide, price: number, qty: number): void {
    const index = Math.floor(id / PAGE);
    let page = this.pages[index];
    if (page === undefined) {
      page = new OrderPage();
      this.pages[index] = page;
    }
    const slot = id % PAGE;
    page.side[slot] = side === this.bids ? 1 : 2;
    page.price[slot] = price;
    page.qty[slot] = qty;
    page.live++;
    this.size++;
  }

  delete(id: number): void {
    const index = Math.floor(id / PAGE);
    const page = this.pages[index];
    const slot = id % PAGE;
    if (page === undefined || !(page.side[slot] as number)) return;
    page.side[slot] = 0;
    page.live--;
    this.size--;
    if (page.live === 0) this.pages[index] = undefined;
  }

  *values(): IterableIterator<RestingOrder> {
    for (let index = 0; index < this.pages.length; index++) {
      for (let slot = 0; slot < PAGE; slot++) {
        const order = this.get(index * PAGE + slot);
        if (order !== undefined) yield order;
      }
    }
  }
}

interface Book {
  readonly symbol: string;
  readonly bids: BookSide;
  readonly asks: BookSide;
  readonly orders: OrderIndex;
  nextId: number;
}

const highestFirst = (a: number, b: number): number => b - a;
const lowestFirst = (a: number, b: number): number => a - b;

function newSide(compare: (a: number, b: number) => number): BookSide {
  return { levels: new Map(), prices: [], compare };
}

function newBook(symbol: string): Book {
  const bids = newSide(highestFirst);
  const asks = newSide(lowestFirst);
  return { symbol, bids, asks, orders: new OrderIndex(bids, asks), nextId: 1 };
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** Where `price` is or would go in the side's prices: the first index whose price is not better (binary search). */
function searchPrice(side: BookSide, price: number): number {
  let low = 0;
  let high = side.prices.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (side.compare(side.prices[mid] as number, price) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

// A sorted array of prices: O(log n) search, and a new or emptied level costs one splice, a memmove of at most n
// numbers (microseconds at 10 k levels); most orders land on an existing level and touch only the Map.
function addToSide(side: BookSide, price: number, qty: number): void {
  const level = side.levels.get(price);
  if (level !== undefined) {
    level.qty += qty;
    level.orders += 1;
    return;
  }
  side.levels.set(price, { price, qty, orders: 1 });
  side.prices.splice(searchPrice(side, price), 0, price);
}

function removeFromSide(side: BookSide, price: number, qty: number): void {
  const level = side.levels.get(price) as Level;
  level.qty -= qty;
  level.orders -= 1;
  if (level.orders > 0) return;
  side.levels.delete(price);
  side.prices.splice(searchPrice(side, price), 1);
}

/** Replies carry copies: the caller may keep or change them without touching the book. */
function copyLevel(level: Level): Level {
  return { price: level.price, qty: level.qty, orders: level.orders };
}

function bestLevel(side: BookSide): Level | null {
  const price = side.prices[0];
  return price === undefined ? null : copyLevel(side.levels.get(price) as Level);
}

function bestLevels(side: BookSide, count: number): Level[] {
  return side.prices.slice(0, count).map((price) => copyLevel(side.levels.get(price) as Level));
}

// The state is mutated in place: only this process sees it, and every reply is a copy.
export const OrderBook: GenServerModule<OrderBookProtocol, string, Book> = {
  // Each book builds its own state here: nothing is shared between symbols.
  init: (symbol) => ok(newBook(symbol)),

  handleCall(request, _from, book) {
    switch (request.type) {
      case "add_order": {
        const { side, price, qty } = request;
        // Validate before taking an id: a rejected order leaves the book as it was.
        if (side !== "bid" && side !== "ask") return reply({ error: "invalid_side" }, book);
        if (!isPositiveInteger(price)) return reply({ error: "invalid_price" }, book);
        if (!isPositiveInteger(qty)) return reply({ error: "invalid_qty" }, book);
        // A counter, not the number of live orders: ids are never reused.
        const id = book.nextId++;
        const bookSide = side === "bid" ? book.bids : book.asks;
        addToSide(bookSide, price, qty);
        book.orders.set(id, bookSide, price, qty);
        return reply(id, book);
      }
      case "cancel_order": {
        const order = book.orders.get(request.id);
        if (order === undefined) return reply("not_found", book);
        // Out of the index before answering: a second cancel must find nothing.
        book.orders.delete(request.id);
        removeFromSide(order.side, order.price, order.qty);
        return reply("ok", book);
      }
      case "top_of_book":
        return reply({ bid: bestLevel(book.bids), ask: bestLevel(book.asks) }, book);
      case "depth": {
        const { levels } = request;
        if (!isPositiveInteger(levels)) return reply({ error: "invalid_levels" }, book);
        return reply({ bids: bestLevels(book.bids, levels), asks: bestLevels(book.asks, levels) }, book);
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

// A missing book is the caller's mistake about a symbol: say which one, instead of the runtime's bare noproc.
function callBook<R extends OrderBookProtocol["call"]>(symbol: string, request: R): Promise<ReplyFor<OrderBookProtocol, R["type"]>> {
  const book = GenServer.whereis(via(symbol));
  if (book === null) return Promise.reject(new Error(`OrderBook: no order book is running for symbol ${JSON.stringify(symbol)}`));
  return GenServer.call(book, request);
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
