import fc from "fast-check";
import { beforeEach, it } from "vitest";
import {
  assertEqual,
  assertModel,
  captureLogs,
  examples,
  fail,
  gradeTask,
  type RemoteLogEntry,
  type RemoteProbe,
  startProbe,
  startServer,
  subject,
  type Text,
  useFakeClock,
} from "#grading";
import type * as Impl from "#impl/04-price-feed-handler/price-feed-handler.ts";
import type { Pid } from "#runtime";

const Feed = subject.module<typeof Impl>();
const { GenServer, Registry } = subject.runtime;

type Handler = Pid<Impl.FeedProtocol>;
type State = Impl.FeedState;

/** The chapter's names and times: the grader's own, not the implementation's constants. */
const FEED_REGISTRY = "FeedRegistry";
const HEARTBEAT = 30_000;

const clock = useFakeClock();

// The chapter's Application starts the Registry before any handler; here each test gets a fresh one (the subject
// stops it, and every process the test started, when the test ends).
beforeEach(async () => {
  await Registry.start({ keys: "unique", name: FEED_REGISTRY });
});

function reasonOf(error: unknown): string {
  // The runtime's errors already show their reason in the message.
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts `symbol`'s handler for this test, its start-up log kept off the console. */
async function startHandler(symbol: string): Promise<Handler> {
  let started = { error: null } as { readonly pid: Handler } | { readonly error: unknown };
  await captureLogs(async () => {
    try {
      started = { pid: await startServer(`PriceFeedHandler.startLink(${JSON.stringify(symbol)})`, () => Feed.startLink(symbol)) };
    } catch (error) {
      started = { error };
    }
  });
  if ("error" in started) throw started.error;
  return started.pid;
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

async function subscribe(probe: RemoteProbe, symbol: string, name: string): Promise<void> {
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
async function takeTicks(probe: RemoteProbe): Promise<unknown[]> {
  return (await probe.take()).filter(isTick);
}

/** Pids in a fixed order, to compare subscriber lists as sets. */
const sorted = (pids: readonly unknown[]): string[] => pids.map(String).sort();

const q = (text: string): string => JSON.stringify(text);

const update = (symbol: string, price: number): string => `PriceFeedHandler.updatePrice(${q(symbol)}, ${price})`;

const tick = (symbol: string, price: number, timestamp: number): Impl.Tick => ({ type: "tick", symbol, price, timestamp });

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
    const symbol = examples().symbol();
    assertEqual(Feed.FEED_REGISTRY, FEED_REGISTRY, { call: "PriceFeedHandler.FEED_REGISTRY" });
    const pid = await startHandler(symbol);
    assertEqual(await GenServer.whereis(Registry.via(FEED_REGISTRY, symbol)), pid, {
      call: `GenServer.whereis(Registry.via(FEED_REGISTRY, ${q(symbol)})) // PriceFeedHandler.startLink(${q(symbol)})`,
      note: viaNote,
    });
  });

  it("should start with no price, no update, no ticks and no subscribers", async () => {
    const symbol = examples().symbol();
    await startHandler(symbol);
    assertEqual(
      await stateOf(symbol, `PriceFeedHandler.startLink(${q(symbol)})`),
      { symbol, lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] },
      {
        call: `await PriceFeedHandler.getState(${q(symbol)})`,
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
    const symbol = examples().symbol();
    await startHandler(symbol);
    const probe = await startProbe();
    await subscribe(probe, symbol, "probe");
    const state = await stateOf(symbol, "subscribe");
    assertEqual(sorted(state.subscribers), [String(probe.pid)], {
      call: `(await PriceFeedHandler.getState(${q(symbol)})).subscribers // probe.pid = ${String(probe.pid)}`,
      note: {
        es: "subscribe envía self(): el proceso que llama (aquí, la probe), no el servidor.",
        en: "subscribe sends self(): the calling process (here, the probe), not the server.",
      },
    });
  });

  it("should send every subscriber a tick with symbol, price and timestamp", async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    // Before the first heartbeat, so that only the update happens meanwhile.
    const wait = ex.int(1, HEARTBEAT - 1);
    await startHandler(symbol);
    const subscribers: { name: string; probe: RemoteProbe }[] = [];
    for (let i = 0, count = ex.int(2, 4); i < count; i++) subscribers.push({ name: `probe${i + 1}`, probe: await startProbe() });
    for (const { name, probe } of subscribers) await subscribe(probe, symbol, name);
    await clock().tickAsync(wait);
    const at = clock().now;
    await Feed.updatePrice(symbol, price);
    await stateOf(symbol, update(symbol, price));
    for (const { name, probe } of subscribers) {
      assertEqual(await takeTicks(probe), [tick(symbol, price, at)], {
        call: `/* ${wait} ms */ ${update(symbol, price)} // ${name}`,
        note: tickNote,
      });
    }
  });

  it("should record the last price, when it came and how many came", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const prices = ex.prices(ex.int(2, 5));
    await startHandler(symbol);
    const steps: string[] = [];
    let at = clock().now;
    for (const [i, price] of prices.entries()) {
      if (i > 0) {
        // At most 4 × 7000 ms in all: no heartbeat comes in between.
        const wait = ex.int(1, 7_000);
        await clock().tickAsync(wait);
        steps.push(`… ${wait} ms …`);
      }
      at = clock().now;
      await Feed.updatePrice(symbol, price);
      steps.push(update(symbol, price));
    }
    const state = await stateOf(symbol, steps.join("; "));
    assertEqual(
      { lastPrice: state.lastPrice, lastUpdate: state.lastUpdate, tickCount: state.tickCount },
      { lastPrice: prices[prices.length - 1] ?? null, lastUpdate: at, tickCount: prices.length },
      {
        call: `${steps.join("; ")}; const { lastPrice, lastUpdate, tickCount } = await PriceFeedHandler.getState(${q(symbol)})`,
        note: {
          es: "Cada actualización guarda lastPrice, lastUpdate = now() y suma uno a tickCount.",
          en: "Each update keeps lastPrice, lastUpdate = now() and adds one to tickCount.",
        },
      },
    );
  });

  it("should notify a subscriber once even if it subscribed twice", async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    await startHandler(symbol);
    const probe = await startProbe();
    await subscribe(probe, symbol, "probe");
    await subscribe(probe, symbol, "probe");
    const at = clock().now;
    await Feed.updatePrice(symbol, price);
    const state = await stateOf(symbol, update(symbol, price));
    const note: Text = {
      es: "subscribe es idempotente: si el proceso ya está suscrito, no lo añadas otra vez (el Enum.uniq del capítulo).",
      en: "subscribe is idempotent: if the process is already subscribed, do not add it again (the chapter's Enum.uniq).",
    };
    assertEqual(await takeTicks(probe), [tick(symbol, price, at)], {
      call: `await probe.run(() => PriceFeedHandler.subscribe(${q(symbol)})) /* ×2 */; ${update(symbol, price)} // probe`,
      note,
    });
    assertEqual(sorted(state.subscribers), [String(probe.pid)], {
      call: `(await PriceFeedHandler.getState(${q(symbol)})).subscribers`,
      note,
    });
  });
});

