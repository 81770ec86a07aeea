import fc from "fast-check";
import { it } from "vitest";
import {
  assertAnswer,
  assertEqual,
  assertModel,
  assertRejects,
  captureLogs,
  type Examples,
  examples,
  type FakeClock,
  gradeTask,
  StartError,
  startProbe,
  startServer,
  subject,
  type Text,
  t,
  testName,
  useFakeClock,
} from "#grading";
import type * as Impl from "#impl/05-rate-limiter/rate-limiter.ts";
import type { Pid } from "#runtime";
import { type CheckResult, LimiterModel } from "./model.ts";

const RateLimiter = subject.module<typeof Impl>();
const { GenServer } = subject.runtime;

// Every example value (keys, limits, windows, intervals, how many requests) is drawn from the grading seed with
// examples(): a fresh seed shows the implementation examples nobody could know in advance, so canned answers fail.
// The deliberate edge cases stay literal: the exact boundaries t0 + windowMs - 1 and t0 + windowMs, limit 1, the
// invalid options and keys, and "__proto__"-like keys.

type Limiter = Pid<Impl.RateLimiterProtocol>;
type Options = Impl.RateLimiterOptions;
type Clock = FakeClock;

const LIMITER_NAME = GenServer.name<Impl.RateLimiterProtocol>("RateLimiterUnderTest");
/** A cleanup interval no test reaches, for tasks that come before cleanup. */
const NO_CLEANUP = 3_600_000;

/** Stops a limiter if it is still alive, between two runs of a model (the subject stops the rest after each test). */
async function stopQuietly(pid: Limiter): Promise<void> {
  if ((await GenServer.whereis(pid)) !== null) await GenServer.stop(pid).catch(() => undefined);
}

/** A value as written in code: strings in quotes. */
const shown = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

function optionsText(options: Options): string {
  const parts = Object.entries(options).map(([key, value]) => `${key}: ${shown(value)}`);
  return `{ ${parts.join(", ")} }`;
}

function startLimiter(options: Options): Promise<Limiter> {
  return startServer(`RateLimiter.start(${optionsText(options)})`, () => RateLimiter.start(options));
}

/** The prefixes of drawn keys, so that they read like what a service limits ("ip:4821", "api:77"). */
const KEY_PREFIXES = ["user", "ip", "api", "client"] as const;

/** `count` distinct client keys drawn from the seed. */
function drawKeys(ex: Examples, count: number): string[] {
  const keys = new Set<string>();
  while (keys.size < count) keys.add(ex.key(ex.pick(KEY_PREFIXES)));
  return [...keys];
}

function drawKey(ex: Examples): string {
  return ex.key(ex.pick(KEY_PREFIXES));
}

/** A window length in ms: long enough for ticks of a few ms to stand apart, short for the fake clock. */
function drawWindow(ex: Examples): number {
  return ex.int(200, 5_000);
}

/** A key as written in code. */
const quoted = (key: string): string => JSON.stringify(key);

const after = (): string => t({ es: "después de", en: "after" });

/** Checks `key` once per expected answer, in a row, and asserts each; `when` says when, as code (`t0 + 999`). */
async function expectChecks(
  limiter: Limiter,
  key: string,
  expected: readonly CheckResult[],
  note: Text | undefined,
  when = "",
): Promise<void> {
  for (const [i, want] of expected.entries()) {
    const nth = t({ es: `petición nº ${i + 1}`, en: `request #${i + 1}` });
    const call = `RateLimiter.check(limiter, ${quoted(key)}) // ${nth}${when === "" ? "" : `, ${when}`}`;
    await assertAnswer(RateLimiter.check(limiter, key), want, note === undefined ? { call } : { call, note });
  }
}

const oks = (n: number): CheckResult[] => Array.from({ length: n }, () => "ok");
const limited = (n: number): CheckResult[] => Array.from({ length: n }, () => "rate_limited");

async function expectTracked(limiter: Limiter, expected: number, when: Text | string, note: Text): Promise<void> {
  const moment = typeof when === "string" ? when : t(when);
  await assertAnswer(RateLimiter.trackedKeys(limiter), expected, { call: `RateLimiter.trackedKeys(limiter) // ${moment}`, note });
}

const BAD_VALUES: readonly unknown[] = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10"];

/** The fixed bad values, plus a negative, a fraction and a numeric string drawn from the seed. */
function badValues(ex: Examples): unknown[] {
  return [...BAD_VALUES, -ex.int(2, 100_000), ex.int(2, 9_999) + ex.pick([0.25, 0.5, 0.75]), String(ex.int(11, 9_999))];
}

/** Whether `message` shows `value` as code would: a string in quotes (so "10" does not read as the number 10). */
function showsValue(message: string, value: unknown): boolean {
  if (typeof value === "string") return message.includes(JSON.stringify(value)) || message.includes(`'${value}'`);
  return message.includes(String(value));
}

async function expectStartRejected(clock: Clock, options: Options, option: string, value: unknown, omitted: boolean): Promise<void> {
  const call = `RateLimiter.start(${optionsText(options)})`;
  const what = omitted
    ? {
        es: `un StartError cuyo mensaje nombre la opción que falta, "${option}"`,
        en: `a StartError whose message names the missing option "${option}"`,
      }
    : {
        es: `un StartError cuyo mensaje nombre la opción "${option}" y el valor ${shown(value)}`,
        en: `a StartError whose message names the option "${option}" and the value ${shown(value)}`,
      };
  await assertRejects(() => RateLimiter.start(options), {
    call,
    expected: what,
    check: (error) => error instanceof StartError && error.message.includes(option) && (omitted || showsValue(error.message, value)),
    note: omitted
      ? {
          es: `${option} es obligatoria: si falta, start falla con un StartError que la nombra (undefined no es un entero positivo).`,
          en: `${option} is required: when it is missing, start fails with a StartError that names it (undefined is not a positive integer).`,
        }
      : {
          es: `${option} debe ser un entero positivo. Valida en init y devuelve stop(new RangeError("… ${option} … ${shown(value)}")), con un string entre comillas: start falla con un StartError que lleva ese error.`,
          en: `${option} must be a positive integer. Validate in init and return stop(new RangeError("… ${option} … ${shown(value)}")), a string in quotes: start fails with a StartError carrying that error.`,
        },
  });
  assertEqual(await GenServer.whereis(LIMITER_NAME), null, {
    call: `GenServer.whereis("RateLimiterUnderTest") // ${after()} ${call}`,
    note: { es: "Un start que falla no debe dejar ningún proceso vivo.", en: "A failed start must leave no process alive." },
  });
  assertEqual(await clock.countTimers(), 0, {
    call: `clock.countTimers() // ${after()} ${call}`,
    note: {
      es: "Un start que falla no debe dejar timers: valida las opciones antes de programar la limpieza.",
      en: "A failed start must leave no timer: validate the options before scheduling the cleanup.",
    },
  });
}

