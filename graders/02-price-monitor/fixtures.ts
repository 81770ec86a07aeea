import type { Fixture } from "#protocol";

const REARM = "        // Re-arming on every check is what makes it periodic: sendAfter fires once.\n        scheduleCheck();\n";
const PRICE_RETURN = "        return noreply({ ...state, lastPrice: message.price });";
const CHECK_RETURN = "        return noreply({ ...state, checks });";
const UNKNOWN = "        Logger.info(`Mensaje desconocido: ${JSON.stringify(message)}`);\n        return noreply(state);";

/** Known-wrong PriceMonitors: each must lose points on the tasks it breaks. */
export const fixtures: readonly Fixture[] = [
  {
    name: "check-never-rearmed",
    breaks: [2],
    why: {
      es: "El check no programa el siguiente: solo hay uno, a los 5000 ms.",
      en: "The check does not schedule the next one: there is only one, at 5000 ms.",
    },
    file: "price-monitor.ts",
    patch: [["        // Re-arming on every check is what makes it periodic: sendAfter fires once.\n        scheduleCheck();\n", ""]],
  },
  {
    name: "wrong-interval",
    breaks: [2],
    why: {
      es: "El check se programa cada 6000 ms en vez de cada 5000 ms.",
      en: "The check is scheduled every 6000 ms instead of every 5000 ms.",
    },
    file: "price-monitor.ts",
    patch: [["export const CHECK_INTERVAL_MS = 5000;", "export const CHECK_INTERVAL_MS = 6000;"]],
  },
  {
    name: "check-with-set-interval",
    breaks: [2],
    why: {
      es: "Los checks se programan con setInterval: el timer sigue vivo cuando el servidor para.",
      en: "The checks are scheduled with setInterval: the timer lives on after the server stops.",
    },
    file: "price-monitor.ts",
    patch: [
      [
        "    scheduleCheck();\n    return ok({ symbol, lastPrice: null, checks: 0 });",
        '    const pid = self();\n    setInterval(() => Process.send(pid, { type: "check" }), CHECK_INTERVAL_MS);\n    return ok({ symbol, lastPrice: null, checks: 0 });',
      ],
      ["        // Re-arming on every check is what makes it periodic: sendAfter fires once.\n        scheduleCheck();\n", ""],
    ],
  },
  {
    name: "unknown-message-crashes",
    breaks: [4],
    why: {
      es: "handleInfo no tiene cláusula catch-all: un mensaje desconocido tumba el servidor.",
      en: "handleInfo has no catch-all clause: an unknown message crashes the server.",
    },
    file: "price-monitor.ts",
    patch: [
      [
        "        Logger.info(`Mensaje desconocido: ${JSON.stringify(message)}`);\n        return noreply(state);",
        "        throw new Error(`Mensaje desconocido: ${JSON.stringify(message)}`);",
      ],
    ],
  },
  {
    name: "unknown-message-resets-state",
    breaks: [4],
    why: {
      es: "Un mensaje desconocido reinicia el estado (sin precio y sin checks).",
      en: "An unknown message resets the state (no price and no checks).",
    },
    file: "price-monitor.ts",
    patch: [
      [
        "        Logger.info(`Mensaje desconocido: ${JSON.stringify(message)}`);\n        return noreply(state);",
        "        Logger.info(`Mensaje desconocido: ${JSON.stringify(message)}`);\n        return noreply({ symbol: state.symbol, lastPrice: null, checks: 0 });",
      ],
    ],
  },
  {
    name: "price-not-stored",
    breaks: [3],
    why: {
      es: "El mensaje precio se escribe en el log pero su precio no se guarda.",
      en: "The precio message is logged but its price is not kept.",
    },
    file: "price-monitor.ts",
    patch: [["return noreply({ ...state, lastPrice: message.price });", "return noreply(state);"]],
  },
  // Realistic mistakes written apart from the grader's tests (issue 14), each a single change a learner could make.
  {
    name: "start-link-not-linked",
    breaks: [1],
    why: {
      es: "startLink llama a GenServer.start: el monitor no queda enlazado.",
      en: "startLink calls GenServer.start: the monitor is not linked.",
    },
    file: "price-monitor.ts",
    patch: [["return GenServer.startLink(PriceMonitor, symbol);", "return GenServer.start(PriceMonitor, symbol);"]],
  },
  {
    name: "start-links-caller",
    breaks: [1],
    why: {
      es: "start llama a GenServer.startLink: enlaza el monitor a quien lo arranca.",
      en: "start calls GenServer.startLink: it links the monitor to its caller.",
    },
    file: "price-monitor.ts",
    patch: [["  return GenServer.start(PriceMonitor, symbol);", "  return GenServer.startLink(PriceMonitor, symbol);"]],
  },
  {
    name: "price-rearms-check",
    breaks: [2],
    why: {
      es: "La cláusula de precio, copiada de la de check, también programa un check: cada precio suma un timer.",
      en: "The price clause, copied from the check clause, also schedules a check: each price adds a timer.",
    },
    file: "price-monitor.ts",
    patch: [[PRICE_RETURN, `        scheduleCheck();\n${PRICE_RETURN}`]],
  },
  {
    name: "rearm-on-every-message",
    breaks: [2],
    why: {
      es: "scheduleCheck está al principio de handleInfo: cualquier mensaje, no solo el check, programa otro.",
      en: "scheduleCheck is at the top of handleInfo: any message, not only the check, schedules another.",
    },
    file: "price-monitor.ts",
    patch: [
      [REARM, ""],
      ["  handleInfo(message, state) {\n", "  handleInfo(message, state) {\n    scheduleCheck();\n"],
    ],
  },
  {
    name: "unknown-rearms-check",
    breaks: [2],
    why: { es: "La cláusula catch-all también programa un check.", en: "The catch-all clause schedules a check too." },
    file: "price-monitor.ts",
    patch: [[UNKNOWN, UNKNOWN.replace("        return noreply(state);", "        scheduleCheck();\n        return noreply(state);")]],
  },
  {
    name: "check-forgets-price",
    breaks: [2],
    why: {
      es: "El check rehace el estado sin el precio: tras el primer check, lastPrice vuelve a null.",
      en: "The check rebuilds the state without the price: after the first check, lastPrice is null again.",
    },
    file: "price-monitor.ts",
    patch: [[CHECK_RETURN, "        return noreply({ symbol: state.symbol, lastPrice: null, checks });"]],
  },
  {
    name: "check-carries-state",
    breaks: [2],
    why: {
      es: "El mensaje check lleva una copia del estado de cuando se programó y el check la toma como estado: el precio llegado entre medias se pierde.",
      en: "The check message carries a copy of the state from when it was scheduled, and the check takes it as the state: a price that came in between is lost.",
    },
    file: "price-monitor.ts",
    patch: [
      [
        'export type PriceMonitorInfo = { type: "check" } | { type: "precio"; price: number };',
        'export type PriceMonitorInfo = { type: "check"; state: PriceMonitorState } | { type: "precio"; price: number };',
      ],
      ["function scheduleCheck(): void {", "function scheduleCheck(state: PriceMonitorState): void {"],
      [
        'Process.sendAfter(self(), { type: "check" }, CHECK_INTERVAL_MS);',
        'Process.sendAfter(self(), { type: "check", state }, CHECK_INTERVAL_MS);',
      ],
      [
        "    scheduleCheck();\n    return ok({ symbol, lastPrice: null, checks: 0 });",
        "    const state = { symbol, lastPrice: null, checks: 0 };\n    scheduleCheck(state);\n    return ok(state);",
      ],
      [
        REARM + CHECK_RETURN,
        "        const next = { ...message.state, checks };\n        scheduleCheck(next);\n        return noreply(next);",
      ],
    ],
  },
  {
    name: "check-number-before-increment",
    breaks: [2],
    why: {
      es: "El log del check usa state.checks, el número de antes: el primero sale como #0.",
      en: "The check's log uses state.checks, the number before: the first reads #0.",
    },
    file: "price-monitor.ts",
    patch: [["Logger.info(`[${state.symbol}] Check #${checks}`);", "Logger.info(`[${state.symbol}] Check #${state.checks}`);"]],
  },
  {
    name: "price-resets-checks",
    breaks: [3],
    why: { es: "Un precio rehace el estado con checks: 0.", en: "A price rebuilds the state with checks: 0." },
    file: "price-monitor.ts",
    patch: [[PRICE_RETURN, "        return noreply({ symbol: state.symbol, lastPrice: message.price, checks: 0 });"]],
  },
  {
    name: "price-counts-as-check",
    breaks: [3],
    why: {
      es: "La cláusula de precio, copiada de la de check, suma uno a checks.",
      en: "The price clause, copied from the check clause, adds one to checks.",
    },
    file: "price-monitor.ts",
    patch: [[PRICE_RETURN, "        return noreply({ ...state, lastPrice: message.price, checks: state.checks + 1 });"]],
  },
  {
    name: "set-timeout-chain",
    breaks: [2],
    why: {
      es: "El check se programa con setTimeout y Process.send: el timer sigue pendiente cuando el servidor para.",
      en: "The check is scheduled with setTimeout and Process.send: the timer stays pending after the server stops.",
    },
    file: "price-monitor.ts",
    patch: [
      [
        '  Process.sendAfter(self(), { type: "check" }, CHECK_INTERVAL_MS);',
        '  const pid = self();\n  setTimeout(() => Process.send(pid, { type: "check" }), CHECK_INTERVAL_MS);',
      ],
    ],
  },
  {
    name: "first-check-at-start",
    breaks: [2],
    why: {
      es: "init manda un check en el acto en vez de programarlo a los 5000 ms.",
      en: "init sends a check at once instead of scheduling it at 5000 ms.",
    },
    file: "price-monitor.ts",
    patch: [["    scheduleCheck();\n    return ok(", '    Process.send(self(), { type: "check" });\n    return ok(']],
  },
  {
    name: "price-log-without-dollar",
    breaks: [3],
    why: {
      es: "El log del precio olvida el $ de texto: `Nuevo precio: ${price}`.",
      en: "The price's log forgets the literal $: `Nuevo precio: ${price}`.",
    },
    file: "price-monitor.ts",
    patch: [["Nuevo precio: $${message.price}", "Nuevo precio: ${message.price}"]],
  },
  {
    name: "zero-price-ignored",
    breaks: [3],
    why: {
      es: "Un precio 0 no reemplaza al anterior (price || lastPrice).",
      en: "A price of 0 does not replace the previous one (price || lastPrice).",
    },
    file: "price-monitor.ts",
    patch: [[PRICE_RETURN, "        return noreply({ ...state, lastPrice: message.price || state.lastPrice });"]],
  },
  {
    name: "unknown-logged-with-string",
    breaks: [4],
    why: {
      es: "El mensaje desconocido se muestra con String(): un objeto sale como [object Object].",
      en: "The unknown message is shown with String(): an object reads [object Object].",
    },
    file: "price-monitor.ts",
    patch: [["Mensaje desconocido: ${JSON.stringify(message)}", "Mensaje desconocido: ${String(message)}"]],
  },
  {
    name: "unknown-null-crashes",
    breaks: [4],
    why: {
      es: "handleInfo lee message.type sin mirar si el mensaje es null: un null tumba el servidor.",
      en: "handleInfo reads message.type without checking for null: a null crashes the server.",
    },
    file: "price-monitor.ts",
    patch: [
      [
        "    // `?.`: any value may arrive, null and undefined too, and reading `type` of those would throw.\n    switch (message?.type) {",
        "    switch (message.type) {",
      ],
    ],
  },
];
