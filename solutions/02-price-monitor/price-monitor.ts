/**
 * PriceMonitor: a GenServer that watches one symbol (the chapter's handle_info example). Every 5 seconds it sends
 * itself a `check` with `Process.sendAfter` and counts it; it keeps the last `precio` message it was sent, and logs
 * any other message without crashing.
 */
import {
  type Call,
  GenServer,
  type GenServerModule,
  Logger,
  noreply,
  ok,
  type Pid,
  Process,
  type Protocol,
  reply,
  type ServerRef,
  self,
} from "#runtime";

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

function scheduleCheck(): void {
  // A timer aimed at self() dies with the process, so a stopped monitor leaves nothing behind.
  Process.sendAfter(self(), { type: "check" }, CHECK_INTERVAL_MS);
}

export const PriceMonitor: GenServerModule<PriceMonitorProtocol, string, PriceMonitorState> = {
  init(symbol) {
    // The first check is armed here; each check arms the next one.
    scheduleCheck();
    return ok({ symbol, lastPrice: null, checks: 0 });
  },

  handleCall(request, _from, state) {
    switch (request.type) {
      case "get_state":
        // The state is immutable, so handing it out cannot let the caller change the server.
        return reply(state, state);
    }
  },

  handleInfo(message, state) {
    // `?.`: any value may arrive, null and undefined too, and reading `type` of those would throw.
    switch (message?.type) {
      case "check": {
        const checks = state.checks + 1;
        Logger.info(`[${state.symbol}] Check #${checks}`);
        // Re-arming on every check is what makes it periodic: sendAfter fires once.
        scheduleCheck();
        return noreply({ ...state, checks });
      }
      case "precio":
        // Only the last price matters: it replaces the previous one.
        Logger.info(`[${state.symbol}] Nuevo precio: $${message.price}`);
        return noreply({ ...state, lastPrice: message.price });
      default:
        // The catch-all clause: a message nobody expected is logged and the server goes on as it was.
        Logger.info(`Mensaje desconocido: ${JSON.stringify(message)}`);
        return noreply(state);
    }
  },
};

/** Starts a PriceMonitor for `symbol` (not linked to the caller). */
export function start(symbol: string): Promise<Pid<PriceMonitorProtocol>> {
  // The symbol is init's argument, as in GenServer.start_link(__MODULE__, symbol).
  return GenServer.start(PriceMonitor, symbol);
}

/** Starts a PriceMonitor for `symbol` linked to the calling process. */
export function startLink(symbol: string): Promise<Pid<PriceMonitorProtocol>> {
  // Same as start, linked: a crash of one takes the other down, as under a supervisor.
  return GenServer.startLink(PriceMonitor, symbol);
}

/** The monitor's state: `{ symbol, lastPrice, checks }`. */
export function getState(server: ServerRef<PriceMonitorProtocol>): Promise<PriceMonitorState> {
  // A call: it waits its turn behind the messages already sent, so it sees their effect.
  return GenServer.call(server, { type: "get_state" });
}
