import type { Fixture } from "#protocol";

const file = "rate-limiter.ts";

/** Known-wrong rate limiters: each must lose points on the tasks in `breaks`. */
export const fixtures: readonly Fixture[] = [
  {
    name: "no-option-validation",
    breaks: [1],
    why: {
      es: "init no valida las opciones: limit 0 o windowMs NaN arrancan un servidor inútil.",
      en: "init does not validate the options: limit 0 or windowMs NaN start a useless server.",
    },
    file,
    patch: [["    if (invalid !== null) return stopInit(invalid);\n", ""]],
  },
  {
    name: "fractional-options-accepted",
    breaks: [1],
    why: {
      es: "La validación solo rechaza lo que no es un número: acepta 1.5 e Infinity.",
      en: "Validation only rejects non-numbers: it accepts 1.5 and Infinity.",
    },
    file,
    patch: [["!Number.isSafeInteger(value) || (value as number) <= 0", 'typeof value !== "number" || Number.isNaN(value) || value <= 0']],
  },
  {
    name: "key-not-validated",
    breaks: [1],
    why: {
      es: "check no rechaza una clave que no es un string: 42 se cuenta como una clave más.",
      en: "check does not reject a key that is not a string: 42 counts as one more key.",
    },
    file,
    patch: [['const error = badKey("RateLimiter.check", key);', "const error = null;"]],
  },
  {
    name: "off-by-one-at-limit",
    breaks: [2],
    why: {
      es: "Compara count <= limit: deja pasar limit + 1 peticiones por ventana.",
      en: "Compares count <= limit: lets limit + 1 requests through per window.",
    },
    file,
    patch: [["if (window.count < this.limit) {", "if (window.count <= this.limit) {"]],
  },
  {
    name: "window-closes-one-ms-early",
    breaks: [3],
    why: {
      es: "La ventana termina en t0 + windowMs - 1 en lugar de t0 + windowMs.",
      en: "The window ends at t0 + windowMs - 1 instead of t0 + windowMs.",
    },
    file,
    patch: [["return at >= window.start + windowMs;", "return at >= window.start + windowMs - 1;"]],
  },
  {
    name: "window-stays-open-at-its-end",
    breaks: [3],
    why: {
      es: "Compara con > en vez de >=: la ventana sigue abierta en t0 + windowMs.",
      en: "Compares with > instead of >=: the window is still open at t0 + windowMs.",
    },
    file,
    patch: [["return at >= window.start + windowMs;", "return at > window.start + windowMs;"]],
  },
  {
    name: "never-resets",
    breaks: [3],
    why: {
      es: "check nunca abre una ventana nueva: una clave que llegó a su límite queda bloqueada hasta la limpieza.",
      en: "check never opens a new window: a key that reached its limit stays blocked until the cleanup.",
    },
    file,
    patch: [["if (window === undefined || hasEnded(window, this.windowMs, at)) {", "if (window === undefined) {"]],
  },
  {
    name: "one-window-for-all-keys",
    breaks: [4],
    why: { es: "Una sola ventana compartida por todas las claves.", en: "One window shared by every key." },
    file,
    patch: [
      ["const window = this.windows.get(key);", 'const window = this.windows.get("*");'],
      ["this.windows.set(key, { start: at, count: 1 });", 'this.windows.set("*", { start: at, count: 1 });'],
    ],
  },
  {
    name: "windows-aligned-to-the-clock",
    breaks: [3],
    why: {
      es: "La ventana empieza en Math.floor(now / windowMs) * windowMs y no en la primera petición.",
      en: "The window starts at Math.floor(now / windowMs) * windowMs instead of at the first request.",
    },
    file,
    patch: [
      [
        "this.windows.set(key, { start: at, count: 1 });",
        "this.windows.set(key, { start: Math.floor(at / this.windowMs) * this.windowMs, count: 1 });",
      ],
    ],
  },
  {
    name: "rejected-requests-extend-the-window",
    breaks: [3],
    why: {
      es: "Cada petición rechazada vuelve a abrir la ventana en ese instante.",
      en: "Every rejected request reopens the window at that instant.",
    },
    file,
    patch: [['return "rate_limited";', 'this.windows.set(key, { start: at, count: window.count });\n    return "rate_limited";']],
  },
  {
    name: "inspect-reset-does-not-count-down",
    breaks: [5],
    why: {
      es: "inspect devuelve resetInMs = windowMs siempre, sin descontar el tiempo pasado.",
      en: "inspect always returns resetInMs = windowMs, without subtracting the time gone by.",
    },
    file,
    patch: [["resetInMs: open.start + this.windowMs - at", "resetInMs: this.windowMs"]],
  },
  {
    name: "cleanup-never-scheduled",
    breaks: [6],
    why: {
      es: "init no programa la primera limpieza: las claves se acumulan para siempre.",
      en: "init does not schedule the first cleanup: keys pile up forever.",
    },
    file,
    patch: [["    scheduleCleanup(cleanupIntervalMs);\n", ""]],
  },
  {
    name: "cleanup-not-rearmed",
    breaks: [6],
    why: {
      es: "handleInfo no vuelve a programar la limpieza: solo hay una.",
      en: "handleInfo does not schedule the cleanup again: there is only one.",
    },
    file,
    patch: [["        scheduleCleanup(state.cleanupIntervalMs);\n", ""]],
  },
  {
    name: "cleanup-deletes-live-windows",
    breaks: [6],
    why: {
      es: "La limpieza borra toda ventana que ya empezó, también las abiertas: una clave en su límite vuelve a pasar.",
      en: "Cleanup deletes every window that has started, open ones too: a key at its limit gets through again.",
    },
    file,
    patch: [["if (hasEnded(window, this.windowMs, at)) this.windows.delete(key);", "if (window.start <= at) this.windows.delete(key);"]],
  },
  {
    name: "cleanup-never-deletes",
    breaks: [6],
    why: {
      es: "La limpieza pone a cero las ventanas terminadas pero no las borra: la memoria crece sin límite.",
      en: "Cleanup zeroes the ended windows but never deletes them: memory grows without bound.",
    },
    file,
    patch: [
      ["if (hasEnded(window, this.windowMs, at)) this.windows.delete(key);", "if (hasEnded(window, this.windowMs, at)) window.count = 0;"],
    ],
  },
  {
    name: "cleanup-with-set-timeout",
    breaks: [1, 6],
    why: {
      es: "La limpieza usa setTimeout en vez de Process.sendAfter: el timer sobrevive a stop.",
      en: "Cleanup uses setTimeout instead of Process.sendAfter: the timer outlives stop.",
    },
    file,
    patch: [["  Process.sendAfter(self(), CLEANUP, ms);", "  const pid = self();\n  setTimeout(() => Process.send(pid, CLEANUP), ms);"]],
  },
  {
    name: "plain-object-store",
    breaks: [4],
    why: {
      es: 'Guarda las ventanas en un objeto plano ({}): "__proto__" y "constructor" leen el prototipo en vez de una ventana.',
      en: 'Stores the windows in a plain object ({}): "__proto__" and "constructor" read the prototype instead of a window.',
    },
    file,
    patch: [
      ["private readonly windows = new Map<string, Window>();", "private readonly windows = objectStore();"],
      [
        'const CLEANUP = { type: "cleanup" } as const;\n',
        [
          'const CLEANUP = { type: "cleanup" } as const;',
          "",
          "function objectStore(): Map<string, Window> {",
          "  const store: Record<string, Window> = {};",
          "  return {",
          "    get: (key: string) => store[key],",
          "    set(key: string, value: Window) {",
          "      store[key] = value;",
          "      return this;",
          "    },",
          "    delete: (key: string) => delete store[key],",
          "    get size() {",
          "      return Object.keys(store).length;",
          "    },",
          "    *[Symbol.iterator]() {",
          "      for (const key of Object.keys(store)) yield [key, store[key]];",
          "    },",
          "  } as unknown as Map<string, Window>;",
          "}",
          "",
        ].join("\n"),
      ],
    ],
  },
];