async function assertBadOption(clock: Clock, option: "limit" | "windowMs" | "cleanupIntervalMs"): Promise<void> {
  const ex = examples();
  const valid = { limit: ex.int(1, 20), windowMs: drawWindow(ex) };
  for (const value of badValues(ex)) {
    await expectStartRejected(clock, { ...valid, name: LIMITER_NAME, [option]: value } as Options, option, value, false);
  }
  // limit and windowMs have no default: leaving one out is a mistake too (cleanupIntervalMs defaults to windowMs).
  if (option !== "cleanupIntervalMs") {
    const { [option]: _, ...rest } = valid;
    await expectStartRejected(clock, { ...rest, name: LIMITER_NAME } as Options, option, undefined, true);
  }
}

gradeTask(1, () => {
  const clock = useFakeClock();

  it(
    testName({
      en: "should start with valid options and answer ok to a first check",
      es: "debería arrancar con opciones válidas y responder ok a un primer check",
    }),
    async () => {
      const ex = examples();
      const options = { limit: ex.int(1, 20), windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP };
      const key = drawKey(ex);
      const limiter = await startLimiter(options);
      await assertAnswer(RateLimiter.check(limiter, key), "ok", {
        call: `RateLimiter.check(limiter, ${quoted(key)}) // limiter = RateLimiter.start(${optionsText(options)})`,
        note: { es: "La primera petición de una clave siempre se permite.", en: "The first request of a key is always allowed." },
      });
    },
  );

  it(
    testName({ en: "should register the server under the name option", es: "debería registrar el servidor con la opción name" }),
    async () => {
      const ex = examples();
      const key = drawKey(ex);
      const limiter = await startLimiter({
        limit: ex.int(1, 20),
        windowMs: drawWindow(ex),
        cleanupIntervalMs: NO_CLEANUP,
        name: LIMITER_NAME,
      });
      assertEqual(await GenServer.whereis(LIMITER_NAME), limiter, {
        call: `GenServer.whereis("RateLimiterUnderTest")`,
        note: {
          es: "Pasa { name } a GenServer.start cuando viene en las opciones.",
          en: "Pass { name } to GenServer.start when the options have one.",
        },
      });
      await assertAnswer(RateLimiter.check(LIMITER_NAME, key), "ok", { call: `RateLimiter.check("RateLimiterUnderTest", ${quoted(key)})` });
    },
  );

  it(
    testName({
      en: "should start with startLink linked to the caller and registered under the name option",
      es: "debería arrancar con startLink enlazado a quien llama y registrado con la opción name",
    }),
    async () => {
      const ex = examples();
      const key = drawKey(ex);
      const options = { limit: ex.int(1, 20), windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP, name: LIMITER_NAME };
      const owner = await startProbe();
      const call = `probe.run(() => RateLimiter.startLink(${optionsText(options)}))`;
      const limiter = await startServer(call, () => owner.run(() => RateLimiter.startLink(options)));
      assertEqual(await GenServer.whereis(LIMITER_NAME), limiter, {
        call: `${call}; GenServer.whereis("RateLimiterUnderTest")`,
        note: {
          es: "startLink, como start, pasa { name } a GenServer.startLink cuando viene en las opciones.",
          en: "startLink, like start, passes { name } to GenServer.startLink when the options have one.",
        },
      });
      await assertAnswer(RateLimiter.check(LIMITER_NAME, key), "ok", { call: `RateLimiter.check("RateLimiterUnderTest", ${quoted(key)})` });
      await captureLogs(() => owner.stop("shutdown"));
      assertEqual(await GenServer.whereis(LIMITER_NAME), null, {
        call: `${call}; probe.stop("shutdown"); GenServer.whereis("RateLimiterUnderTest")`,
        note: {
          es: "startLink enlaza el servidor con quien lo arranca (GenServer.startLink): si ese proceso muere con una razón anormal, el servidor muere con él.",
          en: "startLink links the server to whoever starts it (GenServer.startLink): if that process dies with an abnormal reason, the server dies with it.",
        },
      });
    },
  );

  it(
    testName({
      en: "should reject a limit that is missing or not a positive integer, naming the option and the value",
      es: "debería rechazar un limit que falte o no sea un entero positivo, nombrando la opción y el valor",
    }),
    async () => {
      await assertBadOption(clock(), "limit");
    },
  );

  it(
    testName({
      en: "should reject a windowMs that is missing or not a positive integer, naming the option and the value",
      es: "debería rechazar un windowMs que falte o no sea un entero positivo, nombrando la opción y el valor",
    }),
    async () => {
      await assertBadOption(clock(), "windowMs");
    },
  );

  it(
    testName({
      en: "should reject a cleanupIntervalMs that is not a positive integer, naming the option and the value",
      es: "debería rechazar un cleanupIntervalMs que no sea un entero positivo, nombrando la opción y el valor",
    }),
    async () => {
      await assertBadOption(clock(), "cleanupIntervalMs");
    },
  );

  it(
    testName({
      en: "should reject a key that is not a string, naming the function, and keep serving with its state intact",
      es: "debería rechazar una clave que no sea un string, nombrando la función, y seguir con su estado intacto",
    }),
    async () => {
      const ex = examples();
      const limit = ex.int(2, 8);
      const before = ex.int(1, limit - 1);
      const key = drawKey(ex);
      const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, oks(before), undefined, `limit = ${limit}`);
      const badKeys: readonly unknown[] = [42, ex.int(1, 99_999), undefined, null, true, { key }, [key]];
      for (const fn of ["check", "inspect"] as const) {
        for (const bad of badKeys) {
          const call = `RateLimiter.${fn}(limiter, ${JSON.stringify(bad) ?? "undefined"})`;
          const send = fn === "check" ? RateLimiter.check : RateLimiter.inspect;
          await assertRejects(async () => send(limiter, bad as string), {
            call,
            expected: {
              es: `un TypeError que nombre la función (${fn}) y diga que la clave debe ser un string`,
              en: `a TypeError that names the function (${fn}) and says that the key must be a string`,
            },
            check: (error) => error instanceof TypeError && /key|clave/i.test(error.message) && error.message.includes(fn),
            note: {
              es: `Comprueba typeof key en la función cliente y devuelve Promise.reject(new TypeError("RateLimiter.${fn}: key …")) sin llamar al servidor.`,
              en: `Check typeof key in the client function and return Promise.reject(new TypeError("RateLimiter.${fn}: key …")) without calling the server.`,
            },
          });
        }
      }
      const afterBad: Text = {
        es: `Después de una clave inválida el servidor debe seguir vivo y con su estado: la clave ${quoted(key)} ya llevaba ${before} de ${limit}.`,
        en: `After an invalid key the server must still be alive with its state: key ${quoted(key)} had already used ${before} of ${limit}.`,
      };
      await expectChecks(
        limiter,
        key,
        [...oks(limit - before), "rate_limited"],
        afterBad,
        t({ es: `después de las claves inválidas, limit = ${limit}`, en: `after the bad keys, limit = ${limit}` }),
      );
    },
  );

  it(testName({ en: "should stop and leave no process and no timer behind", es: "debería parar sin dejar proceso ni timer" }), async () => {
    const ex = examples();
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs: drawWindow(ex), name: LIMITER_NAME });
    for (const key of drawKeys(ex, ex.int(1, 4))) await RateLimiter.check(limiter, key);
    await assertAnswer(RateLimiter.stop(limiter), "ok", { call: "RateLimiter.stop(limiter)" });
    assertEqual(await GenServer.whereis(LIMITER_NAME), null, {
      call: `GenServer.whereis("RateLimiterUnderTest") // ${after()} RateLimiter.stop(limiter)`,
    });
    assertEqual(await clock().countTimers(), 0, {
      call: `clock.countTimers() // ${after()} RateLimiter.stop(limiter)`,
      note: {
        es: "Usa Process.sendAfter(self(), …) para la limpieza, no setInterval: un timer dirigido al proceso muere con él.",
        en: "Use Process.sendAfter(self(), …) for the cleanup, not setInterval: a timer aimed at the process dies with it.",
      },
    });
  });
});

