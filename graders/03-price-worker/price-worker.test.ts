import fc from "fast-check";
import { beforeEach, it } from "vitest";
import {
  assertAnswer,
  assertEqual,
  assertModel,
  assertRejects,
  ExitError,
  examples,
  fail,
  gradeTask,
  StartError,
  startProbe,
  startServer,
  subject,
  type Text,
  t,
  testName,
} from "#grading";
import type * as Impl from "#impl/03-price-worker/price-worker.ts";
import type { Pid, SupervisorProtocol } from "#runtime";

const PriceWorker = subject.module<typeof Impl>();
const { DynamicSupervisor, GenServer, Process, Registry, Sys } = subject.runtime;

type Worker = Pid<Impl.PriceWorkerProtocol>;

/** The chapter's registry name: the grader's own, which the exercise's REGISTRY must match. */
const REGISTRY = "PriceWorkerRegistry";

// The chapter's Application starts the Registry before any worker; here each test gets a fresh one (the subject
// stops it after the test, with the workers and supervisors the test started).
beforeEach(async () => {
  await Registry.start({ keys: "unique", name: REGISTRY });
});

/** Starts `symbol`'s worker for this test (the subject stops it after the test). */
function startWorker(symbol: string): Promise<Worker> {
  return startServer(`PriceWorker.startLink(${JSON.stringify(symbol)})`, () => PriceWorker.startLink(symbol));
}

function startSupervised(sup: Pid<SupervisorProtocol>, symbol: string): Promise<Pid> {
  return startServer(`PriceWorker.startWorker(supervisor, ${JSON.stringify(symbol)})`, () => PriceWorker.startWorker(sup, symbol));
}

/**
 * A DynamicSupervisor for this test. Its restart intensity is raised far above the default 3 restarts in 5 s: the
 * tests crash workers many times in a few milliseconds, which is not what the intensity guards against.
 */
function startSupervisor(): Promise<Pid<SupervisorProtocol>> {
  return startServer("DynamicSupervisor.start()", () => DynamicSupervisor.start({ maxRestarts: 10_000, maxSeconds: 1 }));
}

/** The pid registered under `symbol`, as the runtime sees it. */
const registered = (symbol: string): Promise<Pid | null> => GenServer.whereis(Registry.via(REGISTRY, symbol));

const q = (text: string): string => JSON.stringify(text);

const registeredText = (symbol: string): string => `GenServer.whereis(Registry.via(REGISTRY, ${JSON.stringify(symbol)}))`;

const viaNote: Text = {
  es: "startLink debe pasar { name: Registry.via(REGISTRY, symbol) } a GenServer.startLink: el nombre es el símbolo dentro del Registry.",
  en: "startLink should pass { name: Registry.via(REGISTRY, symbol) } to GenServer.startLink: the name is the symbol inside the Registry.",
};

/** Kills a worker, as a crash would, and waits until the Registry and a supervisor (if any) have seen it. */
async function crash(pid: Pid, sup?: Pid<SupervisorProtocol>): Promise<void> {
  await Process.exit(pid, "kill");
  if (sup !== undefined) await DynamicSupervisor.countChildren(sup);
}

/** Checks what getPrice answers; a getPrice that throws shows what it threw and where. */
function expectPrice(symbol: string, expected: number | null, options: { readonly call: string; readonly note?: Text }): Promise<unknown> {
  return assertAnswer(PriceWorker.getPrice(symbol), expected, options);
}

const lookupNote: Text = {
  es: "getPrice y setPrice buscan el worker por Registry.via(REGISTRY, symbol) en cada llamada: tras un reinicio, el símbolo lleva al worker nuevo. Un pid guardado de antes es el de un proceso muerto.",
  en: "getPrice and setPrice look the worker up by Registry.via(REGISTRY, symbol) on every call: after a restart, the symbol leads to the new worker. A pid kept from before is a dead process's.",
};

const freshNote: Text = {
  es: "El worker nuevo empieza sin precio (price: null): el precio vive en el estado del worker, no fuera de él.",
  en: "The new worker starts with no price (price: null): the price lives in the worker's state, not outside it.",
};

/**
 * Checks the client functions on a symbol whose worker was replaced: no price yet, then the price set. `before`
 * says what was done, for the message.
 */
async function expectFreshWorkerReached(symbol: string, price: number, before: string): Promise<void> {
  await expectPrice(symbol, null, { call: `${before}; await PriceWorker.getPrice(${q(symbol)})`, note: freshNote });
  await PriceWorker.setPrice(symbol, price);
  await expectPrice(symbol, price, {
    call: `${before}; PriceWorker.setPrice(${q(symbol)}, ${price}); await PriceWorker.getPrice(${q(symbol)})`,
    note: lookupNote,
  });
}

