/**
 * Loaded in every grading worker before the grader file and the implementation under grading (vitest
 * `setupFiles`). It hides the run's settings from the implementation, starts the watchdog, and checks after the
 * file loads and after every test that what the graders rely on is as it was: a test during which the
 * implementation replaced `Date.now`, `setTimeout`, `Math.random`, `Promise`, `console`, a runtime function or a
 * grading check fails, and everything is put back for the next test.
 */

import { afterEach, beforeAll, beforeEach, expect } from "vitest";
import * as runtime from "#runtime";
import { GradingFailure, TamperingFailure } from "../../graders/_support/assertions.ts";
import { t } from "../../graders/_support/grading.ts";
import { captureGradingEnv, gradingEnv } from "./context.ts";
import { type IntegritySnapshot, restore, type Tampering, takeSnapshot, verify } from "./integrity.ts";
import { startWatchdog, type Watchdog } from "./watchdog.ts";

captureGradingEnv();
// The permission and report flags name the watchdog's directory: the implementation has no business reading them.
for (let i = process.execArgv.length - 1; i >= 0; i--) {
  if (/^--(allow-fs|experimental-permission|permission|report-directory)/.test(process.execArgv[i] ?? "")) process.execArgv.splice(i, 1);
}

function taskOf(suite: { name: string; suite?: unknown } | undefined): number | null {
  for (let current = suite; current !== undefined; current = current.suite as typeof current | undefined) {
    const match = /^task (\d+)$/.exec(current.name);
    if (match !== null) return Number(match[1]);
  }
  return null;
}

const shown = (found: readonly Tampering[]): string[] =>
  found
    .slice(0, 6)
    .map(({ label, kind }) =>
      kind === "replaced"
        ? label
        : `${label} (${kind === "added" ? t({ es: "añadido", en: "added" }) : t({ es: "borrado", en: "removed" })})`,
    );

function list(found: readonly Tampering[]): string {
  const labels = shown(found);
  const more = found.length - labels.length;
  return more > 0 ? `${labels.join(", ")} ${t({ es: `y ${more} más`, en: `and ${more} more` })}` : labels.join(", ");
}

const runtimeObjects: [string, unknown][] = [];
for (const [name, value] of Object.entries(runtime)) {
  if ((typeof value === "object" && value !== null) || typeof value === "function") {
    runtimeObjects.push([name, value]);
    const prototype: unknown = typeof value === "function" ? (value as { prototype?: unknown }).prototype : undefined;
    if (typeof prototype === "object" && prototype !== null) runtimeObjects.push([`${name}.prototype`, prototype]);
  }
}
runtimeObjects.push(["GradingFailure.prototype", GradingFailure.prototype], ["TamperingFailure.prototype", TamperingFailure.prototype]);

// Vitest already turns process.exit into an error; this one says what the kit expects instead.
process.exit = ((code?: number | string | null) => {
  throw new GradingFailure(
    t({
      es: `Tu código llamó a process.exit(${String(code ?? "")}): el código que se califica no puede terminar el proceso.`,
      en: `Your code called process.exit(${String(code ?? "")}): code under grading may not end the process.`,
    }),
  );
}) as typeof process.exit;

const snapshot: IntegritySnapshot = takeSnapshot(runtimeObjects);
const hangDir = gradingEnv("GRADE_HANG_DIR");
const watchdog: Watchdog | null =
  hangDir === undefined
    ? null
    : startWatchdog({
        dir: hangDir,
        file: expect.getState().testPath ?? "",
        boundMs: Number(gradingEnv("GRADE_HANG_MS") ?? "4000"),
        memoryMb: Number(gradingEnv("GRADE_MEMORY_MB") ?? "1024"),
      });
// Loading the grader file runs the implementation's top level: watch it too.
watchdog?.busy(null, null);

/** Set when the implementation changed something as it loaded: no test of this file can be trusted. */
let atLoad: readonly Tampering[] = [];
/** Set when a change could not be undone: the tests after it cannot be trusted either. */
let stuck: readonly Tampering[] = [];

beforeAll(() => {
  atLoad = verify(snapshot);
  if (atLoad.length === 0) return;
  watchdog?.tampered(
    null,
    atLoad.map((found) => found.label),
  );
  if (!restore(snapshot)) stuck = atLoad;
});

beforeEach((context) => {
  watchdog?.busy(context.task.name, taskOf(context.task.suite));
  if (atLoad.length > 0)
    throw new TamperingFailure(
      t({
        es: `Al cargarse, tu código cambió lo que usa el corrector: ${list(atLoad)}. Ninguna prueba de este ejercicio puede darse por buena así: no reemplaces funciones globales ni del runtime.`,
        en: `When it loaded, your code changed what the grader relies on: ${list(atLoad)}. No test of this exercise can be trusted like that: do not replace global or runtime functions.`,
      }),
    );
  if (stuck.length > 0)
    throw new TamperingFailure(
      t({
        es: `No se pudo deshacer un cambio de tu código en ${list(stuck)} (lo congeló o lo hizo no configurable); las pruebas siguientes no pueden darse por buenas.`,
        en: `A change your code made to ${list(stuck)} could not be undone (it was frozen or made non-configurable); the tests after it cannot be trusted.`,
      }),
    );
});

afterEach((context) => {
  const found = verify(snapshot);
  // Hooks run before vitest settles the state, so a test that has not failed so far has passed.
  const passed = context.task.result?.state !== "fail" && found.length === 0 && atLoad.length === 0 && stuck.length === 0;
  watchdog?.idle(
    context.task.name,
    passed,
    found.map((change) => change.label),
  );
  if (found.length === 0) return;
  if (!restore(snapshot)) stuck = found;
  throw new TamperingFailure(
    t({
      es: `Durante esta prueba tu código cambió lo que usa el corrector: ${list(found)}. La prueba no cuenta; se restauró todo para las siguientes. No reemplaces funciones globales ni del runtime.`,
      en: `During this test your code changed what the grader relies on: ${list(found)}. The test does not count; everything was put back for the next ones. Do not replace global or runtime functions.`,
    }),
  );
});
