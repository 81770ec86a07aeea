import fc from "fast-check";
import { it } from "vitest";
import {
  assertEqual,
  assertModel,
  assertRejects,
  type Examples,
  examples,
  type FakeClock,
  gradeTask,
  StartError,
  startServer,
  subject,
  type Text,
  t,
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

function optionsText(options: Options): string {
  const parts = Object.entries(options).map(
    ([key, value]) => `${key}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
  );
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

/** Checks `key` once per expected answer, in a row, and asserts each; `when` says when, as code (`t0 + 999`). */
async function expectChecks(
  limiter: Limiter,
  key: string,
  expected: readonly CheckResult[],
  note: Text | undefined,
  when = "",
): Promise<void> {
  for (const [i, want] of expected.entries()) {
    const actual = await RateLimiter.check(limiter, key);
    const nth = t({ es: `petición nº ${i + 1}`, en: `request #${i + 1}` });
    const call = `RateLimiter.check(limiter, ${quoted(key)}) // ${nth}${when === "" ? "" : `, ${when}`}`;
    assertEqual(actual, want, note === undefined ? { call } : { call, note });
  }
}

const oks = (n: number): CheckResult[] => Array.from({ length: n }, () => "ok");
const limited = (n: number): CheckResult[] => Array.from({ length: n }, () => "rate_limited");

async function expectTracked(limiter: Limiter, expected: number, when: Text | string, note: Text): Promise<void> {
  const moment = typeof when === "string" ? when : t(when);
  assertEqual(await RateLimiter.trackedKeys(limiter), expected, { call: `RateLimiter.trackedKeys(limiter) // ${moment}`, note });
}

const BAD_VALUES: readonly unknown[] = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10"];

/** The fixed bad values, plus a negative, a fraction and a numeric string drawn from the seed. */
function badValues(ex: Examples): unknown[] {
  return [...BAD_VALUES, -ex.int(2, 100_000), ex.int(2, 9_999) + ex.pick([0.25, 0.5, 0.75]), String(ex.int(11, 9_999))];
}

async function assertBadOption(clock: Clock, option: "limit" | "windowMs" | "cleanupIntervalMs"): Promise<void> {
  const ex = examples();
  const valid = { limit: ex.int(1, 20), windowMs: drawWindow(ex) };
  for (const value of badValues(ex)) {
    const options = { ...valid, name: LIMITER_NAME, [option]: value } as Options;
    const call = `RateLimiter.start(${optionsText(options)})`;
    const shown = typeof value === "string" ? value : String(value);
    await assertRejects(() => RateLimiter.start(options), {
      call,
      expected: {
        es: `un StartError cuyo mensaje nombre la opción "${option}" y el valor ${shown}`,
        en: `a StartError whose message names the option "${option}" and the value ${shown}`,
      },
      check: (error) => error instanceof StartError && error.message.includes(option) && error.message.includes(shown),
      note: {
        es: `${option} debe ser un entero positivo. Valida en init y devuelve stop(new RangeError("… ${option} … ${shown}")): start falla con un StartError que lleva ese error.`,
        en: `${option} must be a positive integer. Validate in init and return stop(new RangeError("… ${option} … ${shown}")): start fails with a StartError carrying that error.`,
      },
    });
    assertEqual(await GenServer.whereis(LIMITER_NAME), null, {
      call: `GenServer.whereis("RateLimiterUnderTest") // ${t({ es: "después de", en: "after" })} ${call}`,
      note: { es: "Un start que falla no debe dejar ningún proceso vivo.", en: "A failed start must leave no process alive." },
    });
    assertEqual(await clock.countTimers(), 0, {
      call: `clock.countTimers() // ${t({ es: "después de", en: "after" })} ${call}`,
      note: {
        es: "Un start que falla no debe dejar timers: valida las opciones antes de programar la limpieza.",
        en: "A failed start must leave no timer: validate the options before scheduling the cleanup.",
      },
    });
  }
}

gradeTask(1, () => {
  const clock = useFakeClock();

  it("should start with valid options and answer ok to a first check", async () => {
    const ex = examples();
    const options = { limit: ex.int(1, 20), windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP };
    const key = drawKey(ex);
    const limiter = await startLimiter(options);
    assertEqual(await RateLimiter.check(limiter, key), "ok", {
      call: `RateLimiter.check(limiter, ${quoted(key)}) // limiter = RateLimiter.start(${optionsText(options)})`,
      note: { es: "La primera petición de una clave siempre se permite.", en: "The first request of a key is always allowed." },
    });
  });

  it("should register the server under the name option", async () => {
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
    assertEqual(await RateLimiter.check(LIMITER_NAME, key), "ok", { call: `RateLimiter.check("RateLimiterUnderTest", ${quoted(key)})` });
  });

  it("should reject a limit that is not a positive integer, naming the option and the value", async () => {
    await assertBadOption(clock(), "limit");
  });

  it("should reject a windowMs that is not a positive integer, naming the option and the value", async () => {
    await assertBadOption(clock(), "windowMs");
  });

  it("should reject a cleanupIntervalMs that is not a positive integer, naming the option and the value", async () => {
    await assertBadOption(clock(), "cleanupIntervalMs");
  });

  it("should reject a key that is not a string and keep serving with its state intact", async () => {
    const ex = examples();
    const limit = ex.int(2, 8);
    const before = ex.int(1, limit - 1);
    const key = drawKey(ex);
    const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, key, oks(before), undefined, `limit = ${limit}`);
    const badCalls: readonly (readonly ["check" | "inspect", unknown])[] = [
      ["check", 42],
      ["check", ex.int(1, 99_999)],
      ["check", undefined],
      ["check", { key }],
      ["inspect", 42],
      ["inspect", ex.int(1, 99_999)],
    ];
    for (const [fn, bad] of badCalls) {
      const call = `RateLimiter.${fn}(limiter, ${JSON.stringify(bad) ?? "undefined"})`;
      const send = fn === "check" ? RateLimiter.check : RateLimiter.inspect;
      await assertRejects(async () => send(limiter, bad as string), {
        call,
        expected: { es: "un TypeError que diga que la clave debe ser un string", en: "a TypeError saying that the key must be a string" },
        check: (error) => error instanceof TypeError && /key|clave/i.test(error.message),
        note: {
          es: "Comprueba typeof key en la función cliente y devuelve Promise.reject(new TypeError(…)) sin llamar al servidor.",
          en: "Check typeof key in the client function and return Promise.reject(new TypeError(…)) without calling the server.",
        },
      });
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
  });

  it("should stop and leave no process and no timer behind", async () => {
    const ex = examples();
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs: drawWindow(ex), name: LIMITER_NAME });
    for (const key of drawKeys(ex, ex.int(1, 4))) await RateLimiter.check(limiter, key);
    await RateLimiter.stop(limiter);
    assertEqual(await GenServer.whereis(LIMITER_NAME), null, {
      call: `GenServer.whereis("RateLimiterUnderTest") // ${t({ es: "después de", en: "after" })} RateLimiter.stop(limiter)`,
    });
    assertEqual(await clock().countTimers(), 0, {
      call: `clock.countTimers() // ${t({ es: "después de", en: "after" })} RateLimiter.stop(limiter)`,
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

  it("should answer ok to each of the first limit requests of a key", async () => {
    const ex = examples();
    const limit = ex.int(2, 12);
    const key = drawKey(ex);
    const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, key, oks(limit), countNote, `limit = ${limit}`);
  });

  it("should answer rate_limited to every request after the limit in the same window", async () => {
    const ex = examples();
    const limit = ex.int(2, 12);
    const key = drawKey(ex);
    const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, key, [...oks(limit), ...limited(ex.int(2, 5))], countNote, `limit = ${limit}`);
  });

  it("should allow exactly one request per window with limit 1", async () => {
    const ex = examples();
    const key = drawKey(ex);
    const limiter = await startLimiter({ limit: 1, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, key, ["ok", ...limited(ex.int(2, 4))], countNote, "limit = 1");
  });

  it("should never let more than limit through when many checks are in flight", async () => {
    const ex = examples();
    const limit = ex.int(5, 20);
    const total = limit + ex.int(10, 40);
    const key = drawKey(ex);
    const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    const results = await Promise.all(Array.from({ length: total }, () => RateLimiter.check(limiter, key)));
    assertEqual(results, [...oks(limit), ...limited(total - limit)], {
      call: `await Promise.all(${total} × RateLimiter.check(limiter, ${quoted(key)})) // limit: ${limit}`,
      note: {
        es: `El servidor atiende los mensajes de uno en uno y en orden: las ${limit} primeras peticiones dan "ok" y las demás "rate_limited".`,
        en: `The server handles messages one at a time and in order: the first ${limit} requests get "ok" and the rest "rate_limited".`,
      },
    });
  });
});

gradeTask(3, () => {
  const clock = useFakeClock();
  const windowNote: Text = {
    es: "La ventana de una clave la abre su primera petición aceptada en t0 y cubre [t0, t0 + windowMs): sigue cerrada en t0 + windowMs - 1 y se renueva exactamente en t0 + windowMs. No la alinees al reloj (Math.floor(now / windowMs)).",
    en: "A key's window is opened by its first accepted request at t0 and covers [t0, t0 + windowMs): still closed at t0 + windowMs - 1, renewed at exactly t0 + windowMs. Do not align it to the clock (Math.floor(now / windowMs)).",
  };

  it("should keep rejecting until t0 + windowMs - 1", async () => {
    const ex = examples();
    const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
    const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, key, oks(limit), windowNote, `t0, limit = ${limit}`);
    await clock().tickAsync(windowMs - 1);
    await expectChecks(limiter, key, ["rate_limited"], windowNote, `t0 + ${windowMs - 1}, windowMs = ${windowMs}`);
  });

  it("should open a new window at exactly t0 + windowMs", async () => {
    const ex = examples();
    const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
    const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, key, oks(limit), windowNote, `t0, limit = ${limit}`);
    await clock().tickAsync(windowMs);
    await expectChecks(limiter, key, oks(limit), windowNote, `t0 + ${windowMs}, windowMs = ${windowMs}`);
    await expectChecks(limiter, key, ["rate_limited"], windowNote, `t0 + ${windowMs}, windowMs = ${windowMs}`);
  });

  it("should start the window at the first request, whatever the clock reads", async () => {
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
  });

  it("should not move the window when requests are rejected", async () => {
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
  });

  it("should time the new window from the request that opened it", async () => {
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
  });

  it("should agree with the model on random sequences of checks and clock advances", async () => {
    await assertModel(modelRun(clock, { withCleanup: false }));
  });
});

