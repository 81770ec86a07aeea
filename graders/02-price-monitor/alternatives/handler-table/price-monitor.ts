/**
 * PriceMonitor with a table of handlers, one per message type, instead of a switch; the first check is armed in
 * handleContinue, right after init, instead of inside it.
 */
import {
  type Call,
  GenServer,
  type GenServerModule,
  Logger,
  type NoReplyResult,
  noreply,
  ok,
  type Pid,
  Process,
  type Protocol,
  reply,
  type ServerRef,
  self,
} from "#runtime";

export const CHECK_INTERVAL_MS = 5000;

export interface PriceMonitorState {
  readonly symbol: string;
  readonly lastPrice: number | null;
  readonly checks: number;
}

export type PriceMonitorInfo = { type: "check" } | { type: "precio"; price: number };

export interface PriceMonitorProtocol extends Protocol {
  call: Call<{ type: "get_state" }, PriceMonitorState>;
  cast: never;
  info: PriceMonitorInfo;
}

type Handler = (message: Record<string, unknown>, state: PriceMonitorState) => NoReplyResult<PriceMonitorState, "arm">;

const arm = (): void => {
  Process.sendAfter(self(), { type: "check" }, CHECK_INTERVAL_MS);
};

const handlers: Record<string, Handler> = {
  check(_message, state) {
    const checks = state.checks + 1;
    Logger.info(`[${state.symbol}] Check #${checks}`);
    arm();
    return noreply({ ...state, checks });
  },
  precio(message, state) {
    const price = message.price as number;
    Logger.info(`[${state.symbol}] Nuevo precio: $${price}`);
    return noreply({ ...state, lastPrice: price });
  },
};

/** The handler of a message's type; own properties only, so that "toString" or "constructor" are unknown types. */
function handlerFor(message: unknown): Handler | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const type = (message as { type?: unknown }).type;
  return typeof type === "string" && Object.hasOwn(handlers, type) ? handlers[type] : undefined;
}

export const PriceMonitor: GenServerModule<PriceMonitorProtocol, string, PriceMonitorState, "arm"> = {
  init: (symbol) => ok({ symbol, lastPrice: null, checks: 0 }, { continue: "arm" }),

  handleContinue(_cont, state) {
    arm();
    return noreply(state);
  },

  handleCall: (_request, _from, state) => reply(state, state),

  handleInfo(message, state) {
    const handler = handlerFor(message);
    if (handler !== undefined) return handler(message as unknown as Record<string, unknown>, state);
    Logger.info(`Mensaje desconocido: ${JSON.stringify(message)}`);
    return noreply(state);
  },
};

export const start = (symbol: string): Promise<Pid<PriceMonitorProtocol>> => GenServer.start(PriceMonitor, symbol);

export const startLink = (symbol: string): Promise<Pid<PriceMonitorProtocol>> => GenServer.startLink(PriceMonitor, symbol);

export const getState = (server: ServerRef<PriceMonitorProtocol>): Promise<PriceMonitorState> =>
  GenServer.call(server, { type: "get_state" });
