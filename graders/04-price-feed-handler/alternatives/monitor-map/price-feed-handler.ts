/**
 * PriceFeedHandler, a second correct design: the subscribers live in a Map from pid to its monitor ref (a DOWN is
 * matched by its ref, so a stale one is ignored), get_state answers with a FeedState built from it, and the
 * heartbeat keeps to a fixed schedule (start + n × 30 s) rather than re-arming from the moment a beat ran.
 */
import {
  type Call,
  GenServer,
  type GenServerModule,
  Logger,
  type MonitorRef,
  noreply,
  now,
  ok,
  type Pid,
  Process,
  type Protocol,
  Registry,
  reply,
  self,
} from "#runtime";

export const FEED_REGISTRY = "FeedRegistry";
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const STALE_THRESHOLD_MS = 60_000;

export interface Tick {
  readonly type: "tick";
  readonly symbol: string;
  readonly price: number;
  readonly timestamp: number;
}

export interface FeedState {
  readonly symbol: string;
  readonly lastPrice: number | null;
  readonly lastUpdate: number | null;
  readonly tickCount: number;
  readonly subscribers: readonly Pid[];
}

export interface FeedProtocol extends Protocol {
  call: Call<{ type: "subscribe"; pid: Pid }, "ok"> | Call<{ type: "get_state" }, FeedState>;
  cast: { type: "update"; price: number };
  info: { type: "heartbeat" };
}

interface Handler {
  readonly symbol: string;
  last: { readonly price: number; readonly at: number } | null;
  ticks: number;
  readonly monitors: Map<Pid, MonitorRef>;
  nextBeat: number;
}

function view(handler: Handler): FeedState {
  return {
    symbol: handler.symbol,
    lastPrice: handler.last?.price ?? null,
    lastUpdate: handler.last?.at ?? null,
    tickCount: handler.ticks,
    subscribers: [...handler.monitors.keys()],
  };
}

function beat(handler: Handler, at: number): void {
  const tag = `[${handler.symbol}]`;
  if (handler.last === null) Logger.warn(`${tag} still waiting for a first price`);
  else if (at - handler.last.at > STALE_THRESHOLD_MS) Logger.error(`${tag} STALE: no price for ${at - handler.last.at} ms`);
  else Logger.debug(`${tag} fine, ${handler.ticks} ticks so far`);
}

export const PriceFeedHandler: GenServerModule<FeedProtocol, string, Handler> = {
  init(symbol) {
    Logger.info(`[${symbol}] feed up`);
    const started = now();
    Process.sendAfter(self(), { type: "heartbeat" }, HEARTBEAT_INTERVAL_MS);
    return ok({ symbol, last: null, ticks: 0, monitors: new Map(), nextBeat: started + HEARTBEAT_INTERVAL_MS });
  },

  handleCall(request, _from, handler) {
    if (request.type === "get_state") return reply(view(handler), handler);
    if (!handler.monitors.has(request.pid)) handler.monitors.set(request.pid, Process.monitor(request.pid));
    return reply("ok", handler);
  },

  handleCast(message, handler) {
    const at = now();
    for (const pid of handler.monitors.keys())
      Process.send(pid, { type: "tick", symbol: handler.symbol, price: message.price, timestamp: at });
    handler.last = { price: message.price, at };
    handler.ticks += 1;
    return noreply(handler);
  },

  handleInfo(message, handler) {
    if (message.type === "heartbeat") {
      const at = now();
      beat(handler, at);
      handler.nextBeat += HEARTBEAT_INTERVAL_MS;
      Process.sendAfter(self(), { type: "heartbeat" }, Math.max(0, handler.nextBeat - at));
    } else if (message.type === "DOWN" && handler.monitors.get(message.pid) === message.ref) {
      handler.monitors.delete(message.pid);
      Logger.info(`[${handler.symbol}] ${String(message.pid)} is gone (${String(message.reason)}), unsubscribed`);
    }
    return noreply(handler);
  },
};

const via = (symbol: string) => Registry.via<FeedProtocol>(FEED_REGISTRY, symbol);

export function startLink(symbol: string): Promise<Pid<FeedProtocol>> {
  return GenServer.startLink(PriceFeedHandler, symbol, { name: via(symbol) });
}

export function updatePrice(symbol: string, price: number): "ok" {
  return GenServer.cast(via(symbol), { type: "update", price });
}

export function subscribe(symbol: string): Promise<"ok"> {
  return GenServer.call(via(symbol), { type: "subscribe", pid: self() });
}

export function getState(symbol: string): Promise<FeedState> {
  return GenServer.call(via(symbol), { type: "get_state" });
}
