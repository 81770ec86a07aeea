import type { Fixture } from "#protocol";

const START = "return GenServer.start(PriceCache, undefined, options.name === undefined ? {} : { name: options.name });";
const START_LINK = "return GenServer.startLink(PriceCache, undefined, options.name === undefined ? {} : { name: options.name });";
const GET = "        return reply(state.get(request.symbol), state);";
const SET = "        state.set(message.symbol, message.price);\n        return noreply(state);";

/** Known-wrong PriceCaches: each must lose points on the tasks it breaks. */
export const fixtures: readonly Fixture[] = [
  {
    name: "put-ignored",
    breaks: [2, 5],
    why: { es: "handleCast no guarda el precio.", en: "handleCast does not store the price." },
    file: "price-cache.ts",
    patch: [["        state.set(message.symbol, message.price);\n", ""]],
  },
  {
    name: "get-wrong-key",
    breaks: [3, 5],
    why: {
      es: "get busca el símbolo en mayúsculas, no el que se pidió.",
      en: "get looks up the symbol upper-cased, not the one asked for.",
    },
    file: "price-cache.ts",
    patch: [["reply(state.get(request.symbol), state)", "reply(state.get(request.symbol.toUpperCase()), state)"]],
  },
  {
    name: "name-not-registered",
    breaks: [4],
    why: { es: "start ignora la opción name.", en: "start ignores the name option." },
    file: "price-cache.ts",
    patch: [
      [
        "return GenServer.start(PriceCache, undefined, options.name === undefined ? {} : { name: options.name });",
        "return GenServer.start(PriceCache, undefined, {});",
      ],
      [
        "return GenServer.startLink(PriceCache, undefined, options.name === undefined ? {} : { name: options.name });",
        "return GenServer.startLink(PriceCache, undefined, {});",
      ],
    ],
  },
  {
    name: "plain-object-store",
    breaks: [3],
    why: {
      es: 'Un objeto plano como almacén: "toString" ya tiene un valor.',
      en: 'A plain object as the store: "toString" already has a value.',
    },
    file: "price-cache.ts",
    patch: [
      [
        "return reply(state.get(request.symbol), state);",
        "return reply(state.get(request.symbol) ?? ({} as Record<string, number>)[request.symbol], state);",
      ],
    ],
  },
  {
    name: "only-last-symbol",
    breaks: [5],
    why: { es: "El estado guarda solo el último símbolo recibido.", en: "The state keeps only the last symbol received." },
    file: "price-cache.ts",
    patch: [
      [
        "        state.set(message.symbol, message.price);\n",
        "        if (state.size > 2) state.clear();\n        state.set(message.symbol, message.price);\n",
      ],
    ],
  },
  {
    name: "put-deferred",
    breaks: [5],
    why: {
      es: "put guarda el precio más tarde, con setTimeout: un get inmediato no lo ve.",
      en: "put stores the price later, with setTimeout: an immediate get does not see it.",
    },
    file: "price-cache.ts",
    patch: [
      [
        '  return GenServer.cast(server, { type: "put", symbol, price });',
        '  setTimeout(() => GenServer.cast(server, { type: "put", symbol, price }), 0);\n  return "ok";',
      ],
    ],
  },
  {
    name: "hangs-sync-loop",
    breaks: [3],
    hangs: true,
    why: { es: "get entra en un bucle infinito con un símbolo desconocido.", en: "get loops forever on an unknown symbol." },
    file: "price-cache.ts",
    patch: [
      [
        "        return reply(state.get(request.symbol), state);",
        "        while (!state.has(request.symbol)) {}\n        return reply(state.get(request.symbol), state);",
      ],
    ],
  },
  {
    name: "hangs-never-replies",
    breaks: [3],
    hangs: true,
    why: { es: "handleCall no responde a un símbolo desconocido.", en: "handleCall never replies for an unknown symbol." },
    file: "price-cache.ts",
    patch: [
      [
        "        return reply(state.get(request.symbol), state);",
        "        if (!state.has(request.symbol)) return noreply(state);\n        return reply(state.get(request.symbol), state);",
      ],
    ],
  },
  // Realistic mistakes written apart from the grader's tests (issue 14), each a single change a learner could make.
  {
    name: "start-link-not-linked",
    breaks: [1],
    why: {
      es: "startLink llama a GenServer.start: el servidor no queda enlazado a quien lo arranca.",
      en: "startLink calls GenServer.start: the server is not linked to its caller.",
    },
    file: "price-cache.ts",
    patch: [[START_LINK, START_LINK.replace("GenServer.startLink", "GenServer.start")]],
  },
  {
    name: "start-links-caller",
    breaks: [1],
    why: {
      es: "start llama a GenServer.startLink: enlaza el servidor a quien lo arranca.",
      en: "start calls GenServer.startLink: it links the server to its caller.",
    },
    file: "price-cache.ts",
    patch: [[START, START.replace("GenServer.start", "GenServer.startLink")]],
  },
  {
    name: "start-link-drops-name",
    breaks: [4],
    why: {
      es: "startLink no pasa la opción name: solo start registra el nombre.",
      en: "startLink does not pass the name option on: only start registers the name.",
    },
    file: "price-cache.ts",
    patch: [[START_LINK, "return GenServer.startLink(PriceCache, undefined);"]],
  },
  {
    name: "module-name-by-default",
    breaks: [1],
    why: {
      es: 'Sin name, el servidor se registra como "PriceCache" (name: __MODULE__): un segundo start falla.',
      en: 'Without a name, the server registers as "PriceCache" (name: __MODULE__): a second start fails.',
    },
    file: "price-cache.ts",
    patch: [
      [START, 'return GenServer.start(PriceCache, undefined, { name: options.name ?? GenServer.name<PriceCacheProtocol>("PriceCache") });'],
      [
        START_LINK,
        'return GenServer.startLink(PriceCache, undefined, { name: options.name ?? GenServer.name<PriceCacheProtocol>("PriceCache") });',
      ],
    ],
  },
  {
    name: "duplicate-name-returns-running",
    breaks: [4],
    why: {
      es: "start con un nombre ya tomado devuelve el servidor que ya corre en vez de fallar con already_started.",
      en: "start with a name already taken returns the running server instead of failing with already_started.",
    },
    file: "price-cache.ts",
    patch: [
      [
        START,
        `const running = options.name === undefined ? null : GenServer.whereis(options.name);\n  if (running !== null) return Promise.resolve(running);\n  ${START}`,
      ],
    ],
  },
  {
    name: "put-async",
    breaks: [2],
    why: { es: 'put es async: devuelve una promesa, no "ok" en el acto.', en: 'put is async: it returns a promise, not "ok" at once.' },
    file: "price-cache.ts",
    patch: [
      [
        'export function put(server: ServerRef<PriceCacheProtocol>, symbol: string, price: number): "ok" {',
        'export async function put(server: ServerRef<PriceCacheProtocol>, symbol: string, price: number): Promise<"ok"> {',
      ],
    ],
  },
  {
    name: "zero-price-read-as-missing",
    breaks: [2],
    why: { es: "get trata un precio 0 como si no hubiera precio (if (!price)).", en: "get treats a price of 0 as no price (if (!price))." },
    file: "price-cache.ts",
    patch: [
      [
        GET,
        "      {\n        const price = state.get(request.symbol);\n        if (!price) return reply(undefined, state);\n        return reply(price, state);\n      }",
      ],
    ],
  },
  {
    name: "non-positive-price-ignored",
    breaks: [2],
    why: { es: "put descarta los precios menores o iguales a 0.", en: "put drops prices of 0 or less." },
    file: "price-cache.ts",
    patch: [[SET, "        if (message.price <= 0) return noreply(state);\n" + SET]],
  },
  {
    name: "keeps-first-price",
    breaks: [2, 5],
    why: {
      es: "put solo guarda el precio si el símbolo no tenía uno: se queda el primero.",
      en: "put stores the price only if the symbol had none: the first one stays.",
    },
    file: "price-cache.ts",
    patch: [[SET, "        if (!state.has(message.symbol)) state.set(message.symbol, message.price);\n        return noreply(state);"]],
  },
  {
    name: "new-map-per-put",
    breaks: [2, 5],
    why: {
      es: "handleCast devuelve un Map nuevo con solo el símbolo recibido (Map.put leído como un mapa nuevo).",
      en: "handleCast returns a new Map with only the symbol received (Map.put read as a new map).",
    },
    file: "price-cache.ts",
    patch: [[SET, "        return noreply(new Map([[message.symbol, message.price]]));"]],
  },
  {
    name: "copy-not-returned",
    breaks: [2, 5],
    why: {
      es: "handleCast copia el Map y guarda en la copia, pero devuelve el estado viejo.",
      en: "handleCast copies the Map and stores in the copy, but returns the old state.",
    },
    file: "price-cache.ts",
    patch: [
      [SET, "        const next = new Map(state);\n        next.set(message.symbol, message.price);\n        return noreply(state);"],
    ],
  },
  {
    name: "module-level-store",
    breaks: [2, 5],
    why: {
      es: "Todos los servidores comparten un Map del módulo: los precios de uno aparecen en otro.",
      en: "Every server shares one Map of the module: one server's prices show in another.",
    },
    file: "price-cache.ts",
    patch: [
      ["export const PriceCache:", "const store: PriceCacheState = new Map();\n\nexport const PriceCache:"],
      ["    return ok(new Map());", "    return ok(store);"],
    ],
  },
  {
    name: "zero-for-unknown-symbol",
    breaks: [3],
    why: {
      es: "get responde 0 para un símbolo desconocido (Map.get(state, symbol, 0)).",
      en: "get answers 0 for an unknown symbol (Map.get(state, symbol, 0)).",
    },
    file: "price-cache.ts",
    patch: [[GET, "        return reply(state.get(request.symbol) ?? 0, state);"]],
  },
  {
    name: "symbols-upper-cased",
    breaks: [3],
    why: {
      es: 'Los símbolos se pasan a mayúsculas al guardar y al leer: "btcusd" y "BTCUSD" son uno, y un símbolo que no es texto tumba el servidor.',
      en: 'Symbols are upper-cased on put and get: "btcusd" and "BTCUSD" are one, and a symbol that is not text crashes the server.',
    },
    file: "price-cache.ts",
    patch: [
      [GET, "        return reply(state.get(request.symbol.toUpperCase()), state);"],
      [SET, "        state.set(message.symbol.toUpperCase(), message.price);\n        return noreply(state);"],
    ],
  },
];
