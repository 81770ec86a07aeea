import type { ModelDepth, ModelLevel, ModelSide, ModelTop } from "./model.ts";

interface RestingOrder {
  readonly side: ModelSide;
  readonly price: number;
  readonly qty: number;
}

interface Level {
  qty: number;
  orders: number;
}

/**
 * The grader's own fast order book, for the scale task: the expected answer to every call of a 100 k-order stream
 * (BookModel recounts the whole book on every question, fine for short sequences, far too slow here), and the
 * yardstick its cost is compared with. Each side keeps its prices sorted best first, found by binary search, and a
 * Map from price to level; orders by id in a Map.
 */
export class ReferenceBook {
  private nextId = 1;
  private readonly orders = new Map<number, RestingOrder>();
  private readonly levels: Record<ModelSide, Map<number, Level>> = { bid: new Map(), ask: new Map() };
  /** Prices with resting orders, best first: bids descending, asks ascending. */
  private readonly prices: Record<ModelSide, number[]> = { bid: [], ask: [] };

  add(side: ModelSide, price: number, qty: number): number {
    const id = this.nextId++;
    this.orders.set(id, { side, price, qty });
    const level = this.levels[side].get(price);
    if (level !== undefined) {
      level.qty += qty;
      level.orders++;
    } else {
      this.levels[side].set(price, { qty, orders: 1 });
      const prices = this.prices[side];
      prices.splice(this.position(side, price), 0, price);
    }
    return id;
  }

  cancel(id: number): "ok" | "not_found" {
    const order = this.orders.get(id);
    if (order === undefined) return "not_found";
    this.orders.delete(id);
    const level = this.levels[order.side].get(order.price) as Level;
    level.qty -= order.qty;
    level.orders--;
    if (level.orders === 0) {
      this.levels[order.side].delete(order.price);
      this.prices[order.side].splice(this.position(order.side, order.price), 1);
    }
    return "ok";
  }

  top(): ModelTop {
    return { bid: this.row("bid", 0), ask: this.row("ask", 0) };
  }

  depth(count: number): ModelDepth {
    const rows = (side: ModelSide): ModelLevel[] => {
      const out: ModelLevel[] = [];
      for (let i = 0; i < count && i < this.prices[side].length; i++) out.push(this.row(side, i) as ModelLevel);
      return out;
    };
    return { bids: rows("bid"), asks: rows("ask") };
  }

  private row(side: ModelSide, index: number): ModelLevel | null {
    const price = this.prices[side][index];
    if (price === undefined) return null;
    const level = this.levels[side].get(price) as Level;
    return { price, qty: level.qty, orders: level.orders };
  }

  /** Where `price` is, or goes, in its side's list (best first). */
  private position(side: ModelSide, price: number): number {
    const prices = this.prices[side];
    const better = side === "bid" ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    let low = 0;
    let high = prices.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (better(prices[mid] as number, price)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