/** Sets a price through the client and reads it back, so that whatever a client function keeps is filled now. */
async function setAndRead(symbol: string, price: number): Promise<void> {
  await PriceWorker.setPrice(symbol, price);
  await expectPrice(symbol, price, { call: `PriceWorker.setPrice(${q(symbol)}, ${price}); await PriceWorker.getPrice(${q(symbol)})` });
}

gradeTask(1, () => {
  it(
    testName({
      en: "should register the worker under its symbol in the Registry",
      es: "debería registrar el worker con su símbolo en el Registry",
    }),
    async () => {
      const symbol = examples().symbol();
      assertEqual(PriceWorker.REGISTRY, REGISTRY, { call: "PriceWorker.REGISTRY" });
      const pid = await startWorker(symbol);
      assertEqual(await registered(symbol), pid, {
        call: `${registeredText(symbol)} // PriceWorker.startLink(${q(symbol)})`,
        note: viaNote,
      });
      assertEqual(
        await Sys.getState(pid),
        { symbol, price: null },
        {
          call: `Sys.getState(await PriceWorker.startLink(${q(symbol)}))`,
          note: {
            es: "init recibe el símbolo y devuelve ok({ symbol, price: null }).",
            en: "init receives the symbol and returns ok({ symbol, price: null }).",
          },
        },
      );
    },
  );

  it(
    testName({
      en: "should start one worker per symbol, each under its own symbol",
      es: "debería arrancar un worker por símbolo, cada uno con su símbolo",
    }),
    async () => {
      const ex = examples();
      const symbols = ex.symbols(ex.int(2, 4));
      const pids: Pid[] = [];
      for (const symbol of symbols) pids.push(await startWorker(symbol));
      for (const [i, symbol] of symbols.entries()) {
        assertEqual(await registered(symbol), pids[i], { call: registeredText(symbol), note: viaNote });
        assertEqual(
          await Sys.getState(pids[i] as Pid),
          { symbol, price: null },
          { call: `Sys.getState(await PriceWorker.startLink(${q(symbol)}))` },
        );
      }
    },
  );

  it(
    testName({ en: "should link the worker to the process that starts it", es: "debería enlazar el worker al proceso que lo arranca" }),
    async () => {
      const symbol = examples().symbol();
      const caller = await startProbe();
      const pid = await startServer(`PriceWorker.startLink(${q(symbol)})`, () => caller.run(() => PriceWorker.startLink(symbol)));
      await caller.stop({ crashed: "caller" });
      const crashText = t({ es: "quien lo arrancó termina con error", en: "its caller exits with an error" });
      assertEqual(await Process.alive(pid), false, {
        call: `const pid = await PriceWorker.startLink(${q(symbol)}); /* ${crashText} */ Process.alive(pid)`,
        note: {
          es: "startLink usa GenServer.startLink: el worker queda enlazado a quien lo arranca (su supervisor) y cae con él.",
          en: "startLink uses GenServer.startLink: the worker is linked to its caller (its supervisor) and goes down with it.",
        },
      });
    },
  );
});

