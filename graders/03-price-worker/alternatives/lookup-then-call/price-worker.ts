/**
 * PriceWorker whose client functions look the worker up in the Registry first and then talk to its pid (by name
 * only when nobody holds it, so that the runtime answers noproc); the via names are built once per symbol and kept,
 * which is safe because a name is data, not a process.
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

export const REGISTRY = "PriceWorkerRegistry";

export interface PriceWorkerState {
  readonly symbol: string;
  readonly price: number | null;
}

export interface PriceWorkerProtocol extends Protocol {
  call: Call<{ type: "get_price" }, number | null>;
  cast: { type: "set_price"; price: number };
  info: never;
}

export const PriceWorker: GenServerModule<PriceWorkerProtocol, string, PriceWorkerState> = {
  init: (symbol) => ok({ symbol, price: null }),
  handleCall: (_request, _from, state) => reply(state.price, state),
  handleCast: (message, state) => noreply({ symbol: state.symbol, price: message.price }),
};

const names = new Map<string, Via<PriceWorkerProtocol>>();

function nameOf(symbol: string): Via<PriceWorkerProtocol> {
  let name = names.get(symbol);
  if (name === undefined) {
    name = Registry.via(REGISTRY, symbol);
    names.set(symbol, name);
  }
  return name;
}

/** The worker's pid as the Registry has it right now, or its name when it has none. */
function worker(symbol: string): ServerRef<PriceWorkerProtocol> {
  return GenServer.whereis(nameOf(symbol)) ?? nameOf(symbol);
}

export function startLink(symbol: string): Promise<Pid<PriceWorkerProtocol>> {
  return GenServer.startLink(PriceWorker, symbol, { name: nameOf(symbol) });
}

export function getPrice(symbol: string): Promise<number | null> {
  return GenServer.call(worker(symbol), { type: "get_price" });
}

export function setPrice(symbol: string, price: number): "ok" {
  return GenServer.cast(worker(symbol), { type: "set_price", price });
}

export function childSpec(symbol: string): ChildSpec {
  return { id: `price_worker:${symbol}`, start: () => startLink(symbol), restart: "permanent", type: "worker" };
}

export function startWorker(supervisor: ServerRef<SupervisorProtocol>, symbol: string): Promise<Pid> {
  return DynamicSupervisor.startChild(supervisor, childSpec(symbol));
}
