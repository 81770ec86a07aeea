import fc from "fast-check";
import { afterEach, beforeEach, it } from "vitest";
import { assertEqual, assertModel, captureLogs, fail, gradeTask, type Text, useFakeClock } from "#grading";
import * as Feed from "#impl/04-price-feed-handler/price-feed-handler.ts";
import { GenServer, type LogEntry, type Pid, Probe, Process, Registry, type RegistryProtocol } from "#runtime";

type Handler = Pid<Feed.FeedProtocol>;
type State = Feed.FeedState;

/** The chapter's names and times: the grader's own, not the implementation's constants. */
const FEED_REGISTRY = "FeedRegistry";
const HEARTBEAT = 30_000;

// Installed before the clean-up below is registered, so that processes stop while the fake clock is still in place.
const clock = useFakeClock();

let registry: Pid<RegistryProtocol> | null = null;
const handlers: Handler[] = [];
const probes: Probe[] = [];

// The chapter's Application starts the Registry before any handler; here each test gets a fresh one.
beforeEach(async () => {
  registry = await Registry.start({ keys: "unique", name: FEED_REGISTRY });
});

afterEach(async () => {
  // The handlers log the probes' deaths: kept off the console.
  await captureLogs(async () => {
    for (const probe of probes.splice(0)) if (probe.alive) probe.stop();
    for (const pid of handlers.splice(0)) {
      if (Process.alive(pid)) await GenServer.stop(pid).catch(() => undefined);
    }
  });
  if (registry !== null && Process.alive(registry)) await GenServer.stop(registry).catch(() => undefined);
  registry = null;
});

function reasonOf(error: unknown): string {
  // The runtime's errors already show their reason in the message.
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts `symbol`'s handler for this test (stopped after it), its start-up log kept off the console. */
async function startHandler(symbol = "BTCUSD"): Promise<Handler> {
  const call = `PriceFeedHandler.startLink(${JSON.stringify(symbol)})`;
  let pid: Handler | null = null;
  let failure: unknown = null;
  await captureLogs(async () => {
    try {
      pid = await Feed.startLink(symbol);
    } catch (error) {
      failure = error;
    }
  });
  if (pid === null) {
    fail({
      es: `${call} falló: ${reasonOf(failure)}\nSin un servidor en marcha no se puede comprobar nada más de esta tarea.`,
      en: `${call} failed: ${reasonOf(failure)}\nWithout a running server nothing else of this task can be checked.`,
    });
  }
  handlers.push(pid);
  return pid;
}

function startProbe(): Probe {
  const probe = Probe.start();
  probes.push(probe);
  return probe;
}

/** The state through the exercise's own getState; a failed call reads as what went wrong. */
async function stateOf(symbol: string, when: string): Promise<State> {
  const call = `await PriceFeedHandler.getState(${JSON.stringify(symbol)}) // ${when}`;
  try {
    return await Feed.getState(symbol);
  } catch (error) {
    fail({ es: `${call} falló: ${reasonOf(error)}`, en: `${call} failed: ${reasonOf(error)}` });
  }
}

async function subscribe(probe: Probe, symbol: string, name: string): Promise<void> {
  const call = `await ${name}.run(() => PriceFeedHandler.subscribe(${JSON.stringify(symbol)}))`;
  let answer: unknown;
  try {
    answer = await probe.run(() => Feed.subscribe(symbol));
  } catch (error) {
    fail({ es: `${call} falló: ${reasonOf(error)}`, en: `${call} failed: ${reasonOf(error)}` });
  }
  assertEqual(answer, "ok", { call });
}

const isTick = (message: unknown): boolean =>
  typeof message === "object" && message !== null && (message as { type?: unknown }).type === "tick";

/** Takes the ticks a probe has received (already delivered: call the server first, as a barrier). */
async function takeTicks(probe: Probe): Promise<unknown[]> {
  const ticks = probe.messages().filter(isTick);
  for (const _ of ticks) await probe.receive(isTick, 0);
  return ticks;
}

/** Pids in a fixed order, to compare subscriber lists as sets. */
const sorted = (pids: readonly unknown[]): string[] => pids.map(String).sort();

const tick = (symbol: string, price: number, timestamp: number): Feed.Tick => ({ type: "tick", symbol, price, timestamp });

const tickNote: Text = {
  es: 'Cada suscriptor recibe { type: "tick", symbol, price, timestamp } con Process.send, con timestamp = now() al procesar la actualización.',
  en: 'Each subscriber gets { type: "tick", symbol, price, timestamp } through Process.send, with timestamp = now() when the update is handled.',
};

const viaNote: Text = {
  es: "startLink debe pasar { name: Registry.via(FEED_REGISTRY, symbol) } a GenServer.startLink.",
  en: "startLink should pass { name: Registry.via(FEED_REGISTRY, symbol) } to GenServer.startLink.",
};

gradeTask(1, () => {
  it("should register the handler under its symbol in the Registry", async () => {
    assertEqual(Feed.FEED_REGISTRY, FEED_REGISTRY, { call: "PriceFeedHandler.FEED_REGISTRY" });
    const pid = await startHandler("BTCUSD");
    assertEqual(GenServer.whereis(Registry.via(FEED_REGISTRY, "BTCUSD")), pid, {
      call: `GenServer.whereis(Registry.via(FEED_REGISTRY, "BTCUSD")) // PriceFeedHandler.startLink("BTCUSD")`,
      note: viaNote,
    });
  });

  it("should start with no price, no update, no ticks and no subscribers", async () => {
    await startHandler("ETHUSD");
    assertEqual(
      await stateOf("ETHUSD", `PriceFeedHandler.startLink("ETHUSD")`),
      { symbol: "ETHUSD", lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] },
      {
        call: `await PriceFeedHandler.getState("ETHUSD")`,
        note: {
          es: "init devuelve ok({ symbol, lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] }); getState responde con el estado.",
          en: "init returns ok({ symbol, lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] }); getState replies with the state.",
        },
      },
    );
  });
});

