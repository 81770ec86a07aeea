/**
 * PriceMonitor: a GenServer that watches one symbol (the chapter's handle_info example). Every 5 seconds it sends
 * itself a `check` with `Process.sendAfter` and counts it; it keeps the last `precio` message it was sent, and logs
 * any other message without crashing.
 */
import { type Call, GenServer, type GenServerModule, type Pid, type Protocol, type ServerRef } from "#runtime";

/** How often the monitor checks its symbol, in milliseconds. */
export const CHECK_INTERVAL_MS = 5000;

/** What the monitor knows: its symbol, the last price it was sent (null until then) and how many checks it did. */
export interface PriceMonitorState {
  readonly symbol: string;
  readonly lastPrice: number | null;
  readonly checks: number;
}

/** The plain messages the monitor understands; any other one may arrive too, as in Elixir. */
export type PriceMonitorInfo = { type: "check" } | { type: "precio"; price: number };

/** What the server accepts: the `get_state` call, no casts, and its infos. */
export interface PriceMonitorProtocol extends Protocol {
  call: Call<{ type: "get_state" }, PriceMonitorState>;
  cast: never;
  info: PriceMonitorInfo;
}

export const PriceMonitor: GenServerModule<PriceMonitorProtocol, string, PriceMonitorState> = {
  init(_symbol) {
    // TODO(task 1): start with the symbol, no price and no checks.
    // TODO(task 2): schedule the first check.
    throw new Error("TODO(task 1)");
  },

  handleCall(_request, _from, _state) {
    // TODO(task 1): answer get_state with the state.
    throw new Error("TODO(task 1)");
  },

  handleInfo(_message, _state) {
    // TODO(task 2): on a check, count it, log it and schedule the next one.
    // TODO(task 3): on a precio message, log it and keep its price.
    // TODO(task 4): log any other message and keep the state as it was.
    throw new Error("TODO(task 2)");
  },
};

/** Starts a PriceMonitor for `symbol` (not linked to the caller). */
export function start(symbol: string): Promise<Pid<PriceMonitorProtocol>> {
  return GenServer.start(PriceMonitor, symbol);
}

/** Starts a PriceMonitor for `symbol` linked to the calling process. */
export function startLink(symbol: string): Promise<Pid<PriceMonitorProtocol>> {
  return GenServer.startLink(PriceMonitor, symbol);
}

/** The monitor's state: `{ symbol, lastPrice, checks }`. */
export function getState(_server: ServerRef<PriceMonitorProtocol>): Promise<PriceMonitorState> {
  // TODO(task 1): ask the server for its state, and wait for the reply.
  throw new Error("TODO(task 1)");
}
