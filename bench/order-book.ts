/**
 * Exercise 5.2's reference solution, through its GenServer and as plain callbacks, beside nodejs-order-book (the
 * npm package a Node developer would reach for), on the same seeded streams of operations.
 */
import { OrderBook as PeerBook, Side as PeerSide } from "nodejs-order-book";
import { GenServer, Registry } from "#runtime";
import * as Solution from "../solutions/06-order-book/order-book.ts";
import { type Bench, type Scale, settledHeap } from "./harness.ts";
import type { Implementation } from "./measurement.ts";
import { seededRandom } from "./random.ts";
import { count } from "./runtime.ts";

const SYMBOL = "BTCUSD";
/** GenServer calls in flight at once: one Promise.all per batch. */
const IN_FLIGHT = 1_000;

const ADD_BID = 0;
const ADD_ASK = 1;
const CANCEL = 2;
const TOP = 3;
const DEPTH = 4;

/**
 * A stream of operations as parallel typed arrays: op code, then price and qty (adds) or the id to cancel. Books
 * number their orders 1, 2, 3…, so the stream knows every id.
 */
interface Stream {
  readonly length: number;
  readonly op: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Orders the stream adds, numbered 1 to `orders`. */
  readonly orders: number;
  /** Orders resting once the whole stream has run. */
  readonly restingAfter: number;
}

interface Mix {
  readonly ops: number;
  /** Orders added before the measured operations (their adds come first in the stream). */
  readonly prefill: number;
  /** Share of adds, cancels and top-of-book queries; the rest are depth(10) queries. */
  readonly add: number;
  readonly cancel: number;
  readonly top: number;
  /** Price levels a side: bids in [BASE, BASE + levels), asks just above, so nothing crosses. */
  readonly levels: number;
}

const BASE_PRICE = 9_000;

function makeStream(mix: Mix, seed: number): Stream {
  const next = seededRandom(seed);
  const length = mix.prefill + mix.ops;
  const stream = { length, op: new Uint8Array(length), a: new Int32Array(length), b: new Int32Array(length) };
  let orders = 0;
  const live: number[] = [];
  for (let i = 0; i < length; i++) {
    const roll = i < mix.prefill ? 0 : next();
    if (roll >= mix.add && roll < mix.add + mix.cancel && live.length > 0) {
      const at = Math.floor(next() * live.length);
      stream.op[i] = CANCEL;
      stream.a[i] = live[at] as number;
      live[at] = live[live.length - 1] as number;
      live.pop();
    } else if (roll >= mix.add + mix.cancel && roll < mix.add + mix.cancel + mix.top) {
      stream.op[i] = TOP;
    } else if (roll >= mix.add + mix.cancel + mix.top) {
      stream.op[i] = DEPTH;
    } else {
      const bid = next() < 0.5;
      stream.op[i] = bid ? ADD_BID : ADD_ASK;
      stream.a[i] = BASE_PRICE + (bid ? 0 : mix.levels) + Math.floor(next() * mix.levels);
      stream.b[i] = 1 + Math.floor(next() * 100);
      live.push(++orders);
    }
  }
  return { ...stream, orders, restingAfter: live.length };
}

/** The best level of each side, as every implementation reports it: the runs are checked against each other. */
type Top = readonly [bidPrice: number, bidQty: number, askPrice: number, askQty: number];

/** One book behind one interface; `run(stream, from, to)` plays part of a stream on it. */
interface Book {
  run(stream: Stream, from: number, to: number): Promise<void> | void;
  top(): Promise<Top> | Top;
  stop(): Promise<void> | void;
}

function topOf(top: Solution.TopOfBook): Top {
  return [top.bid?.price ?? 0, top.bid?.qty ?? 0, top.ask?.price ?? 0, top.ask?.qty ?? 0];
}

/** One operation of the stream as a call to the book's GenServer, through the solution's client functions. */
function send(s: Stream, i: number): Promise<unknown> {
  switch (s.op[i]) {
    case ADD_BID:
      return Solution.addOrder(SYMBOL, "bid", s.a[i] as number, s.b[i] as number);
    case ADD_ASK:
      return Solution.addOrder(SYMBOL, "ask", s.a[i] as number, s.b[i] as number);
    case CANCEL:
      return Solution.cancelOrder(SYMBOL, s.a[i] as number);
    case TOP:
      return Solution.getTopOfBook(SYMBOL);
    default:
      return Solution.getDepth(SYMBOL, 10);
  }
}