gradeTask(2, () => {
  it("should answer ok to subscribe and list the calling process as a subscriber", async () => {
    await startHandler();
    const probe = startProbe();
    await subscribe(probe, "BTCUSD", "probe");
    const state = await stateOf("BTCUSD", "subscribe");
    assertEqual(sorted(state.subscribers), [String(probe.pid)], {
      call: `(await PriceFeedHandler.getState("BTCUSD")).subscribers // probe.pid = ${String(probe.pid)}`,
      note: {
        es: "subscribe envía self(): el proceso que llama (aquí, la probe), no el servidor.",
        en: "subscribe sends self(): the calling process (here, the probe), not the server.",
      },
    });
  });

  it("should send every subscriber a tick with symbol, price and timestamp", async () => {
    await startHandler();
    const first = startProbe();
    const second = startProbe();
    await subscribe(first, "BTCUSD", "probe1");
    await subscribe(second, "BTCUSD", "probe2");
    await clock().tickAsync(1500);
    const at = clock().now;
    Feed.updatePrice("BTCUSD", 67543.21);
    await stateOf("BTCUSD", `PriceFeedHandler.updatePrice("BTCUSD", 67543.21)`);
    for (const [name, probe] of [
      ["probe1", first],
      ["probe2", second],
    ] as const) {
      assertEqual(await takeTicks(probe), [tick("BTCUSD", 67543.21, at)], {
        call: `PriceFeedHandler.updatePrice("BTCUSD", 67543.21) // ${name}`,
        note: tickNote,
      });
    }
  });

  it("should record the last price, when it came and how many came", async () => {
    await startHandler("AAPL");
    Feed.updatePrice("AAPL", 189.5);
    await clock().tickAsync(2000);
    const at = clock().now;
    Feed.updatePrice("AAPL", 190.25);
    const state = await stateOf(
      "AAPL",
      `PriceFeedHandler.updatePrice("AAPL", 189.5); … 2000 ms …; PriceFeedHandler.updatePrice("AAPL", 190.25)`,
    );
    assertEqual(
      { lastPrice: state.lastPrice, lastUpdate: state.lastUpdate, tickCount: state.tickCount },
      { lastPrice: 190.25, lastUpdate: at, tickCount: 2 },
      {
        call: `const { lastPrice, lastUpdate, tickCount } = await PriceFeedHandler.getState("AAPL")`,
        note: {
          es: "Cada actualización guarda lastPrice, lastUpdate = now() y suma uno a tickCount.",
          en: "Each update keeps lastPrice, lastUpdate = now() and adds one to tickCount.",
        },
      },
    );
  });

  it("should notify a subscriber once even if it subscribed twice", async () => {
    await startHandler();
    const probe = startProbe();
    await subscribe(probe, "BTCUSD", "probe");
    await subscribe(probe, "BTCUSD", "probe");
    const at = clock().now;
    Feed.updatePrice("BTCUSD", 101.5);
    const state = await stateOf("BTCUSD", `PriceFeedHandler.updatePrice("BTCUSD", 101.5)`);
    const note: Text = {
      es: "subscribe es idempotente: si el proceso ya está suscrito, no lo añadas otra vez (el Enum.uniq del capítulo).",
      en: "subscribe is idempotent: if the process is already subscribed, do not add it again (the chapter's Enum.uniq).",
    };
    assertEqual(await takeTicks(probe), [tick("BTCUSD", 101.5, at)], {
      call: `await probe.run(() => PriceFeedHandler.subscribe("BTCUSD")) /* ×2 */; PriceFeedHandler.updatePrice("BTCUSD", 101.5) // probe`,
      note,
    });
    assertEqual(sorted(state.subscribers), [String(probe.pid)], { call: `(await PriceFeedHandler.getState("BTCUSD")).subscribers`, note });
  });
});

