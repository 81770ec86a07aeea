import { afterEach, beforeEach, it } from "vitest";
import { assertEqual, assertRejects, fail, gradeTask, type Text } from "#grading";
import * as PriceWorker from "#impl/03-price-worker/price-worker.ts";
import {
  DynamicSupervisor,
  ExitError,
  GenServer,
  type Pid,
  Process,
  Registry,
  type RegistryProtocol,
  StartError,
  type SupervisorProtocol,
  Sys,
} from "#runtime";

type Worker = Pid<PriceWorker.PriceWorkerProtocol>;

/** The chapter's registry name: the grader's own, which the exercise's REGISTRY must match. */
const REGISTRY = "PriceWorkerRegistry";

let registry: Pid<RegistryProtocol> | null = null;
const workers: Pid[] = [];
const supervisors: Pid<SupervisorProtocol>[] = [];

// The chapter's Application starts the Registry before any worker; here each test gets a fresh one.
beforeEach(async () => {
  registry = await Registry.start({ keys: "unique", name: REGISTRY });
});

afterEach(async () => {
  for (const sup of supervisors.splice(0)) {
    if (Process.alive(sup)) await GenServer.stop(sup).catch(() => undefined);
  }
  for (const pid of workers.splice(0)) {
    if (Process.alive(pid)) await GenServer.stop(pid).catch(() => undefined);
  }
  if (registry !== null && Process.alive(registry)) await GenServer.stop(registry).catch(() => undefined);
  registry = null;
});

function reasonOf(error: unknown): string {
  // The runtime's errors already show their reason in the message.
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts `symbol`'s worker for this test (stopped after it); a failure to start reads as the call that failed. */
async function startWorker(symbol: string): Promise<Worker> {
  const call = `PriceWorker.startLink(${JSON.stringify(symbol)})`;
  let pid: Worker;
  try {
    pid = await PriceWorker.startLink(symbol);
  } catch (error) {
    fail({
      es: `${call} falló: ${reasonOf(error)}\nSin un worker en marcha no se puede comprobar nada más de esta tarea.`,
      en: `${call} failed: ${reasonOf(error)}\nWithout a running worker nothing else of this task can be checked.`,
    });
  }
  workers.push(pid);
  return pid;
}

async function startSupervisor(): Promise<Pid<SupervisorProtocol>> {
  const sup = await DynamicSupervisor.start();
  supervisors.push(sup);
  return sup;
}

async function startSupervised(sup: Pid<SupervisorProtocol>, symbol: string): Promise<Pid> {
  const call = `PriceWorker.startWorker(supervisor, ${JSON.stringify(symbol)})`;
  try {
    return await PriceWorker.startWorker(sup, symbol);
  } catch (error) {
    fail({ es: `${call} falló: ${reasonOf(error)}`, en: `${call} failed: ${reasonOf(error)}` });
  }
}

/** The pid registered under `symbol`, as the runtime sees it. */
const registered = (symbol: string): Pid | null => GenServer.whereis(Registry.via(REGISTRY, symbol));

const registeredText = (symbol: string): string => `GenServer.whereis(Registry.via(REGISTRY, ${JSON.stringify(symbol)}))`;

const viaNote: Text = {
  es: "startLink debe pasar { name: Registry.via(REGISTRY, symbol) } a GenServer.startLink: el nombre es el símbolo dentro del Registry.",
  en: "startLink should pass { name: Registry.via(REGISTRY, symbol) } to GenServer.startLink: the name is the symbol inside the Registry.",
};

/** Kills a worker, as a crash would, and waits until the Registry and a supervisor (if any) have seen it. */
async function crash(pid: Pid, sup?: Pid<SupervisorProtocol>): Promise<void> {
  Process.exit(pid, "kill");
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
    assertEqual(PriceWorker.REGISTRY, REGISTRY, { call: "PriceWorker.REGISTRY" });
    const pid = await startWorker("BTCUSD");
    assertEqual(registered("BTCUSD"), pid, { call: `${registeredText("BTCUSD")} // PriceWorker.startLink("BTCUSD")`, note: viaNote });
    assertEqual(
      await Sys.getState(pid),
      { symbol: "BTCUSD", price: null },
      {
        call: `Sys.getState(await PriceWorker.startLink("BTCUSD"))`,
        note: {
          es: "init recibe el símbolo y devuelve ok({ symbol, price: null }).",
          en: "init receives the symbol and returns ok({ symbol, price: null }).",
        },
      },
    );
  });

  it("should start one worker per symbol, each under its own symbol", async () => {
    const btc = await startWorker("BTCUSD");
    const eth = await startWorker("ETHUSD");
    assertEqual(registered("BTCUSD"), btc, { call: registeredText("BTCUSD"), note: viaNote });
    assertEqual(registered("ETHUSD"), eth, { call: registeredText("ETHUSD"), note: viaNote });
    assertEqual(
      await Sys.getState(eth),
      { symbol: "ETHUSD", price: null },
      { call: `Sys.getState(await PriceWorker.startLink("ETHUSD"))` },
    );
  });
});

