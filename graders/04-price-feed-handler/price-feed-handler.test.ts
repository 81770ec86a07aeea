import fc from "fast-check";
import { beforeEach, it } from "vitest";
import {
  assertAnswer,
  assertEqual,
  assertModel,
  captureLogs,
  examples,
  gradeTask,
  type RemoteLogEntry,
  type RemoteProbe,
  startProbe,
  startServer,
  subject,
  type Text,
  t,
  testName,
  useFakeClock,
} from "#grading";
import type * as Impl from "#impl/04-price-feed-handler/price-feed-handler.ts";
import type { Pid } from "#runtime";

const Feed = subject.module<typeof Impl>();
const { GenServer, Process, Registry } = subject.runtime;

type Handler = Pid<Impl.FeedProtocol>;
type State = Impl.FeedState;

/** The chapter's names and times: the grader's own, not the implementation's constants. */
const FEED_REGISTRY = "FeedRegistry";
const HEARTBEAT = 30_000;
const STALE = 60_000;

const clock = useFakeClock();

// The chapter's Application starts the Registry before any handler; here each test gets a fresh one (the subject
// stops it, and every process the test started, when the test ends).
beforeEach(async () => {
  await Registry.start({ keys: "unique", name: FEED_REGISTRY });
});

/** A line the handler logged: its level and text. */
interface Line {
  readonly level: string;
  readonly message: string;
}

/** The lines `pid` logged among `logs`. */
const linesOf = (pid: unknown, logs: readonly RemoteLogEntry[]): Line[] =>
  logs.filter((entry) => entry.pid === pid).map(({ level, message }) => ({ level, message }));

/**
 * Starts `symbol`'s handler for this test (from `probe` when given, so that it is linked to the probe); returns
 * its pid and the lines it logged while starting, kept off the console.
 */
async function startHandler(symbol: string, probe?: RemoteProbe): Promise<{ pid: Handler; lines: Line[] }> {
  const call = `${probe === undefined ? "" : "probe.run(() => "}PriceFeedHandler.startLink(${q(symbol)})${probe === undefined ? "" : ")"}`;
  const start = (): Promise<Handler> => (probe === undefined ? Feed.startLink(symbol) : probe.run(() => Feed.startLink(symbol)));
  // Whether it started or not, the capture must end before the test goes on: the outcome is read after it.
  const outcome: { pid?: Handler; error?: unknown } = {};
  const logs = await captureLogs(async () => {
    try {
      outcome.pid = await startServer(call, start);
    } catch (error) {
      outcome.error = error;
    }
  });
  if (outcome.pid === undefined) throw outcome.error;
  return { pid: outcome.pid, lines: linesOf(outcome.pid, logs) };
}

/** The lines `pid` logs while `fn` runs (a subscriber's death, the clock moving on…), kept off the console. */
async function linesWhile(pid: Handler, fn: () => Promise<unknown>): Promise<Line[]> {
  return linesOf(pid, await captureLogs(fn));
}

/** The heartbeat's lines among a handler's lines: the subscribers' deaths are logged at info. */
const beatsOf = (lines: readonly Line[]): Line[] => lines.filter((line) => line.level !== "info");

const levels = (lines: readonly Line[]): string[] => lines.map((line) => line.level);

/** Pids in a fixed order, to compare subscriber lists as sets. */
const sorted = (pids: readonly unknown[]): string[] => pids.map(String).sort();

const q = (text: string): string => JSON.stringify(text);

const update = (symbol: string, price: number): string => `PriceFeedHandler.updatePrice(${q(symbol)}, ${price})`;

const getStateCall = (symbol: string): string => `await PriceFeedHandler.getState(${q(symbol)})`;

const tick = (symbol: string, price: number, timestamp: number): Impl.Tick => ({ type: "tick", symbol, price, timestamp });

/** The part of the state that `fields` names, through the exercise's own getState. */
function stateFields<K extends keyof State>(symbol: string, fields: readonly K[]): Promise<Pick<State, K>> {
  return Feed.getState(symbol).then((state) => {
    const picked = {} as Pick<State, K>;
    for (const field of fields) picked[field] = state[field];
    return picked;
  });
}

/** The subscribers of `symbol`'s handler, as sorted pid texts (the order is not part of the statement). */
function subscribersOf(symbol: string): Promise<string[]> {
  return Feed.getState(symbol).then((state) => sorted(state.subscribers));
}

/** Waits until the handler has handled everything sent to it so far: a call queues behind the earlier messages. */
async function barrier(symbol: string, after: string): Promise<void> {
  await assertAnswer(
    Feed.getState(symbol).then(() => "answered"),
    "answered",
    { call: `${getStateCall(symbol)} // ${t({ es: "después de", en: "after" })} ${after}` },
  );
}