async function genServerBook(): Promise<Book> {
  await Registry.start({ keys: "unique", name: Solution.ORDER_BOOK_REGISTRY });
  await Solution.start(SYMBOL);
  const batch: Promise<unknown>[] = [];
  return {
    async run(s, from, to) {
      for (let start = from; start < to; start += IN_FLIGHT) {
        const end = Math.min(start + IN_FLIGHT, to);
        batch.length = end - start;
        for (let i = start; i < end; i++) batch[i - start] = send(s, i);
        await Promise.all(batch);
      }
    },
    top: async () => topOf(await Solution.getTopOfBook(SYMBOL)),
    async stop() {
      const book = GenServer.whereis(Registry.via(Solution.ORDER_BOOK_REGISTRY, SYMBOL));
      if (book !== null) await GenServer.stop(book);
      const registry = GenServer.whereis(GenServer.name(Solution.ORDER_BOOK_REGISTRY));
      if (registry !== null) await GenServer.stop(registry);
    },
  };
}

/** The solution's Book, the data structure its GenServer owns, called directly. */
function plainBook(): Book {
  const book = new Solution.Book(SYMBOL);
  return {
    run(s, from, to) {
      for (let i = from; i < to; i++) {
        switch (s.op[i]) {
          case ADD_BID:
            book.add("bid", s.a[i] as number, s.b[i] as number);
            break;
          case ADD_ASK:
            book.add("ask", s.a[i] as number, s.b[i] as number);
            break;
          case CANCEL:
            book.cancel(s.a[i] as number);
            break;
          case TOP:
            book.top();
            break;
          default:
            book.depth(10);
        }
      }
    },
    top: () => topOf(book.top()),
    stop() {},
  };
}

/** The peer's price levels, which it keeps private: its public depth() lists every level of the book. */
interface PeerLevel {
  price(): number;
  volume(): number;
  len(): number;
}
interface PeerIterator {
  readonly valid: boolean;
  readonly value: PeerLevel;
  next(): void;
}
interface PeerSideInternals {
  maxPriceQueue(): PeerLevel | undefined;
  minPriceQueue(): PeerLevel | undefined;
  priceTree(): { readonly begin: PeerIterator };
}
interface PeerInternals {
  readonly bids: PeerSideInternals;
  readonly asks: PeerSideInternals;
}

function peerLevel(level: PeerLevel | undefined): Solution.Level | null {
  return level === undefined ? null : { price: level.price(), qty: level.volume(), orders: level.len() };
}

// Both of its trees iterate best first (bids by a descending comparator), so depth reads the first `levels`.
function peerDepth(side: PeerSideInternals, levels: number): Solution.Level[] {
  const rows: Solution.Level[] = [];
  for (const it = side.priceTree().begin; it.valid && rows.length < levels; it.next()) rows.push(peerLevel(it.value) as Solution.Level);
  return rows;
}

/**
 * nodejs-order-book, given the same orders with the ids our books would number them with, as the strings it takes
 * (made here, before timing). Its top of book and depth(10) read its own trees, the cheapest way it allows, and
 * build the same rows as ours.
 */
function peerBook(stream: Stream): Book {
  const ids = Array.from({ length: stream.orders + 1 }, (_, id) => String(id));
  const book = new PeerBook();
  const internals = book as unknown as PeerInternals;
  const topOfPeer = (): Solution.TopOfBook => ({
    bid: peerLevel(internals.bids.maxPriceQueue()),
    ask: peerLevel(internals.asks.minPriceQueue()),
  });
  let nextId = 1;
  return {
    run(s, from, to) {
      for (let i = from; i < to; i++) {
        switch (s.op[i]) {
          case ADD_BID:
          case ADD_ASK:
            book.limit({
              id: ids[nextId++] as string,
              side: s.op[i] === ADD_BID ? PeerSide.BUY : PeerSide.SELL,
              price: s.a[i] as number,
              size: s.b[i] as number,
            });
            break;
          case CANCEL:
            book.cancel(ids[s.a[i] as number] as string);
            break;
          case TOP:
            topOfPeer();
            break;
          default:
            ({ bids: peerDepth(internals.bids, 10), asks: peerDepth(internals.asks, 10) });
        }
      }
    },
    top: () => topOf(topOfPeer()),
    stop() {},
  };
}

