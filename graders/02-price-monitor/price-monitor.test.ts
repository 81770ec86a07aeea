import { it } from "vitest";
import {
  assertEqual,
  captureLogs,
  examples,
  fail,
  gradeTask,
  type RemoteLogEntry,
  startServer,
  subject,
  type Text,
  useFakeClock,
} from "#grading";
import type * as Impl from "#impl/02-price-monitor/price-monitor.ts";
import type { Pid } from "#runtime";

const PriceMonitor = subject.module<typeof Impl>();
const { GenServer, Process, Sys } = subject.runtime;

type Monitor = Pid<Impl.PriceMonitorProtocol>;
type State = Impl.PriceMonitorState;

/** The chapter's interval: the grader's own, not the implementation's constant. */
const INTERVAL = 5000;

// The subject's fake clock, installed before each test; after it the subject stops the test's servers, then removes it.
const clock = useFakeClock();

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts a monitor for this test (the subject stops it after the test). */
function startMonitor(symbol: string, link = false): Promise<Monitor> {
  const call = `PriceMonitor.${link ? "startLink" : "start"}(${JSON.stringify(symbol)})`;
  return startServer(call, () => (link ? PriceMonitor.startLink(symbol) : PriceMonitor.start(symbol)));
}

/** The state through the exercise's own getState; a dead server or a failed call reads as what went wrong. */
async function stateOf(pid: Monitor, when: string): Promise<State> {
  const call = `await PriceMonitor.getState(pid) // ${when}`;
  if (!(await Process.alive(pid))) {
    fail({
      es: `${call}\nEl servidor ya no está en marcha: terminó (o se cayó) antes de esta llamada.`,
      en: `${call}\nThe server is no longer running: it exited (or crashed) before this call.`,
    });
  }
  try {
    return await PriceMonitor.getState(pid);
  } catch (error) {
    fail({ es: `${call} falló: ${reasonOf(error)}`, en: `${call} failed: ${reasonOf(error)}` });
  }
}

async function expectState(pid: Monitor, expected: State, when: string, note?: Text): Promise<void> {
  const actual = await stateOf(pid, when);
  const call = `await PriceMonitor.getState(pid) // ${when}`;
  assertEqual(actual, expected, note === undefined ? { call } : { call, note });
}

const messagesOf = (logs: readonly RemoteLogEntry[], pid: Monitor): string[] =>
  logs.filter((entry) => entry.pid === pid).map((entry) => entry.message);

const q = (text: string): string => JSON.stringify(text);

const precio = (price: number): string => `Process.send(pid, { type: "precio", price: ${price} })`;

/** Words for unknown messages: none of them is a message the monitor knows ("check", "precio"). */
const UNKNOWN_WORDS = ["hola", "adios", "saludo", "ping", "reset", "status", "comprar", "vender", "ayuda", "stop"] as const;

gradeTask(1, () => {
  it("should start with the symbol, no price and no checks", async () => {
    const symbol = examples().symbol();
    const pid = await startMonitor(symbol);
    await expectState(pid, { symbol, lastPrice: null, checks: 0 }, `PriceMonitor.start(${q(symbol)})`, {
      es: "init recibe el símbolo y devuelve ok({ symbol, lastPrice: null, checks: 0 }); getState responde con el estado.",
      en: "init receives the symbol and returns ok({ symbol, lastPrice: null, checks: 0 }); getState replies with the state.",
    });
  });

  it("should start a separate monitor on each start, and with startLink", async () => {
    const [one, two] = examples().symbols(2) as [string, string];
    const first = await startMonitor(one);
    const second = await startMonitor(two, true);
    assertEqual(first === second, false, { call: `(await PriceMonitor.start(${q(one)})) === (await PriceMonitor.startLink(${q(two)}))` });
    await expectState(second, { symbol: two, lastPrice: null, checks: 0 }, `PriceMonitor.startLink(${q(two)})`);
    await expectState(first, { symbol: one, lastPrice: null, checks: 0 }, `PriceMonitor.start(${q(one)})`);
  });
});