gradeTask(2, () => {
  useFakeClock();
  const countNote: Text = {
    es: 'Dentro de una ventana se permiten exactamente limit peticiones: la 1ª … la limit-ésima dan "ok" y las siguientes "rate_limited". ¿Comparas count < limit?',
    en: 'Within a window exactly limit requests are allowed: the 1st … the limit-th get "ok" and the rest "rate_limited". Do you compare count < limit?',
  };

  it(
    testName({
      en: "should answer ok to each of the first limit requests of a key",
      es: "debería responder ok a cada una de las primeras limit peticiones de una clave",
    }),
    async () => {
      const ex = examples();
      const limit = ex.int(2, 12);
      const key = drawKey(ex);
      const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, oks(limit), countNote, `limit = ${limit}`);
    },
  );

  it(
    testName({
      en: "should answer rate_limited to every request after the limit in the same window",
      es: "debería responder rate_limited a cada petición después del límite en la misma ventana",
    }),
    async () => {
      const ex = examples();
      const limit = ex.int(2, 12);
      const key = drawKey(ex);
      const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, [...oks(limit), ...limited(ex.int(2, 5))], countNote, `limit = ${limit}`);
    },
  );

  it(
    testName({
      en: "should allow exactly one request per window with limit 1",
      es: "debería permitir exactamente una petición por ventana con limit 1",
    }),
    async () => {
      const ex = examples();
      const key = drawKey(ex);
      const limiter = await startLimiter({ limit: 1, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, ["ok", ...limited(ex.int(2, 4))], countNote, "limit = 1");
    },
  );

  it(
    testName({
      en: "should never let more than limit through when many checks are in flight",
      es: "debería no dejar pasar nunca más de limit con muchos checks en vuelo",
    }),
    async () => {
      const ex = examples();
      const limit = ex.int(5, 20);
      const total = limit + ex.int(10, 40);
      const key = drawKey(ex);
      const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
      await assertAnswer(
        Promise.all(Array.from({ length: total }, () => RateLimiter.check(limiter, key))),
        [...oks(limit), ...limited(total - limit)],
        {
          call: `await Promise.all(${total} × RateLimiter.check(limiter, ${quoted(key)})) // limit: ${limit}`,
          note: {
            es: `El servidor atiende los mensajes de uno en uno y en orden: las ${limit} primeras peticiones dan "ok" y las demás "rate_limited".`,
            en: `The server handles messages one at a time and in order: the first ${limit} requests get "ok" and the rest "rate_limited".`,
          },
        },
      );
    },
  );
});

const windowNote: Text = {
  es: "La ventana de una clave es fija, no deslizante: la abre su primera petición aceptada en t0 y cubre [t0, t0 + windowMs), sigue cerrada en t0 + windowMs - 1 y en t0 + windowMs empieza otra con el cupo completo, aunque las peticiones de la anterior sean de hace menos de windowMs. No la alinees al reloj (Math.floor(now / windowMs)) ni la muevas con cada petición.",
  en: "A key's window is fixed, not sliding: its first accepted request at t0 opens it and it covers [t0, t0 + windowMs); still closed at t0 + windowMs - 1, at t0 + windowMs another one starts with the full quota, even if the previous window's requests are less than windowMs old. Do not align it to the clock (Math.floor(now / windowMs)) or move it with each request.",
};

