import { afterEach, it } from "vitest";
import { assertEqual, captureLogs, fail, gradeTask, type Text, useFakeClock } from "#grading";
import * as PriceMonitor from "#impl/02-price-monitor/price-monitor.ts";
import { GenServer, type LogEntry, type Pid, Process, Sys } from "#runtime";

type Monitor = Pid<PriceMonitor.PriceMonitorProtocol>;
type State = PriceMonitor.PriceMonitorState;

/** The chapter's interval: the grader's own, not the implementation's constant. */
const INTERVAL = 5000;

// Installed before the clean-up below is registered, so that servers stop while the fake clock is still in place.
const clock = useFakeClock();

const started: Monitor[] = [];

afterEach(async () => {
  for (const pid of started.splice(0)) {
    if (Process.alive(pid)) await GenServer.stop(pid).catch(() => undefined);
  }
});

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts a monitor for this test (stopped after it); a failure to start reads as the call that failed. */
async function startMonitor(symbol = "BTCUSD", link = false): Promise<Monitor> {
  const call = `PriceMonitor.${link ? "startLink" : "start"}(${JSON.stringify(symbol)})`;
  let pid: Monitor;
  try {
    pid = await (link ? PriceMonitor.startLink(symbol) : PriceMonitor.start(symbol));
  } catch (error) {
    fail({
      es: `${call} falló: ${reasonOf(error)}\nSin un servidor en marcha no se puede comprobar nada más de esta tarea.`,
      en: `${call} failed: ${reasonOf(error)}\nWithout a running server nothing else of this task can be checked.`,
    });
  }
  started.push(pid);
  return pid;
}

