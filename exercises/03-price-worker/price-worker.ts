/**
 * PriceWorker: one GenServer per symbol, found by its symbol through a Registry (the chapter's Registry example).
 * Each worker keeps the last price set for its symbol; under a DynamicSupervisor a crashed worker is started
 * again and is found by the same symbol.
 */
import {
  type Call,
  type ChildSpec,
  GenServer,
  type GenServerModule,
  type Pid,
  type Protocol,
  type ServerRef,
  type SupervisorProtocol,
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
  init(_symbol) {
    // TODO(task 1): start with the symbol and no price.
    throw new Error("TODO(task 1)");
  },

  handleCall(_request, _from, _state) {
    // TODO(task 2): answer get_price with the last price.
    throw new Error("TODO(task 2)");
  },

  handleCast(_message, _state) {
    // TODO(task 2): keep the price of a set_price.
    throw new Error("TODO(task 2)");
  },
};

/** Starts the worker of `symbol`, linked to the caller and registered under `symbol` in REGISTRY. */
export function startLink(symbol: string): Promise<Pid<PriceWorkerProtocol>> {
  // TODO(task 1): register the worker under its symbol in REGISTRY.
  return GenServer.startLink(PriceWorker, symbol);
}

/** The last price set for `symbol`, or null; rejects with an ExitError ("noproc") if no worker runs for it. */
export function getPrice(_symbol: string): Promise<number | null> {
  // TODO(task 2): ask the worker of the symbol, found by its name, for its price.
  throw new Error("TODO(task 2)");
}

/** Sets the price of `symbol`'s worker, without waiting. */
export function setPrice(_symbol: string, _price: number): "ok" {
  // TODO(task 2): send the price to the worker of the symbol, without waiting.
  throw new Error("TODO(task 2)");
}

/** The child spec of `symbol`'s worker: a supervisor starts it with startLink and restarts it whenever it exits. */
export function childSpec(_symbol: string): ChildSpec {
  // TODO(task 5): describe how to start the worker of the symbol.
  throw new Error("TODO(task 5)");
}

/** Starts `symbol`'s worker under `supervisor`, which restarts it whenever it exits, crashed or stopped. */
export function startWorker(_supervisor: ServerRef<SupervisorProtocol>, _symbol: string): Promise<Pid> {
  // TODO(task 5): start the worker as a child of the supervisor.
  throw new Error("TODO(task 5)");
}