gradeTask(3, () => {
  const downNote: Text = {
    es: 'Al suscribir, Process.monitor(pid); cuando ese proceso muere llega { type: "DOWN", pid, … } a handleInfo: quítalo de subscribers.',
    en: 'On subscribe, Process.monitor(pid); when that process dies { type: "DOWN", pid, … } reaches handleInfo: drop it from subscribers.',
  };

  it("should drop a subscriber that dies", async () => {
    const symbol = examples().symbol();
    await startHandler(symbol);
    const gone = await startProbe();
    const stays = await startProbe();
    await subscribe(gone, symbol, "probe1");
    await subscribe(stays, symbol, "probe2");
    let after: State | null = null;
    await captureLogs(async () => {
      await gone.stop();
      after = await stateOf(symbol, "probe1.stop()");
    });
    assertEqual(sorted((after as State | null)?.subscribers ?? []), [String(stays.pid)], {
      call: `probe1.stop(); (await PriceFeedHandler.getState(${q(symbol)})).subscribers // probe1 = ${String(gone.pid)}, probe2 = ${String(stays.pid)}`,
      note: downNote,
    });
  });

  it("should keep notifying the live subscribers after one dies", async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    await startHandler(symbol);
    const gone = await startProbe();
    const stays = await startProbe();
    await subscribe(gone, symbol, "probe1");
    await subscribe(stays, symbol, "probe2");
    await captureLogs(async () => {
      await gone.stop();
      await stateOf(symbol, "probe1.stop()");
    });
    const at = clock().now;
    await Feed.updatePrice(symbol, price);
    await stateOf(symbol, update(symbol, price));
    assertEqual(await takeTicks(stays), [tick(symbol, price, at)], {
      call: `probe1.stop(); ${update(symbol, price)} // probe2`,
    });
  });

  it("should drop a subscriber that subscribed twice once it dies", async () => {
    const symbol = examples().symbol();
    await startHandler(symbol);
    const gone = await startProbe();
    await subscribe(gone, symbol, "probe");
    await subscribe(gone, symbol, "probe");
    let after: State | null = null;
    await captureLogs(async () => {
      await gone.stop();
      after = await stateOf(symbol, "probe.stop()");
    });
    assertEqual((after as State | null)?.subscribers, [], {
      call: `probe.stop(); (await PriceFeedHandler.getState(${q(symbol)})).subscribers`,
      note: downNote,
    });
  });
});

