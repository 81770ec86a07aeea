import { GenServer, Registry } from "#runtime";
import * as OrderBook from "../solutions/06-order-book/order-book.ts";
import { defineBench } from "./harness.ts";

const SYMBOL = "BTCUSD";
const OPS = 1_000_000;
/** Calls in flight at once: one Promise.all per batch. */
const BATCH = 1_000;

const ADD_BID = 0;
const ADD_ASK = 1;
const CANCEL = 2;
const TOP = 3;
const DEPTH = 4;

/** The stream as parallel typed arrays: op code, then price and qty (adds) or the id to cancel. */
interface Stream {
  readonly op: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
}

/** mulberry32: a small seeded generator, so every run replays the same stream. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * 60 % adds (bids in [9000, 9999], asks in [10000, 10999], so nothing crosses), 30 % cancels of a live order,
 * 5 % top of book, 5 % depth(10). A fresh book numbers its orders 1, 2, 3…, so the stream knows every id.
 */
function makeStream(): Stream {
  const next = random(0x0b00c);
  const stream: Stream = { op: new Uint8Array(OPS), a: new Int32Array(OPS), b: new Int32Array(OPS) };
  const live: number[] = [];
  let lastId = 0;
  for (let i = 0; i < OPS; i++) {
    const roll = next();
    if (roll < 0.3 && live.length > 0) {
      const at = Math.floor(next() * live.length);
      stream.op[i] = CANCEL;
      stream.a[i] = live[at] as number;
      live[at] = live[live.length - 1] as number;
      live.pop();
    } else if (roll < 0.35) {
      stream.op[i] = TOP;
    } else if (roll < 0.4) {
      stream.op[i] = DEPTH;
    } else {
      const bid = next() < 0.5;
      stream.op[i] = bid ? ADD_BID : ADD_ASK;
      stream.a[i] = (bid ? 9000 : 10_000) + Math.floor(next() * 1000);
      stream.b[i] = 1 + Math.floor(next() * 100);
      live.push(++lastId);
    }
  }
  return stream;
}

let stream: Stream | null = null;

function send(s: Stream, i: number): Promise<unknown> {
  switch (s.op[i]) {
    case ADD_BID:
      return OrderBook.addOrder(SYMBOL, "bid", s.a[i] as number, s.b[i] as number);
    case ADD_ASK:
      return OrderBook.addOrder(SYMBOL, "ask", s.a[i] as number, s.b[i] as number);
    case CANCEL:
      return OrderBook.cancelOrder(SYMBOL, s.a[i] as number);
    case TOP:
      return OrderBook.getTopOfBook(SYMBOL);
    default:
      return OrderBook.getDepth(SYMBOL, 10);
  }
}

export default defineBench({
  figure: "order_book_workload",
  description: "1 M seeded operations on one book (60 % add, 30 % cancel, 5 % top, 5 % depth(10)), 1 000 calls in flight",
  target: 2_000_000,
  async setup() {
    stream ??= makeStream();
    await Registry.start({ keys: "unique", name: OrderBook.ORDER_BOOK_REGISTRY });
    await OrderBook.start(SYMBOL);
  },
  async teardown() {
    const book = GenServer.whereis(Registry.via(OrderBook.ORDER_BOOK_REGISTRY, SYMBOL));
    if (book !== null) await GenServer.stop(book);
    const registry = GenServer.whereis(GenServer.name(OrderBook.ORDER_BOOK_REGISTRY));
    if (registry !== null) await GenServer.stop(registry);
  },
  async run() {
    const s = stream;
    if (s === null) throw new Error("bench: setup did not run");
    const batch: Promise<unknown>[] = new Array(BATCH);
    for (let start = 0; start < OPS; start += BATCH) {
      const end = Math.min(start + BATCH, OPS);
      batch.length = end - start;
      for (let i = start; i < end; i++) batch[i - start] = send(s, i);
      await Promise.all(batch);
    }
    return { ops: OPS };
  },
});
