/**
 * PriceFeedHandler: one GenServer per symbol that receives price updates and passes each one on as a tick to its
 * subscribers (the chapter's complete example). It monitors its subscribers to forget the dead ones, and a
 * heartbeat every 30 s logs whether the feed's data is missing, stale or fine.
 */
import { type Call, GenServer, type GenServerModule, type Pid, type Protocol } from "#runtime";

/** The Registry the feed handlers register in, one per symbol. */
export const FEED_REGISTRY = "FeedRegistry";
/** How often the heartbeat runs, in ms. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
/** More than this many ms without data and the feed is stale. */
export const STALE_THRESHOLD_MS = 60_000;

/** What every subscriber receives for each price update. */
export interface Tick {
  readonly type: "tick";
  readonly symbol: string;
  readonly price: number;
  /** `now()` when the update was handled. */
  readonly timestamp: number;
}

/** The handler's state: the last price and when it came (null until the first), how many came, who subscribed. */
export interface FeedState {
  readonly symbol: string;
  readonly lastPrice: number | null;
  readonly lastUpdate: number | null;
  readonly tickCount: number;
  readonly subscribers: readonly Pid[];
}

/** What a feed handler accepts: `subscribe` and `get_state` calls, the `update` cast, its own heartbeat. */
export interface FeedProtocol extends Protocol {
  call: Call<{ type: "subscribe"; pid: Pid }, "ok"> | Call<{ type: "get_state" }, FeedState>;
  cast: { type: "update"; price: number };
  info: { type: "heartbeat" };
}

export const PriceFeedHandler: GenServerModule<FeedProtocol, string, FeedState> = {
  init(_symbol) {
    // TODO(task 1): start with the symbol, no price, no update, no ticks and no subscribers.
    // TODO(task 4): schedule the first heartbeat.
    throw new Error("TODO(task 1)");
  },

  handleCall(_request, _from, _state) {
    // TODO(task 1): answer get_state with the state.
    // TODO(task 2): add the subscriber of a subscribe (once) and answer "ok".
    // TODO(task 3): monitor each new subscriber.
    throw new Error("TODO(task 1)");
  },

  handleCast(_message, _state) {
    // TODO(task 2): send every subscriber a tick and record the price, its time and the count.
    throw new Error("TODO(task 2)");
  },

  handleInfo(_message, _state) {
    // TODO(task 3): on a DOWN, drop that subscriber.
    // TODO(task 4): on a heartbeat, log how fresh the data is and schedule the next one.
    throw new Error("TODO(task 3)");
  },
};

/** Starts the handler of `symbol`, linked to the caller and registered under `symbol` in FEED_REGISTRY. */
export function startLink(symbol: string): Promise<Pid<FeedProtocol>> {
  // TODO(task 1): register the handler under its symbol in FEED_REGISTRY.
  return GenServer.startLink(PriceFeedHandler, symbol);
}

/** Sends a new price to `symbol`'s handler, without waiting; every subscriber gets a tick. */
export function updatePrice(_symbol: string, _price: number): "ok" {
  // TODO(task 2): send the price to the symbol's handler, without waiting.
  throw new Error("TODO(task 2)");
}

/** Subscribes the calling process to `symbol`'s ticks; subscribing twice changes nothing. */
export function subscribe(_symbol: string): Promise<"ok"> {
  // TODO(task 2): ask the symbol's handler to subscribe the calling process.
  throw new Error("TODO(task 2)");
}

/** The state of `symbol`'s handler. */
export function getState(_symbol: string): Promise<FeedState> {
  // TODO(task 1): ask the symbol's handler for its state.
  throw new Error("TODO(task 1)");
}