async function subscribe(probe: RemoteProbe, symbol: string, name: string): Promise<void> {
  await assertAnswer(
    probe.run(() => Feed.subscribe(symbol)),
    "ok",
    {
      call: `await ${name}.run(() => PriceFeedHandler.subscribe(${q(symbol)}))`,
    },
  );
}

const isTick = (message: unknown): boolean =>
  typeof message === "object" && message !== null && (message as { type?: unknown }).type === "tick";

/** Takes the ticks a probe has received (already delivered: call the server first, as a barrier). */
async function takeTicks(probe: RemoteProbe): Promise<unknown[]> {
  return (await probe.take()).filter(isTick);
}

/** Whether `text` holds `n` as a whole number ("3 ticks" holds 3; "13 ticks" does not). */
const holdsNumber = (text: string, n: number): boolean => new RegExp(`(^|\\D)${n}(\\D|$)`).test(text);

const tickNote: Text = {
  es: 'Cada actualización manda a cada suscriptor { type: "tick", symbol, price, timestamp } con Process.send, con timestamp = now() al procesar esa actualización.',
  en: 'Each update sends every subscriber { type: "tick", symbol, price, timestamp } through Process.send, with timestamp = now() when that update is handled.',
};

const viaNote: Text = {
  es: "startLink debe pasar { name: Registry.via(FEED_REGISTRY, symbol) } a GenServer.startLink.",
  en: "startLink should pass { name: Registry.via(FEED_REGISTRY, symbol) } to GenServer.startLink.",
};

gradeTask(1, () => {
  it(
    testName({
      en: "should register the handler under its symbol in the Registry",
      es: "debería registrar el handler con su símbolo en el Registry",
    }),
    async () => {
      const symbol = examples().symbol();
      assertEqual(Feed.FEED_REGISTRY, FEED_REGISTRY, { call: "PriceFeedHandler.FEED_REGISTRY" });
      const { pid } = await startHandler(symbol);
      assertEqual(await GenServer.whereis(Registry.via(FEED_REGISTRY, symbol)), pid, {
        call: `GenServer.whereis(Registry.via(FEED_REGISTRY, ${q(symbol)})) // PriceFeedHandler.startLink(${q(symbol)})`,
        note: viaNote,
      });
    },
  );

  it(
    testName({
      en: "should start with no price, no update, no ticks and no subscribers",
      es: "debería empezar sin precio, sin actualización, sin ticks y sin suscriptores",
    }),
    async () => {
      const symbol = examples().symbol();
      await startHandler(symbol);
      await assertAnswer(
        Feed.getState(symbol),
        { symbol, lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] },
        {
          call: `await PriceFeedHandler.startLink(${q(symbol)}); ${getStateCall(symbol)}`,
          note: {
            es: "init devuelve ok({ symbol, lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] }); getState responde con el estado.",
            en: "init returns ok({ symbol, lastPrice: null, lastUpdate: null, tickCount: 0, subscribers: [] }); getState replies with the state.",
          },
        },
      );
    },
  );

  it(
    testName({
      en: "should log an info line naming its symbol when it starts",
      es: "debería escribir al arrancar una línea info que nombre su símbolo",
    }),
    async () => {
      const symbol = examples().symbol();
      const { lines } = await startHandler(symbol);
      assertEqual(lines.filter((line) => line.level === "info" && line.message.includes(symbol)).length > 0, true, {
        call: `await PriceFeedHandler.startLink(${q(symbol)}) // Logger: ${JSON.stringify(lines)}`,
        note: {
          es: `init escribe con Logger.info una línea que nombra el símbolo, como "[${symbol}] Feed handler started".`,
          en: `init writes a line with Logger.info that names the symbol, such as "[${symbol}] Feed handler started".`,
        },
      });
    },
  );

  it(
    testName({
      en: "should link the handler to the process that starts it",
      es: "debería enlazar el handler con el proceso que lo arranca",
    }),
    async () => {
      const symbol = examples().symbol();
      const owner = await startProbe();
      const { pid } = await startHandler(symbol, owner);
      await captureLogs(() => owner.stop("shutdown"));
      assertEqual(await Process.alive(pid), false, {
        call: `probe.run(() => PriceFeedHandler.startLink(${q(symbol)})); probe.stop("shutdown"); Process.alive(handler)`,
        note: {
          es: "startLink enlaza el handler con quien lo arranca (GenServer.startLink, no GenServer.start): si ese proceso muere con una razón anormal, el handler muere con él.",
          en: "startLink links the handler to whoever starts it (GenServer.startLink, not GenServer.start): if that process dies with an abnormal reason, the handler dies with it.",
        },
      });
    },
  );
});