gradeTask(2, () => {
  it("should give null before any price is set", async () => {
    await startWorker("BTCUSD");
    assertEqual(await getPrice("BTCUSD"), null, {
      call: `await PriceWorker.getPrice("BTCUSD")`,
      note: {
        es: "Sin precio, getPrice responde null (ni 0 ni undefined).",
        en: "With no price, getPrice answers null (neither 0 nor undefined).",
      },
    });
  });

  it("should give the last price set for the symbol", async () => {
    await startWorker("BTCUSD");
    assertEqual(PriceWorker.setPrice("BTCUSD", 67000), "ok", {
      call: `PriceWorker.setPrice("BTCUSD", 67000)`,
      note: { es: 'setPrice es un cast: GenServer.cast devuelve "ok".', en: 'setPrice is a cast: GenServer.cast returns "ok".' },
    });
    PriceWorker.setPrice("BTCUSD", 67543.21);
    assertEqual(await getPrice("BTCUSD"), 67543.21, {
      call: `PriceWorker.setPrice("BTCUSD", 67000); PriceWorker.setPrice("BTCUSD", 67543.21); await PriceWorker.getPrice("BTCUSD")`,
    });
  });

  it("should keep each symbol's price in its own worker", async () => {
    const btc = await startWorker("BTCUSD");
    const eth = await startWorker("ETHUSD");
    PriceWorker.setPrice("BTCUSD", 67543.21);
    PriceWorker.setPrice("ETHUSD", 3456.78);
    assertEqual(await getPrice("ETHUSD"), 3456.78, {
      call: `PriceWorker.setPrice("BTCUSD", 67543.21); PriceWorker.setPrice("ETHUSD", 3456.78); await PriceWorker.getPrice("ETHUSD")`,
    });
    assertEqual(await getPrice("BTCUSD"), 67543.21, { call: `await PriceWorker.getPrice("BTCUSD")` });
    assertEqual(await Sys.getState(btc), { symbol: "BTCUSD", price: 67543.21 }, { call: "Sys.getState(btcWorker)" });
    assertEqual(await Sys.getState(eth), { symbol: "ETHUSD", price: 3456.78 }, { call: "Sys.getState(ethWorker)" });
  });

  it("should fail with noproc for a symbol that has no worker", async () => {
    await startWorker("BTCUSD");
    await assertRejects(() => PriceWorker.getPrice("DOGEUSD"), {
      call: `await PriceWorker.getPrice("DOGEUSD")`,
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
    const first = await startWorker("BTCUSD");
    const error = await assertRejects(
      async () => {
        const second = await PriceWorker.startLink("BTCUSD");
        workers.push(second);
        return second;
      },
      {
        call: `PriceWorker.startLink("BTCUSD") // ${"2"}`,
        expected: { es: "un StartError con reason { already_started: pid }", en: "a StartError with reason { already_started: pid }" },
        check: (e) => e instanceof StartError,
        note: viaNote,
      },
    );
    assertEqual((error as StartError).reason, { already_started: first }, { call: "(error as StartError).reason" });
  });

  it("should keep the first worker running and reachable after a duplicate", async () => {
    const first = await startWorker("ETHUSD");
    await PriceWorker.startLink("ETHUSD").then(
      (second) => workers.push(second),
      () => undefined,
    );
    assertEqual(Process.alive(first), true, {
      call: `PriceWorker.startLink("ETHUSD"); PriceWorker.startLink("ETHUSD"); Process.alive(first)`,
    });
    assertEqual(registered("ETHUSD"), first, { call: registeredText("ETHUSD"), note: viaNote });
  });
});

gradeTask(4, () => {
  it("should free the symbol of a crashed worker", async () => {
    const pid = await startWorker("BTCUSD");
    assertEqual(registered("BTCUSD"), pid, { call: registeredText("BTCUSD"), note: viaNote });
    await crash(pid);
    assertEqual(registered("BTCUSD"), null, {
      call: `Process.exit(worker, "kill"); ${registeredText("BTCUSD")}`,
      note: { es: "El Registry borra el nombre de un proceso que termina.", en: "The Registry removes the name of a process that exits." },
    });
  });

  it("should start a new worker for the symbol after a crash", async () => {
    const old = await startWorker("BTCUSD");
    await crash(old);
    const pid = await startWorker("BTCUSD");
    assertEqual(pid === old, false, { call: `Process.exit(worker, "kill"); (await PriceWorker.startLink("BTCUSD")) === worker` });
    assertEqual(registered("BTCUSD"), pid, { call: registeredText("BTCUSD"), note: viaNote });
    assertEqual(
      await Sys.getState(pid),
      { symbol: "BTCUSD", price: null },
      { call: `Sys.getState(await PriceWorker.startLink("BTCUSD"))` },
    );
  });
});

gradeTask(5, () => {
  const supervisedNote: Text = {
    es: "startWorker llama a DynamicSupervisor.startChild(supervisor, { id: symbol, start: () => startLink(symbol) }): el supervisor arranca el worker y lo vigila.",
    en: "startWorker calls DynamicSupervisor.startChild(supervisor, { id: symbol, start: () => startLink(symbol) }): the supervisor starts the worker and watches it.",
  };

  it("should start the worker under the supervisor, reachable by its symbol", async () => {
    const sup = await startSupervisor();
    const pid = await startSupervised(sup, "BTCUSD");
    const children = (await DynamicSupervisor.whichChildren(sup)).map((child) => child.pid);
    assertEqual(children, [pid], { call: `(await DynamicSupervisor.whichChildren(supervisor)).map((c) => c.pid)`, note: supervisedNote });
    assertEqual(registered("BTCUSD"), pid, { call: registeredText("BTCUSD"), note: viaNote });
  });

  it("should restart a crashed worker, reachable by its symbol again", async () => {
    const sup = await startSupervisor();
    const old = await startSupervised(sup, "BTCUSD");
    await crash(old, sup);
    const now = registered("BTCUSD");
    const call = `Process.exit(worker, "kill"); ${registeredText("BTCUSD")}`;
    if (now === null) {
      fail({
        es: `${call}\nNadie tiene el símbolo tras la caída: el supervisor no reinició el worker.\nPista: ${supervisedNote.es} No uses restart: "temporary".`,
        en: `${call}\nNobody holds the symbol after the crash: the supervisor did not restart the worker.\nHint: ${supervisedNote.en} Do not use restart: "temporary".`,
      });
    }
    assertEqual(now === old, false, { call: `${call} === worker` });
    assertEqual(await Sys.getState(now), { symbol: "BTCUSD", price: null }, { call: `Sys.getState(${registeredText("BTCUSD")})` });
  });

  it("should restart only the crashed worker", async () => {
    const sup = await startSupervisor();
    const btc = await startSupervised(sup, "BTCUSD");
    const eth = await startSupervised(sup, "ETHUSD");
    await Sys.replaceState(eth, (state) => ({ ...(state as PriceWorker.PriceWorkerState), price: 3456.78 }));
    await crash(btc, sup);
    assertEqual(registered("ETHUSD"), eth, { call: `Process.exit(btcWorker, "kill"); ${registeredText("ETHUSD")}` });
    assertEqual(await Sys.getState(eth), { symbol: "ETHUSD", price: 3456.78 }, { call: "Sys.getState(ethWorker)" });
    const restarted = registered("BTCUSD");
    assertEqual(restarted !== null && restarted !== btc, true, {
      call: `${registeredText("BTCUSD")} !== btcWorker`,
      note: { es: "El worker caído vuelve con un pid nuevo.", en: "The crashed worker comes back with a new pid." },
    });
  });
});
