import type { Fixture } from "#protocol";

const START_LINK = "return GenServer.startLink(PriceWorker, symbol, { name: via(symbol) });";
const GET_CALL = '  return GenServer.call(via(symbol), { type: "get_price" });';
const SET_CAST = '  return GenServer.cast(via(symbol), { type: "set_price", price });';
const SET_RETURN = "        return noreply({ ...state, price: message.price });";

/** Known-wrong PriceWorkers: each must lose points on the tasks it breaks. */
export const fixtures: readonly Fixture[] = [
  {
    name: "local-name-instead-of-via",
    breaks: [1],
    why: {
      es: "Los workers se registran con un nombre local fijo, no con Registry.via: el segundo símbolo choca con el primero.",
      en: "Workers register under one fixed local name, not with Registry.via: the second symbol collides with the first.",
    },
    file: "price-worker.ts",
    patch: [["  return Registry.via(REGISTRY, symbol);", '  return GenServer.name("PriceWorker") as unknown as Via<PriceWorkerProtocol>;']],
  },
  {
    name: "not-registered",
    breaks: [1, 2, 3],
    why: {
      es: "startLink no registra el worker: nadie lo encuentra por su símbolo.",
      en: "startLink does not register the worker: nobody finds it by its symbol.",
    },
    file: "price-worker.ts",
    patch: [
      ["return GenServer.startLink(PriceWorker, symbol, { name: via(symbol) });", "return GenServer.startLink(PriceWorker, symbol);"],
    ],
  },
  {
    name: "started-outside-supervisor",
    breaks: [5],
    why: {
      es: "startWorker arranca el worker directamente, sin child spec ni supervisor: nadie lo reinicia.",
      en: "startWorker starts the worker directly, with no child spec and no supervisor: nobody restarts it.",
    },
    file: "price-worker.ts",
    patch: [["  return DynamicSupervisor.startChild(supervisor, childSpec(symbol));", "  void supervisor;\n  return startLink(symbol);"]],
  },
  {
    name: "temporary-child",
    breaks: [5],
    why: {
      es: 'El child spec dice restart: "temporary": un worker caído no vuelve.',
      en: 'The child spec says restart: "temporary": a crashed worker does not come back.',
    },
    file: "price-worker.ts",
    patch: [
      [
        "  return { id: symbol, start: () => startLink(symbol) };",
        '  return { id: symbol, start: () => startLink(symbol), restart: "temporary" };',
      ],
    ],
  },
  {
    name: "price-zero-at-start",
    breaks: [1, 2],
    why: { es: "Un worker empieza con precio 0 en vez de null.", en: "A worker starts with price 0 instead of null." },
    file: "price-worker.ts",
    patch: [["    return ok({ symbol, price: null });", "    return ok({ symbol, price: 0 as number | null });"]],
  },
  // Realistic mistakes written apart from the grader's tests (issue 14), each a single change a learner could make.
  {
    name: "start-link-not-linked",
    breaks: [1, 5],
    why: {
      es: "startLink llama a GenServer.start: el worker no queda enlazado, y su supervisor no se entera de su caída.",
      en: "startLink calls GenServer.start: the worker is not linked, and its supervisor does not learn of its crash.",
    },
    file: "price-worker.ts",
    patch: [[START_LINK, "return GenServer.start(PriceWorker, symbol, { name: via(symbol) });"]],
  },
  {
    name: "pid-looked-up-once",
    breaks: [4, 5],
    why: {
      es: "getPrice y setPrice guardan el pid que encontraron la primera vez: tras un reinicio hablan con un proceso muerto.",
      en: "getPrice and setPrice keep the pid they found the first time: after a restart they talk to a dead process.",
    },
    file: "price-worker.ts",
    patch: [
      [
        "function via(symbol: string): Via<PriceWorkerProtocol> {",
        "const known = new Map<string, Pid<PriceWorkerProtocol>>();\n\nfunction lookup(symbol: string): ServerRef<PriceWorkerProtocol> {\n  const cached = known.get(symbol);\n  if (cached !== undefined) return cached;\n  const pid = GenServer.whereis(via(symbol));\n  if (pid === null) return via(symbol);\n  known.set(symbol, pid);\n  return pid;\n}\n\nfunction via(symbol: string): Via<PriceWorkerProtocol> {",
      ],
      [GET_CALL, '  return GenServer.call(lookup(symbol), { type: "get_price" });'],
      [SET_CAST, '  return GenServer.cast(lookup(symbol), { type: "set_price", price });'],
    ],
  },
  {
    name: "set-price-to-cached-pid",
    breaks: [4, 5],
    why: {
      es: "setPrice manda al pid que encontró la primera vez: tras un reinicio el precio se pierde sin error.",
      en: "setPrice sends to the pid it found the first time: after a restart the price is lost without an error.",
    },
    file: "price-worker.ts",
    patch: [
      [
        "function via(symbol: string): Via<PriceWorkerProtocol> {",
        "const known = new Map<string, Pid<PriceWorkerProtocol>>();\n\nfunction via(symbol: string): Via<PriceWorkerProtocol> {",
      ],
      [
        SET_CAST,
        '  const pid = known.get(symbol) ?? GenServer.whereis(via(symbol));\n  if (pid !== null) known.set(symbol, pid);\n  return GenServer.cast(pid ?? via(symbol), { type: "set_price", price });',
      ],
    ],
  },
  {
    name: "prices-kept-in-module",
    breaks: [4, 5],
    why: {
      es: "Los precios viven en un Map del módulo, no en el estado del worker: un worker reiniciado responde el precio viejo.",
      en: "The prices live in a Map of the module, not in the worker's state: a restarted worker answers the old price.",
    },
    file: "price-worker.ts",
    patch: [
      ["export const PriceWorker:", "const prices = new Map<string, number>();\n\nexport const PriceWorker:"],
      ["        return reply(state.price, state);", "        return reply(prices.get(state.symbol) ?? null, state);"],
      [SET_RETURN, "        prices.set(state.symbol, message.price);\n        return noreply(state);"],
    ],
  },
  {
    name: "transient-child",
    breaks: [5],
    why: {
      es: 'El child spec dice restart: "transient": un worker que termina con reason normal no vuelve.',
      en: 'The child spec says restart: "transient": a worker that exits with reason normal does not come back.',
    },
    file: "price-worker.ts",
    patch: [
      [
        "  return { id: symbol, start: () => startLink(symbol) };",
        '  return { id: symbol, start: () => startLink(symbol), restart: "transient" };',
      ],
    ],
  },
  {
    name: "child-started-unlinked",
    breaks: [5],
    why: {
      es: "El child spec arranca el worker con GenServer.start: el supervisor no queda enlazado y no lo reinicia.",
      en: "The child spec starts the worker with GenServer.start: the supervisor is not linked and does not restart it.",
    },
    file: "price-worker.ts",
    patch: [
      [
        "  return { id: symbol, start: () => startLink(symbol) };",
        "  return { id: symbol, start: () => GenServer.start(PriceWorker, symbol, { name: via(symbol) }) };",
      ],
    ],
  },
  {
    name: "zero-price-read-as-none",
    breaks: [2],
    why: {
      es: "get_price responde price || null: un precio 0 se lee como «sin precio».",
      en: 'get_price answers price || null: a price of 0 reads as "no price".',
    },
    file: "price-worker.ts",
    patch: [["        return reply(state.price, state);", "        return reply(state.price || null, state);"]],
  },
  {
    name: "zero-price-ignored",
    breaks: [2],
    why: { es: "set_price descarta un precio 0 (if (!price)).", en: "set_price drops a price of 0 (if (!price))." },
    file: "price-worker.ts",
    patch: [[SET_RETURN, `        if (!message.price) return noreply(state);\n${SET_RETURN}`]],
  },
  {
    name: "set-price-async",
    breaks: [2],
    why: {
      es: 'setPrice es async: devuelve una promesa, no "ok" en el acto.',
      en: 'setPrice is async: it returns a promise, not "ok" at once.',
    },
    file: "price-worker.ts",
    patch: [
      [
        'export function setPrice(symbol: string, price: number): "ok" {',
        'export async function setPrice(symbol: string, price: number): Promise<"ok"> {',
      ],
    ],
  },
  {
    name: "keeps-first-price",
    breaks: [2],
    why: {
      es: "set_price solo guarda si no había precio: se queda el primero.",
      en: "set_price stores only when there was no price: the first one stays.",
    },
    file: "price-worker.ts",
    patch: [[SET_RETURN, "        return noreply({ ...state, price: state.price ?? message.price });"]],
  },
  {
    name: "get-price-swallows-noproc",
    breaks: [2],
    why: {
      es: "getPrice devuelve null cuando no hay worker, en vez de fallar con noproc.",
      en: "getPrice returns null when there is no worker, instead of failing with noproc.",
    },
    file: "price-worker.ts",
    patch: [[GET_CALL, '  return GenServer.call(via(symbol), { type: "get_price" }).catch(() => null);']],
  },
  {
    name: "start-link-returns-running",
    breaks: [3],
    why: {
      es: "startLink devuelve el worker que ya corre para el símbolo en vez de fallar con already_started.",
      en: "startLink returns the worker already running for the symbol instead of failing with already_started.",
    },
    file: "price-worker.ts",
    patch: [
      [
        START_LINK,
        `const running = GenServer.whereis(via(symbol));\n  if (running !== null) return Promise.resolve(running);\n  ${START_LINK}`,
      ],
    ],
  },
  {
    name: "registry-name-typo",
    breaks: [1, 2],
    why: { es: "via usa otro nombre de Registry que REGISTRY.", en: "via uses another Registry name than REGISTRY." },
    file: "price-worker.ts",
    patch: [["  return Registry.via(REGISTRY, symbol);", '  return Registry.via("PriceWorkersRegistry", symbol);']],
  },
  {
    name: "start-worker-also-links-caller",
    breaks: [5],
    why: {
      es: "startWorker arranca el worker con startLink (enlazado a quien llama) y luego lo da al supervisor con otro id: el supervisor no lo arranca él.",
      en: "startWorker starts the worker with startLink (linked to the caller) and only then hands a spec to the supervisor.",
    },
    file: "price-worker.ts",
    patch: [
      [
        "  return DynamicSupervisor.startChild(supervisor, childSpec(symbol));",
        "  const pid = await startLink(symbol);\n  await DynamicSupervisor.startChild(supervisor, { id: symbol, start: async () => pid });\n  return pid;",
      ],
      ["export function startWorker(", "export async function startWorker("],
    ],
  },
];