gradeTask(3, () => {
  const clock = useFakeClock();

  it(
    testName({ en: "should keep rejecting until t0 + windowMs - 1", es: "debería seguir rechazando hasta t0 + windowMs - 1" }),
    async () => {
      const ex = examples();
      const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, oks(limit), windowNote, `t0, limit = ${limit}`);
      await clock().tickAsync(windowMs - 1);
      await expectChecks(limiter, key, ["rate_limited"], windowNote, `t0 + ${windowMs - 1}, windowMs = ${windowMs}`);
    },
  );

  it(
    testName({
      en: "should open a new window at exactly t0 + windowMs",
      es: "debería abrir una ventana nueva exactamente en t0 + windowMs",
    }),
    async () => {
      const ex = examples();
      const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, oks(limit), windowNote, `t0, limit = ${limit}`);
      await clock().tickAsync(windowMs);
      await expectChecks(limiter, key, oks(limit), windowNote, `t0 + ${windowMs}, windowMs = ${windowMs}`);
      await expectChecks(limiter, key, ["rate_limited"], windowNote, `t0 + ${windowMs}, windowMs = ${windowMs}`);
    },
  );

  it(
    testName({
      en: "should keep the window fixed when its requests spread over it, not sliding",
      es: "debería mantener fija la ventana cuando sus peticiones se reparten por ella, no deslizante",
    }),
    async () => {
      const ex = examples();
      const [limit, windowMs, key] = [ex.int(2, 5), drawWindow(ex), drawKey(ex)];
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      // The first request at t0, the others later in the window at drawn instants, in order.
      const offsets = [0, ...Array.from({ length: limit - 1 }, () => ex.int(1, windowMs - 2)).sort((a, b) => a - b)];
      let at = 0;
      for (const offset of offsets) {
        await clock().tickAsync(offset - at);
        at = offset;
        await expectChecks(limiter, key, ["ok"], windowNote, `t0 + ${offset}, limit = ${limit}`);
      }
      await clock().tickAsync(windowMs - 1 - at);
      await expectChecks(limiter, key, ["rate_limited"], windowNote, `t0 + ${windowMs - 1}; ok at t0 + ${offsets.join(", t0 + ")}`);
      await clock().tickAsync(1);
      await expectChecks(
        limiter,
        key,
        [...oks(limit), "rate_limited"],
        windowNote,
        `t0 + ${windowMs}, windowMs = ${windowMs}; ok at t0 + ${offsets.join(", t0 + ")}`,
      );
    },
  );

  it(
    testName({
      en: "should start the window at the first request, whatever the clock reads",
      es: "debería empezar la ventana en la primera petición, marque lo que marque el reloj",
    }),
    async () => {
      const ex = examples();
      const [limit, windowMs, key] = [ex.int(1, 4), drawWindow(ex), drawKey(ex)];
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      // t0 lands at a drawn phase of the clock, never a multiple of windowMs: a window aligned to the clock ends early.
      const phase = ex.int(1, windowMs - 1);
      await clock().tickAsync((((phase - clock().now) % windowMs) + windowMs) % windowMs);
      await expectChecks(limiter, key, oks(limit), windowNote, `t0 = Date.now() = ${clock().now}, limit = ${limit}`);
      await clock().tickAsync(windowMs - 1);
      await expectChecks(limiter, key, ["rate_limited"], windowNote, `t0 + ${windowMs - 1}, windowMs = ${windowMs}`);
      await clock().tickAsync(1);
      await expectChecks(limiter, key, ["ok"], windowNote, `t0 + ${windowMs}, windowMs = ${windowMs}`);
    },
  );

  it(
    testName({
      en: "should not move the window when requests are rejected",
      es: "debería no mover la ventana cuando se rechazan peticiones",
    }),
    async () => {
      const ex = examples();
      const [limit, windowMs, key] = [ex.int(1, 4), drawWindow(ex), drawKey(ex)];
      const rejectedAt = ex.int(1, windowMs - 1);
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, oks(limit), windowNote, `t0, limit = ${limit}`);
      await clock().tickAsync(rejectedAt);
      await expectChecks(limiter, key, limited(ex.int(1, 3)), windowNote, `t0 + ${rejectedAt}`);
      await clock().tickAsync(windowMs - rejectedAt);
      await expectChecks(
        limiter,
        key,
        ["ok"],
        {
          es: "Una petición rechazada no cuenta ni mueve la ventana: la ventana abierta en t0 termina en t0 + windowMs.",
          en: "A rejected request neither counts nor moves the window: the window opened at t0 ends at t0 + windowMs.",
        },
        `t0 + ${windowMs}, windowMs = ${windowMs}`,
      );
    },
  );

  it(
    testName({
      en: "should time the new window from the request that opened it",
      es: "debería contar la ventana nueva desde la petición que la abrió",
    }),
    async () => {
      const ex = examples();
      const [limit, windowMs, key] = [ex.int(1, 4), drawWindow(ex), drawKey(ex)];
      const gap = windowMs + ex.int(1, windowMs - 1);
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      await expectChecks(limiter, key, oks(limit), windowNote, `t0, limit = ${limit}`);
      await clock().tickAsync(gap);
      await expectChecks(limiter, key, [...oks(limit), "rate_limited"], windowNote, `t1 = t0 + ${gap}, windowMs = ${windowMs}`);
      await clock().tickAsync(windowMs - 1);
      await expectChecks(limiter, key, ["rate_limited"], windowNote, `t1 + ${windowMs - 1}`);
      await clock().tickAsync(1);
      await expectChecks(limiter, key, ["ok"], windowNote, `t1 + ${windowMs}`);
    },
  );

  it(
    testName({
      en: "should agree with the model on random sequences of checks and clock advances",
      es: "debería coincidir con el modelo en secuencias aleatorias de checks y avances del reloj",
    }),
    async () => {
      await assertModel(modelRun(clock, { withCleanup: false }));
    },
  );
});

gradeTask(4, () => {
  const clock = useFakeClock();
  const keysNote: Text = {
    es: "Cada clave tiene su propia ventana y su propio contador.",
    en: "Each key has its own window and its own count.",
  };

  it(testName({ en: "should keep a separate count per key", es: "debería llevar una cuenta aparte por clave" }), async () => {
    const ex = examples();
    const limit = ex.int(1, 6);
    const [a, b] = drawKeys(ex, 2) as [string, string];
    const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, a, [...oks(limit), "rate_limited"], keysNote, `limit = ${limit}`);
    await expectChecks(
      limiter,
      b,
      [...oks(limit), "rate_limited"],
      keysNote,
      t({ es: `con ${quoted(a)} ya en su límite`, en: `with ${quoted(a)} at its limit` }),
    );
  });

  it(testName({ en: "should keep a separate window per key", es: "debería llevar una ventana aparte por clave" }), async () => {
    const ex = examples();
    const [limit, windowMs] = [ex.int(1, 4), drawWindow(ex)];
    const [a, b] = drawKeys(ex, 2) as [string, string];
    const offset = ex.int(1, windowMs - 1);
    const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, a, oks(limit), keysNote, `t0, limit = ${limit}`);
    await clock().tickAsync(offset);
    await expectChecks(limiter, b, oks(limit), keysNote, `t0 + ${offset}`);
    await clock().tickAsync(windowMs - offset);
    await expectChecks(limiter, a, ["ok"], keysNote, `t0 + ${windowMs}, windowMs = ${windowMs}`);
    await expectChecks(limiter, b, ["rate_limited"], keysNote, `t0 + ${windowMs}; ${quoted(b)}: t0 + ${offset}, windowMs = ${windowMs}`);
    await clock().tickAsync(offset);
    await expectChecks(limiter, b, ["ok"], keysNote, `t0 + ${windowMs + offset}`);
  });

  it(
    testName({
      en: 'should treat "", "__proto__", "constructor" and "toString" like any other key',
      es: 'debería tratar "", "__proto__", "constructor" y "toString" como cualquier otra clave',
    }),
    async () => {
      const ex = examples();
      const limit = ex.int(2, 5);
      const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
      const note: Text = {
        es: 'Cualquier string es una clave válida, también la cadena vacía. Un objeto plano ({}) como almacén confunde "__proto__" o "constructor" con su prototipo: usa un Map.',
        en: 'Any string is a valid key, the empty string too. A plain object ({}) as the store mistakes "__proto__" or "constructor" for its prototype: use a Map.',
      };
      const keys = ["", "__proto__", "constructor", "toString", drawKey(ex)];
      for (const key of ex.pickDistinct(keys, keys.length)) {
        await expectChecks(limiter, key, [...oks(limit), "rate_limited"], note, `limit = ${limit}`);
      }
      await expectChecks(limiter, "hasOwnProperty", ["ok"], note);
    },
  );
});

