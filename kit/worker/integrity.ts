/**
 * What the graders rely on inside a grading worker, as it was before the implementation under grading loaded:
 * the globals (Date, timers, Math.random, Promise, console, …), the builtins' prototypes, node:util's checks, the
 * runtime's exported objects and the test runner's own state. `verify` says what changed since, and `restore`
 * puts it back, so a replaced `Date.now` costs the tests it ran in and not the rest of the file.
 */
import { createRequire } from "node:module";

/** One property the graders rely on: where it lives and how it was. */
interface Watched {
  readonly label: string;
  readonly owner: object;
  readonly key: PropertyKey;
  readonly descriptor: PropertyDescriptor | undefined;
}

/** A change found by `verify`: a label a learner can read (`Date.now`, `Array.prototype.push (added)`). */
export interface Tampering {
  readonly label: string;
  readonly kind: "replaced" | "added" | "removed";
}

export interface IntegritySnapshot {
  readonly watched: readonly Watched[];
  /** Objects whose own keys must not grow (a `then` added to Object.prototype makes every object a thenable). */
  readonly closed: readonly { readonly label: string; readonly owner: object; readonly keys: ReadonlySet<PropertyKey> }[];
}

const safeGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const safeDefineProperty = Object.defineProperty;
const safeOwnKeys = Reflect.ownKeys;
const safeDeleteProperty = Reflect.deleteProperty;

const GLOBALS = [
  "Date",
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
  "queueMicrotask",
  "structuredClone",
  "Promise",
  "console",
  "Math",
  "JSON",
  "Object",
  "Array",
  "Function",
  "Error",
  "TypeError",
  "RangeError",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "Reflect",
  "Proxy",
  "Symbol",
  "Number",
  "String",
  "Boolean",
  "RegExp",
  "BigInt",
  "performance",
  "process",
  "Buffer",
] as const;

/** Objects whose every own property is watched, with the name a learner would write. */
function watchedObjects(extra: ReadonlyArray<readonly [string, unknown]>): [string, object][] {
  const require = createRequire(import.meta.url);
  const builtins: [string, unknown][] = [
    ["Date", Date],
    ["Math", Math],
    ["JSON", JSON],
    ["Object", Object],
    ["Array", Array],
    ["Promise", Promise],
    ["Number", Number],
    ["String", String],
    ["Reflect", Reflect],
    ["Symbol", Symbol],
    ["Map", Map],
    ["Set", Set],
    ["console", console],
    ["process", process],
    ["process.stdout", process.stdout],
    ["process.stderr", process.stderr],
    ["performance", performance],
    // The CommonJS faces of the modules the graders' checks use: `syncBuiltinESMExports` would carry a change
    // made here into every `import { isDeepStrictEqual } from "node:util"`.
    ["node:util", require("node:util")],
    ["node:assert", require("node:assert")],
    ["node:timers", require("node:timers")],
    ["node:worker_threads", require("node:worker_threads")],
  ];
  for (const [name, value] of [
    ["Object", Object],
    ["Array", Array],
    ["Function", Function],
    ["Promise", Promise],
    ["Map", Map],
    ["Set", Set],
    ["WeakMap", WeakMap],
    ["String", String],
    ["Number", Number],
    ["Boolean", Boolean],
    ["Symbol", Symbol],
    ["Date", Date],
    ["RegExp", RegExp],
    ["Error", Error],
  ] as const) {
    builtins.push([`${name}.prototype`, value.prototype]);
  }
  const objects: [string, object][] = [];
  for (const [label, value] of [...builtins, ...extra]) {
    if ((typeof value === "object" && value !== null) || typeof value === "function") objects.push([label, value]);
  }
  return objects;
}

/** Properties whose value changes in normal use; comparing them would only raise false alarms. */
function ignored(label: string, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
  if ("value" in descriptor) {
    const type = typeof descriptor.value;
    if (type !== "function" && type !== "object") return true;
    if (descriptor.value === null) return true;
  }
  if (
    label === "process" &&
    typeof key === "string" &&
    ["exitCode", "env", "argv", "execArgv", "title", "_events", "_eventsCount", "domain", "report"].includes(key)
  )
    return true;
  if ((label === "process.stdout" || label === "process.stderr") && typeof key === "string" && key.startsWith("_")) return true;
  return false;
}

function keyName(key: PropertyKey): string {
  return typeof key === "symbol" ? `[${key.description ?? "symbol"}]` : String(key);
}

/**
 * Records the properties to watch. Call it before the implementation loads. `extra` names further objects (the
 * runtime's exports, the grading helpers) whose own properties are watched and must not grow.
 */
export function takeSnapshot(extra: ReadonlyArray<readonly [string, unknown]> = []): IntegritySnapshot {
  const watched: Watched[] = [];
  for (const name of GLOBALS) {
    watched.push({ label: name, owner: globalThis, key: name, descriptor: safeGetOwnPropertyDescriptor(globalThis, name) });
  }
  const closed: { label: string; owner: object; keys: ReadonlySet<PropertyKey> }[] = [];
  for (const [label, owner] of watchedObjects(extra)) {
    const keys = safeOwnKeys(owner);
    for (const key of keys) {
      const descriptor = safeGetOwnPropertyDescriptor(owner, key);
      if (descriptor === undefined || ignored(label, key, descriptor)) continue;
      watched.push({ label: `${label}.${keyName(key)}`, owner, key, descriptor });
    }
    if (label.endsWith(".prototype") || extra.some(([name]) => name === label)) closed.push({ label, owner, keys: new Set(keys) });
  }
  return { watched, closed };
}

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.configurable === b.configurable;
}

/** What changed since `snapshot` was taken (empty when nothing did). */
export function verify(snapshot: IntegritySnapshot): Tampering[] {
  const found: Tampering[] = [];
  for (const { label, owner, key, descriptor } of snapshot.watched) {
    const now = safeGetOwnPropertyDescriptor(owner, key);
    if (!sameDescriptor(now, descriptor)) found.push({ label, kind: now === undefined ? "removed" : "replaced" });
  }
  for (const { label, owner, keys } of snapshot.closed) {
    for (const key of safeOwnKeys(owner)) {
      if (!keys.has(key)) found.push({ label: `${label}.${keyName(key)}`, kind: "added" });
    }
  }
  return found;
}

/** Puts every watched property back as it was; false when some could not be (frozen or made non-configurable). */
export function restore(snapshot: IntegritySnapshot): boolean {
  let complete = true;
  for (const { owner, key, descriptor } of snapshot.watched) {
    const now = safeGetOwnPropertyDescriptor(owner, key);
    if (sameDescriptor(now, descriptor)) continue;
    try {
      if (descriptor === undefined) safeDeleteProperty(owner, key);
      else safeDefineProperty(owner, key, descriptor);
    } catch {
      complete = false;
    }
    if (!sameDescriptor(safeGetOwnPropertyDescriptor(owner, key), descriptor)) complete = false;
  }
  for (const { owner, keys } of snapshot.closed) {
    for (const key of safeOwnKeys(owner)) {
      if (!keys.has(key) && !safeDeleteProperty(owner, key)) complete = false;
    }
  }
  return complete;
}
