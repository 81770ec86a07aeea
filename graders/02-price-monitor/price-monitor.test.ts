import fc from "fast-check";
import { it } from "vitest";
import {
  assertAnswer,
  assertEqual,
  assertModel,
  captureLogs,
  examples,
  fail,
  gradeTask,
  type RemoteLogEntry,
  startProbe,
  startServer,
  subject,
  type Text,
  t,
  testName,
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

/** Starts a monitor for this test (the subject stops it after the test). */
function startMonitor(symbol: string, link = false): Promise<Monitor> {
  const call = `PriceMonitor.${link ? "startLink" : "start"}(${JSON.stringify(symbol)})`;
  return startServer(call, () => (link ? PriceMonitor.startLink(symbol) : PriceMonitor.start(symbol)));
}

/**
 * Checks the state through the exercise's own getState. A server that is gone reads as such; a getState that throws
 * shows what it threw and where.
 */
async function expectState(pid: Monitor, expected: State, when: string, note?: Text): Promise<void> {
  const call = `await PriceMonitor.getState(pid) // ${when}`;
  if (!(await Process.alive(pid))) {
    fail({
      es: `${call}\nEl servidor ya no está en marcha: terminó (o se cayó) antes de esta llamada.`,
      en: `${call}\nThe server is no longer running: it exited (or crashed) before this call.`,
    });
  }
  await assertAnswer(PriceMonitor.getState(pid), expected, note === undefined ? { call } : { call, note });
}

const messagesOf = (logs: readonly RemoteLogEntry[], pid: Monitor): string[] =>
  logs.filter((entry) => entry.pid === pid).map((entry) => entry.message);

const q = (text: string): string => JSON.stringify(text);

const precio = (price: number): string => `Process.send(pid, { type: "precio", price: ${price} })`;

/** Words for unknown messages: none of them is a message the monitor knows ("check", "precio"). */
const UNKNOWN_WORDS = ["hola", "adios", "saludo", "ping", "reset", "status", "comprar", "vender", "ayuda", "stop"] as const;

/**
 * Over `intervals` intervals, sends one message at a drawn moment inside each (never on a check's own millisecond),
 * then checks the state at the interval's end: a message that schedules a check of its own shows as more checks
 * than the time says, one interval later. (The runtime keeps every deadline behind one host timer, so counting the
 * subject's timers would not show it.)
 */
async function sendBetweenChecks(options: {
  readonly pid: Monitor;
  readonly intervals: number;
  readonly offset: () => number;
  readonly message: (interval: number) => { readonly message: unknown; readonly code: string };
  readonly expected: (interval: number) => State;
  readonly note: Text;
}): Promise<void> {
  const steps: string[] = [];
  for (let interval = 1; interval <= options.intervals; interval++) {
    const offset = options.offset();
    const { message, code } = options.message(interval);
    await clock().tickAsync(offset);
    await Process.send(options.pid, message);
    await clock().tickAsync(INTERVAL - offset);
    steps.push(`t = ${(interval - 1) * INTERVAL + offset} ms: ${code}`);
    const when = `${steps.join("; ")}; t = ${interval * INTERVAL} ms`;
    await expectState(options.pid, options.expected(interval), when, options.note);
  }
}

/**
 * The error and the place in the implementation of a crash the runtime logged ("GenServer … terminating", then
 * "** (TypeError) …" and its stack): `TypeError: … at price-monitor.ts:62 (handleInfo)`.
 */
function crashSummary(log: string): string {
  const lines = log.split("\n");
  const error = lines.find((line) => line.startsWith("** "))?.replace(/^\*\* \((\w+)\) /, "$1: ") ?? lines[0] ?? "";
  for (const line of lines) {
    const frame = /^\s*at (?:(?:Object\.)?(\S+) \()?(?:file:\/\/)?[^()\s]*?([^/\\()\s]+\.ts):(\d+):\d+\)?$/.exec(line);
    if (frame !== null)
      return `${error}, ${t({ es: "en", en: "at" })} ${frame[2]}:${frame[3]}${frame[1] === undefined ? "" : ` (${frame[1]})`}`;
  }
  return error;
}

/** A link test: a monitor started from a probe, then that probe ended with an error; whether the monitor survived. */
async function survivesItsCaller(symbol: string, link: boolean): Promise<boolean> {
  const caller = await startProbe();
  const call = `PriceMonitor.${link ? "startLink" : "start"}(${q(symbol)})`;
  const pid = await startServer(call, () => caller.run(() => (link ? PriceMonitor.startLink(symbol) : PriceMonitor.start(symbol))));
  await caller.stop({ crashed: "caller" });
  return Process.alive(pid);
}

gradeTask(1, () => {
  it(
    testName({ en: "should start with the symbol, no price and no checks", es: "debería empezar con el símbolo, sin precio y sin checks" }),
    async () => {
      const symbol = examples().symbol();
      const pid = await startMonitor(symbol);
      await expectState(pid, { symbol, lastPrice: null, checks: 0 }, `PriceMonitor.start(${q(symbol)})`, {
        es: "init recibe el símbolo y devuelve ok({ symbol, lastPrice: null, checks: 0 }); getState responde con el estado.",
        en: "init receives the symbol and returns ok({ symbol, lastPrice: null, checks: 0 }); getState replies with the state.",
      });
    },
  );

  it(
    testName({
      en: "should start a separate monitor on each start, and with startLink",
      es: "debería arrancar un monitor distinto en cada start, y con startLink",
    }),
    async () => {
      const [one, two] = examples().symbols(2) as [string, string];
      const first = await startMonitor(one);
      const second = await startMonitor(two, true);
      assertEqual(first === second, false, { call: `(await PriceMonitor.start(${q(one)})) === (await PriceMonitor.startLink(${q(two)}))` });
      await expectState(second, { symbol: two, lastPrice: null, checks: 0 }, `PriceMonitor.startLink(${q(two)})`);
      await expectState(first, { symbol: one, lastPrice: null, checks: 0 }, `PriceMonitor.start(${q(one)})`);
    },
  );

  it(
    testName({
      en: "should link startLink's monitor to its caller, and not start's",
      es: "debería enlazar a quien lo llama el monitor de startLink, y no el de start",
    }),
    async () => {
      const symbol = examples().symbol();
      const crash = t({ es: "quien lo arrancó termina con error", en: "its caller exits with an error" });
      assertEqual(await survivesItsCaller(symbol, true), false, {
        call: `const pid = await PriceMonitor.startLink(${q(symbol)}); /* ${crash} */ Process.alive(pid)`,
        note: {
          es: "startLink usa GenServer.startLink: el monitor queda enlazado a quien lo arranca y cae con él, como bajo un supervisor.",
          en: "startLink uses GenServer.startLink: the monitor is linked to its caller and goes down with it, as under a supervisor.",
        },
      });
      assertEqual(await survivesItsCaller(symbol, false), true, {
        call: `const pid = await PriceMonitor.start(${q(symbol)}); /* ${crash} */ Process.alive(pid)`,
        note: {
          es: "start usa GenServer.start: sin enlace, el monitor sigue en marcha aunque termine quien lo arrancó.",
          en: "start uses GenServer.start: with no link, the monitor keeps running when its caller exits.",
        },
      });
    },
  );
});

gradeTask(2, () => {
  it(
    testName({ en: "should do the first check at 5000 ms, not before", es: "debería hacer el primer check a los 5000 ms, no antes" }),
    async () => {
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
    },
  );

  it(
    testName({
      en: "should check again every 5000 ms, re-arming the timer each time",
      es: "debería volver a hacer el check cada 5000 ms, reprogramando el timer cada vez",
    }),
    async () => {
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
        es: "Tras N × 5000 ms debe haber exactamente N checks: ni uno más (¿programas dos timers?) ni uno menos. Cada check programa uno, el siguiente.",
        en: "After N × 5000 ms there should be exactly N checks: not one more (do you schedule two timers?) nor one less. Each check schedules one, the next.",
      });
    },
  );

  it(testName({ en: "should log each check as [SYMBOL] Check #N", es: "debería escribir cada check como [SYMBOL] Check #N" }), async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const checks = ex.int(2, 6);
    const pid = await startMonitor(symbol);
    const logs = await captureLogs(async () => {
      await clock().tickAsync(checks * INTERVAL);
      await Sys.getState(pid);
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

  it(testName({ en: "should leave no timer behind once stopped", es: "no debería dejar ningún timer al parar" }), async () => {
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

  // Every test that lets a check happen with other messages in between is in this task: tasks 3 and 4 never advance
  // the clock, so a check handler that fails costs this task only, and a price or an unknown message that schedules
  // a check of its own breaks the rule of this task ("after N × 5000 ms, exactly N checks").

  it(
    testName({
      en: "should keep the price through the checks, and the checks through the prices",
      es: "debería conservar el precio a través de los checks, y los checks a través de los precios",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const intervals = ex.int(3, 5);
      const prices = ex.prices(intervals);
      const pid = await startMonitor(symbol);
      await sendBetweenChecks({
        pid,
        intervals,
        offset: () => ex.int(1, INTERVAL - 1),
        message: (interval) => {
          const price = prices[interval - 1] as number;
          return { message: { type: "precio", price }, code: precio(price) };
        },
        expected: (interval) => ({ symbol, lastPrice: prices[interval - 1] as number, checks: interval }),
        note: {
          es: "Un check cuenta y programa el siguiente sin tocar lastPrice; un precio cambia lastPrice sin tocar checks ni programar ningún check: sigue habiendo uno cada 5000 ms.",
          en: "A check counts and schedules the next one without touching lastPrice; a price changes lastPrice without touching checks or scheduling any check: there is still one every 5000 ms.",
        },
      });
    },
  );

  it(
    testName({
      en: "should agree with a model on any sequence of prices, elapsed time and reads",
      es: "debería coincidir con un modelo en cualquier secuencia de precios, tiempo transcurrido y lecturas",
    }),
    async () => {
      type Model = { elapsed: number; lastPrice: number | null };
      type Real = { pid: Monitor; symbol: string };
      const symbol = examples().symbol();
      const price = fc.oneof(
        fc.constant(0),
        fc.double({ min: 0.01, max: 100_000, noNaN: true }).map((p) => Math.round(p * 100) / 100),
      );
      const checksAt = (elapsed: number): number => Math.floor(elapsed / INTERVAL);
      const tickCommand = fc.integer({ min: 1, max: 2 * INTERVAL + 500 }).map(
        (ms): fc.AsyncCommand<Model, Real> => ({
          check: () => true,
          run: async (model) => {
            await clock().tickAsync(ms);
            model.elapsed += ms;
          },
          toString: () => `await clock.tickAsync(${ms})`,
        }),
      );
      const precioCommand = price.map(
        (p): fc.AsyncCommand<Model, Real> => ({
          check: () => true,
          run: async (model, real) => {
            await Process.send(real.pid, { type: "precio", price: p });
            model.lastPrice = p;
          },
          toString: () => precio(p),
        }),
      );
      const readCommand = fc.constant<fc.AsyncCommand<Model, Real>>({
        check: () => true,
        run: async (model, real) => {
          const when = `t = ${model.elapsed} ms`;
          await expectState(real.pid, { symbol: real.symbol, lastPrice: model.lastPrice, checks: checksAt(model.elapsed) }, when, {
            es: "Hay un check cada 5000 ms desde el arranque, lleguen los precios que lleguen, y lastPrice es el último precio recibido, pasen los checks que pasen.",
            en: "There is one check every 5000 ms since the start, whatever prices arrive, and lastPrice is the last price received, whatever checks pass.",
          });
        },
        toString: () => "await PriceMonitor.getState(pid)",
      });
      await assertModel<Model, Real>({
        setup: async () => {
          const pid = await startMonitor(symbol);
          return { model: { elapsed: 0, lastPrice: null }, real: { pid, symbol }, cleanup: () => GenServer.stop(pid) };
        },
        commands: [tickCommand, precioCommand, readCommand],
        numRuns: 40,
        maxCommands: 30,
        size: "medium",
      });
    },
  );

  it(
    testName({
      en: "should leave the checks alone on unknown messages",
      es: "debería dejar los checks como estaban ante mensajes desconocidos",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const intervals = ex.int(3, 5);
      const pid = await startMonitor(symbol);
      await sendBetweenChecks({
        pid,
        intervals,
        offset: () => ex.int(1, INTERVAL - 1),
        message: () => {
          const word = ex.pick(UNKNOWN_WORDS);
          return { message: { type: word }, code: `Process.send(pid, { type: ${q(word)} })` };
        },
        expected: (interval) => ({ symbol, lastPrice: null, checks: interval }),
        note: {
          es: "Un mensaje desconocido no cuenta ni programa un check: tras N × 5000 ms hay exactamente N checks.",
          en: "An unknown message neither counts nor schedules a check: after N × 5000 ms there are exactly N checks.",
        },
      });
    },
  );
});

gradeTask(3, () => {
  it(testName({ en: "should keep the price of a precio message", es: "debería guardar el precio de un mensaje precio" }), async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startMonitor(symbol);
    await Process.send(pid, { type: "precio", price });
    await expectState(pid, { symbol, lastPrice: price, checks: 0 }, precio(price), {
      es: 'handleInfo con { type: "precio", price } guarda price como lastPrice.',
      en: 'handleInfo with { type: "precio", price } keeps price as lastPrice.',
    });
  });

  it(testName({ en: "should keep only the last price", es: "debería quedarse solo con el último precio" }), async () => {
    const ex = examples();
    const symbol = ex.symbol();
    const prices = ex.prices(ex.int(2, 4));
    const checks = ex.int(1, 50);
    const pid = await startMonitor(symbol);
    // Checks done already, without advancing the clock (checks are task 2's): a price must leave them as they are.
    const state = (await Sys.getState(pid)) as State;
    await Sys.replaceState(pid, { ...state, checks });
    const sent = [`Sys.replaceState(pid, (state) => ({ ...state, checks: ${checks} }))`, ...prices.map(precio)];
    for (const price of prices) await Process.send(pid, { type: "precio", price });
    await expectState(pid, { symbol, lastPrice: prices[prices.length - 1] ?? null, checks }, sent.join("; "), {
      es: "Un precio nuevo reemplaza al anterior, y checks no cambia: noreply({ ...state, lastPrice: message.price }).",
      en: "A new price replaces the previous one, and checks does not change: noreply({ ...state, lastPrice: message.price }).",
    });
  });

  it(testName({ en: "should keep a price of 0 like any other", es: "debería guardar un precio de 0 como cualquier otro" }), async () => {
    const ex = examples();
    const [symbol, price] = [ex.symbol(), ex.price()];
    const pid = await startMonitor(symbol);
    const logs = await captureLogs(async () => {
      await Process.send(pid, { type: "precio", price });
      await Process.send(pid, { type: "precio", price: 0 });
      await expectState(pid, { symbol, lastPrice: 0, checks: 0 }, `${precio(price)}; ${precio(0)}`, {
        es: "0 es un precio: reemplaza al anterior como cualquier otro. `price || …` o `if (!price)` lo toman por «sin precio».",
        en: "0 is a price: it replaces the previous one like any other. `price || …` or `if (!price)` take it for “no price”.",
      });
    });
    assertEqual(messagesOf(logs, pid), [`[${symbol}] Nuevo precio: $${price}`, `[${symbol}] Nuevo precio: $0`], {
      call: `${precio(price)}; ${precio(0)} // Logger`,
    });
  });

  it(
    testName({
      en: "should log the new price as [SYMBOL] Nuevo precio: $P",
      es: "debería escribir el precio nuevo como [SYMBOL] Nuevo precio: $P",
    }),
    async () => {
      const ex = examples();
      const [symbol, price] = [ex.symbol(), ex.price()];
      const pid = await startMonitor(symbol);
      const logs = await captureLogs(async () => {
        await Process.send(pid, { type: "precio", price });
        await Sys.getState(pid);
      });
      assertEqual(messagesOf(logs, pid), [`[${symbol}] Nuevo precio: $${price}`], {
        call: `${precio(price)} // Logger`,
        note: {
          es: "Escribe `[${symbol}] Nuevo precio: $${price}` con Logger.info.",
          en: "Write `[${symbol}] Nuevo precio: $${price}` with Logger.info.",
        },
      });
    },
  );
});

gradeTask(4, () => {
  it(
    testName({ en: "should log an unknown message and stay alive", es: "debería escribir un mensaje desconocido y seguir vivo" }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const word = ex.pick(UNKNOWN_WORDS);
      const code = `Process.send(pid, { type: ${q(word)} })`;
      const pid = await startMonitor(symbol);
      const logs = await captureLogs(async () => {
        await Process.send(pid, { type: word });
        if (await Process.alive(pid)) await Sys.getState(pid).catch(() => undefined);
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
    },
  );

  it(
    testName({
      en: "should keep the state as it was after unknown messages of any shape",
      es: "debería dejar el estado como estaba tras mensajes desconocidos de cualquier forma",
    }),
    async () => {
      const ex = examples();
      const symbol = ex.symbol();
      const [lastPrice, checks] = [ex.price(), ex.int(1, 50)];
      const [type, text, property] = [...ex.pickDistinct(UNKNOWN_WORDS, 2), ex.pick(["toString", "constructor", "hasOwnProperty"])] as [
        string,
        string,
        string,
      ];
      const number = ex.int(100, 99_999);
      const unknown: readonly { readonly message: unknown; readonly code: string; readonly shows: string }[] = [
        { message: { type }, code: `{ type: ${q(type)} }`, shows: type },
        { message: text, code: q(text), shows: text },
        { message: number, code: String(number), shows: String(number) },
        { message: { type: property }, code: `{ type: ${q(property)} }`, shows: property },
        { message: null, code: "null", shows: "null" },
        { message: undefined, code: "undefined", shows: "undefined" },
      ];
      const pid = await startMonitor(symbol);
      const state = (await Sys.getState(pid)) as State;
      await Sys.replaceState(pid, { ...state, lastPrice, checks });
      const sent: string[] = [`Sys.replaceState(pid, (state) => ({ ...state, lastPrice: ${lastPrice}, checks: ${checks} }))`];
      let crashedOn: string | null = null;
      const logs = await captureLogs(async () => {
        for (const { message, code } of unknown) {
          sent.push(`Process.send(pid, ${code})`);
          await Process.send(pid, message);
          // A barrier: the message is handled once getState answers (or fails, if it crashed the server).
          await Sys.getState(pid).catch(() => undefined);
          if (!(await Process.alive(pid))) {
            crashedOn = code;
            return;
          }
        }
        await expectState(pid, { symbol, lastPrice, checks }, sent.join("; "), {
          es: "Ante un mensaje desconocido handleInfo devuelve noreply(state): el mismo estado, sin tocarlo.",
          en: "On an unknown message handleInfo returns noreply(state): the same state, untouched.",
        });
      });
      if (crashedOn !== null) {
        const crash = logs.find((entry) => entry.pid === pid && entry.level === "error");
        const shown = crash === undefined ? "." : `: ${crashSummary(crash.message)}`;
        fail({
          es: `${sent.join("; ")}\nEl servidor se cayó con el mensaje ${crashedOn}${shown}\nPista: cualquier valor puede llegar, también null y undefined, y leer message.type de esos lanza un TypeError: mira antes si es un objeto (o usa message?.type).`,
          en: `${sent.join("; ")}\nThe server crashed on the message ${crashedOn}${shown}\nHint: any value may arrive, null and undefined too, and reading message.type on those throws a TypeError: check first that it is an object (or use message?.type).`,
        });
      }
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
    },
  );
});
