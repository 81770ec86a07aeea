/**
 * PriceCache: a GenServer that keeps the last price of each symbol (the chapter's opening example).
 * `get` asks for a price with a call and waits for the reply; `put` stores one with a cast and does not wait.
 */
import { type Call, GenServer, type GenServerModule, type Name, type Pid, type Protocol, type ServerRef } from "#runtime";

/** What the server accepts: `get` is a call answered with the price (or undefined), `put` a cast. */
export interface PriceCacheProtocol extends Protocol {
  call: Call<{ type: "get"; symbol: string }, number | undefined>;
  cast: { type: "put"; symbol: string; price: number };
  info: never;
}

/** The last price of each symbol. */
export type PriceCacheState = Map<string, number>;

export interface PriceCacheOptions {
  /** A local name to register the server under, as `name: PriceCache` in Elixir. */
  readonly name?: Name<PriceCacheProtocol>;
}

export const PriceCache: GenServerModule<PriceCacheProtocol, undefined, PriceCacheState> = {
  init() {
    // TODO(task 1): start with an empty store of prices.
    throw new Error("TODO(task 1)");
  },

  handleCall(_request, _from, _state) {
    // TODO(task 2): answer a get with the price stored for its symbol.
    throw new Error("TODO(task 2)");
  },

  handleCast(_message, _state) {
    // TODO(task 2): store the price of a put.
    throw new Error("TODO(task 2)");
  },
};

/** Starts a PriceCache (not linked to the caller). */
export function start(_options: PriceCacheOptions = {}): Promise<Pid<PriceCacheProtocol>> {
  // TODO(task 4): register the server under options.name when given.
  return GenServer.start(PriceCache, undefined);
}

/** Starts a PriceCache linked to the calling process. */
export function startLink(_options: PriceCacheOptions = {}): Promise<Pid<PriceCacheProtocol>> {
  // TODO(task 4): register the server under options.name when given.
  return GenServer.startLink(PriceCache, undefined);
}

/** The last price stored for `symbol`, or undefined if none was. */
export function get(_server: ServerRef<PriceCacheProtocol>, _symbol: string): Promise<number | undefined> {
  // TODO(task 2): ask the server for the price, and wait for its reply.
  throw new Error("TODO(task 2)");
}

/** Stores `price` as the last price of `symbol`, without waiting for the server. */
export function put(_server: ServerRef<PriceCacheProtocol>, _symbol: string, _price: number): "ok" {
  // TODO(task 2): send the price to the server, without waiting.
  throw new Error("TODO(task 2)");
}