gradeTask(2, () => {
  it(testName({ en: "should give null before any price is set", es: "debería dar null antes de que se fije un precio" }), async () => {
    const symbol = examples().symbol();
    await startWorker(symbol);
    await expectPrice(symbol, null, {
      call: `await PriceWorker.getPrice(${q(symbol)})`,
      note: {
        es: "Sin precio, getPrice responde null (ni 0 ni undefined).",
        en: "With no price, getPrice answers null (neither 0 nor undefined).",
      },
    });
  });

  it(
    testName({ en: "should give the last price set for the symbol", es: "debería dar el último precio fijado para el símbolo" }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [first, last] = ex.prices(2) as [number, number];
      await startWorker(symbol);
      // Whether it answered at once, too: a promise that resolves to "ok" is not what GenServer.cast returns.
      const set = await PriceWorker.setPrice.withTiming(symbol, first);
      assertEqual(
        { returned: set.value, atOnce: set.sync },
        { returned: "ok", atOnce: true },
        {
          call: `PriceWorker.setPrice(${q(symbol)}, ${first})`,
          note: { es: 'setPrice es un cast: GenServer.cast devuelve "ok".', en: 'setPrice is a cast: GenServer.cast returns "ok".' },
        },
      );
      await PriceWorker.setPrice(symbol, last);
      await expectPrice(symbol, last, {
        call: `PriceWorker.setPrice(${q(symbol)}, ${first}); PriceWorker.setPrice(${q(symbol)}, ${last}); await PriceWorker.getPrice(${q(symbol)})`,
        note: { es: "Un precio nuevo reemplaza al anterior.", en: "A new price replaces the previous one." },
      });
    },
  );

  it(testName({ en: "should keep a price of 0 like any other", es: "debería guardar un precio de 0 como cualquier otro" }), async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    await startWorker(symbol);
    await PriceWorker.setPrice(symbol, price);
    await PriceWorker.setPrice(symbol, 0);
    await expectPrice(symbol, 0, {
      call: `PriceWorker.setPrice(${q(symbol)}, ${price}); PriceWorker.setPrice(${q(symbol)}, 0); await PriceWorker.getPrice(${q(symbol)})`,
      note: {
        es: "0 es un precio, distinto de null («sin precio»): setPrice lo guarda y getPrice lo responde. `price || null` o `if (!price)` lo pierden.",
        en: "0 is a price, unlike null (“no price”): setPrice stores it and getPrice answers it. `price || null` or `if (!price)` lose it.",
      },
    });
  });

  it(
    testName({
      en: "should keep each symbol's price in its own worker",
      es: "debería guardar el precio de cada símbolo en su propio worker",
    }),
    async () => {
      const ex = examples();
      const [one, two] = ex.symbols(2) as [string, string];
      const [onePrice, twoPrice] = ex.prices(2) as [number, number];
      const oneWorker = await startWorker(one);
      const twoWorker = await startWorker(two);
      await PriceWorker.setPrice(one, onePrice);
      await PriceWorker.setPrice(two, twoPrice);
      await expectPrice(two, twoPrice, {
        call: `PriceWorker.setPrice(${q(one)}, ${onePrice}); PriceWorker.setPrice(${q(two)}, ${twoPrice}); await PriceWorker.getPrice(${q(two)})`,
      });
      await expectPrice(one, onePrice, { call: `await PriceWorker.getPrice(${q(one)})` });
      assertEqual(
        await Sys.getState(oneWorker),
        { symbol: one, price: onePrice },
        { call: `Sys.getState(await PriceWorker.startLink(${q(one)}))` },
      );
      assertEqual(
        await Sys.getState(twoWorker),
        { symbol: two, price: twoPrice },
        { call: `Sys.getState(await PriceWorker.startLink(${q(two)}))` },
      );
    },
  );

  it(
    testName({ en: "should fail with noproc for a symbol that has no worker", es: "debería fallar con noproc para un símbolo sin worker" }),
    async () => {
      const [started, missing] = examples().symbols(2) as [string, string];
      await startWorker(started);
      await assertRejects(() => PriceWorker.getPrice(missing), {
        call: `PriceWorker.startLink(${q(started)}); await PriceWorker.getPrice(${q(missing)})`,
        expected: { es: 'un ExitError con reason "noproc"', en: 'an ExitError with reason "noproc"' },
        check: (error) => error instanceof ExitError && error.reason === "noproc",
        note: {
          es: "getPrice llama a Registry.via(REGISTRY, symbol) con GenServer.call: si nadie tiene ese nombre, el runtime falla con noproc.",
          en: "getPrice calls Registry.via(REGISTRY, symbol) with GenServer.call: if nobody holds that name, the runtime fails with noproc.",
        },
      });
    },
  );
});

gradeTask(3, () => {
  it(
    testName({
      en: "should refuse a second worker for the same symbol with already_started",
      es: "debería rechazar un segundo worker para el mismo símbolo con already_started",
    }),
    async () => {
      const symbol = examples().symbol();
      const first = await startWorker(symbol);
      const error = await assertRejects(() => PriceWorker.startLink(symbol), {
        call: `PriceWorker.startLink(${q(symbol)}) // ${t({ es: "por segunda vez", en: "a second time" })}`,
        expected: { es: "un StartError con reason { already_started: pid }", en: "a StartError with reason { already_started: pid }" },
        check: (e) => e instanceof StartError,
        note: viaNote,
      });
      assertEqual((error as StartError).reason, { already_started: first }, { call: "(error as StartError).reason" });
    },
  );

  it(
    testName({
      en: "should keep the first worker running and reachable after a duplicate",
      es: "debería mantener el primer worker en marcha y localizable tras un duplicado",
    }),
    async () => {
      const symbol = examples().symbol();
      const first = await startWorker(symbol);
      // Refused or not, what matters is the first worker (a second one, if started, is stopped after the test).
      await PriceWorker.startLink(symbol).catch(() => undefined);
      assertEqual(await Process.alive(first), true, {
        call: `PriceWorker.startLink(${q(symbol)}); PriceWorker.startLink(${q(symbol)}); Process.alive(first)`,
      });
      assertEqual(await registered(symbol), first, { call: registeredText(symbol), note: viaNote });
    },
  );
});