gradeTask(5, () => {
  const clock = useFakeClock();
  const inspectNote: Text = {
    es: "inspect devuelve { count, remaining, resetInMs } de la ventana abierta: count = peticiones aceptadas, remaining = limit - count, resetInMs = t0 + windowMs - ahora.",
    en: "inspect returns { count, remaining, resetInMs } of the open window: count = accepted requests, remaining = limit - count, resetInMs = t0 + windowMs - now.",
  };
  const now = (): string => t({ es: "ahora", en: "now" });

  it(testName({ en: "should return null for a key never seen", es: "debería devolver null para una clave nunca vista" }), async () => {
    const ex = examples();
    const [seen, never] = drawKeys(ex, 2) as [string, string];
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    await RateLimiter.check(limiter, seen);
    await assertAnswer(RateLimiter.inspect(limiter, never), null, {
      call: `RateLimiter.inspect(limiter, ${quoted(never)}) // check: ${quoted(seen)}`,
      note: inspectNote,
    });
  });

  it(
    testName({
      en: "should report count, remaining and resetInMs of an open window",
      es: "debería dar count, remaining y resetInMs de una ventana abierta",
    }),
    async () => {
      const ex = examples();
      const [first, later] = [ex.int(1, 3), ex.int(1, 3)];
      const [limit, windowMs, key] = [first + later + ex.int(1, 4), drawWindow(ex), drawKey(ex)];
      const elapsed = ex.int(1, windowMs - 1);
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      for (let i = 0; i < first; i++) await RateLimiter.check(limiter, key);
      await clock().tickAsync(elapsed);
      for (let i = 0; i < later; i++) await RateLimiter.check(limiter, key);
      const count = first + later;
      await assertAnswer(
        RateLimiter.inspect(limiter, key),
        { count, remaining: limit - count, resetInMs: windowMs - elapsed },
        {
          call: `RateLimiter.inspect(limiter, ${quoted(key)}) // check × ${count}: ${first} × t0, ${later} × t0 + ${elapsed}; ${now()} t0 + ${elapsed}; limit = ${limit}, windowMs = ${windowMs}`,
          note: inspectNote,
        },
      );
    },
  );

  it(testName({ en: "should not count rejected requests", es: "debería no contar las peticiones rechazadas" }), async () => {
    const ex = examples();
    const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
    const checks = limit + ex.int(1, 4);
    const elapsed = ex.int(1, windowMs - 1);
    const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
    for (let i = 0; i < checks; i++) await RateLimiter.check(limiter, key);
    await clock().tickAsync(elapsed);
    await assertAnswer(
      RateLimiter.inspect(limiter, key),
      { count: limit, remaining: 0, resetInMs: windowMs - elapsed },
      {
        call: `RateLimiter.inspect(limiter, ${quoted(key)}) // check × ${checks}: t0; ${now()} t0 + ${elapsed}; limit = ${limit}, windowMs = ${windowMs}`,
        note: {
          es: "Las peticiones rechazadas no cuentan: count nunca pasa de limit.",
          en: "Rejected requests do not count: count never exceeds limit.",
        },
      },
    );
  });

  it(
    testName({
      en: "should return null once the window has ended, even before any cleanup",
      es: "debería devolver null cuando la ventana terminó, aun antes de la limpieza",
    }),
    async () => {
      const ex = examples();
      const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
      const checks = ex.int(1, limit);
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
      for (let i = 0; i < checks; i++) await RateLimiter.check(limiter, key);
      await clock().tickAsync(windowMs);
      await assertAnswer(RateLimiter.inspect(limiter, key), null, {
        call: `RateLimiter.inspect(limiter, ${quoted(key)}) // check × ${checks}: t0; ${now()} t0 + ${windowMs}; windowMs = ${windowMs}`,
        note: {
          es: "En t0 + windowMs la ventana ya terminó: inspect devuelve null aunque la limpieza aún no la haya borrado.",
          en: "At t0 + windowMs the window has ended: inspect returns null even if no cleanup has removed it yet.",
        },
      });
    },
  );

  it(
    testName({
      en: "should count the stored keys, which only a cleanup removes",
      es: "debería contar las claves guardadas, que solo la limpieza borra",
    }),
    async () => {
      const ex = examples();
      const windowMs = drawWindow(ex);
      const keys = drawKeys(ex, ex.int(2, 6));
      const sequence = [...keys, ...Array.from({ length: ex.int(1, 4) }, () => ex.pick(keys))];
      const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs: NO_CLEANUP });
      const note: Text = {
        es: "trackedKeys es el número de claves guardadas: una clave se guarda en su primera petición y solo la limpieza la borra; ni check ni inspect borran las ventanas terminadas de otras claves.",
        en: "trackedKeys is the number of stored keys: a key is stored at its first request and only a cleanup removes it; neither check nor inspect removes other keys' ended windows.",
      };
      await expectTracked(limiter, 0, "start", note);
      for (const key of sequence) await RateLimiter.check(limiter, key);
      await expectTracked(limiter, keys.length, `check: ${sequence.map(quoted).join(", ")}`, note);
      const later = windowMs + ex.int(1, windowMs);
      await clock().tickAsync(later);
      await expectTracked(
        limiter,
        keys.length,
        {
          es: `t0 + ${later}: ventanas terminadas (windowMs = ${windowMs}), sin limpieza todavía`,
          en: `t0 + ${later}: windows ended (windowMs = ${windowMs}), no cleanup yet`,
        },
        note,
      );
      // A request now opens a new window for its key; the other keys' ended windows stay until a cleanup.
      const again = ex.pick(keys);
      await expectChecks(limiter, again, ["ok"], windowNote, `t0 + ${later}`);
      await RateLimiter.inspect(limiter, ex.pick(keys));
      await expectTracked(
        limiter,
        keys.length,
        {
          es: `t0 + ${later}: check(${quoted(again)}) e inspect, sin limpieza todavía`,
          en: `t0 + ${later}: check(${quoted(again)}) and inspect, no cleanup yet`,
        },
        note,
      );
    },
  );
});

