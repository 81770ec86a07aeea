/**
 * The yardstick of the scale task: an order book server of the grader's own, with the exercise's client API, run
 * in a subject process of its own beside the implementation's (subject/build.ts builds it into the shared folder).
 * The same batches go to both; the implementation's CPU time is compared with this one's, measured the same way on
 * the same machine, and never with anything the implementation's own process could slow down on purpose.
 *
 * Same work per call as a sound implementation: a via name in a Registry, a GenServer call, a sorted index and Maps
 * (the grader's ReferenceBook).
 */
import { type Call, GenServer, type GenServerModule, ok, type Pid, type Protocol, Registry, reply } from "#runtime";
import type { ModelDepth, ModelSide, ModelTop } from "./model.ts";
import { ReferenceBook } from "./reference-book.ts";

const REGISTRY = "OrderBookRegistry";

interface YardstickProtocol extends Protocol {
  call:
    | Call<{ type: "add_order"; side: ModelSide; price: number; qty: number }, number>
    | Call<{ type: "cancel_order"; id: number }, "ok" | "not_found">
    | Call<{ type: "top_of_book" }, ModelTop>
    | Call<{ type: "depth"; levels: number }, ModelDepth>;
  cast: never;
  info: never;
}

const Yardstick: GenServerModule<YardstickProtocol, string, ReferenceBook> = {
  init: () => ok(new ReferenceBook()),
  handleCall(request, _from, book) {
    switch (request.type) {
      case "add_order":
        return reply(book.add(request.side, request.price, request.qty), book);
      case "cancel_order":
        return reply(book.cancel(request.id), book);
      case "top_of_book":
        return reply(book.top(), book);
      case "depth":
        return reply(book.depth(request.levels), book);
    }
  },
};

const via = (symbol: string) => Registry.via<YardstickProtocol>(REGISTRY, symbol);

export async function startLink(symbol: string): Promise<Pid<YardstickProtocol>> {
  if (GenServer.whereis(GenServer.name(REGISTRY)) === null) await Registry.start({ keys: "unique", name: REGISTRY });
  return GenServer.startLink(Yardstick, symbol, { name: via(symbol) });
}

function callBook<R extends YardstickProtocol["call"]>(symbol: string, request: R) {
  return GenServer.call(via(symbol), request);
}

export const addOrder = (symbol: string, side: ModelSide, price: number, qty: number) =>
  callBook(symbol, { type: "add_order", side, price, qty });
export const cancelOrder = (symbol: string, id: number) => callBook(symbol, { type: "cancel_order", id });
export const getTopOfBook = (symbol: string) => callBook(symbol, { type: "top_of_book" });
export const getDepth = (symbol: string, levels: number) => callBook(symbol, { type: "depth", levels });
