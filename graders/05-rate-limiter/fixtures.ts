import type { Fixture } from "#protocol";

const file = "rate-limiter.ts";

/** The solution's check, inspect and cleanup, as one span: the sliding-window fixture replaces them whole. */
const SOLUTION_CHECK_TO_CLEANUP = `  check(key: string, at: number): CheckResult {
    const window = this.windows.get(key);
    // The first request of a key, or the first one after its window ended, opens a new window.
    if (window === undefined || hasEnded(window, this.windowMs, at)) {
      this.windows.set(key, { start: at, count: 1 });
      return "ok";
    }
    // Updating the window in place keeps each check O(1).
    if (window.count < this.limit) {
      window.count += 1;
      return "ok";
    }
    // A rejected request neither counts nor moves the window.
    return "rate_limited";
  }

  /** The window of \`key\` open at \`at\`, or null. */
  inspect(key: string, at: number): WindowInfo | null {
    const open = this.windows.get(key);
    // A window that has ended but is not cleaned up yet is as good as gone.
    if (open === undefined || hasEnded(open, this.windowMs, at)) return null;
    return { count: open.count, remaining: this.limit - open.count, resetInMs: open.start + this.windowMs - at };
  }

  /** Forgets the windows that have ended at \`at\`; no check result changes. */
  cleanup(at: number): void {
    // Deleting while iterating a Map is safe.
    for (const [key, window] of this.windows) {
      if (hasEnded(window, this.windowMs, at)) this.windows.delete(key);
    }
  }`;