gradeTask(2, () => {
  it("should do the first check at 5000 ms, not before", async () => {
    const symbol = examples().symbol();
    const pid = await startMonitor(symbol);
    await clock().tickAsync(INTERVAL - 1);
    await expectState(pid, { symbol, lastPrice: null, checks: 0 }, "t = 4999 ms", {
      es: 'El primer check llega a los 5000 ms exactos, no antes: Process.sendAfter(self(), { type: "check" }, 5000) en init.',
      en: 'The first check comes at exactly 5000 ms, not before: Process.sendAfter(self(), { type: "check" }, 5000) in init.',
    });
    await clock().tickAsync(1);
    await expectState(pid, { symbol, lastPrice: null, checks: 1 }, "t = 5000 ms", {
      es: "A los 5000 ms llega el primer check: handleInfo lo cuenta (checks + 1).",
      en: "At 5000 ms the first check arrives: handleInfo counts it (checks + 1).",
    });
  });

  it("should check again every 5000 ms, re-arming the timer each time", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const early = ex.int(2, 4);
    const late = ex.int(early + 3, 12);
    const pid = await startMonitor(symbol);
    await clock().tickAsync(early * INTERVAL);
    await expectState(pid, { symbol, lastPrice: null, checks: early }, `t = ${early * INTERVAL} ms`, {
      es: "sendAfter dispara una sola vez: cada check debe programar el siguiente.",
      en: "sendAfter fires only once: each check should schedule the next one.",
    });
    await clock().tickAsync((late - early) * INTERVAL - 1);
    await expectState(pid, { symbol, lastPrice: null, checks: late - 1 }, `t = ${late * INTERVAL - 1} ms`);
    await clock().tickAsync(1);
    await expectState(pid, { symbol, lastPrice: null, checks: late }, `t = ${late * INTERVAL} ms`, {
      es: "Tras N × 5000 ms debe haber exactamente N checks: ni uno más (¿programas dos timers?) ni uno menos.",
      en: "After N × 5000 ms there should be exactly N checks: not one more (do you schedule two timers?) nor one less.",
    });
  });

  it("should log each check as [SYMBOL] Check #N", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const checks = ex.int(2, 6);
    const pid = await startMonitor(symbol);
    const logs = await captureLogs(async () => {
      await clock().tickAsync(checks * INTERVAL);
      await stateOf(pid, `t = ${checks * INTERVAL} ms`);
    });
    const expected = Array.from({ length: checks }, (_, i) => `[${symbol}] Check #${i + 1}`);
    assertEqual(messagesOf(logs, pid), expected, {
      call: `PriceMonitor.start(${q(symbol)}) // t = ${checks * INTERVAL} ms: Logger`,
      note: {
        es: "Cada check escribe `[${symbol}] Check #${n}` con Logger.info, con n contando desde 1.",
        en: "Each check writes `[${symbol}] Check #${n}` with Logger.info, n counting from 1.",
      },
    });
  });

  it("should leave no timer behind once stopped", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const elapsed = ex.int(1, 4) * INTERVAL + ex.int(1, INTERVAL - 1);
    const pid = await startMonitor(symbol);
    await clock().tickAsync(elapsed);
    await GenServer.stop(pid);
    assertEqual(await clock().countTimers(), 0, {
      call: `PriceMonitor.start(${q(symbol)}); /* t = ${elapsed} ms */ await GenServer.stop(pid); clock.countTimers()`,
      note: {
        es: "Programa los checks con Process.sendAfter(self(), …), que muere con el proceso; no con setTimeout ni setInterval.",
        en: "Schedule the checks with Process.sendAfter(self(), …), which dies with the process; not with setTimeout or setInterval.",
      },
    });
  });
});

