import { beforeEach, it } from "vitest";
import { assertEqual, assertRejects, ExitError, examples, fail, gradeTask, StartError, startServer, subject, type Text, t } from "#grading";
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

function reasonOf(error: unknown): string {
  // The runtime's errors already show their reason in the message.
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts `symbol`'s worker for this test (the subject stops it after the test). */
function startWorker(symbol: string): Promise<Worker> {
  return startServer(`PriceWorker.startLink(${JSON.stringify(symbol)})`, () => PriceWorker.startLink(symbol));
}

function startSupervised(sup: Pid<SupervisorProtocol>, symbol: string): Promise<Pid> {
  return startServer(`PriceWorker.startWorker(supervisor, ${JSON.stringify(symbol)})`, () => PriceWorker.startWorker(sup, symbol));
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

async function getPrice(symbol: string, when?: string): Promise<number | null> {
  const call = `await PriceWorker.getPrice(${JSON.stringify(symbol)})${when === undefined ? "" : ` // ${when}`}`;
  try {
    return await PriceWorker.getPrice(symbol);
  } catch (error) {
    fail({ es: `${call} falló: ${reasonOf(error)}`, en: `${call} failed: ${reasonOf(error)}` });
  }
}

gradeTask(1, () => {
  it("should register the worker under its symbol in the Registry", async () => {
    const symbol = examples().symbol();
    assertEqual(PriceWorker.REGISTRY, REGISTRY, { call: "PriceWorker.REGISTRY" });
    const pid = await startWorker(symbol);
    assertEqual(await registered(symbol), pid, { call: `${registeredText(symbol)} // PriceWorker.startLink(${q(symbol)})`, note: viaNote });
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
  });

  it("should start one worker per symbol, each under its own symbol", async () => {
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
  });
});

gradeTask(2, () => {
  it("should give null before any price is set", async () => {
    const symbol = examples().symbol();
    await startWorker(symbol);
    assertEqual(await getPrice(symbol), null, {
      call: `await PriceWorker.getPrice(${q(symbol)})`,
      note: {
        es: "Sin precio, getPrice responde null (ni 0 ni undefined).",
        en: "With no price, getPrice answers null (neither 0 nor undefined).",
      },
    });
  });

  it("should give the last price set for the symbol", async () => {
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
    assertEqual(await getPrice(symbol), last, {
      call: `PriceWorker.setPrice(${q(symbol)}, ${first}); PriceWorker.setPrice(${q(symbol)}, ${last}); await PriceWorker.getPrice(${q(symbol)})`,
    });
  });

  it("should keep each symbol's price in its own worker", async () => {
    const ex = examples();
    const [one, two] = ex.symbols(2) as [string, string];
    const [onePrice, twoPrice] = ex.prices(2) as [number, number];
    const oneWorker = await startWorker(one);
    const twoWorker = await startWorker(two);
    await PriceWorker.setPrice(one, onePrice);
    await PriceWorker.setPrice(two, twoPrice);
    assertEqual(await getPrice(two), twoPrice, {
      call: `PriceWorker.setPrice(${q(one)}, ${onePrice}); PriceWorker.setPrice(${q(two)}, ${twoPrice}); await PriceWorker.getPrice(${q(two)})`,
    });
    assertEqual(await getPrice(one), onePrice, { call: `await PriceWorker.getPrice(${q(one)})` });
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
  });

  it("should fail with noproc for a symbol that has no worker", async () => {
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
  });
});

gradeTask(3, () => {
  it("should refuse a second worker for the same symbol with already_started", async () => {
    const symbol = examples().symbol();
    const first = await startWorker(symbol);
    const error = await assertRejects(() => PriceWorker.startLink(symbol), {
      call: `PriceWorker.startLink(${q(symbol)}) // ${t({ es: "por segunda vez", en: "a second time" })}`,
      expected: { es: "un StartError con reason { already_started: pid }", en: "a StartError with reason { already_started: pid }" },
      check: (e) => e instanceof StartError,
      note: viaNote,
    });
    assertEqual((error as StartError).reason, { already_started: first }, { call: "(error as StartError).reason" });
  });

  it("should keep the first worker running and reachable after a duplicate", async () => {
    const symbol = examples().symbol();
    const first = await startWorker(symbol);
    // Refused or not, what matters is the first worker (a second one, if started, is stopped after the test).
    await PriceWorker.startLink(symbol).catch(() => undefined);
    assertEqual(await Process.alive(first), true, {
      call: `PriceWorker.startLink(${q(symbol)}); PriceWorker.startLink(${q(symbol)}); Process.alive(first)`,
    });
    assertEqual(await registered(symbol), first, { call: registeredText(symbol), note: viaNote });
  });
});

gradeTask(4, () => {
  it("should free the symbol of a crashed worker", async () => {
    const symbol = examples().symbol();
    const pid = await startWorker(symbol);
    assertEqual(await registered(symbol), pid, { call: registeredText(symbol), note: viaNote });
    await crash(pid);
    assertEqual(await registered(symbol), null, {
      call: `Process.exit(worker, "kill"); ${registeredText(symbol)}`,
      note: { es: "El Registry borra el nombre de un proceso que termina.", en: "The Registry removes the name of a process that exits." },
    });
  });

  it("should start a new worker for the symbol after a crash", async () => {
    const symbol = examples().symbol();
    const old = await startWorker(symbol);
    await crash(old);
    const pid = await startWorker(symbol);
    assertEqual(pid === old, false, { call: `Process.exit(worker, "kill"); (await PriceWorker.startLink(${q(symbol)})) === worker` });
    assertEqual(await registered(symbol), pid, { call: registeredText(symbol), note: viaNote });
    assertEqual(await Sys.getState(pid), { symbol, price: null }, { call: `Sys.getState(await PriceWorker.startLink(${q(symbol)}))` });
  });
});

gradeTask(5, () => {
  const supervisedNote: Text = {
    es: "startWorker llama a DynamicSupervisor.startChild(supervisor, { id: symbol, start: () => startLink(symbol) }): el supervisor arranca el worker y lo vigila.",
    en: "startWorker calls DynamicSupervisor.startChild(supervisor, { id: symbol, start: () => startLink(symbol) }): the supervisor starts the worker and watches it.",
  };

  it("should start the worker under the supervisor, reachable by its symbol", async () => {
    const symbol = examples().symbol();
    const sup = await DynamicSupervisor.start();
    const pid = await startSupervised(sup, symbol);
    const children = (await DynamicSupervisor.whichChildren(sup)).map((child) => child.pid);
    assertEqual(children, [pid], { call: `(await DynamicSupervisor.whichChildren(supervisor)).map((c) => c.pid)`, note: supervisedNote });
    assertEqual(await registered(symbol), pid, { call: registeredText(symbol), note: viaNote });
  });

  it("should restart a crashed worker, reachable by its symbol again", async () => {
    const symbol = examples().symbol();
    const sup = await DynamicSupervisor.start();
    const old = await startSupervised(sup, symbol);
    await crash(old, sup);
    const now = await registered(symbol);
    const call = `Process.exit(worker, "kill"); ${registeredText(symbol)}`;
    if (now === null) {
      fail({
        es: `${call}\nNadie tiene el símbolo tras la caída: el supervisor no reinició el worker.\nPista: ${supervisedNote.es} No uses restart: "temporary".`,
        en: `${call}\nNobody holds the symbol after the crash: the supervisor did not restart the worker.\nHint: ${supervisedNote.en} Do not use restart: "temporary".`,
      });
    }
    assertEqual(now === old, false, { call: `${call} === worker` });
    assertEqual(await Sys.getState(now), { symbol, price: null }, { call: `Sys.getState(${registeredText(symbol)})` });
  });

  it("should restart only the crashed worker", async () => {
    const ex = examples();
    const [crashed, kept] = ex.symbols(2) as [string, string];
    const price = ex.price();
    const sup = await DynamicSupervisor.start();
    const crashedWorker = await startSupervised(sup, crashed);
    const keptWorker = await startSupervised(sup, kept);
    const state = (await Sys.getState(keptWorker)) as Impl.PriceWorkerState;
    await Sys.replaceState(keptWorker, { ...state, price });
    await crash(crashedWorker, sup);
    assertEqual(await registered(kept), keptWorker, { call: `Process.exit(${q(crashed)} worker, "kill"); ${registeredText(kept)}` });
    assertEqual(await Sys.getState(keptWorker), { symbol: kept, price }, { call: `Sys.getState(${q(kept)} worker)` });
    const restarted = await registered(crashed);
    assertEqual(restarted !== null && restarted !== crashedWorker, true, {
      call: `${registeredText(crashed)} !== ${q(crashed)} worker`,
      note: { es: "El worker caído vuelve con un pid nuevo.", en: "The crashed worker comes back with a new pid." },
    });
  });
});
