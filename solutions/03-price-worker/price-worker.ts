/**
 * PriceWorker: one GenServer per symbol, found by its symbol through a Registry (the chapter's Registry example).
 * Each worker keeps the last price set for its symbol; under a DynamicSupervisor a crashed worker is started
 * again and is found by the same symbol.
 */
import {
  type Call,
  type ChildSpec,
  DynamicSupervisor,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  type Protocol,
  Registry,
  reply,
  type ServerRef,
  type SupervisorProtocol,
  type Via,
} from "#runtime";

/** The Registry the workers register in: `{Registry, keys: :unique, name: PriceWorkerRegistry}`. */
export const REGISTRY = "PriceWorkerRegistry";

/** What a worker knows: its symbol and the last price set (null until then). */
export interface PriceWorkerState {
  readonly symbol: string;
  readonly price: number | null;
}

/** What a worker accepts: `get_price` is a call answered with the price, `set_price` a cast. */
export interface PriceWorkerProtocol extends Protocol {
  call: Call<{ type: "get_price" }, number | null>;
  cast: { type: "set_price"; price: number };
  info: never;
}

export const PriceWorker: GenServerModule<PriceWorkerProtocol, string, PriceWorkerState> = {
  init(symbol) {
    // No price until someone sets one: null says "unknown", where 0 would be a wrong price.
    return ok({ symbol, price: null });
  },

  handleCall(request, _from, state) {
    switch (request.type) {
      case "get_price":
        // The worker of a symbol is the one place its price lives.
        return reply(state.price, state);
    }
  },

  handleCast(message, state) {
    switch (message.type) {
      case "set_price":
        // A new price replaces the last one.
        return noreply({ ...state, price: message.price });
    }
  },
};

function via(symbol: string): Via<PriceWorkerProtocol> {
  // The via name is the symbol itself: whoever knows the symbol can reach the worker, with no pid to pass around.
  return Registry.via(REGISTRY, symbol);
}

/** Starts the worker of `symbol`, linked to the caller and registered under `symbol` in REGISTRY. */
export function startLink(symbol: string): Promise<Pid<PriceWorkerProtocol>> {
  // Registering through the Registry at start is what makes a second worker for the same symbol fail.
  return GenServer.startLink(PriceWorker, symbol, { name: via(symbol) });
}

/** The last price set for `symbol`, or null; rejects with an ExitError ("noproc") if no worker runs for it. */
export function getPrice(symbol: string): Promise<number | null> {
  // The name is looked up on every call, so a restarted worker is found under the same symbol.
  return GenServer.call(via(symbol), { type: "get_price" });
}

/** Sets the price of `symbol`'s worker, without waiting. */
export function setPrice(symbol: string, price: number): "ok" {
  // A cast: a price update needs no answer.
  return GenServer.cast(via(symbol), { type: "set_price", price });
}

/** The child spec of `symbol`'s worker: a supervisor starts it with startLink and restarts it whenever it exits. */
export function childSpec(symbol: string): ChildSpec {
  // Permanent (the default): the worker is restarted whatever the reason it exited.
  return { id: symbol, start: () => startLink(symbol) };
}

/** Starts `symbol`'s worker under `supervisor`, which restarts it whenever it exits, crashed or stopped. */
export function startWorker(supervisor: ServerRef<SupervisorProtocol>, symbol: string): Promise<Pid> {
  // The supervisor calls startLink itself, so the worker is linked to it and not to the caller.
  return DynamicSupervisor.startChild(supervisor, childSpec(symbol));
}
