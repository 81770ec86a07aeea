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

/** Ids per page of the order index. */
const PAGE = 1024;

/** Numbers kept per order in a page: its side (0 marks a free slot, 1 a bid, 2 an ask), price and quantity. */
const FIELDS = 3;
const SIDE = 0;
const PRICE = 1;
const QTY = 2;

/** The orders whose ids share a page, each order's fields side by side: a cancel reads one cache line. */
class OrderPage {
  readonly cells = new Float64Array(PAGE * FIELDS);
  live = 0;
}

/**
 * Resting orders by id. Ids are consecutive, so the index is pages of numbers: no hashing, and no object per
 * resting order for the garbage collector to trace (a Map of 300 k orders cost the book half its time).
 * A page is dropped once its last order is gone, so the index holds the pages of resting orders only.
 */
class OrderIndex {
  private readonly pages: (OrderPage | undefined)[] = [];
  private readonly bids: BookSide;
  private readonly asks: BookSide;

  constructor(bids: BookSide, asks: BookSide) {
    this.bids = bids;
    this.asks = asks;
  }

  /** Where the fields of order `id` start in its page's cells. */
  private static at(id: number): number {
    return (id % PAGE) * FIELDS;
  }

  /** The side of a resting order, or undefined: a cancel reads its fields without building an object. */
  sideOf(id: number): BookSide | undefined {
    const side = this.pages[Math.floor(id / PAGE)]?.cells[OrderIndex.at(id) + SIDE];
    return side === 1 ? this.bids : side === 2 ? this.asks : undefined;
  }

  priceOf(id: number): number {
    return this.pages[Math.floor(id / PAGE)]?.cells[OrderIndex.at(id) + PRICE] as number;
  }

  qtyOf(id: number): number {
    return this.pages[Math.floor(id / PAGE)]?.cells[OrderIndex.at(id) + QTY] as number;
  }

  set(id: number, side: BookSide, price: number, qty: number): void {
    const index = Math.floor(id / PAGE);
    let page = this.pages[index];
    if (page === undefined) {
      page = new OrderPage();
      this.pages[index] = page;
    }
    const at = OrderIndex.at(id);
    page.cells[at + SIDE] = side === this.bids ? 1 : 2;
    page.cells[at + PRICE] = price;
    page.cells[at + QTY] = qty;
    page.live++;
  }

  delete(id: number): void {
    const index = Math.floor(id / PAGE);
    const page = this.pages[index];
    const at = OrderIndex.at(id);
    if (page === undefined || !(page.cells[at + SIDE] as number)) return;
    page.cells[at + SIDE] = 0;
    page.live--;
    if (page.live === 0) this.pages[index] = undefined;
  }
}

const highestFirst = (a: number, b: number): number => b - a;
const lowestFirst = (a: number, b: number): number => a - b;

function newSide(compare: (a: number, b: number) => number): BookSide {
  return { levels: new Map(), prices: [], compare };
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
  const { prices, levels } = side;
  const rows: Level[] = [];
  const end = Math.min(count, prices.length);
  for (let i = 0; i < end; i++) rows.push(copyLevel(levels.get(prices[i] as number) as Level));
  return rows;
}

/**
 * The book of one symbol as a plain data structure, with no process: the GenServer below owns one and turns
 * each call into one method call. Kept apart, it can be tested and measured on its own.
 */
export class Book {
  readonly symbol: string;
  private readonly bids = newSide(highestFirst);
  private readonly asks = newSide(lowestFirst);
  private readonly orders = new OrderIndex(this.bids, this.asks);
  private nextId = 1;

  constructor(symbol: string) {
    this.symbol = symbol;
  }

  /** Adds a resting order; answers its id, or an error value (and leaves the book as it was) for invalid input. */
  add(side: Side, price: number, qty: number): number | OrderError {
    // Validate before taking an id: a rejected order leaves the book as it was.
    if (side !== "bid" && side !== "ask") return { error: "invalid_side" };
    if (!isPositiveInteger(price)) return { error: "invalid_price" };
    if (!isPositiveInteger(qty)) return { error: "invalid_qty" };
    // A counter, not the number of live orders: ids are never reused.
    const id = this.nextId++;
    const bookSide = side === "bid" ? this.bids : this.asks;
    addToSide(bookSide, price, qty);
    this.orders.set(id, bookSide, price, qty);
    return id;
  }

  cancel(id: number): "ok" | "not_found" {
    // Ids are positive integers: anything else ("3", 1.5, null) names no order, and must not be read as one.
    if (!isPositiveInteger(id)) return "not_found";
    const side = this.orders.sideOf(id);
    if (side === undefined) return "not_found";
    removeFromSide(side, this.orders.priceOf(id), this.orders.qtyOf(id));
    // Out of the index before answering: a second cancel must find nothing.
    this.orders.delete(id);
    return "ok";
  }

  top(): TopOfBook {
    return { bid: bestLevel(this.bids), ask: bestLevel(this.asks) };
  }

  depth(levels: number): Depth | DepthError {
    if (!isPositiveInteger(levels)) return { error: "invalid_levels" };
    return { bids: bestLevels(this.bids, levels), asks: bestLevels(this.asks, levels) };
  }
}

// The state is mutated in place: only this process sees it, and every reply is a copy.
export const OrderBook: GenServerModule<OrderBookProtocol, string, Book> = {
  // Each book builds its own state here: nothing is shared between symbols.
  init: (symbol) => ok(new Book(symbol)),

  handleCall(request, _from, book) {
    switch (request.type) {
      case "add_order":
        return reply(book.add(request.side, request.price, request.qty), book);
      case "cancel_order":
        return reply(book.cancel(request.id), book);
      case "top_of_book":
        return reply(book.top(), book);
      case "depth":
        return reply(book.depth(request.levels), book);
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
