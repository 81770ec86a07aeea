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
  {
    name: "monitor-on-every-subscribe",
    breaks: [3],
    why: {
      es: "Monitoriza en cada subscribe, también al repetido (el orden literal del capítulo): dos DOWN y dos líneas de desconexión por una muerte.",
      en: "Monitors on every subscribe, repeated ones too (the chapter's literal order): two DOWNs and two disconnect lines for one death.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        '        if (state.subscribers.includes(request.pid)) return reply("ok", state);\n        // One monitor per subscriber: its DOWN tells us when to drop it.\n        Process.monitor(request.pid);\n',
        '        Process.monitor(request.pid);\n        if (state.subscribers.includes(request.pid)) return reply("ok", state);\n',
      ],
    ],
  },
  {
    name: "heartbeat-rearmed-on-every-info",
    breaks: [4],
    why: {
      es: "Programa el siguiente heartbeat al entrar en handleInfo, para cualquier mensaje: cada DOWN añade otra cadena de heartbeats.",
      en: "Schedules the next heartbeat on entering handleInfo, for any message: each DOWN adds another chain of heartbeats.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        "  handleInfo(message, state) {\n    switch (message.type) {",
        "  handleInfo(message, state) {\n    scheduleHeartbeat();\n    switch (message.type) {",
      ],
      ["        // Re-arming on every heartbeat is what makes it periodic: sendAfter fires once.\n        scheduleHeartbeat();\n", ""],
    ],
  },
  {
    name: "heartbeat-stops-once-stale",
    breaks: [4],
    why: {
      es: "Con datos stale registra el error y sale sin programar el siguiente heartbeat.",
      en: "With stale data it logs the error and returns without scheduling the next heartbeat.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        '      case "heartbeat":\n        heartbeat(state);',
        '      case "heartbeat":\n        if (state.lastUpdate !== null && now() - state.lastUpdate > STALE_THRESHOLD_MS) {\n          Logger.error(`[${state.symbol}] Data is STALE!`);\n          return noreply(state);\n        }\n        heartbeat(state);',
      ],
    ],
  },
  {
    name: "tick-count-reset-each-heartbeat",
    breaks: [2],
    why: {
      es: "Cada heartbeat pone tickCount a 0 (cuenta los ticks desde el último heartbeat).",
      en: "Each heartbeat sets tickCount back to 0 (counts the ticks since the last heartbeat).",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        "        scheduleHeartbeat();\n        return noreply(state);",
        "        scheduleHeartbeat();\n        return noreply({ ...state, tickCount: 0 });",
      ],
    ],
  },
  {
    name: "no-data-when-price-is-zero",
    breaks: [4],
    why: {
      es: "El heartbeat mira !state.lastPrice para saber si hubo datos: un precio 0 cuenta como sin datos.",
      en: "The heartbeat tests !state.lastPrice to know whether data came: a price of 0 counts as no data.",
    },
    file: "price-feed-handler.ts",
    patch: [["  if (state.lastUpdate === null) {", "  if (!state.lastPrice || state.lastUpdate === null) {"]],
  },
  {
    name: "update-skipped-without-subscribers",
    breaks: [2],
    why: {
      es: "Sin suscriptores la actualización se descarta: no guarda precio, hora ni cuenta.",
      en: "Without subscribers the update is dropped: no price, time or count is kept.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        "        const timestamp = now();",
        "        if (state.subscribers.length === 0) return noreply(state);\n        const timestamp = now();",
      ],
    ],
  },
  {
    name: "last-update-kept-from-first",
    breaks: [2],
    why: {
      es: "lastUpdate guarda solo la hora de la primera actualización (state.lastUpdate ?? timestamp).",
      en: "lastUpdate keeps only the time of the first update (state.lastUpdate ?? timestamp).",
    },
    file: "price-feed-handler.ts",
    patch: [["lastUpdate: timestamp,", "lastUpdate: state.lastUpdate ?? timestamp,"]],
  },
  {
    name: "tick-timestamp-of-previous-update",
    breaks: [2],
    why: {
      es: "El tick lleva la hora de la actualización anterior (state.lastUpdate), no now().",
      en: "The tick carries the time of the previous update (state.lastUpdate), not now().",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        'const tick: Tick = { type: "tick", symbol: state.symbol, price: message.price, timestamp };',
        'const tick: Tick = { type: "tick", symbol: state.symbol, price: message.price, timestamp: state.lastUpdate ?? timestamp };',
      ],
    ],
  },
  {
    name: "heartbeat-with-set-interval",
    breaks: [4],
    why: {
      es: "El heartbeat usa setInterval en init: el timer sobrevive al servidor.",
      en: "The heartbeat uses setInterval in init: the timer outlives the server.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        "    // The first heartbeat is armed here; each heartbeat arms the next one.\n    scheduleHeartbeat();\n",
        '    const pid = self();\n    setInterval(() => Process.send(pid, { type: "heartbeat" }), HEARTBEAT_INTERVAL_MS);\n',
      ],
      ["        // Re-arming on every heartbeat is what makes it periodic: sendAfter fires once.\n        scheduleHeartbeat();\n", ""],
    ],
  },
  {
    name: "first-heartbeat-after-first-update",
    breaks: [4],
    why: {
      es: "El primer heartbeat se programa con la primera actualización, no en init: sin datos nunca avisa.",
      en: "The first heartbeat is scheduled with the first update, not in init: without data it never warns.",
    },
    file: "price-feed-handler.ts",
    patch: [
      ["    // The first heartbeat is armed here; each heartbeat arms the next one.\n    scheduleHeartbeat();\n", ""],
      ["        const timestamp = now();", "        if (state.lastUpdate === null) scheduleHeartbeat();\n        const timestamp = now();"],
    ],
  },
  {
    name: "heartbeat-aimed-at-the-name",
    breaks: [4],
    why: {
      es: "El heartbeat se envía a via(symbol) en vez de a self(): el timer no muere con el proceso.",
      en: "The heartbeat is sent to via(symbol) instead of self(): the timer does not die with the process.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        'function scheduleHeartbeat(): void {\n  // Aimed at self(), so the timer dies with the handler.\n  Process.sendAfter(self(), { type: "heartbeat" }, HEARTBEAT_INTERVAL_MS);',
        'function scheduleHeartbeat(symbol: string): void {\n  Process.sendAfter(via(symbol), { type: "heartbeat" }, HEARTBEAT_INTERVAL_MS);',
      ],
      ["    scheduleHeartbeat();\n    return ok(", "    scheduleHeartbeat(symbol);\n    return ok("],
      [
        "        scheduleHeartbeat();\n        return noreply(state);",
        "        scheduleHeartbeat(state.symbol);\n        return noreply(state);",
      ],
    ],
  },
  {
    name: "heartbeat-ok-as-info",
    breaks: [4],
    why: {
      es: "El heartbeat con datos recientes usa Logger.info en vez de Logger.debug.",
      en: "The heartbeat with fresh data uses Logger.info instead of Logger.debug.",
    },
    file: "price-feed-handler.ts",
    patch: [["    Logger.debug(`[${state.symbol}] Heartbeat OK", "    Logger.info(`[${state.symbol}] Heartbeat OK"]],
  },
  {
    name: "down-filter-result-dropped",
    breaks: [3],
    why: {
      es: "En el DOWN llama a filter pero devuelve el estado de antes: filter no cambia el array, devuelve otro.",
      en: "On DOWN it calls filter but returns the old state: filter does not change the array, it returns a new one.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        "  return { ...state, subscribers: state.subscribers.filter((pid) => pid !== message.pid) };",
        "  state.subscribers.filter((pid) => pid !== message.pid);\n  return state;",
      ],
    ],
  },
  {
    name: "heartbeat-ok-without-count",
    breaks: [4],
    why: { es: "La línea del heartbeat OK no dice cuántos ticks llegaron.", en: "The heartbeat OK line does not say how many ticks came." },
    file: "price-feed-handler.ts",
    patch: [["`[${state.symbol}] Heartbeat OK, ${state.tickCount} ticks`", "`[${state.symbol}] Heartbeat OK`"]],
  },
  {
    name: "subscribers-replaced-on-subscribe",
    breaks: [2],
    why: {
      es: "subscribe reemplaza la lista por el nuevo suscriptor en vez de añadirlo: solo el último recibe ticks.",
      en: "subscribe replaces the list with the new subscriber instead of adding it: only the last one gets ticks.",
    },
    file: "price-feed-handler.ts",
    patch: [
      [
        'return reply("ok", { ...state, subscribers: [...state.subscribers, request.pid] });',
        'return reply("ok", { ...state, subscribers: [request.pid] });',
      ],
    ],
  },
];
