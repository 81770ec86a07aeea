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
  // Mistakes written before the grader was reworked for issue 14 (held out: the grader was not built from them).
  {
    name: "emptied-level-kept-in-map",
    breaks: [5],
    why: {
      es: "Cancelar la última orden de un nivel quita su precio de la lista ordenada pero deja el nivel en el Map: una orden nueva a ese precio suma a un nivel que ya no se lista.",
      en: "Cancelling a level's last order takes its price out of the sorted list but leaves the level in the Map: a new order at that price adds to a level that is no longer listed.",
    },
    file,
    patch: [["  side.levels.delete(price);\n", ""]],
  },
  {
    name: "splice-without-count",
    breaks: [5],
    why: {
      es: "Para quitar un precio vacío se llama a splice(i) sin el 1: se van también todos los precios peores.",
      en: "An emptied price is removed with splice(i), without the 1: every worse price goes with it.",
    },
    file,
    patch: [["side.prices.splice(searchPrice(side, price), 1);", "side.prices.splice(searchPrice(side, price));"]],
  },
  {
    name: "ids-restart-when-book-empties",
    breaks: [5],
    why: {
      es: "Cuando se cancela la última orden del libro, el libro vuelve a empezar y el contador de ids vuelve a 1.",
      en: "When the book's last order is cancelled, the book starts over and the id counter goes back to 1.",
    },
    file,
    patch: [
      [
        '    this.orders.delete(id);\n    return "ok";',
        '    this.orders.delete(id);\n    if (this.bids.prices.length === 0 && this.asks.prices.length === 0) this.nextId = 1;\n    return "ok";',
      ],
    ],
  },
  {
    name: "one-level-map-for-both-sides",
    breaks: [3, 4],
    why: {
      es: "Un solo Map de precio a nivel para los dos lados: un bid y un ask al mismo precio se suman en un nivel.",
      en: "One Map from price to level for both sides: a bid and an ask at the same price are summed into one level.",
    },
    file,
    patch: [
      [
        "private readonly asks = newSide(lowestFirst);",
        "private readonly asks: BookSide = { ...newSide(lowestFirst), levels: this.bids.levels };",
      ],
    ],
  },
  {
    name: "cancel-finds-side-by-price",
    breaks: [5],
    why: {
      es: "Al cancelar, el lado de la orden se busca por su precio (primero entre los bids): con un bid y un ask al mismo precio, se descuenta del lado equivocado.",
      en: "On cancel, the order's side is looked up by its price (bids first): with a bid and an ask at the same price, the wrong side is reduced.",
    },
    file,
    patch: [
      [
        "removeFromSide(side, this.orders.priceOf(id), this.orders.qtyOf(id));",
        "const price = this.orders.priceOf(id);\n    removeFromSide(this.bids.levels.has(price) ? this.bids : side, price, this.orders.qtyOf(id));",
      ],
    ],
  },
  {
    name: "depth-capped-at-50",
    breaks: [4],
    why: {
      es: "getDepth devuelve como mucho 50 niveles por lado, como el límite de la API de un exchange, aunque pidan más.",
      en: "getDepth returns at most 50 levels a side, like an exchange API's limit, even when more are asked for.",
    },
    file,
    patch: [["const end = Math.min(count, prices.length);", "const end = Math.min(count, prices.length, 50);"]],
  },
  {
    name: "cancel-throws-on-bad-id",
    breaks: [6],
    why: {
      es: "cancel_order valida el id con un throw dentro de handleCall: un id que no es entero hace caer el libro y se pierden todas las órdenes.",
      en: "cancel_order validates the id with a throw inside handleCall: an id that is not an integer crashes the book and every order is lost.",
    },
    file,
    patch: [
      [
        'cancel(id: number): "ok" | "not_found" {',
        'cancel(id: number): "ok" | "not_found" {\n    if (!Number.isSafeInteger(id)) throw new TypeError(`invalid order id: ${String(id)}`);',
      ],
    ],
  },
  {
    name: "start-links",
    breaks: [1],
    why: {
      es: "start usa GenServer.startLink (copiado de startLink): el libro queda enlazado a quien lo arrancó y muere con él.",
      en: "start uses GenServer.startLink (copied from startLink): the book is linked to whoever started it and dies with it.",
    },
    file,
    patch: [
      [
        "return GenServer.start(OrderBook, symbol, { name: via(symbol) });",
        "return GenServer.startLink(OrderBook, symbol, { name: via(symbol) });",
      ],
    ],
  },
  {
    name: "startlink-does-not-link",
    breaks: [1],
    why: {
      es: "startLink usa GenServer.start: el libro no queda enlazado a quien lo arrancó y sigue vivo cuando ese proceso cae.",
      en: "startLink uses GenServer.start: the book is not linked to whoever started it and stays alive when that process fails.",
    },
    file,
    patch: [
      [
        "return GenServer.startLink(OrderBook, symbol, { name: via(symbol) });",
        "return GenServer.start(OrderBook, symbol, { name: via(symbol) });",
      ],
    ],
  },
  {
    name: "price-zero-accepted",
    breaks: [6],
    why: {
      es: "El precio se valida con price >= 0: una orden a precio 0 se acepta.",
      en: "The price is validated with price >= 0: an order at price 0 is accepted.",
    },
    file,
    patch: [
      [
        'if (!isPositiveInteger(price)) return { error: "invalid_price" };',
        'if (!Number.isSafeInteger(price) || price < 0) return { error: "invalid_price" };',
      ],
    ],
  },
  {
    name: "ids-shared-between-books",
    breaks: [1],
    why: {
      es: "El contador de ids está fuera del estado, a nivel de módulo: todos los libros comparten la numeración.",
      en: "The id counter lives outside the state, at module level: every book shares one numbering.",
    },
    file,
    patch: [
      ["const id = this.nextId++;", "const id = sharedNextId++;"],
      ["const highestFirst =", "let sharedNextId = 1;\n\nconst highestFirst ="],
    ],
  },
  {
    name: "cancel-keeps-qty",
    breaks: [5],
    why: {
      es: "Cancelar resta una orden del nivel pero no su cantidad.",
      en: "Cancelling takes one order off the level but not its quantity.",
    },
    file,
    patch: [["  level.qty -= qty;\n", ""]],
  },
  {
    name: "cancel-coerces-the-id",
    breaks: [6],
    why: {
      es: 'El id se convierte con Number(id) antes de buscarlo: cancelOrder(symbol, "3") cancela la orden 3, cuando "3" no es un id.',
      en: 'The id is converted with Number(id) before the lookup: cancelOrder(symbol, "3") cancels order 3, when "3" is not an id.',
    },
    file,
    patch: [['cancel(id: number): "ok" | "not_found" {', 'cancel(raw: number): "ok" | "not_found" {\n    const id = Number(raw);']],
  },
  {
    name: "binary-search-misses-the-end",
    breaks: [3, 4],
    why: {
      es: "La búsqueda binaria empieza con high = length - 1: un precio peor que todos se inserta antes del último.",
      en: "The binary search starts with high = length - 1: a price worse than all the others is inserted before the last one.",
    },
    file,
    patch: [["let high = side.prices.length;", "let high = Math.max(0, side.prices.length - 1);"]],
  },
  {
    name: "integer-check-with-modulo",
    breaks: [6],
    why: {
      es: 'Los enteros se validan con x > 0 && x % 1 === 0: el texto "100" pasa, y una cantidad "1" se concatena en vez de sumarse.',
      en: 'Integers are validated with x > 0 && x % 1 === 0: the string "100" passes, and a quantity "1" is concatenated instead of added.',
    },
    file,
    patch: [
      [
        "return Number.isSafeInteger(value) && (value as number) > 0;",
        "return (value as number) > 0 && (value as number) % 1 === 0 && (value as number) <= Number.MAX_SAFE_INTEGER;",
      ],
    ],
  },
  {
    name: "integer-check-with-bitwise-or",
    breaks: [6],
    why: {
      es: "Los enteros se validan con (x | 0) === x, que corta a 32 bits: un precio o una cantidad válidos por encima de 2 ** 31 se rechazan.",
      en: "Integers are validated with (x | 0) === x, which truncates to 32 bits: a valid price or quantity above 2 ** 31 is rejected.",
    },
    file,
    patch: [
      [
        "return Number.isSafeInteger(value) && (value as number) > 0;",
        'return typeof value === "number" && (value | 0) === value && value > 0;',
      ],
    ],
  },
];