gradeTask(4, () => {
  const clock = useFakeClock();
  const keysNote: Text = {
    es: "Cada clave tiene su propia ventana y su propio contador.",
    en: "Each key has its own window and its own count.",
  };

  it("should keep a separate count per key", async () => {
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

  it("should keep a separate window per key", async () => {
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

  it('should treat "__proto__", "constructor" and "toString" like any other key', async () => {
    const ex = examples();
    const limit = ex.int(2, 5);
    const limiter = await startLimiter({ limit, windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    const note: Text = {
      es: 'Cualquier string es una clave válida. Un objeto plano ({}) como almacén confunde "__proto__" o "constructor" con su prototipo: usa un Map.',
      en: 'Any string is a valid key. A plain object ({}) as the store mistakes "__proto__" or "constructor" for its prototype: use a Map.',
    };
    const keys = ["__proto__", "constructor", "toString", drawKey(ex)];
    for (const key of ex.pickDistinct(keys, keys.length)) {
      await expectChecks(limiter, key, [...oks(limit), "rate_limited"], note, `limit = ${limit}`);
    }
    await expectChecks(limiter, "hasOwnProperty", ["ok"], note);
  });
});

gradeTask(5, () => {
  const clock = useFakeClock();
  const inspectNote: Text = {
    es: "inspect devuelve { count, remaining, resetInMs } de la ventana abierta: count = peticiones aceptadas, remaining = limit - count, resetInMs = t0 + windowMs - ahora.",
    en: "inspect returns { count, remaining, resetInMs } of the open window: count = accepted requests, remaining = limit - count, resetInMs = t0 + windowMs - now.",
  };
  const now = (): string => t({ es: "ahora", en: "now" });

  it("should return null for a key never seen", async () => {
    const ex = examples();
    const [seen, never] = drawKeys(ex, 2) as [string, string];
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs: drawWindow(ex), cleanupIntervalMs: NO_CLEANUP });
    await RateLimiter.check(limiter, seen);
    assertEqual(await RateLimiter.inspect(limiter, never), null, {
      call: `RateLimiter.inspect(limiter, ${quoted(never)}) // check: ${quoted(seen)}`,
      note: inspectNote,
    });
  });

  it("should report count, remaining and resetInMs of an open window", async () => {
    const ex = examples();
    const [first, later] = [ex.int(1, 3), ex.int(1, 3)];
    const [limit, windowMs, key] = [first + later + ex.int(1, 4), drawWindow(ex), drawKey(ex)];
    const elapsed = ex.int(1, windowMs - 1);
    const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
    for (let i = 0; i < first; i++) await RateLimiter.check(limiter, key);
    await clock().tickAsync(elapsed);
    for (let i = 0; i < later; i++) await RateLimiter.check(limiter, key);
    const count = first + later;
    assertEqual(
      await RateLimiter.inspect(limiter, key),
      { count, remaining: limit - count, resetInMs: windowMs - elapsed },
      {
        call: `RateLimiter.inspect(limiter, ${quoted(key)}) // check × ${count}: ${first} × t0, ${later} × t0 + ${elapsed}; ${now()} t0 + ${elapsed}; limit = ${limit}, windowMs = ${windowMs}`,
        note: inspectNote,
      },
    );
  });

  it("should not count rejected requests", async () => {
    const ex = examples();
    const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
    const checks = limit + ex.int(1, 4);
    const elapsed = ex.int(1, windowMs - 1);
    const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
    for (let i = 0; i < checks; i++) await RateLimiter.check(limiter, key);
    await clock().tickAsync(elapsed);
    assertEqual(
      await RateLimiter.inspect(limiter, key),
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

  it("should return null once the window has ended, even before any cleanup", async () => {
    const ex = examples();
    const [limit, windowMs, key] = [ex.int(1, 6), drawWindow(ex), drawKey(ex)];
    const checks = ex.int(1, limit);
    const limiter = await startLimiter({ limit, windowMs, cleanupIntervalMs: NO_CLEANUP });
    for (let i = 0; i < checks; i++) await RateLimiter.check(limiter, key);
    await clock().tickAsync(windowMs);
    assertEqual(await RateLimiter.inspect(limiter, key), null, {
      call: `RateLimiter.inspect(limiter, ${quoted(key)}) // check × ${checks}: t0; ${now()} t0 + ${windowMs}; windowMs = ${windowMs}`,
      note: {
        es: "En t0 + windowMs la ventana ya terminó: inspect devuelve null aunque la limpieza aún no la haya borrado.",
        en: "At t0 + windowMs the window has ended: inspect returns null even if no cleanup has removed it yet.",
      },
    });
  });

  it("should count the stored keys, which only a cleanup removes", async () => {
    const ex = examples();
    const windowMs = drawWindow(ex);
    const keys = drawKeys(ex, ex.int(2, 6));
    const sequence = [...keys, ...Array.from({ length: ex.int(1, 4) }, () => ex.pick(keys))];
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs: NO_CLEANUP });
    const note: Text = {
      es: "trackedKeys es el número de claves guardadas: una clave se guarda en su primera petición y solo la limpieza la borra.",
      en: "trackedKeys is the number of stored keys: a key is stored at its first request and only a cleanup removes it.",
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
  });
});

gradeTask(6, () => {
  const clock = useFakeClock();
  const cleanupNote: Text = {
    es: 'En init programa Process.sendAfter(self(), { type: "cleanup" }, cleanupIntervalMs); en handleInfo borra las claves cuya ventana terminó (t0 + windowMs <= ahora) y vuelve a programarlo.',
    en: 'In init schedule Process.sendAfter(self(), { type: "cleanup" }, cleanupIntervalMs); in handleInfo delete the keys whose window ended (t0 + windowMs <= now) and schedule it again.',
  };

  it("should remove the ended windows at the first cleanup, one interval after start", async () => {
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
  });

  it("should keep the windows that are still open, and their counts", async () => {
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
  });

  it("should run again every cleanupIntervalMs", async () => {
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

  it("should clean up every windowMs when cleanupIntervalMs is not given", async () => {
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
  });

  it("should keep memory bounded: keys seen once are all forgotten", async () => {
    const ex = examples();
    const windowMs = drawWindow(ex);
    const cleanupIntervalMs = windowMs + ex.int(0, windowMs);
    const keys = drawKeys(ex, ex.int(150, 300));
    const limiter = await startLimiter({ limit: ex.int(1, 20), windowMs, cleanupIntervalMs });
    await Promise.all(keys.map((key) => RateLimiter.check(limiter, key)));
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
  });

  it("should leave no timer behind after stop", async () => {
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

  it("should agree with the model on random sequences of checks, clock advances, cleanups, inspects and trackedKeys", async () => {
    await assertModel(modelRun(clock, { withCleanup: true }));
  });
});

interface Real {
  readonly limiter: Limiter;
  readonly clock: Clock;
}
type Command = fc.AsyncCommand<LimiterModel, Real, boolean>;

const modelNote: Text = {
  es: "Reglas: la ventana de una clave cubre [t0, t0 + windowMs) desde su primera petición aceptada; limit peticiones por ventana; las rechazadas no cuentan; la limpieza solo borra ventanas terminadas.",
  en: "Rules: a key's window covers [t0, t0 + windowMs) from its first accepted request; limit requests per window; rejected ones do not count; cleanup only removes ended windows.",
};

/** When a step ran, and how the limiter was started, for the message of a failing step. */
function describeMoment(model: LimiterModel): string {
  const options = `{ limit: ${model.limit}, windowMs: ${model.windowMs}, cleanupIntervalMs: ${model.cleanupIntervalMs} }`;
  return `start + ${model.elapsed()} ms; limiter = RateLimiter.start(${options})`;
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
    const expected = model.check(this.key);
    assertEqual(await RateLimiter.check(real.limiter, this.key), expected, { call, note: modelNote });
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
    assertEqual(await RateLimiter.inspect(real.limiter, this.key), model.inspect(this.key), { call, note: modelNote });
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
    assertEqual(await RateLimiter.trackedKeys(real.limiter), model.trackedKeys(), { call, note: modelNote });
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
  const advance = fc.oneof(fc.constantFrom(1, windowMs - 1, windowMs), fc.integer({ min: 1, max: Math.round(windowMs * 1.6) }));
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
    numRuns: 60,
    maxCommands: 40,
  };
}