gradeTask(4, () => {
  /** The heartbeat's log lines (level and text) while `fn` runs. */
  async function heartbeatLogs(pid: Handler, fn: () => Promise<unknown>): Promise<{ level: string; message: string }[]> {
    const logs: RemoteLogEntry[] = await captureLogs(fn);
    return logs.filter((entry) => entry.pid === pid).map(({ level, message }) => ({ level, message }));
  }

  const levels = (lines: readonly { level: string }[]): string[] => lines.map((line) => line.level);

  /** The times of the heartbeats after `from` up to `to` (both multiples of the heartbeat), as a comment says them. */
  const beats = (from: number, to: number): string =>
    Array.from({ length: (to - from) / HEARTBEAT }, (_, i) => from + (i + 1) * HEARTBEAT).join(", ");

  it("should warn at 30 s, not before, when no data has arrived yet", async () => {
    const symbol = examples().symbol();
    const pid = await startHandler(symbol);
    const before = await heartbeatLogs(pid, () => clock().tickAsync(HEARTBEAT - 1));
    assertEqual(before, [], {
      call: `PriceFeedHandler.startLink(${q(symbol)}) // t = 29999 ms: Logger`,
      note: { es: "El primer heartbeat llega a los 30000 ms, no antes.", en: "The first heartbeat comes at 30000 ms, not before." },
    });
    const at = await heartbeatLogs(pid, () => clock().tickAsync(1));
    assertEqual(levels(at), ["warn"], {
      call: `// t = 30000 ms: Logger ${JSON.stringify(at)}`,
      note: {
        es: `A los 30000 ms, sin datos todavía, el heartbeat escribe una línea con Logger.warn ("[${symbol}] No data received yet").`,
        en: `At 30000 ms, with no data yet, the heartbeat writes a line with Logger.warn ("[${symbol}] No data received yet").`,
      },
    });
    assertEqual(at[0]?.message.includes(symbol), true, {
      call: `// t = 30000 ms: Logger ${JSON.stringify(at[0]?.message)}`,
      note: { es: `La línea nombra el símbolo, ${symbol}.`, en: `The line names the symbol, ${symbol}.` },
    });
  });

  it("should beat every 30 s, re-arming the timer each time, and leave none once stopped", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const count = ex.int(3, 6);
    const pid = await startHandler(symbol);
    const lines = await heartbeatLogs(pid, () => clock().tickAsync(count * HEARTBEAT));
    assertEqual(
      levels(lines),
      Array.from({ length: count }, () => "warn"),
      {
        call: `PriceFeedHandler.startLink(${q(symbol)}) // t = ${count * HEARTBEAT} ms: Logger ${JSON.stringify(lines)}`,
        note: {
          es: 'sendAfter dispara una sola vez: cada heartbeat debe programar el siguiente, con Process.sendAfter(self(), { type: "heartbeat" }, 30000).',
          en: 'sendAfter fires only once: each heartbeat should schedule the next one, with Process.sendAfter(self(), { type: "heartbeat" }, 30000).',
        },
      },
    );
    await GenServer.stop(pid);
    assertEqual(await clock().countTimers(), 0, {
      call: "await GenServer.stop(pid); clock.countTimers()",
      note: {
        es: "Usa Process.sendAfter(self(), …), cuyo timer muere con el proceso; no setTimeout ni setInterval.",
        en: "Use Process.sendAfter(self(), …), whose timer dies with the process; not setTimeout or setInterval.",
      },
    });
  });

  it("should log debug while data is fresh, even exactly 60 s after the last update", async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    // The update comes right after a heartbeat, so the second heartbeat after it finds data exactly 60 s old.
    const updatedAt = ex.int(0, 2) * HEARTBEAT;
    const pid = await startHandler(symbol);
    await heartbeatLogs(pid, () => clock().tickAsync(updatedAt));
    await Feed.updatePrice(symbol, price);
    await stateOf(symbol, update(symbol, price));
    const lines = await heartbeatLogs(pid, () => clock().tickAsync(2 * HEARTBEAT));
    assertEqual(levels(lines), ["debug", "debug"], {
      call: `${update(symbol, price)} /* t = ${updatedAt} ms */ // t = ${beats(updatedAt, updatedAt + 2 * HEARTBEAT)} ms: Logger ${JSON.stringify(lines)}`,
      note: {
        es: "Con datos recientes el heartbeat usa Logger.debug. Stale es más de 60000 ms sin datos (now() - lastUpdate > 60000): a los 60000 exactos aún no.",
        en: "With recent data the heartbeat uses Logger.debug. Stale is more than 60000 ms without data (now() - lastUpdate > 60000): at exactly 60000 not yet.",
      },
    });
  });

  it("should log an error with STALE after more than 60 s without data", async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    // Before the first heartbeat: the heartbeats at 30 and 60 s find fresh data, the one at 90 s stale data.
    const updatedAt = ex.int(1, HEARTBEAT - 1);
    const age = 3 * HEARTBEAT - updatedAt;
    const pid = await startHandler(symbol);
    await clock().tickAsync(updatedAt);
    await Feed.updatePrice(symbol, price);
    await stateOf(symbol, update(symbol, price));
    const lines = await heartbeatLogs(pid, () => clock().tickAsync(age));
    assertEqual(levels(lines), ["debug", "debug", "error"], {
      call: `${update(symbol, price)} /* t = ${updatedAt} ms */ // t = ${beats(0, 3 * HEARTBEAT)} ms: Logger ${JSON.stringify(lines)}`,
      note: {
        es: `A los 90000 ms hace ${age} ms del último dato (más de 60000): Logger.error. A los 30000 y 60000, Logger.debug.`,
        en: `At 90000 ms the last data is ${age} ms old (more than 60000): Logger.error. At 30000 and 60000, Logger.debug.`,
      },
    });
    assertEqual(lines[2]?.message.includes("STALE"), true, {
      call: `// t = 90000 ms: Logger ${JSON.stringify(lines[2]?.message)}`,
      note: { es: `El error contiene STALE: "[${symbol}] Data is STALE!".`, en: `The error contains STALE: "[${symbol}] Data is STALE!".` },
    });
  });
});