gradeTask(3, () => {
  it("should keep the price of a precio message", async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startMonitor(symbol);
    await Process.send(pid, { type: "precio", price });
    await expectState(pid, { symbol, lastPrice: price, checks: 0 }, precio(price), {
      es: 'handleInfo con { type: "precio", price } guarda price como lastPrice.',
      en: 'handleInfo with { type: "precio", price } keeps price as lastPrice.',
    });
  });

  it("should keep only the last price", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const prices = ex.prices(ex.int(2, 4));
    const pid = await startMonitor(symbol);
    for (const price of prices) await Process.send(pid, { type: "precio", price });
    await expectState(pid, { symbol, lastPrice: prices[prices.length - 1] ?? null, checks: 0 }, prices.map(precio).join("; "));
  });

  it("should log the new price as [SYMBOL] Nuevo precio: $P", async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startMonitor(symbol);
    const logs = await captureLogs(async () => {
      await Process.send(pid, { type: "precio", price });
      await stateOf(pid, precio(price));
    });
    assertEqual(messagesOf(logs, pid), [`[${symbol}] Nuevo precio: $${price}`], {
      call: `${precio(price)} // Logger`,
      note: {
        es: "Escribe `[${symbol}] Nuevo precio: $${price}` con Logger.info.",
        en: "Write `[${symbol}] Nuevo precio: $${price}` with Logger.info.",
      },
    });
  });
});

gradeTask(4, () => {
  it("should log an unknown message and stay alive", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const word = ex.pick(UNKNOWN_WORDS);
    const code = `Process.send(pid, { type: ${q(word)} })`;
    const pid = await startMonitor(symbol);
    const logs = await captureLogs(async () => {
      await Process.send(pid, { type: word });
      if (await Process.alive(pid)) await PriceMonitor.getState(pid).catch(() => undefined);
    });
    assertEqual(await Process.alive(pid), true, {
      call: `${code}; Process.alive(pid)`,
      note: {
        es: "Un mensaje desconocido no debe tumbar el servidor: añade un caso por defecto (la cláusula catch-all) en handleInfo.",
        en: "An unknown message should not crash the server: add a default case (the catch-all clause) to handleInfo.",
      },
    });
    const lines = messagesOf(logs, pid);
    const line = lines.find((text) => text.startsWith("Mensaje desconocido:"));
    assertEqual(line?.includes(word) === true, true, {
      call: `${code} // Logger: ${JSON.stringify(lines)}`,
      note: {
        es: 'Escribe con Logger.info una línea que empiece por "Mensaje desconocido:" y muestre el mensaje (por ejemplo con JSON.stringify).',
        en: 'Write with Logger.info a line that starts with "Mensaje desconocido:" and shows the message (with JSON.stringify, for example).',
      },
    });
  });

  it("should keep the state as it was after unknown messages of any shape", async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const [lastPrice, checks] = [ex.price(), ex.int(1, 50)];
    const [type, text] = ex.pickDistinct(UNKNOWN_WORDS, 2) as [string, string];
    const number = ex.int(100, 99_999);
    const unknown: readonly { readonly message: unknown; readonly code: string; readonly shows: string }[] = [
      { message: { type }, code: `{ type: ${q(type)} }`, shows: type },
      { message: text, code: q(text), shows: text },
      { message: number, code: String(number), shows: String(number) },
    ];
    const pid = await startMonitor(symbol);
    const state = (await Sys.getState(pid)) as State;
    await Sys.replaceState(pid, { ...state, lastPrice, checks });
    const logs = await captureLogs(async () => {
      for (const { message } of unknown) await Process.send(pid, message);
      await expectState(
        pid,
        { symbol, lastPrice, checks },
        `Sys.replaceState(pid, (state) => ({ ...state, lastPrice: ${lastPrice}, checks: ${checks} })); ${unknown.map(({ code }) => `Process.send(pid, ${code})`).join("; ")}`,
        {
          es: "Ante un mensaje desconocido handleInfo devuelve noreply(state): el mismo estado, sin tocarlo.",
          en: "On an unknown message handleInfo returns noreply(state): the same state, untouched.",
        },
      );
    });
    const lines = messagesOf(logs, pid).filter((line) => line.startsWith("Mensaje desconocido:"));
    for (const [i, { code, shows }] of unknown.entries()) {
      assertEqual(lines[i]?.includes(shows) === true, true, {
        call: `Process.send(pid, ${code}) // Logger: ${JSON.stringify(lines[i])}`,
        note: {
          es: 'Cada mensaje desconocido escribe su propia línea "Mensaje desconocido: …" que lo muestra.',
          en: 'Each unknown message writes its own "Mensaje desconocido: …" line showing it.',
        },
      });
    }
  });
});