/** A sliding window log, as a learner who knows that design would write it. */
const SLIDING_LOG = `  // Each key keeps the times of its accepted requests in the last windowMs.
  private readonly logs = new Map<string, number[]>();

  private recent(key: string, at: number): number[] {
    return (this.logs.get(key) ?? []).filter((time) => time > at - this.windowMs);
  }

  check(key: string, at: number): CheckResult {
    const log = this.recent(key, at);
    this.logs.set(key, log);
    if (log.length >= this.limit) return "rate_limited";
    log.push(at);
    return "ok";
  }

  inspect(key: string, at: number): WindowInfo | null {
    const log = this.recent(key, at);
    if (log.length === 0) return null;
    return { count: log.length, remaining: this.limit - log.length, resetInMs: (log[0] as number) + this.windowMs - at };
  }

  cleanup(at: number): void {
    for (const [key, log] of this.logs) {
      if (log.every((time) => time <= at - this.windowMs)) this.logs.delete(key);
    }
  }`;

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
  {
    name: "sliding-window-log",
    breaks: [3],
    why: {
      es: "Una ventana deslizante (un registro de las horas de cada petición) en vez de la ventana fija que abre la primera petición.",
      en: "A sliding window (a log of each request's time) instead of the fixed window opened by the first request.",
    },
    file,
    patch: [
      [SOLUTION_CHECK_TO_CLEANUP, SLIDING_LOG],
      ["    return this.windows.size;", "    return this.logs.size;"],
      [
        '  // A Map, not a plain object: any string is a key, "__proto__" and "constructor" included.\n  private readonly windows = new Map<string, Window>();\n',
        "",
      ],
    ],
  },
  {
    name: "window-restarts-on-each-accepted-request",
    breaks: [3],
    why: {
      es: "Cada petición aceptada vuelve a empezar la ventana en ese instante.",
      en: "Every accepted request restarts the window at that instant.",
    },
    file,
    patch: [
      ["  readonly start: number;\n  count: number;", "  start: number;\n  count: number;"],
      ['      window.count += 1;\n      return "ok";', '      window.count += 1;\n      window.start = at;\n      return "ok";'],
    ],
  },
  {
    name: "rejected-requests-counted",
    breaks: [5],
    why: {
      es: "Suma uno a count antes de comparar, también en las peticiones rechazadas: count pasa de limit.",
      en: "Adds one to count before comparing, rejected requests too: count goes past limit.",
    },
    file,
    patch: [
      [
        '    if (window.count < this.limit) {\n      window.count += 1;\n      return "ok";\n    }',
        '    window.count += 1;\n    if (window.count <= this.limit) return "ok";',
      ],
    ],
  },
  {
    name: "inspect-creates-window",
    breaks: [5],
    why: {
      es: "inspect crea la ventana de una clave que no la tenía (un get-or-create compartido con check).",
      en: "inspect creates the window of a key that had none (a get-or-create shared with check).",
    },
    file,
    patch: [
      [
        "    const open = this.windows.get(key);\n    // A window that has ended but is not cleaned up yet is as good as gone.\n    if (open === undefined || hasEnded(open, this.windowMs, at)) return null;",
        "    let open = this.windows.get(key);\n    if (open === undefined) {\n      open = { start: at, count: 0 };\n      this.windows.set(key, open);\n    }\n    if (hasEnded(open, this.windowMs, at)) return null;",
      ],
    ],
  },
  {
    name: "sweep-on-every-check",
    breaks: [5],
    why: {
      es: "check borra todas las ventanas terminadas en cada petición: trackedKeys baja sin limpieza y cada check cuesta O(n).",
      en: "check deletes every ended window on each request: trackedKeys drops without a cleanup and each check costs O(n).",
    },
    file,
    patch: [
      [
        "    const window = this.windows.get(key);\n    // The first request",
        "    this.cleanup(at);\n    const window = this.windows.get(key);\n    // The first request",
      ],
    ],
  },
  {
    name: "cleanup-stops-at-first-open-window",
    breaks: [6],
    why: {
      es: "La limpieza para en la primera ventana abierta, suponiendo que el Map está en el orden en que se abrieron: una clave reabierta conserva su sitio.",
      en: "Cleanup stops at the first open window, assuming the Map is in the order windows opened: a reopened key keeps its place.",
    },
    file,
    patch: [
      [
        "      if (hasEnded(window, this.windowMs, at)) this.windows.delete(key);",
        "      // Windows are in the order they opened: the first open one means the rest are open too.\n      if (!hasEnded(window, this.windowMs, at)) break;\n      this.windows.delete(key);",
      ],
    ],
  },
  {
    name: "cleanup-scheduled-twice",
    breaks: [6],
    why: {
      es: "handleInfo programa la limpieza dos veces: los timers se duplican en cada limpieza.",
      en: "handleInfo schedules the cleanup twice: the timers double at every cleanup.",
    },
    file,
    patch: [
      ["        state.windows.cleanup(now());", "        state.windows.cleanup(now());\n        scheduleCleanup(state.cleanupIntervalMs);"],
    ],
    // 2^n cleanups by the n-th interval: the test of many intervals in a row stops it as a hang.
    hangs: true,
  },
  {
    name: "zero-cleanup-interval-unchecked",
    breaks: [1],
    why: {
      es: "Valida cleanupIntervalMs solo si es truthy: 0 pasa y la limpieza se programa cada 0 ms.",
      en: "Validates cleanupIntervalMs only when truthy: 0 gets through and the cleanup runs every 0 ms.",
    },
    file,
    patch: [
      ['if (option === "cleanupIntervalMs" && value === undefined) continue;', 'if (option === "cleanupIntervalMs" && !value) continue;'],
    ],
  },
  {
    name: "missing-options-accepted",
    breaks: [1],
    why: {
      es: "Salta la validación de toda opción que falta: start({ windowMs }) arranca sin limit.",
      en: "Skips validating any missing option: start({ windowMs }) starts with no limit.",
    },
    file,
    patch: [['if (option === "cleanupIntervalMs" && value === undefined) continue;', "if (value === undefined) continue;"]],
  },
  {
    name: "empty-string-key-rejected",
    breaks: [4],
    why: {
      es: 'Rechaza la clave "" con if (!key): la cadena vacía es un string como cualquier otro.',
      en: 'Rejects the key "" with if (!key): the empty string is a string like any other.',
    },
    file,
    patch: [['return typeof key === "string" ? null :', 'return key && typeof key === "string" ? null :']],
  },
  {
    name: "cleanup-default-one-minute",
    breaks: [6],
    why: {
      es: "Sin cleanupIntervalMs limpia cada 60 s en vez de cada windowMs.",
      en: "Without cleanupIntervalMs it cleans every 60 s instead of every windowMs.",
    },
    file,
    patch: [["options.cleanupIntervalMs ?? options.windowMs", "options.cleanupIntervalMs ?? 60_000"]],
  },
  {
    name: "reset-in-as-an-instant",
    breaks: [5],
    why: {
      es: "resetInMs da el instante en que termina la ventana (t0 + windowMs), no cuánto falta.",
      en: "resetInMs gives the instant the window ends (t0 + windowMs), not how long is left.",
    },
    file,
    patch: [["resetInMs: open.start + this.windowMs - at", "resetInMs: open.start + this.windowMs"]],
  },
  {
    name: "inspect-key-not-validated",
    breaks: [1],
    why: {
      es: "Solo check valida la clave; inspect manda cualquier cosa al servidor.",
      en: "Only check validates the key; inspect sends anything to the server.",
    },
    file,
    patch: [
      [
        '  const error = badKey("RateLimiter.inspect", key);\n  return error === null ? GenServer.call(limiter, { type: "inspect", key }) : Promise.reject(error);',
        '  return GenServer.call(limiter, { type: "inspect", key });',
      ],
    ],
  },
  {
    name: "cleanup-by-interval-age",
    breaks: [6],
    why: {
      es: "La limpieza borra las ventanas más viejas que cleanupIntervalMs en lugar de las que terminaron (windowMs).",
      en: "Cleanup deletes windows older than cleanupIntervalMs instead of those that ended (windowMs).",
    },
    file,
    patch: [
      ["  cleanup(at: number): void {", "  cleanup(at: number, maxAge: number): void {"],
      [
        "      if (hasEnded(window, this.windowMs, at)) this.windows.delete(key);",
        "      if (at - window.start >= maxAge) this.windows.delete(key);",
      ],
      ["        state.windows.cleanup(now());", "        state.windows.cleanup(now(), state.cleanupIntervalMs);"],
    ],
  },
  {
    name: "cleanup-capped-per-pass",
    breaks: [6],
    why: {
      es: "Cada limpieza borra como mucho 1000 claves, para no bloquear el servidor: las demás esperan a la siguiente.",
      en: "Each cleanup deletes at most 1000 keys, so as not to block the server: the rest wait for the next one.",
    },
    file,
    patch: [
      [
        "    for (const [key, window] of this.windows) {\n      if (hasEnded(window, this.windowMs, at)) this.windows.delete(key);\n    }",
        "    let removed = 0;\n    for (const [key, window] of this.windows) {\n      if (removed === 1_000) break;\n      if (hasEnded(window, this.windowMs, at)) {\n        this.windows.delete(key);\n        removed += 1;\n      }\n    }",
      ],
    ],
  },
];