/** The state through the exercise's own getState; a dead server or a failed call reads as what went wrong. */
async function stateOf(pid: Monitor, when: string): Promise<State> {
  const call = `await PriceMonitor.getState(pid) // ${when}`;
  if (!Process.alive(pid)) {
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

const messagesOf = (logs: readonly LogEntry[], pid: Monitor): string[] =>
  logs.filter((entry) => entry.pid === pid).map((entry) => entry.message);

gradeTask(1, () => {
  it("should start with the symbol, no price and no checks", async () => {
    const pid = await startMonitor("BTCUSD");
    await expectState(pid, { symbol: "BTCUSD", lastPrice: null, checks: 0 }, `PriceMonitor.start("BTCUSD")`, {
      es: "init recibe el símbolo y devuelve ok({ symbol, lastPrice: null, checks: 0 }); getState responde con el estado.",
      en: "init receives the symbol and returns ok({ symbol, lastPrice: null, checks: 0 }); getState replies with the state.",
    });
  });

  it("should start a separate monitor on each start, and with startLink", async () => {
    const first = await startMonitor("BTCUSD");
    const second = await startMonitor("ETHUSD", true);
    assertEqual(first === second, false, { call: `(await PriceMonitor.start("BTCUSD")) === (await PriceMonitor.startLink("ETHUSD"))` });
    await expectState(second, { symbol: "ETHUSD", lastPrice: null, checks: 0 }, `PriceMonitor.startLink("ETHUSD")`);
    await expectState(first, { symbol: "BTCUSD", lastPrice: null, checks: 0 }, `PriceMonitor.start("BTCUSD")`);
  });
});

gradeTask(2, () => {
  it("should do the first check at 5000 ms, not before", async () => {
    const pid = await startMonitor();
    await clock().tickAsync(INTERVAL - 1);
    await expectState(pid, { symbol: "BTCUSD", lastPrice: null, checks: 0 }, "t = 4999 ms", {
      es: 'El primer check llega a los 5000 ms exactos, no antes: Process.sendAfter(self(), { type: "check" }, 5000) en init.',
      en: 'The first check comes at exactly 5000 ms, not before: Process.sendAfter(self(), { type: "check" }, 5000) in init.',
    });
    await clock().tickAsync(1);
    await expectState(pid, { symbol: "BTCUSD", lastPrice: null, checks: 1 }, "t = 5000 ms", {
      es: "A los 5000 ms llega el primer check: handleInfo lo cuenta (checks + 1).",
      en: "At 5000 ms the first check arrives: handleInfo counts it (checks + 1).",
    });
  });

  it("should check again every 5000 ms, re-arming the timer each time", async () => {
    const pid = await startMonitor();
    await clock().tickAsync(2 * INTERVAL);
    await expectState(pid, { symbol: "BTCUSD", lastPrice: null, checks: 2 }, "t = 10000 ms", {
      es: "sendAfter dispara una sola vez: cada check debe programar el siguiente.",
      en: "sendAfter fires only once: each check should schedule the next one.",
    });
    await clock().tickAsync(8 * INTERVAL - 1);
    await expectState(pid, { symbol: "BTCUSD", lastPrice: null, checks: 9 }, "t = 49999 ms");
    await clock().tickAsync(1);
    await expectState(pid, { symbol: "BTCUSD", lastPrice: null, checks: 10 }, "t = 50000 ms", {
      es: "Tras N × 5000 ms debe haber exactamente N checks: ni uno más (¿programas dos timers?) ni uno menos.",
      en: "After N × 5000 ms there should be exactly N checks: not one more (do you schedule two timers?) nor one less.",
    });
  });

  it("should log each check as [SYMBOL] Check #N", async () => {
    const pid = await startMonitor("ETHUSD");
    const logs = await captureLogs(async () => {
      await clock().tickAsync(3 * INTERVAL);
      await stateOf(pid, "t = 15000 ms");
    });
    assertEqual(messagesOf(logs, pid), ["[ETHUSD] Check #1", "[ETHUSD] Check #2", "[ETHUSD] Check #3"], {
      call: `PriceMonitor.start("ETHUSD") // t = 15000 ms: Logger`,
      note: {
        es: "Cada check escribe `[${symbol}] Check #${n}` con Logger.info, con n contando desde 1.",
        en: "Each check writes `[${symbol}] Check #${n}` with Logger.info, n counting from 1.",
      },
    });
  });

  it("should leave no timer behind once stopped", async () => {
    const pid = await startMonitor();
    await clock().tickAsync(2 * INTERVAL + 1234);
    await GenServer.stop(pid);
    assertEqual(clock().countTimers(), 0, {
      call: "await GenServer.stop(pid); clock.countTimers()",
      note: {
        es: "Programa los checks con Process.sendAfter(self(), …), que muere con el proceso; no con setTimeout ni setInterval.",
        en: "Schedule the checks with Process.sendAfter(self(), …), which dies with the process; not with setTimeout or setInterval.",
      },
    });
  });
});

gradeTask(3, () => {
  it("should keep the price of a precio message", async () => {
    const pid = await startMonitor();
    Process.send(pid, { type: "precio", price: 67543.21 });
    await expectState(pid, { symbol: "BTCUSD", lastPrice: 67543.21, checks: 0 }, `Process.send(pid, { type: "precio", price: 67543.21 })`, {
      es: 'handleInfo con { type: "precio", price } guarda price como lastPrice.',
      en: 'handleInfo with { type: "precio", price } keeps price as lastPrice.',
    });
  });

  it("should keep only the last price", async () => {
    const pid = await startMonitor("AAPL");
    Process.send(pid, { type: "precio", price: 189.5 });
    Process.send(pid, { type: "precio", price: 190.25 });
    await expectState(
      pid,
      { symbol: "AAPL", lastPrice: 190.25, checks: 0 },
      `Process.send(pid, { type: "precio", price: 189.5 }); Process.send(pid, { type: "precio", price: 190.25 })`,
    );
  });

  it("should log the new price as [SYMBOL] Nuevo precio: $P", async () => {
    const pid = await startMonitor();
    const logs = await captureLogs(async () => {
      Process.send(pid, { type: "precio", price: 67543.21 });
      await stateOf(pid, `Process.send(pid, { type: "precio", price: 67543.21 })`);
    });
    assertEqual(messagesOf(logs, pid), ["[BTCUSD] Nuevo precio: $67543.21"], {
      call: `Process.send(pid, { type: "precio", price: 67543.21 }) // Logger`,
      note: {
        es: "Escribe `[${symbol}] Nuevo precio: $${price}` con Logger.info.",
        en: "Write `[${symbol}] Nuevo precio: $${price}` with Logger.info.",
      },
    });
  });
});

gradeTask(4, () => {
  const unknown: readonly { readonly message: unknown; readonly code: string; readonly shows: string }[] = [
    { message: { type: "hola" }, code: `{ type: "hola" }`, shows: "hola" },
    { message: "ping", code: `"ping"`, shows: "ping" },
    { message: 42, code: "42", shows: "42" },
  ];

  it("should log an unknown message and stay alive", async () => {
    const pid = await startMonitor();
    const logs = await captureLogs(async () => {
      Process.send(pid, { type: "hola" } as never);
      if (Process.alive(pid)) await PriceMonitor.getState(pid).catch(() => undefined);
    });
    assertEqual(Process.alive(pid), true, {
      call: `Process.send(pid, { type: "hola" }); Process.alive(pid)`,
      note: {
        es: "Un mensaje desconocido no debe tumbar el servidor: añade un caso por defecto (la cláusula catch-all) en handleInfo.",
        en: "An unknown message should not crash the server: add a default case (the catch-all clause) to handleInfo.",
      },
    });
    const lines = messagesOf(logs, pid);
    const line = lines.find((text) => text.startsWith("Mensaje desconocido:"));
    assertEqual(line?.includes("hola") === true, true, {
      call: `Process.send(pid, { type: "hola" }) // Logger: ${JSON.stringify(lines)}`,
      note: {
        es: 'Escribe con Logger.info una línea que empiece por "Mensaje desconocido:" y muestre el mensaje (por ejemplo con JSON.stringify).',
        en: 'Write with Logger.info a line that starts with "Mensaje desconocido:" and shows the message (with JSON.stringify, for example).',
      },
    });
  });

  it("should keep the state as it was after unknown messages of any shape", async () => {
    const pid = await startMonitor("EURUSD");
    await Sys.replaceState(pid, (state) => ({ ...(state as State), lastPrice: 1.0842, checks: 7 }));
    const logs = await captureLogs(async () => {
      for (const { message } of unknown) Process.send(pid, message as never);
      await expectState(
        pid,
        { symbol: "EURUSD", lastPrice: 1.0842, checks: 7 },
        unknown.map(({ code }) => `Process.send(pid, ${code})`).join("; "),
        {
          es: "Ante un mensaje desconocido handleInfo devuelve noreply(state): el mismo estado, sin tocarlo.",
          en: "On an unknown message handleInfo returns noreply(state): the same state, untouched.",
        },
      );
    });
    const lines = messagesOf(logs, pid).filter((text) => text.startsWith("Mensaje desconocido:"));
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
