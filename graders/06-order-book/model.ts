/** The statement's registry name: the grader's own, which the exercise's ORDER_BOOK_REGISTRY must match. */
export const REGISTRY = "OrderBookRegistry";

/** The grader's own order book: a plain list of resting orders, aggregated from scratch on every question. */
export type ModelSide = "bid" | "ask";

export interface ModelLevel {
  readonly price: number;
  readonly qty: number;
  readonly orders: number;
}

export interface ModelTop {
  readonly bid: ModelLevel | null;
  readonly ask: ModelLevel | null;
}

export interface ModelDepth {
  readonly bids: ModelLevel[];
  readonly asks: ModelLevel[];
}

interface ModelOrder {
  readonly side: ModelSide;
  readonly price: number;
  readonly qty: number;
}

export class BookModel {
  private nextId = 1;
  private readonly resting = new Map<number, ModelOrder>();
  private readonly cancelledIds: number[] = [];

  /** Ids of the resting orders, oldest first. */
  get liveIds(): readonly number[] {
    return [...this.resting.keys()];
  }

  get cancelled(): readonly number[] {
    return this.cancelledIds;
  }

  /** The id the next valid order will get. */
  get upcomingId(): number {
    return this.nextId;
  }

  add(side: ModelSide, price: number, qty: number): number {
    const id = this.nextId++;
    this.resting.set(id, { side, price, qty });
    return id;
  }

  cancel(id: number): "ok" | "not_found" {
    if (!this.resting.delete(id)) return "not_found";
    this.cancelledIds.push(id);
    return "ok";
  }

  depth(levels: number): ModelDepth {
    return { bids: this.levelsOf("bid").slice(0, levels), asks: this.levelsOf("ask").slice(0, levels) };
  }

  top(): ModelTop {
    return { bid: this.levelsOf("bid")[0] ?? null, ask: this.levelsOf("ask")[0] ?? null };
  }

  private levelsOf(side: ModelSide): ModelLevel[] {
    const byPrice = new Map<number, { qty: number; orders: number }>();
    for (const order of this.resting.values()) {
      if (order.side !== side) continue;
      const level = byPrice.get(order.price) ?? { qty: 0, orders: 0 };
      byPrice.set(order.price, { qty: level.qty + order.qty, orders: level.orders + 1 });
    }
    const prices = [...byPrice.keys()].sort((a, b) => (side === "bid" ? b - a : a - b));
    return prices.map((price) => ({ price, ...(byPrice.get(price) as { qty: number; orders: number }) }));
  }
}
