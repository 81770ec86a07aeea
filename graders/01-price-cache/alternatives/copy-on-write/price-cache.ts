/**
 * PriceCache written the way Elixir's version reads: the state is never changed in place. Each put hands the
 * server a new Map, as `Map.put` returns a new map, and the start options go to the runtime as they came.
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

export interface PriceCacheProtocol extends Protocol {
  call: Call<{ type: "get"; symbol: string }, number | undefined>;
  cast: { type: "put"; symbol: string; price: number };
  info: never;
}

export type PriceCacheState = Map<string, number>;

export interface PriceCacheOptions {
  readonly name?: Name<PriceCacheProtocol>;
}

export const PriceCache: GenServerModule<PriceCacheProtocol, undefined, PriceCacheState> = {
  init: () => ok(new Map()),

  handleCall: (request, _from, state) => {
    if (request.type === "get") return reply(state.has(request.symbol) ? state.get(request.symbol) : undefined, state);
    const unexpected: never = request.type;
    throw new Error(`unexpected call ${String(unexpected)}`);
  },

  handleCast: (message, state) => {
    if (message.type === "put") return noreply(new Map(state).set(message.symbol, message.price));
    const unexpected: never = message.type;
    throw new Error(`unexpected cast ${String(unexpected)}`);
  },
};

// The options are exactly GenServer's: a name, or none (an absent name, not an undefined one).
export const start = (options: PriceCacheOptions = {}): Promise<Pid<PriceCacheProtocol>> => GenServer.start(PriceCache, undefined, options);

export const startLink = (options: PriceCacheOptions = {}): Promise<Pid<PriceCacheProtocol>> =>
  GenServer.startLink(PriceCache, undefined, options);

export const get = (server: ServerRef<PriceCacheProtocol>, symbol: string): Promise<number | undefined> =>
  GenServer.call(server, { type: "get", symbol });

export const put = (server: ServerRef<PriceCacheProtocol>, symbol: string, price: number): "ok" =>
  GenServer.cast(server, { type: "put", symbol, price });
