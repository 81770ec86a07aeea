import fc from "fast-check";
import { afterEach, it } from "vitest";
import { assertEqual, assertModel, assertRejects, gradeTask, type Text, t, useFakeClock } from "#grading";
import * as RateLimiter from "#impl/05-rate-limiter/rate-limiter.ts";
import { GenServer, type Pid, StartError } from "#runtime";
import { type CheckResult, LimiterModel } from "./model.ts";

type Limiter = Pid<RateLimiter.RateLimiterProtocol>;
type Options = RateLimiter.RateLimiterOptions;
type Clock = ReturnType<ReturnType<typeof useFakeClock>>;

const LIMITER_NAME = GenServer.name<RateLimiter.RateLimiterProtocol>("RateLimiterUnderTest");
/** A cleanup interval no test reaches, for tasks that come before cleanup. */
const NO_CLEANUP = 3_600_000;

const started: Limiter[] = [];

/** Stops a limiter if it is still alive; a grader's clean-up never fails a test. */
async function stopQuietly(pid: Limiter): Promise<void> {
  if (GenServer.whereis(pid) !== null) await GenServer.stop(pid).catch(() => undefined);
}

afterEach(async () => {
  for (const pid of started.splice(0)) await stopQuietly(pid);
});

function optionsText(options: Options): string {
  const parts = Object.entries(options).map(
    ([key, value]) => `${key}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
  );
  return `{ ${parts.join(", ")} }`;
}

async function startLimiter(options: Options): Promise<Limiter> {
  const pid = await RateLimiter.start(options);
  started.push(pid);
  return pid;
}

/** Checks `key` `times` times in a row and asserts every answer. */
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
    const call = `RateLimiter.check(limiter, ${JSON.stringify(key)}) // ${nth}${when === "" ? "" : `, ${when}`}`;
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

async function assertBadOption(clock: Clock, option: "limit" | "windowMs" | "cleanupIntervalMs"): Promise<void> {
  for (const value of BAD_VALUES) {
    const options = { limit: 3, windowMs: 1_000, name: LIMITER_NAME, [option]: value } as Options;
    const call = `RateLimiter.start(${optionsText(options)})`;
    const shown = typeof value === "string" ? value : String(value);
    await assertRejects(() => startLimiter(options), {
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
    assertEqual(GenServer.whereis(LIMITER_NAME), null, {
      call: `GenServer.whereis("RateLimiterUnderTest") // ${t({ es: "después de", en: "after" })} ${call}`,
      note: { es: "Un start que falla no debe dejar ningún proceso vivo.", en: "A failed start must leave no process alive." },
    });
    assertEqual(clock.countTimers(), 0, {
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
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    assertEqual(await RateLimiter.check(limiter, "a"), "ok", {
      call: `RateLimiter.check(limiter, "a") // limit: 3`,
      note: { es: "La primera petición de una clave siempre se permite.", en: "The first request of a key is always allowed." },
    });
  });

  it("should register the server under the name option", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP, name: LIMITER_NAME });
    assertEqual(GenServer.whereis(LIMITER_NAME), limiter, {
      call: `GenServer.whereis("RateLimiterUnderTest")`,
      note: {
        es: "Pasa { name } a GenServer.start cuando viene en las opciones.",
        en: "Pass { name } to GenServer.start when the options have one.",
      },
    });
    assertEqual(await RateLimiter.check(LIMITER_NAME, "a"), "ok", { call: `RateLimiter.check("RateLimiterUnderTest", "a")` });
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
    const limiter = await startLimiter({ limit: 2, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", ["ok"], undefined);
    for (const [fn, bad] of [
      ["check", 42],
      ["check", undefined],
      ["check", { key: "a" }],
      ["inspect", 42],
    ] as const) {
      const call = `RateLimiter.${fn}(limiter, ${JSON.stringify(bad) ?? "undefined"})`;
      const send = fn === "check" ? RateLimiter.check : RateLimiter.inspect;
      await assertRejects(async () => send(limiter, bad as unknown as string), {
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
      es: 'Después de una clave inválida el servidor debe seguir vivo y con su estado: la clave "a" ya llevaba 1 de 2.',
      en: 'After an invalid key the server must still be alive with its state: key "a" had already used 1 of 2.',
    };
    await expectChecks(
      limiter,
      "a",
      ["ok", "rate_limited"],
      afterBad,
      t({ es: "después de las claves inválidas", en: "after the bad keys" }),
    );
  });

  it("should stop and leave no process and no timer behind", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, name: LIMITER_NAME });
    await RateLimiter.check(limiter, "a");
    await RateLimiter.stop(limiter);
    assertEqual(GenServer.whereis(LIMITER_NAME), null, {
      call: `GenServer.whereis("RateLimiterUnderTest") // ${t({ es: "después de", en: "after" })} RateLimiter.stop(limiter)`,
    });
    assertEqual(clock().countTimers(), 0, {
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
    const limiter = await startLimiter({ limit: 5, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", oks(5), countNote, "limit = 5");
  });

  it("should answer rate_limited to every request after the limit in the same window", async () => {
    const limiter = await startLimiter({ limit: 5, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", [...oks(5), ...limited(3)], countNote, "limit = 5");
  });

  it("should allow exactly one request per window with limit 1", async () => {
    const limiter = await startLimiter({ limit: 1, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", ["ok", "rate_limited", "rate_limited"], countNote, "limit = 1");
  });

  it("should never let more than limit through when many checks are in flight", async () => {
    const limiter = await startLimiter({ limit: 10, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    const results = await Promise.all(Array.from({ length: 40 }, () => RateLimiter.check(limiter, "a")));
    assertEqual(results, [...oks(10), ...limited(30)], {
      call: `await Promise.all(40 × RateLimiter.check(limiter, "a")) // limit: 10`,
      note: {
        es: 'El servidor atiende los mensajes de uno en uno y en orden: las 10 primeras peticiones dan "ok" y las demás "rate_limited".',
        en: 'The server handles messages one at a time and in order: the first 10 requests get "ok" and the rest "rate_limited".',
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
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", oks(3), windowNote, "t0");
    await clock().tickAsync(999);
    await expectChecks(limiter, "a", ["rate_limited"], windowNote, "t0 + 999, windowMs = 1000");
  });

  it("should open a new window at exactly t0 + windowMs", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", oks(3), windowNote, "t0");
    await clock().tickAsync(1_000);
    await expectChecks(limiter, "a", oks(3), windowNote, "t0 + 1000, windowMs = 1000");
    await expectChecks(limiter, "a", ["rate_limited"], windowNote, "t0 + 1000, windowMs = 1000");
  });

  it("should start the window at the first request, whatever the clock reads", async () => {
    const limiter = await startLimiter({ limit: 2, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await clock().tickAsync(650);
    await expectChecks(limiter, "a", oks(2), windowNote, `t0 = Date.now() = ${Date.now()}`);
    await clock().tickAsync(999);
    await expectChecks(limiter, "a", ["rate_limited"], windowNote, "t0 + 999, windowMs = 1000");
    await clock().tickAsync(1);
    await expectChecks(limiter, "a", ["ok"], windowNote, "t0 + 1000, windowMs = 1000");
  });

  it("should not move the window when requests are rejected", async () => {
    const limiter = await startLimiter({ limit: 2, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", oks(2), windowNote, "t0");
    await clock().tickAsync(600);
    await expectChecks(limiter, "a", limited(2), windowNote, "t0 + 600");
    await clock().tickAsync(400);
    await expectChecks(
      limiter,
      "a",
      ["ok"],
      {
        es: "Una petición rechazada no cuenta ni mueve la ventana: la ventana abierta en t0 termina en t0 + windowMs.",
        en: "A rejected request neither counts nor moves the window: the window opened at t0 ends at t0 + windowMs.",
      },
      "t0 + 1000, windowMs = 1000",
    );
  });

  it("should time the new window from the request that opened it", async () => {
    const limiter = await startLimiter({ limit: 2, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", oks(2), windowNote, "t0");
    await clock().tickAsync(1_500);
    await expectChecks(limiter, "a", [...oks(2), "rate_limited"], windowNote, "t1 = t0 + 1500");
    await clock().tickAsync(999);
    await expectChecks(limiter, "a", ["rate_limited"], windowNote, "t1 + 999");
    await clock().tickAsync(1);
    await expectChecks(limiter, "a", ["ok"], windowNote, "t1 + 1000");
  });

  it("should agree with the model on random sequences of checks and clock advances", async () => {
    await assertModel(modelRun(clock, { cleanupIntervalMs: NO_CLEANUP, withCleanup: false }));
  });
});

gradeTask(4, () => {
  const clock = useFakeClock();
  const keysNote: Text = {
    es: "Cada clave tiene su propia ventana y su propio contador.",
    en: "Each key has its own window and its own count.",
  };

  it("should keep a separate count per key", async () => {
    const limiter = await startLimiter({ limit: 2, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", [...oks(2), "rate_limited"], keysNote);
    await expectChecks(
      limiter,
      "b",
      [...oks(2), "rate_limited"],
      keysNote,
      t({ es: 'con "a" ya en su límite', en: 'with "a" at its limit' }),
    );
  });

  it("should keep a separate window per key", async () => {
    const limiter = await startLimiter({ limit: 1, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await expectChecks(limiter, "a", ["ok"], keysNote, "t0");
    await clock().tickAsync(500);
    await expectChecks(limiter, "b", ["ok"], keysNote, "t0 + 500");
    await clock().tickAsync(500);
    await expectChecks(limiter, "a", ["ok"], keysNote, "t0 + 1000, windowMs = 1000");
    await expectChecks(limiter, "b", ["rate_limited"], keysNote, 't0 + 1000; "b": t0 + 500, windowMs = 1000');
    await clock().tickAsync(500);
    await expectChecks(limiter, "b", ["ok"], keysNote, "t0 + 1500");
  });

  it('should treat "__proto__", "constructor" and "toString" like any other key', async () => {
    const limiter = await startLimiter({ limit: 2, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    const note: Text = {
      es: 'Cualquier string es una clave válida. Un objeto plano ({}) como almacén confunde "__proto__" o "constructor" con su prototipo: usa un Map.',
      en: 'Any string is a valid key. A plain object ({}) as the store mistakes "__proto__" or "constructor" for its prototype: use a Map.',
    };
    for (const key of ["__proto__", "constructor", "toString"]) {
      await expectChecks(limiter, key, [...oks(2), "rate_limited"], note);
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

  it("should return null for a key never seen", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    assertEqual(await RateLimiter.inspect(limiter, "a"), null, { call: `RateLimiter.inspect(limiter, "a")`, note: inspectNote });
  });

  it("should report count, remaining and resetInMs of an open window", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await RateLimiter.check(limiter, "a");
    await clock().tickAsync(200);
    await RateLimiter.check(limiter, "a");
    assertEqual(
      await RateLimiter.inspect(limiter, "a"),
      { count: 2, remaining: 1, resetInMs: 800 },
      {
        call: `RateLimiter.inspect(limiter, "a") // check × 2: t0, t0 + 200; ${t({ es: "ahora", en: "now" })} t0 + 200; limit = 3, windowMs = 1000`,
        note: inspectNote,
      },
    );
  });

  it("should not count rejected requests", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    for (let i = 0; i < 5; i++) await RateLimiter.check(limiter, "a");
    await clock().tickAsync(1);
    assertEqual(
      await RateLimiter.inspect(limiter, "a"),
      { count: 3, remaining: 0, resetInMs: 999 },
      {
        call: `RateLimiter.inspect(limiter, "a") // check × 5: t0; ${t({ es: "ahora", en: "now" })} t0 + 1; limit = 3, windowMs = 1000`,
        note: {
          es: "Las peticiones rechazadas no cuentan: count nunca pasa de limit.",
          en: "Rejected requests do not count: count never exceeds limit.",
        },
      },
    );
  });

  it("should return null once the window has ended, even before any cleanup", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    await RateLimiter.check(limiter, "a");
    await clock().tickAsync(1_000);
    assertEqual(await RateLimiter.inspect(limiter, "a"), null, {
      call: `RateLimiter.inspect(limiter, "a") // check: t0; ${t({ es: "ahora", en: "now" })} t0 + 1000; windowMs = 1000`,
      note: {
        es: "En t0 + windowMs la ventana ya terminó: inspect devuelve null aunque la limpieza aún no la haya borrado.",
        en: "At t0 + windowMs the window has ended: inspect returns null even if no cleanup has removed it yet.",
      },
    });
  });

  it("should count the stored keys, which only a cleanup removes", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: NO_CLEANUP });
    const note: Text = {
      es: "trackedKeys es el número de claves guardadas: una clave se guarda en su primera petición y solo la limpieza la borra.",
      en: "trackedKeys is the number of stored keys: a key is stored at its first request and only a cleanup removes it.",
    };
    await expectTracked(limiter, 0, "start", note);
    for (const key of ["a", "b", "c", "a", "a", "a"]) await RateLimiter.check(limiter, key);
    await expectTracked(limiter, 3, `check: "a", "b", "c", "a", "a", "a"`, note);
    await clock().tickAsync(1_500);
    await expectTracked(
      limiter,
      3,
      { es: "t0 + 1500: ventanas terminadas, sin limpieza todavía", en: "t0 + 1500: windows ended, no cleanup yet" },
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
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: 2_000 });
    await RateLimiter.check(limiter, "a");
    await RateLimiter.check(limiter, "b");
    await clock().tickAsync(1_999);
    await expectTracked(limiter, 2, "start + 1999, cleanupIntervalMs = 2000", cleanupNote);
    await clock().tickAsync(1);
    await expectTracked(limiter, 0, { es: "start + 2000: primera limpieza", en: "start + 2000: first cleanup" }, cleanupNote);
  });

  it("should keep the windows that are still open, and their counts", async () => {
    const limiter = await startLimiter({ limit: 2, windowMs: 1_000, cleanupIntervalMs: 1_000 });
    await RateLimiter.check(limiter, "a");
    await clock().tickAsync(500);
    await expectChecks(limiter, "b", oks(2), cleanupNote, "start + 500");
    await clock().tickAsync(500);
    const liveNote: Text = {
      es: 'La limpieza solo borra ventanas terminadas (t0 + windowMs <= ahora) y nunca cambia la respuesta de check: "b" sigue en su límite hasta start + 1500.',
      en: 'Cleanup only removes ended windows (t0 + windowMs <= now) and never changes what check answers: "b" stays at its limit until start + 1500.',
    };
    await expectTracked(
      limiter,
      1,
      { es: 'start + 1000: la limpieza borra "a" y guarda "b"', en: 'start + 1000: the cleanup removes "a" and keeps "b"' },
      liveNote,
    );
    await expectChecks(limiter, "b", ["rate_limited"], liveNote, "start + 1000, cleanupIntervalMs = 1000");
  });

  it("should run again every cleanupIntervalMs", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: 1_000 });
    const note: Text = {
      es: "Process.sendAfter envía un solo mensaje: vuelve a programar la limpieza en cada handleInfo.",
      en: "Process.sendAfter sends a single message: schedule the cleanup again in every handleInfo.",
    };
    for (let round = 1; round <= 3; round++) {
      await RateLimiter.check(limiter, `key-${round}`);
      await clock().tickAsync(1_000);
      await expectTracked(
        limiter,
        0,
        { es: `start + ${round * 1000}: limpieza nº ${round}`, en: `start + ${round * 1000}: cleanup #${round}` },
        note,
      );
    }
  });

  it("should clean up every windowMs when cleanupIntervalMs is not given", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000 });
    await RateLimiter.check(limiter, "a");
    await clock().tickAsync(999);
    await expectTracked(limiter, 1, "start + 999, windowMs = 1000, cleanupIntervalMs = undefined", cleanupNote);
    await clock().tickAsync(1);
    await expectTracked(
      limiter,
      0,
      {
        es: "start + 1000: primera limpieza (cleanupIntervalMs vale windowMs por defecto)",
        en: "start + 1000: first cleanup (cleanupIntervalMs defaults to windowMs)",
      },
      cleanupNote,
    );
  });

  it("should keep memory bounded: keys seen once are all forgotten", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: 1_500 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => RateLimiter.check(limiter, `user-${i}`)));
    await expectTracked(limiter, 200, { es: "200 claves distintas", en: "200 distinct keys" }, cleanupNote);
    await clock().tickAsync(1_500);
    await expectTracked(limiter, 0, { es: "start + 1500: primera limpieza", en: "start + 1500: first cleanup" }, cleanupNote);
  });

  it("should leave no timer behind after stop", async () => {
    const limiter = await startLimiter({ limit: 3, windowMs: 1_000, cleanupIntervalMs: 700 });
    await RateLimiter.check(limiter, "a");
    await clock().tickAsync(1_400);
    await RateLimiter.stop(limiter);
    assertEqual(clock().countTimers(), 0, {
      call: `clock.countTimers() // ${t({ es: "después de dos limpiezas y", en: "after two cleanups and" })} RateLimiter.stop(limiter)`,
      note: {
        es: "Usa Process.sendAfter(self(), …), no setInterval ni setTimeout: un timer dirigido al proceso muere con él.",
        en: "Use Process.sendAfter(self(), …), not setInterval or setTimeout: a timer aimed at the process dies with it.",
      },
    });
  });

  it("should agree with the model on random sequences of checks, clock advances, cleanups, inspects and trackedKeys", async () => {
    await assertModel(modelRun(clock, { cleanupIntervalMs: 700, withCleanup: true }));
  });
});

interface Real {
  readonly limiter: Limiter;
  readonly clock: Clock;
}
type Command = fc.AsyncCommand<LimiterModel, Real, boolean>;

const MODEL_LIMIT = 3;
const MODEL_WINDOW = 1_000;
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

function modelRun(clock: () => Clock, options: { cleanupIntervalMs: number; withCleanup: boolean }) {
  // "__proto__" belongs to task 4: only the cleanup run, which covers everything, uses it.
  const key = fc.constantFrom(...(options.withCleanup ? ["a", "b", "__proto__"] : ["a", "b"]));
  const advance = fc.oneof(fc.constantFrom(1, MODEL_WINDOW - 1, MODEL_WINDOW), fc.integer({ min: 1, max: 1_600 }));
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
      const limiter = await startLimiter({ limit: MODEL_LIMIT, windowMs: MODEL_WINDOW, cleanupIntervalMs: options.cleanupIntervalMs });
      const model = new LimiterModel({
        limit: MODEL_LIMIT,
        windowMs: MODEL_WINDOW,
        cleanupIntervalMs: options.cleanupIntervalMs,
        now: Date.now(),
      });
      return { model, real: { limiter, clock: clock() }, cleanup: () => stopQuietly(limiter) };
    },
    commands,
    numRuns: 60,
    maxCommands: 40,
  };
}
