import type { Fixture } from "#protocol";

/** Known-wrong PriceFeedHandlers: each must lose points on the tasks it breaks. */
export const fixtures: readonly Fixture[] = [
  {
    name: "no-monitor",
    breaks: [3, 5],
    why: {
      es: "subscribe no monitoriza al suscriptor: uno que muere se queda en la lista para siempre.",
      en: "subscribe does not monitor the subscriber: one that dies stays on the list forever.",
    },
    file: "price-feed-handler.ts",
    patch: [["        Process.monitor(request.pid);\n", ""]],
  },
  {
    name: "duplicate-subscription",
    breaks: [2, 5],
    why: {
      es: "subscribe añade al suscriptor aunque ya estuviera: recibe cada tick dos veces.",
      en: "subscribe adds the subscriber even when it is already there: it gets each tick twice.",
    },
    file: "price-feed-handler.ts",
    patch: [['        if (state.subscribers.includes(request.pid)) return reply("ok", state);\n', ""]],
  },
  {
    name: "heartbeat-not-rearmed",
    breaks: [4],
    why: {
      es: "El heartbeat no programa el siguiente: solo hay uno, a los 30 s.",
      en: "The heartbeat does not schedule the next one: there is only one, at 30 s.",
    },
    file: "price-feed-handler.ts",
    patch: [
      ["        // Re-arming on every heartbeat is what makes it periodic: sendAfter fires once.\n        scheduleHeartbeat();\n", ""],
    ],
  },
  {
    name: "stale-at-exactly-60s",
    breaks: [4],
    why: {
      es: "Stale con >= en vez de >: a los 60 s exactos ya da error.",
      en: "Stale with >= instead of >: at exactly 60 s it already logs an error.",
    },
    file: "price-feed-handler.ts",
    patch: [["t - state.lastUpdate > STALE_THRESHOLD_MS", "t - state.lastUpdate >= STALE_THRESHOLD_MS"]],
  },
  {
    name: "stale-after-30s",
    breaks: [4],
    why: { es: "El umbral de stale es 30 s en vez de 60 s.", en: "The stale threshold is 30 s instead of 60 s." },
    file: "price-feed-handler.ts",
    patch: [["export const STALE_THRESHOLD_MS = 60_000;", "export const STALE_THRESHOLD_MS = 30_000;"]],
  },
  {
    name: "tick-without-timestamp",
    breaks: [2],
    why: { es: "El tick no lleva timestamp.", en: "The tick carries no timestamp." },
    file: "price-feed-handler.ts",
    patch: [
      [
        'const tick: Tick = { type: "tick", symbol: state.symbol, price: message.price, timestamp };',
        'const tick = { type: "tick", symbol: state.symbol, price: message.price };',
      ],
    ],
  },
  {
    name: "tick-without-symbol",
    breaks: [2],
    why: { es: "El tick no lleva el símbolo.", en: "The tick does not carry the symbol." },
    file: "price-feed-handler.ts",
    patch: [
      [
        'const tick: Tick = { type: "tick", symbol: state.symbol, price: message.price, timestamp };',
        'const tick = { type: "tick", price: message.price, timestamp };',
      ],
    ],
  },
  {
    name: "subscribes-the-server",
    breaks: [2],
    why: {
      es: "subscribe guarda el pid del servidor (self() dentro de handleCall) en vez del de quien llama.",
      en: "subscribe keeps the server's pid (self() inside handleCall) instead of the caller's.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        'return reply("ok", { ...state, subscribers: [...state.subscribers, request.pid] });',
        'return reply("ok", { ...state, subscribers: [...state.subscribers, self()] });',
      ],
    ],
  },
];
