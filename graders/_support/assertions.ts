import type { FailureFields, Text } from "#protocol";
import { SubjectStopped } from "../../subject/client.ts";
import { matches } from "./equality.ts";
import { formatValue } from "./format.ts";
import { t } from "./grading.ts";
import { RemotePid } from "./remote.ts";
import { LoadFailed, NotRun } from "./session.ts";

/** A failed check: its message is already in the grading language and in plain words. */
export class GradingFailure extends Error implements FailureFields {
  override readonly name = "GradingFailure";
  readonly failure = "check" as const;
}

/**
 * An error about the grading itself (a stop, a load failure, a test not run), never the outcome a test expects. By
 * class, not by field: the subject's own errors never are one of these.
 */
const isGradingStop = (error: unknown): boolean =>
  error instanceof SubjectStopped || error instanceof LoadFailed || error instanceof NotRun;

const labels = {
  call: { es: "Llamada: ", en: "Call:    " },
  expected: { es: "Esperado:", en: "Expected:" },
  actual: { es: "Obtenido:", en: "Got:     " },
  note: { es: "Pista:   ", en: "Hint:    " },
} as const;

export function describeCheck(parts: { call: string; expected: string; actual: string; note?: Text | undefined }): string {
  const lines = [`${t(labels.call)} ${parts.call}`, `${t(labels.expected)} ${parts.expected}`, `${t(labels.actual)} ${parts.actual}`];
  if (parts.note !== undefined) lines.push(`${t(labels.note)} ${t(parts.note)}`);
  return lines.join("\n");
}

/**
 * Deep equality. On failure it throws a message naming the call made, the expected and the actual value.
 *
 * @example
 * assertEqual(await PriceCache.get(server, "AAPL"), 101.5, { call: `PriceCache.get(server, "AAPL")` });
 */
export function assertEqual<T>(
  actual: unknown,
  expected: T,
  options: { readonly call: string; readonly note?: Text },
): asserts actual is T {
  if (matches(actual, expected)) return;
  throw new GradingFailure(
    describeCheck({ call: options.call, expected: formatValue(expected), actual: formatValue(actual), note: options.note }),
  );
}

/**
 * Awaits a call into the implementation and checks its answer with {@link assertEqual}; when the call throws or
 * rejects instead (a server that crashed, a client function that threw), the failure still names the call, what
 * was expected, what happened and where in the implementation, and the note.
 *
 * @example
 * await assertAnswer(PriceCache.get(pid, "AAPL"), 101.5, { call: `PriceCache.get(pid, "AAPL")` });
 */
export async function assertAnswer<T>(
  answer: Promise<unknown>,
  expected: T,
  options: { readonly call: string; readonly note?: Text },
): Promise<T> {
  let actual: unknown;
  try {
    actual = await answer;
  } catch (error) {
    if (isGradingStop(error)) throw error;
    throw new GradingFailure(
      describeCheck({
        call: options.call,
        expected: formatValue(expected),
        actual: t({ es: `lanzó ${formatValue(error)}`, en: `it threw ${formatValue(error)}` }),
        note: options.note,
      }),
    );
  }
  assertEqual(actual, expected, options);
  return actual;
}

/**
 * Expects `promiseOrFn` to reject (or throw) with an error `check` accepts; returns that error.
 *
 * @example
 * await assertRejects(() => GenServer.call(pid, { type: "get" }), { call: "…", expected: { es: "un ExitError", en: "an ExitError" } });
 */
export async function assertRejects(
  promiseOrFn: Promise<unknown> | (() => unknown),
  options: { readonly call: string; readonly expected: Text; readonly check?: (error: unknown) => boolean; readonly note?: Text },
): Promise<unknown> {
  let outcome: { rejected: true; error: unknown } | { rejected: false; value: unknown };
  try {
    const value = await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
    outcome = { rejected: false, value };
  } catch (error) {
    // The subject stopping is not the rejection a test waits for: it fails the test as what it is.
    if (isGradingStop(error)) throw error;
    outcome = { rejected: true, error };
  }
  const expected = t(options.expected);
  if (!outcome.rejected) {
    const actual = t({ es: `terminó bien con ${formatValue(outcome.value)}`, en: `it resolved with ${formatValue(outcome.value)}` });
    throw new GradingFailure(describeCheck({ call: options.call, expected, actual, note: options.note }));
  }
  if (options.check !== undefined && !options.check(outcome.error)) {
    const actual = t({ es: `falló con ${formatValue(outcome.error)}`, en: `it rejected with ${formatValue(outcome.error)}` });
    throw new GradingFailure(describeCheck({ call: options.call, expected, actual, note: options.note }));
  }
  return outcome.error;
}

/** Fails the test with a message of the grader's own. */
export function fail(message: Text): never {
  throw new GradingFailure(t(message));
}

/**
 * Checks that `value` is a pid, as a start function's answer must be (a stand-in of the subject's pid); returns it.
 *
 * @example
 * const pid = assertPid(await PriceCache.start(), "PriceCache.start()");
 */
export function assertPid<P>(value: P, call: string): P {
  if (value instanceof RemotePid) return value;
  throw new GradingFailure(
    describeCheck({
      call,
      expected: t({ es: "un pid", en: "a pid" }),
      actual: formatValue(value),
      note: {
        es: "start y startLink resuelven con el pid del servidor arrancado.",
        en: "start and startLink resolve to the pid of the server they started.",
      },
    }),
  );
}

/**
 * Starts a server for the test: resolves with its pid, or fails the test saying which call failed and why (nothing
 * else of a task can be checked without its server).
 *
 * @example
 * const pid = await startServer("PriceCache.start()", () => PriceCache.start());
 */
export async function startServer<P>(call: string, start: () => Promise<P>): Promise<P> {
  let started: P;
  try {
    started = await start();
  } catch (error) {
    // A stop of the subject is not a failed start: it fails the test as what it is.
    if (isGradingStop(error)) throw error;
    const reason = formatValue(error);
    fail({
      es: `${call} falló: ${reason}\nSin un servidor en marcha no se puede comprobar nada más de esta tarea.`,
      en: `${call} failed: ${reason}\nWithout a running server nothing else of this task can be checked.`,
    });
  }
  return assertPid(started, call);
}