gradeTask(6, () => {
  const clock = useFakeClock();
  const cleanupNote: Text = {
    es: 'En init programa Process.sendAfter(self(), { type: "cleanup" }, cleanupIntervalMs); en handleInfo borra todas las claves cuya ventana terminó (t0 + windowMs <= ahora) y vuelve a programarlo.',
    en: 'In init schedule Process.sendAfter(self(), { type: "cleanup" }, cleanupIntervalMs); in handleInfo delete every key whose window ended (t0 + windowMs <= now) and schedule it again.',
  };

  it(
    testName({
      en: "should remove the ended windows at the first cleanup, one interval after start",
      es: "debería borrar las ventanas terminadas en la primera limpieza, un intervalo después de arrancar",
    }),
    async () => {
      const ex = examples();
      const windowMs = drawWindow(ex);
      // At least windowMs, so that every window has ended when the first cleanup runs.
      const cleanupIntervalMs = windowMs + ex.int(0, windowMs);
      const keys = drawKeys(ex, ex.int(1, 5));
      const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs });
      for (const key of keys) await RateLimiter.check(limiter, key);
      await clock().tickAsync(cleanupIntervalMs - 1);
      await expectTracked(
        limiter,
        keys.length,
        `start + ${cleanupIntervalMs - 1}, windowMs = ${windowMs}, cleanupIntervalMs = ${cleanupIntervalMs}`,
        cleanupNote,
      );
      await clock().tickAsync(1);
      await expectTracked(
        limiter,
        0,
        { es: `start + ${cleanupIntervalMs}: primera limpieza`, en: `start + ${cleanupIntervalMs}: first cleanup` },
        cleanupNote,
      );
    },
  );

  it(
    testName({
      en: "should keep the windows that are still open, and their counts",
      es: "debería conservar las ventanas aún abiertas, y sus cuentas",
    }),
    async () => {
      const ex = examples();
      const [limit, windowMs] = [ex.int(1, 5), drawWindow(ex)];
      const [a, b] = drawKeys(ex, 2) as [string, string];
      const offset = ex.int(1, windowMs - 1);
      // The first cleanup comes once a's window has ended and before b's does.
      const cleanupIntervalMs = windowMs + ex.int(0, offset - 1);
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs });
      await RateLimiter.check(limiter, a);
      await clock().tickAsync(offset);
      await expectChecks(limiter, b, oks(limit), cleanupNote, `start + ${offset}, limit = ${limit}`);
      await clock().tickAsync(cleanupIntervalMs - offset);
      const liveNote: Text = {
        es: `La limpieza solo borra ventanas terminadas (t0 + windowMs <= ahora) y nunca cambia la respuesta de check: ${quoted(b)} sigue en su límite hasta start + ${offset + windowMs}.`,
        en: `Cleanup only removes ended windows (t0 + windowMs <= now) and never changes what check answers: ${quoted(b)} stays at its limit until start + ${offset + windowMs}.`,
      };
      await expectTracked(
        limiter,
        1,
        {
          es: `start + ${cleanupIntervalMs}: la limpieza borra ${quoted(a)} y guarda ${quoted(b)}`,
          en: `start + ${cleanupIntervalMs}: the cleanup removes ${quoted(a)} and keeps ${quoted(b)}`,
        },
        liveNote,
      );
      await expectChecks(
        limiter,
        b,
        ["rate_limited"],
        liveNote,
        `start + ${cleanupIntervalMs}, windowMs = ${windowMs}, cleanupIntervalMs = ${cleanupIntervalMs}`,
      );
    },
  );

  it(
    testName({
      en: "should remove every ended window, whatever order the keys opened their windows in",
      es: "debería borrar todas las ventanas terminadas, sea cual sea el orden en que se abrieron",
    }),
    async () => {
      const ex = examples();
      const windowMs = drawWindow(ex);
      const [a, b] = drawKeys(ex, 2) as [string, string];
      // a opens at 0 and b at d; a opens a new window at windowMs + e, before b's ends; the first cleanup comes once
      // b's window has ended and a's second one has not.
      const d = ex.int(1, windowMs - 1);
      const e = ex.int(0, d - 1);
      const cleanupIntervalMs = windowMs + d + ex.int(0, windowMs - d + e - 1);
      const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs });
      await expectChecks(limiter, a, ["ok"], cleanupNote, "start");
      await clock().tickAsync(d);
      await expectChecks(limiter, b, ["ok"], cleanupNote, `start + ${d}`);
      await clock().tickAsync(windowMs + e - d);
      await expectChecks(limiter, a, ["ok"], windowNote, `start + ${windowMs + e}, windowMs = ${windowMs}`);
      await clock().tickAsync(cleanupIntervalMs - windowMs - e);
      await expectTracked(
        limiter,
        1,
        {
          es: `start + ${cleanupIntervalMs}: primera limpieza; la ventana de ${quoted(b)} (start + ${d}) terminó, la segunda de ${quoted(a)} (start + ${windowMs + e}) sigue abierta`,
          en: `start + ${cleanupIntervalMs}: first cleanup; ${quoted(b)}'s window (start + ${d}) has ended, ${quoted(a)}'s second one (start + ${windowMs + e}) is still open`,
        },
        {
          es: "La limpieza mira todas las claves: una clave que abre una ventana nueva no cambia de sitio en el Map, así que no pares en la primera ventana abierta.",
          en: "Cleanup looks at every key: a key that opens a new window keeps its place in the Map, so do not stop at the first open window.",
        },
      );
    },
  );

  it(testName({ en: "should run again every cleanupIntervalMs", es: "debería repetirse cada cleanupIntervalMs" }), async () => {
    const ex = examples();
    const windowMs = drawWindow(ex);
    const cleanupIntervalMs = windowMs + ex.int(0, Math.floor(windowMs / 2));
    const rounds = ex.int(3, 5);
    const keys = drawKeys(ex, rounds);
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs });
    const note: Text = {
      es: "Process.sendAfter envía un solo mensaje: vuelve a programar la limpieza en cada handleInfo.",
      en: "Process.sendAfter sends a single message: schedule the cleanup again in every handleInfo.",
    };
    for (const [i, key] of keys.entries()) {
      const round = i + 1;
      await RateLimiter.check(limiter, key);
      await clock().tickAsync(cleanupIntervalMs);
      await expectTracked(
        limiter,
        0,
        {
          es: `start + ${round * cleanupIntervalMs}: limpieza nº ${round}, cleanupIntervalMs = ${cleanupIntervalMs}`,
          en: `start + ${round * cleanupIntervalMs}: cleanup #${round}, cleanupIntervalMs = ${cleanupIntervalMs}`,
        },
        note,
      );
    }
  });

  it(
    testName({
      en: "should clean up once per interval, for many intervals in a row",
      es: "debería limpiar una vez por intervalo, muchos intervalos seguidos",
    }),
    async () => {
      const ex = examples();
      const windowMs = drawWindow(ex);
      const cleanupIntervalMs = windowMs + ex.int(0, windowMs);
      const rounds = ex.int(36, 40);
      const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs });
      // A second sendAfter per cleanup doubles the pending cleanups at every interval: 2^n messages by the n-th,
      // which no implementation gets through in 40 intervals. One per interval costs nothing.
      const note: Text = {
        es: "Un solo mensaje de limpieza pendiente a la vez: prográmalo en init y una vez en cada limpieza. Cada sendAfter de más duplica las limpiezas en cada intervalo.",
        en: "One cleanup message pending at a time: schedule it in init and once in each cleanup. Each extra sendAfter doubles the cleanups at every interval.",
      };
      for (let round = 1; round <= rounds; round++) {
        const key = drawKey(ex);
        // Checked right after a cleanup, so that its window ends before the next one.
        await expectChecks(limiter, key, ["ok"], note, `start + ${(round - 1) * cleanupIntervalMs}`);
        await clock().tickAsync(cleanupIntervalMs - 1);
        await expectTracked(
          limiter,
          1,
          `start + ${round * cleanupIntervalMs - 1}, windowMs = ${windowMs}, cleanupIntervalMs = ${cleanupIntervalMs}`,
          note,
        );
        await clock().tickAsync(1);
        await expectTracked(
          limiter,
          0,
          {
            es: `start + ${round * cleanupIntervalMs}: limpieza nº ${round}`,
            en: `start + ${round * cleanupIntervalMs}: cleanup #${round}`,
          },
          note,
        );
      }
    },
  );

  it(
    testName({
      en: "should clean up every windowMs when cleanupIntervalMs is not given",
      es: "debería limpiar cada windowMs cuando no se da cleanupIntervalMs",
    }),
    async () => {
      const ex = examples();
      const windowMs = drawWindow(ex);
      const keys = drawKeys(ex, ex.int(1, 5));
      const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs });
      for (const key of keys) await RateLimiter.check(limiter, key);
      await clock().tickAsync(windowMs - 1);
      await expectTracked(
        limiter,
        keys.length,
        `start + ${windowMs - 1}, windowMs = ${windowMs}, cleanupIntervalMs = undefined`,
        cleanupNote,
      );
      await clock().tickAsync(1);
      await expectTracked(
        limiter,
        0,
        {
          es: `start + ${windowMs}: primera limpieza (cleanupIntervalMs vale windowMs por defecto)`,
          en: `start + ${windowMs}: first cleanup (cleanupIntervalMs defaults to windowMs)`,
        },
        cleanupNote,
      );
    },
  );

  it(
    testName({
      en: "should keep memory bounded: more than 1000 keys seen once are all forgotten at one cleanup",
      es: "debería mantener acotada la memoria: más de 1000 claves vistas una vez se olvidan todas en una limpieza",
    }),
    async () => {
      const ex = examples();
      const windowMs = drawWindow(ex);
      const cleanupIntervalMs = windowMs + ex.int(0, windowMs);
      const keys = drawKeys(ex, ex.int(1_001, 1_500));
      const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs });
      const answers: Promise<unknown>[] = [];
      await subject.batch(() => {
        for (const key of keys) answers.push(RateLimiter.check(limiter, key));
      });
      await assertAnswer(Promise.all(answers), oks(keys.length), {
        call: `${keys.length} × RateLimiter.check(limiter, key) // ${t({ es: "claves distintas", en: "distinct keys" })}`,
      });
      await expectTracked(limiter, keys.length, { es: `${keys.length} claves distintas`, en: `${keys.length} distinct keys` }, cleanupNote);
      await clock().tickAsync(cleanupIntervalMs);
      await expectTracked(
        limiter,
        0,
        {
          es: `start + ${cleanupIntervalMs}: primera limpieza, windowMs = ${windowMs}`,
          en: `start + ${cleanupIntervalMs}: first cleanup, windowMs = ${windowMs}`,
        },
        cleanupNote,
      );
    },
  );

  it(testName({ en: "should leave no timer behind after stop", es: "debería no dejar ningún timer después de stop" }), async () => {
    const ex = examples();
    const cleanupIntervalMs = ex.int(200, 2_000);
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs: drawWindow(ex), cleanupIntervalMs });
    await RateLimiter.check(limiter, drawKey(ex));
    await clock().tickAsync(2 * cleanupIntervalMs);
    await RateLimiter.stop(limiter);
    assertEqual(await clock().countTimers(), 0, {
      call: `clock.countTimers() // ${t({ es: "después de dos limpiezas y", en: "after two cleanups and" })} RateLimiter.stop(limiter)`,
      note: {
        es: "Usa Process.sendAfter(self(), …), no setInterval ni setTimeout: un timer dirigido al proceso muere con él.",
        en: "Use Process.sendAfter(self(), …), not setInterval or setTimeout: a timer aimed at the process dies with it.",
      },
    });
  });

  it(
    testName({
      en: "should agree with the model on random sequences of checks, clock advances, cleanups, inspects and trackedKeys",
      es: "debería coincidir con el modelo en secuencias aleatorias de checks, avances del reloj, limpiezas, inspects y trackedKeys",
    }),
    async () => {
      await assertModel(modelRun(clock, { withCleanup: true }));
    },
  );
});

