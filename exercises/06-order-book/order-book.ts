/**
 * An order book per symbol: one GenServer per symbol, registered in a Registry under its symbol, keeps the
 * resting bids and asks sorted by price and answers the best level of each side and the first levels of depth.
 * Orders rest until cancelled: this book does no matching.
 */
import type { Call, GenServerModule, Pid, Protocol, ReplyFor } from "#runtime";

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

interface Book {
  readonly symbol: string;
  // TODO(task 2): the next id and an index of the resting orders by id
  // TODO(task 3): each side's price levels, sorted best first
}

export const OrderBook: GenServerModule<OrderBookProtocol, string, Book> = {
  init(_symbol) {
    // TODO(task 1): an empty book of its own for this symbol
    throw new Error("TODO(task 1)");
  },

  handleCall(request, _from, _book) {
    switch (request.type) {
      case "add_order":
        // TODO(task 6): answer an error value for an invalid side, price or quantity
        // TODO(task 2): give the order the next id and add it to its price level
        throw new Error("TODO(task 2)");
      case "cancel_order":
        // TODO(task 6): answer "not_found" for an id that is not a positive integer
        // TODO(task 5): remove the order from its level and from the id index, or answer "not_found"
        throw new Error("TODO(task 5)");
      case "top_of_book":
        // TODO(task 3): the best level of each side, or null
        throw new Error("TODO(task 3)");
      case "depth":
        // TODO(task 6): answer an error value for an invalid number of levels
        // TODO(task 4): the first `levels` levels of each side
        throw new Error("TODO(task 4)");
      default: {
        const unknown: never = request;
        throw new Error(`OrderBook: unknown request ${String(unknown)}`);
      }
    }
  },
};

/** Starts the book of `symbol`, linked to the caller; ORDER_BOOK_REGISTRY must be running. */
export function startLink(_symbol: string): Promise<Pid<OrderBookProtocol>> {
  // TODO(task 1): start OrderBook registered under its symbol in ORDER_BOOK_REGISTRY
  throw new Error("TODO(task 1)");
}

/** Starts the book of `symbol` without a link; ORDER_BOOK_REGISTRY must be running. */
export function start(_symbol: string): Promise<Pid<OrderBookProtocol>> {
  // TODO(task 1): like startLink, without the link
  throw new Error("TODO(task 1)");
}

function callBook<R extends OrderBookProtocol["call"]>(_symbol: string, _request: R): Promise<ReplyFor<OrderBookProtocol, R["type"]>> {
  // TODO(task 1): call the book of the symbol; when there is none, reject with an Error that names the symbol
  throw new Error("TODO(task 1)");
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