gradeTask(2, () => {
  it(
    testName({
      en: "should answer ok to subscribe and list the calling process as a subscriber",
      es: "debería responder ok a subscribe y listar como suscriptor al proceso que llama",
    }),
    async () => {
      const symbol = examples().symbol();
      await startHandler(symbol);
      const probe = await startProbe();
      await subscribe(probe, symbol, "probe");
      await assertAnswer(subscribersOf(symbol), [String(probe.pid)], {
        call: `(${getStateCall(symbol)}).subscribers // probe.pid = ${String(probe.pid)}`,
        note: {
          es: "subscribe envía self(): el proceso que llama (aquí, la probe), no el servidor.",
          en: "subscribe sends self(): the calling process (here, the probe), not the server.",
        },
      });
    },
  );

  it(
    testName({
      en: "should send every subscriber a tick for each update, stamped with the time it was handled",
      es: "debería mandar a cada suscriptor un tick por actualización, con la hora en que se procesó",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const prices = ex.prices(ex.int(2, 4));
      await startHandler(symbol);
      const subscribers: { name: string; probe: RemoteProbe }[] = [];
      for (let i = 0, count = ex.int(2, 4); i < count; i++) subscribers.push({ name: `probe${i + 1}`, probe: await startProbe() });
      for (const { name, probe } of subscribers) await subscribe(probe, symbol, name);
      const expected: Impl.Tick[] = [];
      const steps: string[] = [];
      for (const price of prices) {
        // At most 4 × 7000 ms in all: before the first heartbeat, so that only the updates happen meanwhile.
        const wait = ex.int(1, 7_000);
        await clock().tickAsync(wait);
        expected.push(tick(symbol, price, clock().now));
        await Feed.updatePrice(symbol, price);
        steps.push(`/* +${wait} ms */ ${update(symbol, price)}`);
      }
      await barrier(symbol, steps.join("; "));
      for (const { name, probe } of subscribers) {
        assertEqual(await takeTicks(probe), expected, { call: `${steps.join("; ")} // ${name}`, note: tickNote });
      }
    },
  );

  it(
    testName({
      en: "should record the last price, when it came and how many came, heartbeats in between",
      es: "debería guardar el último precio, cuándo llegó y cuántos llegaron, con heartbeats en medio",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const prices = ex.prices(ex.int(3, 5));
      const { pid } = await startHandler(symbol);
      const steps: string[] = [];
      let at = clock().now;
      // Two waits of more than 15 s put at least one heartbeat (every 30 s) between the first update and the last.
      await linesWhile(pid, async () => {
        for (const [i, price] of prices.entries()) {
          if (i > 0) {
            const wait = ex.int(15_001, 40_000);
            await clock().tickAsync(wait);
            steps.push(`… ${wait} ms …`);
          }
          at = clock().now;
          await Feed.updatePrice(symbol, price);
          steps.push(update(symbol, price));
        }
        await barrier(symbol, steps.join("; "));
      });
      await assertAnswer(
        stateFields(symbol, ["lastPrice", "lastUpdate", "tickCount"]),
        { lastPrice: prices[prices.length - 1] ?? null, lastUpdate: at, tickCount: prices.length },
        {
          call: `${steps.join("; ")}; const { lastPrice, lastUpdate, tickCount } = ${getStateCall(symbol)}`,
          note: {
            es: "Cada actualización guarda lastPrice, lastUpdate = now() y suma uno a tickCount, que cuenta todas las actualizaciones desde el arranque: el heartbeat no cambia el estado.",
            en: "Each update keeps lastPrice, lastUpdate = now() and adds one to tickCount, which counts every update since the start: the heartbeat does not change the state.",
          },
        },
      );
    },
  );

  it(
    testName({
      en: "should notify a subscriber once even if it subscribed twice",
      es: "debería avisar una sola vez a un suscriptor aunque se suscribiera dos veces",
    }),
    async () => {
      const ex = examples();
      const [symbol, price] = [ex.symbol(), ex.price()];
      await startHandler(symbol);
      const probe = await startProbe();
      await subscribe(probe, symbol, "probe");
      await subscribe(probe, symbol, "probe");
      const at = clock().now;
      await Feed.updatePrice(symbol, price);
      const note: Text = {
        es: "subscribe es idempotente: si el proceso ya está suscrito, no lo añadas otra vez (el Enum.uniq del capítulo).",
        en: "subscribe is idempotent: if the process is already subscribed, do not add it again (the chapter's Enum.uniq).",
      };
      await assertAnswer(subscribersOf(symbol), [String(probe.pid)], {
        call: `await probe.run(() => PriceFeedHandler.subscribe(${q(symbol)})) /* ×2 */; ${update(symbol, price)}; (${getStateCall(symbol)}).subscribers`,
        note,
      });
      assertEqual(await takeTicks(probe), [tick(symbol, price, at)], {
        call: `await probe.run(() => PriceFeedHandler.subscribe(${q(symbol)})) /* ×2 */; ${update(symbol, price)} // probe`,
        note,
      });
    },
  );
});

gradeTask(3, () => {
  const downNote: Text = {
    es: 'Al suscribir, Process.monitor(pid); cuando ese proceso muere llega { type: "DOWN", pid, … } a handleInfo: quítalo de subscribers.',
    en: 'On subscribe, Process.monitor(pid); when that process dies { type: "DOWN", pid, … } reaches handleInfo: drop it from subscribers.',
  };

  it(testName({ en: "should drop a subscriber that dies", es: "debería quitar a un suscriptor que muere" }), async () => {
    const symbol = examples().symbol();
    const { pid } = await startHandler(symbol);
    const gone = await startProbe();
    const stays = await startProbe();
    await subscribe(gone, symbol, "probe1");
    await subscribe(stays, symbol, "probe2");
    await linesWhile(pid, () => gone.stop());
    await assertAnswer(subscribersOf(symbol), [String(stays.pid)], {
      call: `probe1.stop(); (${getStateCall(symbol)}).subscribers // probe1 = ${String(gone.pid)}, probe2 = ${String(stays.pid)}`,
      note: downNote,
    });
  });

  it(
    testName({
      en: "should keep notifying the live subscribers after one dies",
      es: "debería seguir avisando a los suscriptores vivos después de que uno muera",
    }),
    async () => {
      const ex = examples();
      const [symbol, price] = [ex.symbol(), ex.price()];
      const { pid } = await startHandler(symbol);
      const gone = await startProbe();
      const stays = await startProbe();
      await subscribe(gone, symbol, "probe1");
      await subscribe(stays, symbol, "probe2");
      await linesWhile(pid, async () => {
        await gone.stop();
        await barrier(symbol, "probe1.stop()");
      });
      const at = clock().now;
      await Feed.updatePrice(symbol, price);
      await barrier(symbol, update(symbol, price));
      assertEqual(await takeTicks(stays), [tick(symbol, price, at)], {
        call: `probe1.stop(); ${update(symbol, price)} // probe2`,
        note: tickNote,
      });
    },
  );

  it(
    testName({
      en: "should drop a subscriber that subscribed twice once it dies",
      es: "debería quitar a un suscriptor que se suscribió dos veces cuando muere",
    }),
    async () => {
      const symbol = examples().symbol();
      const { pid } = await startHandler(symbol);
      const gone = await startProbe();
      await subscribe(gone, symbol, "probe");
      await subscribe(gone, symbol, "probe");
      await linesWhile(pid, () => gone.stop());
      await assertAnswer(subscribersOf(symbol), [], {
        call: `probe.stop(); (${getStateCall(symbol)}).subscribers`,
        note: downNote,
      });
    },
  );

  it(
    testName({
      en: "should log one info line naming the symbol and the subscriber when it dies, even one that subscribed twice",
      es: "debería escribir una línea info con el símbolo y el suscriptor cuando muere, aunque se suscribiera dos veces",
    }),
    async () => {
      const symbol = examples().symbol();
      const { pid } = await startHandler(symbol);
      const gone = await startProbe();
      const stays = await startProbe();
      await subscribe(gone, symbol, "probe1");
      await subscribe(stays, symbol, "probe2");
      await subscribe(gone, symbol, "probe1");
      const lines = await linesWhile(pid, async () => {
        await gone.stop();
        await barrier(symbol, "probe1.stop()");
      });
      const infos = lines.filter((line) => line.level === "info");
      const call = `probe1.subscribe ×2; probe1.stop() // probe1 = ${String(gone.pid)}; Logger: ${JSON.stringify(lines)}`;
      const note: Text = {
        es: `Con un solo monitor por suscriptor (Process.monitor solo cuando no estaba suscrito), su muerte trae un DOWN y una línea con Logger.info que nombra el símbolo y el pid: "[${symbol}] Subscriber ${String(gone.pid)} disconnected".`,
        en: `With one monitor per subscriber (Process.monitor only when it was not subscribed yet), its death brings one DOWN and one Logger.info line naming the symbol and the pid: "[${symbol}] Subscriber ${String(gone.pid)} disconnected".`,
      };
      assertEqual(infos.length, 1, { call: `${call}.filter(level === "info").length`, note });
      const message = infos[0]?.message ?? "";
      assertEqual(message.includes(symbol) && message.includes(String(gone.pid)), true, {
        call: `${call}: ${JSON.stringify(message)}.includes(${q(symbol)}) && .includes(${q(String(gone.pid))})`,
        note,
      });
    },
  );
});

gradeTask(4, () => {
  /** The times of the heartbeats after `from` up to `to` (both multiples of the heartbeat), as a comment says them. */
  const beats = (from: number, to: number): string =>
    Array.from({ length: (to - from) / HEARTBEAT }, (_, i) => from + (i + 1) * HEARTBEAT).join(", ");

  it(
    testName({
      en: "should warn at 30 s, not before, when no data has arrived yet",
      es: "debería avisar a los 30 s, no antes, cuando aún no llegaron datos",
    }),
    async () => {
      const symbol = examples().symbol();
      const { pid } = await startHandler(symbol);
      const before = await linesWhile(pid, () => clock().tickAsync(HEARTBEAT - 1));
      assertEqual(before, [], {
        call: `PriceFeedHandler.startLink(${q(symbol)}) // t = 29999 ms: Logger`,
        note: { es: "El primer heartbeat llega a los 30000 ms, no antes.", en: "The first heartbeat comes at 30000 ms, not before." },
      });
      const at = await linesWhile(pid, () => clock().tickAsync(1));
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
    },
  );

  it(
    testName({
      en: "should beat every 30 s, re-arming the timer each time, and leave none once stopped",
      es: "debería latir cada 30 s, reprogramando el timer cada vez, y no dejar ninguno al parar",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const count = ex.int(3, 6);
      const { pid } = await startHandler(symbol);
      const lines = await linesWhile(pid, () => clock().tickAsync(count * HEARTBEAT));
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
    },
  );

  it(
    testName({
      en: "should log debug with the tick count while data is fresh, even exactly 60 s after the last update",
      es: "debería escribir debug con la cuenta de ticks mientras los datos son recientes, también a los 60 s exactos",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const prices = ex.prices(ex.int(2, 9));
      // The updates come right after a heartbeat, so the second heartbeat after them finds data exactly 60 s old.
      const updatedAt = ex.int(0, 2) * HEARTBEAT;
      const { pid } = await startHandler(symbol);
      await linesWhile(pid, () => clock().tickAsync(updatedAt));
      for (const price of prices) await Feed.updatePrice(symbol, price);
      await barrier(symbol, `${prices.length} × PriceFeedHandler.updatePrice`);
      const lines = await linesWhile(pid, () => clock().tickAsync(2 * HEARTBEAT));
      const call = `${prices.length} × ${update(symbol, prices[0] ?? 0)}… /* t = ${updatedAt} ms */ // t = ${beats(updatedAt, updatedAt + 2 * HEARTBEAT)} ms: Logger ${JSON.stringify(lines)}`;
      assertEqual(levels(lines), ["debug", "debug"], {
        call,
        note: {
          es: "Con datos recientes el heartbeat usa Logger.debug. Stale es más de 60000 ms sin datos (now() - lastUpdate > 60000): a los 60000 exactos aún no.",
          en: "With recent data the heartbeat uses Logger.debug. Stale is more than 60000 ms without data (now() - lastUpdate > 60000): at exactly 60000 not yet.",
        },
      });
      const message = lines[0]?.message ?? "";
      assertEqual(message.includes(symbol) && holdsNumber(message, prices.length), true, {
        call: `// t = ${updatedAt + HEARTBEAT} ms: Logger.debug(${JSON.stringify(message)})`,
        note: {
          es: `La línea nombra el símbolo y cuántos ticks llegaron (tickCount = ${prices.length}): "[${symbol}] Heartbeat OK, ${prices.length} ticks".`,
          en: `The line names the symbol and how many ticks came (tickCount = ${prices.length}): "[${symbol}] Heartbeat OK, ${prices.length} ticks".`,
        },
      });
    },
  );

  it(
    testName({
      en: "should log an error with STALE after more than 60 s without data",
      es: "debería escribir un error con STALE tras más de 60 s sin datos",
    }),
    async () => {
      const ex = examples();
      const [symbol, price] = [ex.symbol(), ex.price()];
      // Before the first heartbeat: the heartbeats at 30 and 60 s find fresh data, the one at 90 s stale data.
      const updatedAt = ex.int(1, HEARTBEAT - 1);
      const age = 3 * HEARTBEAT - updatedAt;
      const { pid } = await startHandler(symbol);
      await clock().tickAsync(updatedAt);
      await Feed.updatePrice(symbol, price);
      await barrier(symbol, update(symbol, price));
      const lines = await linesWhile(pid, () => clock().tickAsync(age));
      assertEqual(levels(lines), ["debug", "debug", "error"], {
        call: `${update(symbol, price)} /* t = ${updatedAt} ms */ // t = ${beats(0, 3 * HEARTBEAT)} ms: Logger ${JSON.stringify(lines)}`,
        note: {
          es: `A los 90000 ms hace ${age} ms del último dato (más de 60000): Logger.error. A los 30000 y 60000, Logger.debug.`,
          en: `At 90000 ms the last data is ${age} ms old (more than 60000): Logger.error. At 30000 and 60000, Logger.debug.`,
        },
      });
      const message = lines[2]?.message ?? "";
      assertEqual(message.includes("STALE") && message.includes(symbol), true, {
        call: `// t = 90000 ms: Logger.error(${JSON.stringify(message)})`,
        note: {
          es: `El error nombra el símbolo y contiene STALE: "[${symbol}] Data is STALE!".`,
          en: `The error names the symbol and contains STALE: "[${symbol}] Data is STALE!".`,
        },
      });
    },
  );

  it(
    testName({
      en: "should keep beating once the data is stale, and log debug again when data comes back",
      es: "debería seguir latiendo con los datos stale, y volver a debug cuando vuelven los datos",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [first, later] = ex.prices(2) as [number, number];
      const updatedAt = ex.int(1, HEARTBEAT - 1);
      const { pid } = await startHandler(symbol);
      await clock().tickAsync(updatedAt);
      await Feed.updatePrice(symbol, first);
      await barrier(symbol, update(symbol, first));
      const stale = await linesWhile(pid, () => clock().tickAsync(4 * HEARTBEAT - updatedAt));
      const note: Text = {
        es: "El heartbeat se programa otra vez después de cada línea, también después de un error: mientras no lleguen datos, cada 30 s otro STALE; con un dato nuevo, debug.",
        en: "The heartbeat is scheduled again after every line, after an error too: while no data comes, another STALE every 30 s; with new data, debug.",
      };
      assertEqual(levels(stale), ["debug", "debug", "error", "error"], {
        call: `${update(symbol, first)} /* t = ${updatedAt} ms */ // t = ${beats(0, 4 * HEARTBEAT)} ms: Logger ${JSON.stringify(stale)}`,
        note,
      });
      const again = ex.int(1, HEARTBEAT - 1);
      await clock().tickAsync(again);
      await Feed.updatePrice(symbol, later);
      await barrier(symbol, update(symbol, later));
      const fresh = await linesWhile(pid, () => clock().tickAsync(HEARTBEAT - again));
      assertEqual(levels(fresh), ["debug"], {
        call: `${update(symbol, later)} /* t = ${4 * HEARTBEAT + again} ms */ // t = ${5 * HEARTBEAT} ms: Logger ${JSON.stringify(fresh)}`,
        note,
      });
    },
  );

  it(testName({ en: "should count a price of 0 as data", es: "debería contar un precio 0 como un dato" }), async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const updatedAt = ex.int(1, HEARTBEAT - 1);
    const { pid } = await startHandler(symbol);
    await clock().tickAsync(updatedAt);
    await Feed.updatePrice(symbol, 0);
    await barrier(symbol, update(symbol, 0));
    const lines = await linesWhile(pid, () => clock().tickAsync(HEARTBEAT - updatedAt));
    assertEqual(levels(lines), ["debug"], {
      call: `${update(symbol, 0)} /* t = ${updatedAt} ms */ // t = ${HEARTBEAT} ms: Logger ${JSON.stringify(lines)}`,
      note: {
        es: "Un precio 0 es un dato como cualquier otro: mira lastUpdate === null para saber si llegaron datos, no !lastPrice.",
        en: "A price of 0 is data like any other: test lastUpdate === null to know whether data came, not !lastPrice.",
      },
    });
  });

  it(
    testName({
      en: "should beat exactly once per interval, for many intervals, while subscribers come and go",
      es: "debería latir exactamente una vez por intervalo, muchos intervalos seguidos, mientras entran y salen suscriptores",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const intervals = ex.int(5, 8);
      const { pid } = await startHandler(symbol);
      const alive: RemoteProbe[] = [];
      for (let i = 0; i < 3; i++) {
        const probe = await startProbe();
        await subscribe(probe, symbol, `probe${i + 1}`);
        alive.push(probe);
      }
      const history: string[] = [];
      for (let n = 1; n <= intervals; n++) {
        // Mid-interval a subscriber dies (its DOWN reaches handleInfo) or a new one subscribes, and a price comes.
        const mid = ex.int(1, HEARTBEAT - 1);
        const when = `t = ${(n - 1) * HEARTBEAT + mid}`;
        const lines = await linesWhile(pid, async () => {
          await clock().tickAsync(mid);
          const dying = n % 2 === 1 ? alive.shift() : undefined;
          if (dying !== undefined) {
            await dying.stop("shutdown");
            history.push(`${when}: probe.stop()`);
          } else {
            const probe = await startProbe();
            await subscribe(probe, symbol, "probe");
            alive.push(probe);
            history.push(`${when}: subscribe`);
          }
          const price = ex.price();
          await Feed.updatePrice(symbol, price);
          await barrier(symbol, `${history[history.length - 1] ?? ""}; ${update(symbol, price)}`);
          await clock().tickAsync(HEARTBEAT - mid);
        });
        assertEqual(beatsOf(lines).length, 1, {
          call: `${history.join("; ")} // t = ${n * HEARTBEAT} ms: ${t({ es: "líneas del heartbeat del intervalo", en: "heartbeat lines of the interval" })} ${n}: ${JSON.stringify(beatsOf(lines))}`,
          note: {
            es: "Un solo heartbeat pendiente a la vez: prográmalo en init y al atender cada heartbeat, en ningún otro mensaje (un DOWN, un cast). Cada sendAfter de más arranca otra cadena de heartbeats.",
            en: "One heartbeat pending at a time: schedule it in init and when handling each heartbeat, on no other message (a DOWN, a cast). Each extra sendAfter starts another chain of heartbeats.",
          },
        });
      }
    },
  );
});

gradeTask(5, () => {
  const PROBES = 3;

  interface Model {
    readonly startedAt: number;
    now: number;
    lastPrice: number | null;
    lastUpdate: number | null;
    tickCount: number;
    readonly subscribed: Set<number>;
    readonly dead: Set<number>;
  }
  interface Real {
    readonly handler: Handler;
    readonly probes: RemoteProbe[];
  }
  type Command = fc.AsyncCommand<Model, Real>;

  /** The heartbeats due in (from, to], and the level each logs given the model's last update. */
  function expectedBeats(model: Model, from: number, to: number): string[] {
    const expected: string[] = [];
    const first = model.startedAt + (Math.floor((from - model.startedAt) / HEARTBEAT) + 1) * HEARTBEAT;
    for (let beat = first; beat <= to; beat += HEARTBEAT) {
      if (model.lastUpdate === null) expected.push("warn");
      else expected.push(beat - model.lastUpdate > STALE ? "error" : "debug");
    }
    return expected;
  }

  const moment = (model: Model): string => `t = ${model.now - model.startedAt} ms`;

  const liveSubscribers = (model: Model, real: Real): string[] =>
    sorted([...model.subscribed].map((i) => (real.probes[i] as RemoteProbe).pid));

  /** The commands of a model run on `symbol`'s handler. */
  function commandsFor(symbol: string): fc.Arbitrary<Command>[] {
    const subscribeCode = (i: number): string => `await probe${i}.run(() => PriceFeedHandler.subscribe(${q(symbol)}))`;

    const subscribeCommand = fc.nat({ max: PROBES - 1 }).map(
      (i): Command => ({
        check: (model) => !model.dead.has(i),
        run: async (model, real) => {
          const probe = real.probes[i] as RemoteProbe;
          await assertAnswer(
            probe.run(() => Feed.subscribe(symbol)),
            "ok",
            { call: subscribeCode(i) },
          );
          model.subscribed.add(i);
        },
        toString: () => subscribeCode(i),
      }),
    );

    const dieCommand = fc.nat({ max: PROBES - 1 }).map(
      (i): Command => ({
        check: (model) => !model.dead.has(i),
        run: async (model, real) => {
          await (real.probes[i] as RemoteProbe).stop("shutdown");
          model.dead.add(i);
          model.subscribed.delete(i);
        },
        toString: () => `probe${i}.stop("shutdown")`,
      }),
    );

    // A price of 0 now and then: it is data like any other.
    const price = fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 1_000_000 }).map((cents) => cents / 100) },
    );
    const updateCommand = price.map((price): Command => {
      const code = update(symbol, price);
      return {
        check: () => true,
        run: async (model, real) => {
          const at = clock().now;
          await Feed.updatePrice(symbol, price);
          model.lastPrice = price;
          model.lastUpdate = at;
          model.tickCount += 1;
          await assertAnswer(
            Feed.getState(symbol).then(({ symbol, lastPrice, lastUpdate, tickCount, subscribers }) => ({
              symbol,
              lastPrice,
              lastUpdate,
              tickCount,
              subscribers: sorted(subscribers),
            })),
            { symbol, lastPrice: price, lastUpdate: at, tickCount: model.tickCount, subscribers: liveSubscribers(model, real) },
            {
              call: `${code}; ${getStateCall(symbol)} // ${moment(model)}; ${real.probes.map((probe, n) => `probe${n} = ${String(probe.pid)}`).join(", ")}`,
              note: {
                es: "lastPrice y lastUpdate = now() de la última actualización, tickCount = todas las actualizaciones, subscribers = los suscriptores vivos, cada uno una vez.",
                en: "lastPrice and lastUpdate = now() of the last update, tickCount = every update, subscribers = the live subscribers, each one once.",
              },
            },
          );
          for (const [i, probe] of real.probes.entries()) {
            if (model.dead.has(i)) continue;
            const expected = model.subscribed.has(i) ? [tick(symbol, price, at)] : [];
            assertEqual(await takeTicks(probe), expected, { call: `${code} // probe${i}, ${moment(model)}`, note: tickNote });
          }
        },
        toString: () => code,
      };
    });

    // Exactly to the next heartbeat half the time: updates then land on a heartbeat's instant, so that a later
    // heartbeat finds data exactly 60 s old.
    const advance = fc.oneof(fc.integer({ min: 1, max: 45_000 }), fc.constant("beat" as const));
    const advanceCommand = advance.map((how): Command => {
      let shown = "";
      return {
        check: () => true,
        run: async (model, real) => {
          const ms = how === "beat" ? HEARTBEAT - ((model.now - model.startedAt) % HEARTBEAT) : how;
          shown = `await clock.tickAsync(${ms})`;
          const expected = expectedBeats(model, model.now, model.now + ms);
          const lines = await linesWhile(real.handler, () => clock().tickAsync(ms));
          const from = moment(model);
          model.now += ms;
          assertEqual(levels(beatsOf(lines)), expected, {
            call: `${shown} // ${from} → ${moment(model)}; ${t({ es: "último dato", en: "last data" })}: ${model.lastUpdate === null ? "—" : `t = ${model.lastUpdate - model.startedAt} ms`}; Logger ${JSON.stringify(beatsOf(lines))}`,
            note: {
              es: "Un heartbeat cada 30 s desde el arranque: warn sin datos, error si now() - lastUpdate > 60000, debug si no.",
              en: "One heartbeat every 30 s from the start: warn with no data, error if now() - lastUpdate > 60000, debug otherwise.",
            },
          });
        },
        toString: () => shown || "await clock.tickAsync(…)",
      };
    });

    return [subscribeCommand, subscribeCommand, dieCommand, updateCommand, updateCommand, advanceCommand];
  }

  it(
    testName({
      en: "should deliver each update once to each live subscriber, and beat on time, in any sequence of events",
      es: "debería entregar cada actualización una vez a cada suscriptor vivo, y latir a tiempo, en cualquier secuencia de eventos",
    }),
    async () => {
      const symbol = examples().symbol();
      // The handler logs each probe's death and its heartbeats: kept off the console.
      await captureLogs(() =>
        assertModel<Model, Real>({
          setup: async () => {
            const { pid } = await startHandler(symbol);
            const probes: RemoteProbe[] = [];
            for (let i = 0; i < PROBES; i++) probes.push(await startProbe());
            const now = clock().now;
            return {
              model: {
                startedAt: now,
                now,
                lastPrice: null,
                lastUpdate: null,
                tickCount: 0,
                subscribed: new Set(),
                dead: new Set(),
              },
              real: { handler: pid, probes },
              cleanup: async () => {
                for (const probe of probes) if (await probe.alive()) await probe.stop();
                await captureLogs(() => GenServer.stop(pid).catch(() => undefined));
              },
            };
          },
          commands: commandsFor(symbol),
          // Sequences of up to 30 events, spread evenly (fast-check's default size stops at 10): long enough for a
          // subscriber to subscribe, die and miss updates while the heartbeats go fresh, stale and fresh again.
          size: "medium",
          maxCommands: 30,
          numRuns: 40,
        }),
      );
    },
  );
});