gradeTask(3, () => {
  const downNote: Text = {
    es: 'Al suscribir, Process.monitor(pid); cuando ese proceso muere llega { type: "DOWN", pid, … } a handleInfo: quítalo de subscribers.',
    en: 'On subscribe, Process.monitor(pid); when that process dies { type: "DOWN", pid, … } reaches handleInfo: drop it from subscribers.',
  };

  it("should drop a subscriber that dies", async () => {
    await startHandler();
    const gone = startProbe();
    const stays = startProbe();
    await subscribe(gone, "BTCUSD", "probe1");
    await subscribe(stays, "BTCUSD", "probe2");
    let after: State | null = null;
    await captureLogs(async () => {
      gone.stop();
      after = await stateOf("BTCUSD", "probe1.stop()");
    });
    assertEqual(sorted((after as State | null)?.subscribers ?? []), [String(stays.pid)], {
      call: `probe1.stop(); (await PriceFeedHandler.getState("BTCUSD")).subscribers // probe1 = ${String(gone.pid)}, probe2 = ${String(stays.pid)}`,
      note: downNote,
    });
  });

  it("should keep notifying the live subscribers after one dies", async () => {
    await startHandler();
    const gone = startProbe();
    const stays = startProbe();
    await subscribe(gone, "BTCUSD", "probe1");
    await subscribe(stays, "BTCUSD", "probe2");
    await captureLogs(async () => {
      gone.stop();
      await stateOf("BTCUSD", "probe1.stop()");
    });
    const at = clock().now;
    Feed.updatePrice("BTCUSD", 67543.21);
    await stateOf("BTCUSD", `PriceFeedHandler.updatePrice("BTCUSD", 67543.21)`);
    assertEqual(await takeTicks(stays), [tick("BTCUSD", 67543.21, at)], {
      call: `probe1.stop(); PriceFeedHandler.updatePrice("BTCUSD", 67543.21) // probe2`,
    });
  });

  it("should drop a subscriber that subscribed twice once it dies", async () => {
    await startHandler();
    const gone = startProbe();
    await subscribe(gone, "BTCUSD", "probe");
    await subscribe(gone, "BTCUSD", "probe");
    let after: State | null = null;
    await captureLogs(async () => {
      gone.stop();
      after = await stateOf("BTCUSD", "probe.stop()");
    });
    assertEqual((after as State | null)?.subscribers, [], {
      call: `probe.stop(); (await PriceFeedHandler.getState("BTCUSD")).subscribers`,
      note: downNote,
    });
  });
});

