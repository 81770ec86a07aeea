import type { Fixture } from "#protocol";

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
];
