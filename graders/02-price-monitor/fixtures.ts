import type { Fixture } from "#protocol";

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
];