gradeTask(4, () => {
  /** The heartbeat's log lines (level and text) while `fn` runs. */
  async function heartbeatLogs(pid: Handler, fn: () => Promise<unknown>): Promise<{ level: string; message: string }[]> {
    const logs: LogEntry[] = await captureLogs(fn);
    return logs.filter((entry) => entry.pid === pid).map(({ level, message }) => ({ level, message }));
  }

  const levels = (lines: readonly { level: string }[]): string[] => lines.map((line) => line.level);

  it("should warn at 30 s, not before, when no data has arrived yet", async () => {
    const pid = await startHandler();
    const before = await heartbeatLogs(pid, () => clock().tickAsync(HEARTBEAT - 1));
    assertEqual(before, [], {
      call: "// t = 29999 ms: Logger",
      note: { es: "El primer heartbeat llega a los 30000 ms, no antes.", en: "The first heartbeat comes at 30000 ms, not before." },
    });
    const at = await heartbeatLogs(pid, () => clock().tickAsync(1));
    assertEqual(levels(at), ["warn"], {
      call: `// t = 30000 ms: Logger ${JSON.stringify(at)}`,
      note: {
        es: 'A los 30000 ms, sin datos todavía, el heartbeat escribe una línea con Logger.warn ("[BTCUSD] No data received yet").',
        en: 'At 30000 ms, with no data yet, the heartbeat writes a line with Logger.warn ("[BTCUSD] No data received yet").',
      },
    });
    assertEqual(at[0]?.message.includes("BTCUSD"), true, {
      call: `// t = 30000 ms: Logger ${JSON.stringify(at[0]?.message)}`,
      note: { es: "La línea nombra el símbolo.", en: "The line names the symbol." },
    });
  });

  it("should beat every 30 s, re-arming the timer each time, and leave none once stopped", async () => {
    const pid = await startHandler();
    const lines = await heartbeatLogs(pid, () => clock().tickAsync(5 * HEARTBEAT));
    assertEqual(levels(lines), ["warn", "warn", "warn", "warn", "warn"], {
      call: `// t = 150000 ms: Logger ${JSON.stringify(lines)}`,
      note: {
        es: 'sendAfter dispara una sola vez: cada heartbeat debe programar el siguiente, con Process.sendAfter(self(), { type: "heartbeat" }, 30000).',
        en: 'sendAfter fires only once: each heartbeat should schedule the next one, with Process.sendAfter(self(), { type: "heartbeat" }, 30000).',
      },
    });
    await GenServer.stop(pid);
    assertEqual(clock().countTimers(), 0, {
      call: "await GenServer.stop(pid); clock.countTimers()",
      note: {
        es: "Usa Process.sendAfter(self(), …), cuyo timer muere con el proceso; no setTimeout ni setInterval.",
        en: "Use Process.sendAfter(self(), …), whose timer dies with the process; not setTimeout or setInterval.",
      },
    });
  });

  it("should log debug while data is fresh, even exactly 60 s after the last update", async () => {
    const pid = await startHandler();
    Feed.updatePrice("BTCUSD", 67543.21);
    await stateOf("BTCUSD", `PriceFeedHandler.updatePrice("BTCUSD", 67543.21)`);
    const lines = await heartbeatLogs(pid, () => clock().tickAsync(2 * HEARTBEAT));
    assertEqual(levels(lines), ["debug", "debug"], {
      call: `PriceFeedHandler.updatePrice("BTCUSD", 67543.21) /* t = 0 ms */ // t = 30000, 60000 ms: Logger ${JSON.stringify(lines)}`,
      note: {
        es: "Con datos recientes el heartbeat usa Logger.debug. Stale es más de 60000 ms sin datos (now() - lastUpdate > 60000): a los 60000 exactos aún no.",
        en: "With recent data the heartbeat uses Logger.debug. Stale is more than 60000 ms without data (now() - lastUpdate > 60000): at exactly 60000 not yet.",
      },
    });
  });

  it("should log an error with STALE after more than 60 s without data", async () => {
    const pid = await startHandler();
    await clock().tickAsync(10_000);
    Feed.updatePrice("BTCUSD", 67543.21);
    await stateOf("BTCUSD", `PriceFeedHandler.updatePrice("BTCUSD", 67543.21)`);
    const lines = await heartbeatLogs(pid, () => clock().tickAsync(3 * HEARTBEAT - 10_000));
    assertEqual(levels(lines), ["debug", "debug", "error"], {
      call: `PriceFeedHandler.updatePrice("BTCUSD", 67543.21) /* t = 10000 ms */ // t = 30000, 60000, 90000 ms: Logger ${JSON.stringify(lines)}`,
      note: {
        es: "A los 90000 ms hace 80000 ms del último dato (más de 60000): Logger.error. A los 30000 y 60000, Logger.debug.",
        en: "At 90000 ms the last data is 80000 ms old (more than 60000): Logger.error. At 30000 and 60000, Logger.debug.",
      },
    });
    assertEqual(lines[2]?.message.includes("STALE"), true, {
      call: `// t = 90000 ms: Logger ${JSON.stringify(lines[2]?.message)}`,
      note: { es: 'El error contiene STALE: "[BTCUSD] Data is STALE!".', en: 'The error contains STALE: "[BTCUSD] Data is STALE!".' },
    });
  });
});