interface Real {
  readonly limiter: Limiter;
  readonly clock: Clock;
}
type Command = fc.AsyncCommand<LimiterModel, Real, boolean>;

/** When a step ran, and how the limiter was started, for the message of a failing step. */
function describeMoment(model: LimiterModel): string {
  const options = `{ limit: ${model.limit}, windowMs: ${model.windowMs}, cleanupIntervalMs: ${model.cleanupIntervalMs} }`;
  return `start + ${model.elapsed()} ms; limiter = RateLimiter.start(${options})`;
}

/** What the model knows of `key`'s window before a step, in the words of the rule a failing step breaks. */
function windowText(model: LimiterModel, key: string): Text {
  const window = model.windowOf(key);
  if (window === null)
    return {
      es: `${quoted(key)} no tiene ventana guardada: esta petición abre una.`,
      en: `${quoted(key)} has no stored window: this request opens one.`,
    };
  const opened = window.start - model.startedAt;
  const state = window.open
    ? { es: `abierta hasta start + ${opened + model.windowMs}`, en: `open until start + ${opened + model.windowMs}` }
    : { es: `terminada en start + ${opened + model.windowMs}`, en: `ended at start + ${opened + model.windowMs}` };
  return {
    es: `La ventana de ${quoted(key)} se abrió en start + ${opened} con ${window.count} de ${model.limit} peticiones aceptadas, ${state.es}.`,
    en: `${quoted(key)}'s window opened at start + ${opened} with ${window.count} of ${model.limit} requests accepted, ${state.en}.`,
  };
}

