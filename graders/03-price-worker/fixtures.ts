import type { Fixture } from "#protocol";

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
];
