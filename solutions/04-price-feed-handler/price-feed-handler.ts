/**
 * PriceFeedHandler: one GenServer per symbol that receives price updates and passes each one on as a tick to its
 * subscribers (the chapter's complete example). It monitors its subscribers to forget the dead ones, and a
 * heartbeat every 30 s logs whether the feed's data is missing, stale or fine.
 */
import {
  type Call,
  type DownMessage,
  GenServer,
  type GenServerModule,
  Logger,
  noreply,
  now,
  ok,
  type Pid,
  Process,
  type Protocol,
  Registry,
  reply,
  self,
  type Via,
} from "#runtime";

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

function scheduleHeartbeat(): void {
  // Aimed at self(), so the timer dies with the handler.
  Process.sendAfter(self(), { type: "heartbeat" }, HEARTBEAT_INTERVAL_MS);
}

function heartbeat(state: FeedState): void {
  const t = now();
  if (state.lastUpdate === null) {
    Logger.warn(`[${state.symbol}] No data received yet`);
  } else if (t - state.lastUpdate > STALE_THRESHOLD_MS) {
    // Strictly more than the threshold: exactly 60 s without data is still fresh.
    Logger.error(`[${state.symbol}] Data is STALE!`);
  } else {
    Logger.debug(`[${state.symbol}] Heartbeat OK, ${state.tickCount} ticks`);
  }
}

function subscriberDown(message: DownMessage, state: FeedState): FeedState {
  // A dead subscriber is dropped, so no tick goes to it and the list does not grow forever.
  Logger.info(`[${state.symbol}] Subscriber ${String(message.pid)} disconnected`);
  return { ...state, subscribers: state.subscribers.filter((pid) => pid !== message.pid) };
}

export const PriceFeedHandler: GenServerModule<FeedProtocol, string, FeedState> = {
  init(symbol) {
    Logger.info(`[${symbol}] Feed handler started`);
    // The first heartbeat is armed here; each heartbeat arms the next one.
    scheduleHeartbeat();
    return ok({ symbol, lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] });
  },

  handleCall(request, _from, state) {
    switch (request.type) {
      case "subscribe": {
        if (state.subscribers.includes(request.pid)) return reply("ok", state);
        // One monitor per subscriber: its DOWN tells us when to drop it.
        Process.monitor(request.pid);
        return reply("ok", { ...state, subscribers: [...state.subscribers, request.pid] });
      }
      case "get_state":
        // The state is immutable, so handing it out cannot let the caller change the server.
        return reply(state, state);
    }
  },

  handleCast(message, state) {
    switch (message.type) {
      case "update": {
        const timestamp = now();
        const tick: Tick = { type: "tick", symbol: state.symbol, price: message.price, timestamp };
        // Each subscriber is in the list once, so it gets each tick once.
        for (const pid of state.subscribers) Process.send(pid, tick);
        return noreply({ ...state, lastPrice: message.price, lastUpdate: timestamp, tickCount: state.tickCount + 1 });
      }
    }
  },

  handleInfo(message, state) {
    switch (message.type) {
      case "heartbeat":
        heartbeat(state);
        // Re-arming on every heartbeat is what makes it periodic: sendAfter fires once.
        scheduleHeartbeat();
        return noreply(state);
      case "DOWN":
        return noreply(subscriberDown(message, state));
      default:
        // Nothing else is expected; an unknown message must not crash the feed.
        return noreply(state);
    }
  },
};

function via(symbol: string): Via<FeedProtocol> {
  // Whoever knows the symbol reaches its handler, with no pid to pass around.
  return Registry.via(FEED_REGISTRY, symbol);
}

/** Starts the handler of `symbol`, linked to the caller and registered under `symbol` in FEED_REGISTRY. */
export function startLink(symbol: string): Promise<Pid<FeedProtocol>> {
  // Registering at start makes a second handler for the same symbol fail with already_started.
  return GenServer.startLink(PriceFeedHandler, symbol, { name: via(symbol) });
}

/** Sends a new price to `symbol`'s handler, without waiting; every subscriber gets a tick. */
export function updatePrice(symbol: string, price: number): "ok" {
  // A cast: updates are many and frequent, and the feed need not wait for the subscribers.
  return GenServer.cast(via(symbol), { type: "update", price });
}

/** Subscribes the calling process to `symbol`'s ticks; subscribing twice changes nothing. */
export function subscribe(symbol: string): Promise<"ok"> {
  // self() here is the caller, not the server: the subscriber is whoever calls subscribe.
  return GenServer.call(via(symbol), { type: "subscribe", pid: self() });
}

/** The state of `symbol`'s handler. */
export function getState(symbol: string): Promise<FeedState> {
  // A call: it waits its turn behind the messages already sent, so it sees their effect.
  return GenServer.call(via(symbol), { type: "get_state" });
}