gradeTask(5, () => {
  const PROBES = 4;
  type Model = { subscribed: Set<number>; dead: Set<number> };
  type Real = { probes: RemoteProbe[] };

  /** The commands of a model run on `symbol`'s handler. */
  function commandsFor(symbol: string): fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] {
    const subscribeCode = (i: number): string => `await probe${i}.run(() => PriceFeedHandler.subscribe(${q(symbol)}))`;

    const subscribeCommand = fc.nat({ max: PROBES - 1 }).map(
      (i): fc.AsyncCommand<Model, Real> => ({
        check: (model) => !model.dead.has(i),
        run: async (model, real) => {
          const probe = real.probes[i] as RemoteProbe;
          assertEqual(await probe.run(() => Feed.subscribe(symbol)), "ok", { call: subscribeCode(i) });
          model.subscribed.add(i);
        },
        toString: () => subscribeCode(i),
      }),
    );

    const dieCommand = fc.nat({ max: PROBES - 1 }).map(
      (i): fc.AsyncCommand<Model, Real> => ({
        check: (model) => !model.dead.has(i),
        run: async (model, real) => {
          await (real.probes[i] as RemoteProbe).stop("shutdown");
          model.dead.add(i);
          model.subscribed.delete(i);
        },
        toString: () => `probe${i}.stop("shutdown")`,
      }),
    );

    const updateCommand = fc.integer({ min: 1, max: 1_000_000 }).map((cents): fc.AsyncCommand<Model, Real> => {
      const price = cents / 100;
      const code = update(symbol, price);
      return {
        check: () => true,
        run: async (model, real) => {
          const at = clock().now;
          await Feed.updatePrice(symbol, price);
          const state = await Feed.getState(symbol);
          const live = [...model.subscribed].sort().map((i) => String((real.probes[i] as RemoteProbe).pid));
          assertEqual(sorted(state.subscribers), live.sort(), {
            call: `(await PriceFeedHandler.getState(${q(symbol)})).subscribers // ${real.probes.map((probe, n) => `probe${n} = ${String(probe.pid)}`).join(", ")}`,
            note: { es: "Solo los suscriptores vivos, cada uno una vez.", en: "Only the live subscribers, each one once." },
          });
          for (const [i, probe] of real.probes.entries()) {
            if (model.dead.has(i)) continue;
            const expected = model.subscribed.has(i) ? [tick(symbol, price, at)] : [];
            assertEqual(await takeTicks(probe), expected, { call: `${code} // probe${i}` });
          }
        },
        toString: () => code,
      };
    });

    return [subscribeCommand, dieCommand, updateCommand];
  }

  it("should deliver each update once to each live subscriber and to no dead one, in any sequence", async () => {
    const symbol = examples().symbol();
    // The handler logs each probe's death: kept off the console.
    await captureLogs(() =>
      assertModel<Model, Real>({
        setup: async () => {
          const handler = await startHandler(symbol);
          const real: Real = { probes: [] };
          for (let i = 0; i < PROBES; i++) real.probes.push(await startProbe());
          return {
            model: { subscribed: new Set(), dead: new Set() },
            real,
            cleanup: async () => {
              for (const probe of real.probes) if (await probe.alive()) await probe.stop();
              await captureLogs(() => GenServer.stop(handler).catch(() => undefined));
            },
          };
        },
        commands: commandsFor(symbol),
        // Short sequences are the common case: enough runs that a subscriber dying before an update is always tried.
        numRuns: 100,
        maxCommands: 20,
      }),
    );
  });
});