type BookImplementation = "genserver" | "plain" | "nodejs-order-book";
const makers: Readonly<Record<BookImplementation, (stream: Stream) => Promise<Book> | Book>> = {
  genserver: genServerBook,
  plain: plainBook,
  "nodejs-order-book": peerBook,
};
const IMPLEMENTATIONS: readonly (BookImplementation & Implementation)[] = ["genserver", "plain", "nodejs-order-book"];

/** What the plain book says after the stream: every other implementation must end on the same top of book. */
function expectedTop(stream: Stream): Top {
  const reference = plainBook();
  reference.run(stream, 0, stream.length);
  return reference.top() as Top;
}

interface BookBenchOptions {
  readonly implementation: BookImplementation;
  readonly group: "order_book" | "order_book_scaling";
  readonly figure: string;
  readonly description: string;
  readonly mix: Mix;
  readonly seed: number;
  readonly size?: number;
  readonly target?: number;
}

function bookBench(options: BookBenchOptions): Bench {
  const { implementation, mix } = options;
  let stream: Stream | null = null;
  let expected: Top | null = null;
  let book: Book | null = null;
  let baseline = 0;
  const theStream = (): Stream => {
    stream ??= makeStream(mix, options.seed);
    return stream;
  };
  return {
    group: options.group,
    figure: options.figure,
    implementation,
    description: options.description,
    ...(options.size === undefined ? {} : { size: options.size, maxRuns: 5 }),
    ...(options.target === undefined ? {} : { target: options.target }),
    async setup() {
      const s = theStream();
      // Bytes per resting order are a scaling figure: the workload's runs are left to the collector's own pace.
      if (options.size !== undefined) baseline = settledHeap();
      book = await makers[implementation](s);
      // The prefill is not timed: the figure is the cost of operations on a book that already holds it.
      await book.run(s, 0, mix.prefill);
    },
    async run() {
      if (book === null) throw new Error("bench: setup did not run");
      await book.run(theStream(), mix.prefill, mix.prefill + mix.ops);
      return { ops: mix.ops };
    },
    ...(options.size === undefined
      ? {}
      : { memory: () => ({ per_order: (settledHeap() - baseline) / Math.max(1, theStream().restingAfter) }) }),
    async teardown() {
      if (book === null) return;
      const top = await book.top();
      await book.stop();
      book = null;
      expected ??= expectedTop(theStream());
      if (top.join() !== expected.join())
        throw new Error(`bench: ${implementation} ends on top of book ${top.join()}, the plain book on ${expected.join()}`);
    },
  };
}

export function orderBookBenches(scale: Scale): Bench[] {
  const ops = scale === "full" ? 1_000_000 : 10_000;
  const workload: Mix = { ops, prefill: 0, add: 0.6, cancel: 0.3, top: 0.05, levels: 1_000 };
  const sizes = scale === "full" ? [1_000, 10_000, 100_000, 1_000_000] : [1_000, 10_000];
  const scalingOps = scale === "full" ? 200_000 : 2_000;
  return [
    ...IMPLEMENTATIONS.map((implementation) =>
      bookBench({
        implementation,
        group: "order_book",
        figure: "workload",
        description: `${count(ops)} seeded operations on one book (60 % add, 30 % cancel, 5 % top, 5 % depth(10))${implementation === "genserver" ? `, ${count(IN_FLIGHT)} calls in flight` : ""}`,
        mix: workload,
        seed: 0x0b00c,
        ...(implementation === "genserver" ? { target: 2_000_000 } : {}),
      }),
    ),
    // Ten orders a level, as in the grader's scale test: the book grows in levels as well as in orders, and a
    // balanced mix keeps its size while the operations are timed.
    ...sizes.flatMap((size) =>
      IMPLEMENTATIONS.map((implementation) =>
        bookBench({
          implementation,
          group: "order_book_scaling",
          figure: "at_size",
          size,
          description: `${count(scalingOps)} operations (45 % add, 45 % cancel, 5 % top, 5 % depth(10)) on a book holding ${count(size)} orders over ${count(size / 10)} levels`,
          mix: { ops: scalingOps, prefill: size, add: 0.45, cancel: 0.45, top: 0.05, levels: size / 20 },
          seed: 0x5ca1e + size,
        }),
      ),
    ),
  ];
}
