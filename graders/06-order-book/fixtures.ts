import type { Fixture } from "#protocol";

const file = "order-book.ts";

/** The solution's depth line, and the same line answering one row per order instead of one per price level. */
const depthReply = "return { bids: bestLevels(this.bids, levels), asks: bestLevels(this.asks, levels) };";
const perOrderDepth =
  "return { bids: ordersOf(this.orders.resting(this.bids), this.bids, levels), asks: ordersOf(this.orders.resting(this.asks), this.asks, levels) };";
const perOrderIndex = `*resting(side: BookSide): IterableIterator<Level> {
    for (let id = 0; id < this.pages.length * PAGE; id++) {
      if (this.sideOf(id) === side) yield { price: this.priceOf(id), qty: this.qtyOf(id), orders: 1 };
    }
  }

  delete(id: number): void {`;
const perOrderHelper = `function ordersOf(resting: Iterable<Level>, side: BookSide, count: number): Level[] {
  const rows = [...resting];
  rows.sort((a, b) => side.compare(a.price, b.price));
  return rows.slice(0, count);
}

// The state is mutated in place`;

/** Known-wrong order books: each must lose points on the tasks in `breaks`. */
export const fixtures: readonly Fixture[] = [
  {
    name: "bids-ascending",
    breaks: [3, 4],
    why: {
      es: "Los bids se ordenan de menor a mayor precio: el mejor bid sale el más bajo.",
      en: "Bids are sorted from lowest to highest price: the best bid comes out as the lowest.",
    },
    file,
    patch: [
      ["const highestFirst = (a: number, b: number): number => b - a;", "const highestFirst = (a: number, b: number): number => a - b;"],
    ],
  },
  {
    name: "asks-descending",
    breaks: [3, 4],
    why: {
      es: "Los asks se ordenan de mayor a menor precio: el mejor ask sale el más alto.",
      en: "Asks are sorted from highest to lowest price: the best ask comes out as the highest.",
    },
    file,
    patch: [
      ["const lowestFirst = (a: number, b: number): number => a - b;", "const lowestFirst = (a: number, b: number): number => b - a;"],
    ],
  },
  {
    name: "sort-without-comparator",
    breaks: [3, 4],
    why: {
      es: "Los precios se ordenan con sort() sin comparador, que compara texto: 100 queda antes que 99.",
      en: "Prices are sorted with sort() and no comparator, which compares text: 100 comes before 99.",
    },
    file,
    patch: [
      [
        "side.prices.splice(searchPrice(side, price), 0, price);",
        "side.prices.push(price);\n  side.prices.sort();\n  if (side.compare(1, 0) < 0) side.prices.reverse();",
      ],
      ["side.prices.splice(searchPrice(side, price), 1);", "side.prices.splice(side.prices.indexOf(price), 1);"],
    ],
  },
  {
    name: "top-from-wrong-end",
    breaks: [3],
    why: {
      es: "El top of book toma el peor nivel de cada lado (el otro extremo de la lista).",
      en: "The top of book takes the worst level of each side (the other end of the list).",
    },
    file,
    patch: [["const price = side.prices[0];", "const price = side.prices[side.prices.length - 1];"]],
  },
  {
    name: "top-sides-swapped",
    breaks: [3],
    why: {
      es: "El top of book responde el mejor ask como bid y el mejor bid como ask.",
      en: "The top of book answers the best ask as the bid and the best bid as the ask.",
    },
    file,
    patch: [["{ bid: bestLevel(this.bids), ask: bestLevel(this.asks) }", "{ bid: bestLevel(this.asks), ask: bestLevel(this.bids) }"]],
  },
  {
    name: "depth-per-order",
    breaks: [4],
    why: {
      es: "La profundidad lista una fila por orden en lugar de una por nivel de precio.",
      en: "Depth lists one row per order instead of one per price level.",
    },
    file,
    patch: [
      [depthReply, perOrderDepth],
      ["delete(id: number): void {", perOrderIndex],
      ["// The state is mutated in place", perOrderHelper],
    ],
  },
  {
    name: "depth-ignores-levels",
    breaks: [4],
    why: { es: "getDepth devuelve todos los niveles, sin mirar `levels`.", en: "getDepth returns every level, ignoring `levels`." },
    file,
    patch: [["const end = Math.min(count, prices.length);", "const end = prices.length;"]],
  },
  {
    name: "depth-one-level-too-many",
    breaks: [4],
    why: {
      es: "getDepth devuelve levels + 1 niveles por lado (un error de uno).",
      en: "getDepth returns levels + 1 levels a side (an off-by-one).",
    },
    file,
    patch: [["Math.min(count, prices.length)", "Math.min(count + 1, prices.length)"]],
  },
  {
    name: "depth-one-level-too-few",
    breaks: [4],
    why: {
      es: "getDepth devuelve levels - 1 niveles por lado (un error de uno).",
      en: "getDepth returns levels - 1 levels a side (an off-by-one).",
    },
    file,
    patch: [["Math.min(count, prices.length)", "Math.min(count - 1, prices.length)"]],
  },
  {
    name: "cancel-keeps-empty-levels",
    breaks: [5],
    why: {
      es: "Cancelar la última orden de un nivel lo deja en el libro con qty 0 y 0 órdenes.",
      en: "Cancelling a level's last order leaves it in the book with qty 0 and 0 orders.",
    },
    file,
    patch: [["if (level.orders > 0) return;", "if (level.orders >= 0) return;"]],
  },
  {
    name: "cancel-keeps-the-id",
    breaks: [5],
    why: {
      es: 'Cancelar no borra el id del índice: cancelar dos veces responde "ok" y resta la cantidad otra vez.',
      en: 'Cancelling does not remove the id from the index: a second cancel answers "ok" and subtracts the quantity again.',
    },
    file,
    patch: [["this.orders.delete(id);", ""]],
  },
  {
    name: "ids-reused",
    breaks: [5],
    why: {
      es: "El id es la cantidad de órdenes vivas + 1: después de cancelar, un id se repite.",
      en: "The id is the number of live orders + 1: after a cancel, an id comes back.",
    },
    file,
    patch: [
      [
        "const id = this.nextId++;",
        "const id = [...this.bids.levels.values(), ...this.asks.levels.values()].reduce((live, level) => live + level.orders, 0) + 1;",
      ],
    ],
  },
  {
    name: "books-share-state",
    breaks: [1],
    why: {
      es: "Todos los libros comparten un mismo estado creado una sola vez fuera de init: las órdenes de un símbolo aparecen en otro.",
      en: "Every book shares one state created once outside init: one symbol's orders show up in another's book.",
    },
    file,
    patch: [
      ["init: (symbol) => ok(new Book(symbol)),", "init: () => ok(sharedBook),"],
      ["// The state is mutated in place", 'const sharedBook = new Book("shared");\n\n// The state is mutated in place'],
    ],
  },
  {
    name: "replies-alias-state",
    breaks: [3, 4],
    why: {
      es: "Las respuestas llevan los objetos de nivel del propio estado: cambian después a espaldas de quien los recibió, y quien los cambia cambia el libro.",
      en: "Replies carry the state's own level objects: they change later behind the caller's back, and a caller that changes them changes the book.",
    },
    file,
    patch: [["return { price: level.price, qty: level.qty, orders: level.orders };", "return level;"]],
  },
  {
    name: "invalid-order-takes-an-id",
    breaks: [6],
    why: {
      es: "El id se asigna antes de validar: una orden rechazada consume un id.",
      en: "The id is taken before validating: a rejected order uses up an id.",
    },
    file,
    patch: [
      [
        "// Validate before taking an id: a rejected order leaves the book as it was.",
        "// Validate before taking an id: a rejected order leaves the book as it was.\n    const id = this.nextId++;",
      ],
      ["const id = this.nextId++;\n    const bookSide", "const bookSide"],
    ],
  },
  {
    name: "fractional-numbers-accepted",
    breaks: [6],
    why: {
      es: "La validación solo mira que el número sea positivo: acepta 1.5, Infinity y 2 ** 53.",
      en: "Validation only checks that the number is positive: it accepts 1.5, Infinity and 2 ** 53.",
    },
    file,
    patch: [["return Number.isSafeInteger(value) && (value as number) > 0;", 'return typeof value === "number" && value > 0;']],
  },
  {
    name: "resort-on-every-query",
    breaks: [7],
    why: {
      es: "El mejor nivel y la profundidad ordenan todos los precios del lado en cada consulta: O(n log n) por operación con 10 000 niveles.",
      en: "The best level and depth sort every price of the side on each query: O(n log n) per operation with 10 000 levels.",
    },
    file,
    patch: [
      ["const price = side.prices[0];", "const price = [...side.levels.keys()].sort(side.compare)[0];"],
      ["const { prices, levels } = side;", "const { levels } = side;\n  const prices = [...levels.keys()].sort(side.compare);"],
    ],
  },
  {
    name: "rescan-for-best-price",
    breaks: [7],
    why: {
      es: "El mejor nivel se busca recorriendo todos los niveles del lado en cada consulta: O(n) por operación con 10 000 niveles.",
      en: "The best level is found by walking every level of the side on each query: O(n) per operation with 10 000 levels.",
    },
    file,
    patch: [
      [
        "const price = side.prices[0];",
        "let price: number | undefined;\n  for (const candidate of side.levels.keys()) if (price === undefined || side.compare(candidate, price) < 0) price = candidate;",
      ],
    ],
  },
  {
    name: "resort-on-every-new-level",
    breaks: [7],
    why: {
      es: "Cada nivel nuevo se agrega al final y se reordena toda la lista con sort(comparador); cada nivel vacío se busca recorriendo la lista.",
      en: "Each new level is pushed at the end and the whole list re-sorted with sort(comparator); each emptied level is found by walking the list.",
    },
    file,
    patch: [
      ["side.prices.splice(searchPrice(side, price), 0, price);", "side.prices.push(price);\n  side.prices.sort(side.compare);"],
      ["side.prices.splice(searchPrice(side, price), 1);", "side.prices.splice(side.prices.indexOf(price), 1);"],
    ],
  },
];