gradeTask(4, () => {
  it(testName({ en: "should free the symbol of a crashed worker", es: "debería liberar el símbolo de un worker caído" }), async () => {
    const symbol = examples().symbol();
    const pid = await startWorker(symbol);
    assertEqual(await registered(symbol), pid, { call: registeredText(symbol), note: viaNote });
    await crash(pid);
    assertEqual(await registered(symbol), null, {
      call: `Process.exit(worker, "kill"); ${registeredText(symbol)}`,
      note: { es: "El Registry borra el nombre de un proceso que termina.", en: "The Registry removes the name of a process that exits." },
    });
  });

  it(
    testName({
      en: "should start a new worker for the symbol after a crash, reached by getPrice and setPrice",
      es: "debería arrancar un worker nuevo para el símbolo tras una caída, al que llegan getPrice y setPrice",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [before, after] = ex.prices(2) as [number, number];
      const old = await startWorker(symbol);
      await setAndRead(symbol, before);
      await crash(old);
      const pid = await startWorker(symbol);
      assertEqual(pid === old, false, { call: `Process.exit(worker, "kill"); (await PriceWorker.startLink(${q(symbol)})) === worker` });
      assertEqual(await registered(symbol), pid, { call: registeredText(symbol), note: viaNote });
      assertEqual(await Sys.getState(pid), { symbol, price: null }, { call: `Sys.getState(await PriceWorker.startLink(${q(symbol)}))` });
      await expectFreshWorkerReached(
        symbol,
        after,
        `PriceWorker.setPrice(${q(symbol)}, ${before}); Process.exit(worker, "kill"); PriceWorker.startLink(${q(symbol)})`,
      );
    },
  );
});

gradeTask(5, () => {
  const supervisedNote: Text = {
    es: "startWorker llama a DynamicSupervisor.startChild(supervisor, { id: symbol, start: () => startLink(symbol) }): el supervisor arranca el worker y lo vigila.",
    en: "startWorker calls DynamicSupervisor.startChild(supervisor, { id: symbol, start: () => startLink(symbol) }): the supervisor starts the worker and watches it.",
  };

  /** The worker now registered under `symbol`, which must be another than `old`: the supervisor restarted it. */
  async function restarted(symbol: string, old: Pid, what: string): Promise<Pid> {
    const now = await registered(symbol);
    const call = `${what}; ${registeredText(symbol)}`;
    if (now === null) {
      fail({
        es: `${call}\nNadie tiene el símbolo: el supervisor no reinició el worker.\nPista: ${supervisedNote.es} Sin restart, el hijo es "permanent" y vuelve termine como termine; no uses "temporary" ni "transient".`,
        en: `${call}\nNobody holds the symbol: the supervisor did not restart the worker.\nHint: ${supervisedNote.en} Without restart, the child is "permanent" and comes back however it exited; do not use "temporary" or "transient".`,
      });
    }
    assertEqual(now === old, false, { call: `${call} === worker` });
    return now;
  }

  it(
    testName({
      en: "should start the worker under the supervisor, reachable by its symbol",
      es: "debería arrancar el worker bajo el supervisor, localizable por su símbolo",
    }),
    async () => {
      const symbol = examples().symbol();
      const sup = await startSupervisor();
      const pid = await startSupervised(sup, symbol);
      const children = (await DynamicSupervisor.whichChildren(sup)).map((child) => child.pid);
      assertEqual(children, [pid], { call: `(await DynamicSupervisor.whichChildren(supervisor)).map((c) => c.pid)`, note: supervisedNote });
      assertEqual(await registered(symbol), pid, { call: registeredText(symbol), note: viaNote });
    },
  );

  it(
    testName({
      en: "should restart a crashed worker, reached by getPrice and setPrice again",
      es: "debería reiniciar un worker caído, al que vuelven a llegar getPrice y setPrice",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [before, after] = ex.prices(2) as [number, number];
      const sup = await startSupervisor();
      const old = await startSupervised(sup, symbol);
      await setAndRead(symbol, before);
      await crash(old, sup);
      const now = await restarted(symbol, old, `Process.exit(worker, "kill")`);
      assertEqual(await Sys.getState(now), { symbol, price: null }, { call: `Sys.getState(${registeredText(symbol)})`, note: freshNote });
      await expectFreshWorkerReached(symbol, after, `PriceWorker.setPrice(${q(symbol)}, ${before}); Process.exit(worker, "kill")`);
    },
  );

  it(
    testName({
      en: "should restart a worker that stops normally too",
      es: "debería reiniciar también un worker que para de forma normal",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const sup = await startSupervisor();
      const old = await startSupervised(sup, symbol);
      await GenServer.stop(old);
      await DynamicSupervisor.countChildren(sup);
      await restarted(symbol, old, "await GenServer.stop(worker)");
      await expectFreshWorkerReached(symbol, ex.price(), "await GenServer.stop(worker)");
    },
  );

  it(testName({ en: "should restart only the crashed worker", es: "debería reiniciar solo el worker caído" }), async () => {
    const ex = examples();
    const [crashed, kept] = ex.symbols(2) as [string, string];
    const price = ex.price();
    const sup = await startSupervisor();
    const crashedWorker = await startSupervised(sup, crashed);
    const keptWorker = await startSupervised(sup, kept);
    await PriceWorker.setPrice(kept, price);
    await crash(crashedWorker, sup);
    assertEqual(await registered(kept), keptWorker, { call: `Process.exit(${q(crashed)} worker, "kill"); ${registeredText(kept)}` });
    await expectPrice(kept, price, {
      call: `PriceWorker.setPrice(${q(kept)}, ${price}); Process.exit(${q(crashed)} worker, "kill"); await PriceWorker.getPrice(${q(kept)})`,
    });
    await restarted(crashed, crashedWorker, `Process.exit(${q(crashed)} worker, "kill")`);
  });

  it(
    testName({
      en: "should answer every symbol's last price through any sequence of prices, crashes and restarts",
      es: "debería responder el último precio de cada símbolo en cualquier secuencia de precios, caídas y reinicios",
    }),
    async () => {
      type Model = { prices: Map<string, number | null> };
      type Real = { sup: Pid<SupervisorProtocol> };
      const symbols = examples().symbols(3);
      const symbol = fc.constantFrom(...symbols);
      const price = fc.oneof(
        fc.constant(0),
        fc.double({ min: 0.01, max: 100_000, noNaN: true }).map((p) => Math.round(p * 100) / 100),
      );
      const setCommand = fc.tuple(symbol, price).map(
        ([s, p]): fc.AsyncCommand<Model, Real> => ({
          check: () => true,
          run: async (model) => {
            await PriceWorker.setPrice(s, p);
            model.prices.set(s, p);
          },
          toString: () => `PriceWorker.setPrice(${q(s)}, ${p})`,
        }),
      );
      const getCommand = symbol.map(
        (s): fc.AsyncCommand<Model, Real> => ({
          check: () => true,
          run: async (model) => {
            await expectPrice(s, model.prices.get(s) ?? null, { call: `await PriceWorker.getPrice(${q(s)})`, note: lookupNote });
          },
          toString: () => `await PriceWorker.getPrice(${q(s)})`,
        }),
      );
      const exitCommand = fc.tuple(symbol, fc.constantFrom("kill", "normal")).map(
        ([s, how]): fc.AsyncCommand<Model, Real> => ({
          check: () => true,
          run: async (model, real) => {
            const pid = await registered(s);
            if (pid === null)
              fail({
                es: `${registeredText(s)} es null: el worker no volvió.`,
                en: `${registeredText(s)} is null: the worker did not come back.`,
              });
            if (how === "kill") await Process.exit(pid, "kill");
            else await GenServer.stop(pid);
            await DynamicSupervisor.countChildren(real.sup);
            model.prices.set(s, null);
          },
          toString: () => (how === "kill" ? `Process.exit(${q(s)} worker, "kill")` : `await GenServer.stop(${q(s)} worker)`),
        }),
      );
      await assertModel<Model, Real>({
        setup: async () => {
          const sup = await startSupervisor();
          for (const s of symbols) await startSupervised(sup, s);
          return { model: { prices: new Map(symbols.map((s) => [s, null])) }, real: { sup }, cleanup: () => GenServer.stop(sup) };
        },
        commands: [setCommand, getCommand, exitCommand],
        numRuns: 30,
        maxCommands: 30,
        size: "medium",
      });
    },
  );
});
