/**
 * PriceCache: a GenServer that keeps the last price of each symbol (the chapter's opening example).
 * `get` asks for a price with a call and waits for the reply; `put` stores one with a cast and does not wait.
 */
import {
  type Call,
  GenServer,
  type GenServerModule,
  type Name,
  noreply,
  ok,
  type Pid,
  type Protocol,
  reply,
  type ServerRef,
} from "#runtime";

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
    // A Map, not a plain object: any symbol, even "__proto__" or "toString", is a key like the others.
    return ok(new Map());
  },

  handleCall(request, _from, state) {
    switch (request.type) {
      case "get":
        // Map.get gives undefined for a symbol never stored, which is what the caller receives.
        return reply(state.get(request.symbol), state);
    }
  },

  handleCast(message, state) {
    switch (message.type) {
      case "put":
        // The state is this server's alone, so updating the Map in place is safe and O(1).
        state.set(message.symbol, message.price);
        return noreply(state);
    }
  },
};

/** Starts a PriceCache (not linked to the caller). */
export function start(options: PriceCacheOptions = {}): Promise<Pid<PriceCacheProtocol>> {
  // Passing the name on lets callers reach the server by name instead of by pid.
  return GenServer.start(PriceCache, undefined, options.name === undefined ? {} : { name: options.name });
}

/** Starts a PriceCache linked to the calling process. */
export function startLink(options: PriceCacheOptions = {}): Promise<Pid<PriceCacheProtocol>> {
  // Same as start, linked: a crash of one takes the other down, as under a supervisor.
  return GenServer.startLink(PriceCache, undefined, options.name === undefined ? {} : { name: options.name });
}

/** The last price stored for `symbol`, or undefined if none was. */
export function get(server: ServerRef<PriceCacheProtocol>, symbol: string): Promise<number | undefined> {
  // A call: the caller needs the answer, so it waits for the reply.
  return GenServer.call(server, { type: "get", symbol });
}

/** Stores `price` as the last price of `symbol`, without waiting for the server. */
export function put(server: ServerRef<PriceCacheProtocol>, symbol: string, price: number): "ok" {
  // A cast: a price tick needs no confirmation, so the caller does not wait.
  return GenServer.cast(server, { type: "put", symbol, price });
}