gradeTask(5, () => {
  const PROBES = 4;
  type Model = { subscribed: Set<number>; dead: Set<number> };
  type Real = { probes: Probe[] };

  const subscribeCommand = fc.nat({ max: PROBES - 1 }).map(
    (i): fc.AsyncCommand<Model, Real> => ({
      check: (model) => !model.dead.has(i),
      run: async (model, real) => {
        const probe = real.probes[i] as Probe;
        assertEqual(await probe.run(() => Feed.subscribe("BTCUSD")), "ok", {
          call: `await probe${i}.run(() => PriceFeedHandler.subscribe("BTCUSD"))`,
        });
        model.subscribed.add(i);
      },
      toString: () => `await probe${i}.run(() => PriceFeedHandler.subscribe("BTCUSD"))`,
    }),
  );

  const dieCommand = fc.nat({ max: PROBES - 1 }).map(
    (i): fc.AsyncCommand<Model, Real> => ({
      check: (model) => !model.dead.has(i),
      run: async (model, real) => {
        (real.probes[i] as Probe).stop("shutdown");
        model.dead.add(i);
        model.subscribed.delete(i);
      },
      toString: () => `probe${i}.stop("shutdown")`,
    }),
  );

  const updateCommand = fc.integer({ min: 1, max: 1_000_000 }).map((cents): fc.AsyncCommand<Model, Real> => {
    const price = cents / 100;
    const code = `PriceFeedHandler.updatePrice("BTCUSD", ${price})`;
    return {
      check: () => true,
      run: async (model, real) => {
        const at = clock().now;
        Feed.updatePrice("BTCUSD", price);
        const state = await Feed.getState("BTCUSD");
        const live = [...model.subscribed].sort().map((i) => String((real.probes[i] as Probe).pid));
        assertEqual(sorted(state.subscribers), live.sort(), {
          call: `(await PriceFeedHandler.getState("BTCUSD")).subscribers // ${real.probes.map((probe, n) => `probe${n} = ${String(probe.pid)}`).join(", ")}`,
          note: { es: "Solo los suscriptores vivos, cada uno una vez.", en: "Only the live subscribers, each one once." },
        });
        for (const [i, probe] of real.probes.entries()) {
          if (model.dead.has(i)) continue;
          const expected = model.subscribed.has(i) ? [tick("BTCUSD", price, at)] : [];
          assertEqual(await takeTicks(probe), expected, { call: `${code} // probe${i}` });
        }
      },
      toString: () => code,
    };
  });

  it("should deliver each update once to each live subscriber and to no dead one, in any sequence", async () => {
    // The handler logs each probe's death: kept off the console.
    await captureLogs(() =>
      assertModel<Model, Real>({
        setup: async () => {
          const handler = await startHandler();
          const real: Real = { probes: Array.from({ length: PROBES }, () => Probe.start()) };
          return {
            model: { subscribed: new Set(), dead: new Set() },
            real,
            cleanup: async () => {
              for (const probe of real.probes) if (probe.alive) probe.stop();
              await captureLogs(() => GenServer.stop(handler).catch(() => undefined));
            },
          };
        },
        commands: [subscribeCommand, dieCommand, updateCommand],
        numRuns: 30,
        maxCommands: 20,
      }),
    );
  });
});