class CheckCommand implements Command {
  readonly key: string;
  constructor(key: string) {
    this.key = key;
  }
  check(): boolean {
    return true;
  }
  async run(model: LimiterModel, real: Real): Promise<void> {
    const call = `RateLimiter.check(limiter, ${JSON.stringify(this.key)}) // ${describeMoment(model)}`;
    const before = windowText(model, this.key);
    const expected = model.check(this.key);
    await assertAnswer(RateLimiter.check(real.limiter, this.key), expected, {
      call,
      note: { es: `${before.es} ${windowNote.es}`, en: `${before.en} ${windowNote.en}` },
    });
  }
  toString(): string {
    return `await RateLimiter.check(limiter, ${JSON.stringify(this.key)})`;
  }
}

class InspectCommand implements Command {
  readonly key: string;
  constructor(key: string) {
    this.key = key;
  }
  check(): boolean {
    return true;
  }
  async run(model: LimiterModel, real: Real): Promise<void> {
    const call = `RateLimiter.inspect(limiter, ${JSON.stringify(this.key)}) // ${describeMoment(model)}`;
    const known = windowText(model, this.key);
    await assertAnswer(RateLimiter.inspect(real.limiter, this.key), model.inspect(this.key), {
      call,
      note: {
        es: `${known.es} inspect da { count, remaining: limit - count, resetInMs: t0 + windowMs - ahora } de una ventana abierta, y null si no hay o ya terminó.`,
        en: `${known.en} inspect gives { count, remaining: limit - count, resetInMs: t0 + windowMs - now } of an open window, and null when there is none or it has ended.`,
      },
    });
  }
  toString(): string {
    return `await RateLimiter.inspect(limiter, ${JSON.stringify(this.key)})`;
  }
}

class TrackedKeysCommand implements Command {
  check(): boolean {
    return true;
  }
  async run(model: LimiterModel, real: Real): Promise<void> {
    const call = `RateLimiter.trackedKeys(limiter) // ${describeMoment(model)}`;
    await assertAnswer(RateLimiter.trackedKeys(real.limiter), model.trackedKeys(), {
      call,
      note: {
        es: `Una clave se guarda desde su primera petición hasta la primera limpieza que encuentra su ventana terminada; las limpiezas corren en start + n × ${model.cleanupIntervalMs} y borran todas las ventanas terminadas.`,
        en: `A key is stored from its first request until the first cleanup that finds its window ended; cleanups run at start + n × ${model.cleanupIntervalMs} and remove every ended window.`,
      },
    });
  }
  toString(): string {
    return "await RateLimiter.trackedKeys(limiter)";
  }
}

class AdvanceCommand implements Command {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
  check(): boolean {
    return true;
  }
  async run(model: LimiterModel, real: Real): Promise<void> {
    model.advance(this.ms);
    await real.clock.tickAsync(this.ms);
  }
  toString(): string {
    return `await clock.tickAsync(${this.ms})`;
  }
}

/** Advances exactly to the instant of the next cleanup, so the boundary cases come up often. */
class ToNextCleanupCommand implements Command {
  check(): boolean {
    return true;
  }
  async run(model: LimiterModel, real: Real): Promise<void> {
    const ms = model.nextCleanup - model.now;
    model.advance(ms);
    await real.clock.tickAsync(ms);
  }
  toString(): string {
    return "await clock.tickAsync(/* up to the next cleanup */)";
  }
}

/** A run of the model against a limiter whose limit, window, cleanup interval and keys are drawn from the seed. */
function modelRun(clock: () => Clock, options: { withCleanup: boolean }) {
  const ex = examples();
  const limit = ex.int(2, 4);
  const windowMs = ex.int(500, 2_000);
  // Shorter than the window, so that cleanups run while windows are open and also after some have ended.
  const cleanupIntervalMs = options.withCleanup ? ex.int(Math.ceil(windowMs * 0.4), windowMs - 1) : NO_CLEANUP;
  const keys = drawKeys(ex, 2);
  // "__proto__" belongs to task 4: only the cleanup run, which covers everything, uses it.
  const key = fc.constantFrom(...(options.withCleanup ? [...keys, "__proto__"] : keys));
  // A third of a window at a time as often as a whole one: requests spread over a window tell a fixed window from
  // a sliding one, and a window reopened after another key's tells a cleanup that stops early.
  const advance = fc.oneof(
    fc.constantFrom(1, windowMs - 1, windowMs),
    fc.integer({ min: 1, max: Math.round(windowMs / 3) }),
    fc.integer({ min: 1, max: Math.round(windowMs * 1.6) }),
  );
  const commands: fc.Arbitrary<Command>[] = [
    key.map((k) => new CheckCommand(k)),
    key.map((k) => new CheckCommand(k)),
    advance.map((ms) => new AdvanceCommand(ms)),
  ];
  if (options.withCleanup) {
    commands.push(
      fc.constant(new ToNextCleanupCommand()),
      key.map((k) => new InspectCommand(k)),
      fc.constant(new TrackedKeysCommand()),
    );
  }
  return {
    setup: async () => {
      const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs });
      const model = new LimiterModel({ limit, windowMs, cleanupIntervalMs, now: clock().now });
      return { model, real: { limiter, clock: clock() }, cleanup: () => stopQuietly(limiter) };
    },
    commands,
    // Sequences of up to 40 steps, spread evenly (fast-check's default size stops at 10): a window filled over
    // several advances, then ended, reopened and cleaned up, takes a dozen steps.
    size: "medium" as const,
    maxCommands: 40,
    numRuns: 30,
  };
}
