/**
 * Values across the channel (protocol/messages.ts `Encoded`), both ways. Each side brings its own hooks for what
 * only it knows: the subject turns its pids into handles and back, the grader turns handles into stand-ins.
 *
 * The subject's encoder runs in the same realm as the code under grading, so it uses only the builtins captured
 * when this module loaded (before that code did) and never trusts a value's own methods. The decoder treats its
 * input as hostile: every node is checked for its shape, and the whole value is bounded.
 */
import type { Encoded, EncodedNode, Entries } from "#protocol";
import { VALUE_LIMITS } from "#protocol";

const safe = {
  isArray: Array.isArray,
  getPrototypeOf: Object.getPrototypeOf,
  ownKeys: Reflect.ownKeys,
  apply: Reflect.apply,
  descriptor: Object.getOwnPropertyDescriptor,
  defineProperty: Object.defineProperty,
  create: Object.create,
  isFinite: Number.isFinite,
  isSafeInteger: Number.isSafeInteger,
  is: Object.is,
  mapForEach: Map.prototype.forEach,
  setForEach: Set.prototype.forEach,
  mapSet: Map.prototype.set,
  setAdd: Set.prototype.add,
  dateGetTime: Date.prototype.getTime,
  bigintToString: BigInt.prototype.toString,
  symbolDescription: Object.getOwnPropertyDescriptor(Symbol.prototype, "description")?.get,
  functionName: (fn: unknown): string => {
    const name = safe.descriptor(fn as object, "name")?.value;
    return typeof name === "string" ? name : "";
  },
  stringSlice: String.prototype.slice,
  isView: ArrayBuffer.isView,
  arrayBufferPrototype: ArrayBuffer.prototype,
  MapCtor: Map,
  SetCtor: Set,
  DateCtor: Date,
  keys: Object.keys,
  objectPrototype: Object.prototype,
  arrayPrototype: Array.prototype,
  mapPrototype: Map.prototype,
  setPrototype: Set.prototype,
  datePrototype: Date.prototype,
  errorPrototype: Error.prototype,
} as const;

/** A value the decoder refused: the other side sent something that is not a well-formed value. */
export class MalformedValue extends Error {
  override readonly name = "MalformedValue";
}

/** What only one side knows how to encode: its handles. Return undefined for an ordinary value. */
export type SpecialEncoder = (value: object) => EncodedNode | undefined;

/** What only one side knows how to decode. */
export interface DecodeHooks {
  pid(h: number, text: string): unknown;
  via(registry: string, key: unknown): unknown;
  probe(h: number, pid: unknown): unknown;
  error(node: Extract<EncodedNode, { $: "error" }>, props: ReadonlyMap<string, unknown>): unknown;
  instance(className: string, entries: readonly (readonly [string, unknown])[]): unknown;
  function(name: string): unknown;
}

interface Budget {
  nodes: number;
  chars: number;
}

const MAX_TEXT = 4_000;

function cut(text: string, budget: Budget, max = MAX_TEXT): string {
  const kept = text.length > max ? (safe.apply(safe.stringSlice, text, [0, max]) as string) : text;
  budget.chars -= kept.length;
  return kept;
}

/** Walks a prototype chain with the captured getter: `instanceof` could be redirected by the code under grading. */
export function hasPrototype(value: object, prototype: object): boolean {
  for (let current: unknown = safe.getPrototypeOf(value); current !== null; current = safe.getPrototypeOf(current)) {
    if (current === prototype) return true;
  }
  return false;
}

function className(value: object): string {
  const prototype: unknown = safe.getPrototypeOf(value);
  if (prototype === null || typeof prototype !== "object") return "Object";
  const constructor = safe.descriptor(prototype, "constructor")?.value;
  return typeof constructor === "function" ? safe.functionName(constructor) || "Object" : "Object";
}

/**
 * Encodes `value`, cutting it where it passes the limits (a `truncated` node). `special` encodes the side's handles;
 * it is asked only about objects that are not plain objects or arrays. With `refuseFunctions`, a function anywhere
 * in the value throws instead (the grader's arguments must be data). Plain objects and arrays, most of what crosses,
 * take the short path: a reply of the scale task holds tens of thousands of them.
 */
export function encodeValue(value: unknown, special: SpecialEncoder, refuseFunctions = false): Encoded {
  const budget: Budget = { nodes: VALUE_LIMITS.nodes, chars: VALUE_LIMITS.chars };
  const path: object[] = [];

  const encode = (current: unknown, depth: number): Encoded => {
    if (--budget.nodes < 0 || budget.chars < 0) return { $: "truncated", what: "size" };
    switch (typeof current) {
      case "string":
        if (current.length > budget.chars) return { $: "truncated", what: "size" };
        budget.chars -= current.length;
        return current;
      case "boolean":
        return current;
      case "number":
        if (safe.isFinite(current)) return current === 0 && 1 / current < 0 ? { $: "number", v: "-0" } : current;
        return { $: "number", v: current !== current ? "NaN" : current > 0 ? "Infinity" : "-Infinity" };
      case "undefined":
        return { $: "undefined" };
      case "bigint":
        return { $: "bigint", v: cut(safe.apply(safe.bigintToString, current, []) as string, budget) };
      case "symbol":
        return { $: "symbol", text: cut(String(safe.symbolDescription?.call(current) ?? ""), budget, 200) };
      case "function":
        if (refuseFunctions) throw new TypeError("a function cannot cross the channel: send data");
        return { $: "function", name: cut(safe.functionName(current), budget, 200) };
    }
    if (current === null) return null;
    const object = current as object;
    if (depth >= VALUE_LIMITS.depth) return { $: "truncated", what: "depth" };
    if (path.includes(object)) return { $: "cycle" };
    path.push(object);
    const encoded = encodeObject(object, depth);
    path.pop();
    return encoded;
  };

  /**
   * A plain object inline; tagged when a key is `$` (it would read as a tag) or `__proto__` (an assignment would
   * set the prototype instead), or too long.
   */
  const plain = (object: object, depth: number): Encoded => {
    const keys = safe.keys(object);
    const out: Record<string, Encoded> = {};
    for (const key of keys) {
      if (key === "$" || key === "__proto__" || key.length > 1_000) return { $: "object", v: entries(object, depth) };
      budget.chars -= key.length;
      out[key] = encode((object as Record<string, unknown>)[key], depth + 1);
      if (budget.nodes < 0) break;
    }
    return out;
  };

  const entries = (object: object, depth: number): Entries<string> => {
    const out: (readonly [string, Encoded])[] = [];
    for (const key of safe.keys(object)) {
      out.push([cut(key, budget, 1_000), encode((object as Record<string, unknown>)[key], depth + 1)]);
      if (budget.nodes < 0) break;
    }
    return out;
  };

  const encodeObject = (object: object, depth: number): Encoded => {
    const prototype: unknown = safe.getPrototypeOf(object);
    if (prototype === safe.objectPrototype) return plain(object, depth);
    if (prototype === safe.arrayPrototype && safe.isArray(object)) {
      const array = object as unknown[];
      const items: Encoded[] = [];
      for (let i = 0; i < array.length && budget.nodes >= 0; i++) items.push(encode(array[i], depth + 1));
      return items;
    }
    const handle = special(object);
    if (handle !== undefined) return handle;
    if (prototype === null) return { $: "object", v: entries(object, depth), nullProto: true };
    if (hasPrototype(object, safe.errorPrototype)) return encodeError(object, depth);
    if (prototype === safe.mapPrototype) {
      const pairs: (readonly [Encoded, Encoded])[] = [];
      safe.apply(safe.mapForEach, object, [
        (item: unknown, key: unknown) => {
          if (budget.nodes >= 0) pairs.push([encode(key, depth + 1), encode(item, depth + 1)]);
        },
      ]);
      return { $: "map", v: pairs };
    }
    if (prototype === safe.setPrototype) {
      const items: Encoded[] = [];
      safe.apply(safe.setForEach, object, [
        (item: unknown) => {
          if (budget.nodes >= 0) items.push(encode(item, depth + 1));
        },
      ]);
      return { $: "set", v: items };
    }
    if (prototype === safe.datePrototype) return { $: "date", v: safe.apply(safe.dateGetTime, object, []) as number };
    if (safe.isArray(object) || hasPrototype(object, safe.mapPrototype) || hasPrototype(object, safe.setPrototype) || hasPrototype(object, safe.datePrototype))
      return { $: "opaque", text: cut(className(object), budget, 200) };
    if (safe.isView(object) || hasPrototype(object, safe.arrayBufferPrototype)) return { $: "opaque", text: cut(className(object), budget, 200) };
    return { $: "instance", class: cut(className(object), budget, 200), v: entries(object, depth) };
  };

  const encodeError = (error: object, depth: number): Encoded => {
    const read = (key: string): unknown => {
      // Own data property first (message, stack, cause), then the prototype's data property (name).
      for (let current: unknown = error; current !== null && typeof current === "object"; current = safe.getPrototypeOf(current)) {
        const descriptor = safe.descriptor(current, key);
        if (descriptor !== undefined) return "value" in descriptor ? descriptor.value : undefined;
      }
      return undefined;
    };
    const text = (item: unknown): string => (typeof item === "string" ? cut(item, budget) : "");
    const props = entries(error, depth).filter(([key]) => key !== "message" && key !== "stack");
    const cause = safe.descriptor(error, "cause");
    if (cause !== undefined && "value" in cause && cause.enumerable !== true) props.push(["cause", encode(cause.value, depth + 1)]);
    return {
      $: "error",
      class: cut(className(error), budget, 200),
      name: text(read("name")),
      message: text(read("message")),
      stack: text(read("stack")),
      props,
    };
  };

  return encode(value, 0);
}

/** Reads an encoded value back, checking every node; throws {@link MalformedValue} on anything else. */
export function decodeValue(input: unknown, hooks: DecodeHooks): unknown {
  let nodes = 0;
  const fail = (what: string): never => {
    throw new MalformedValue(`malformed value: ${what}`);
  };
  const string = (value: unknown, what: string): string => (typeof value === "string" ? value : fail(`${what} should be a string`));
  const handle = (value: unknown): number => (typeof value === "number" && safe.isSafeInteger(value) && value > 0 ? value : fail("a handle should be a positive integer"));
  const list = (value: unknown, what: string): readonly unknown[] => (safe.isArray(value) ? value : fail(`${what} should be a list`));
  const pair = (value: unknown, what: string): readonly [unknown, unknown] => {
    const items = list(value, what);
    return items.length === 2 ? [items[0], items[1]] : fail(`${what} should be pairs`);
  };

  const decode = (value: unknown, depth: number): unknown => {
    if (++nodes > VALUE_LIMITS.nodes + 1_000 || depth > VALUE_LIMITS.depth + 2) fail("too large or too deep");
    if (value === null || typeof value === "boolean" || typeof value === "string") return value;
    if (typeof value === "number") return safe.isFinite(value) ? value : fail("a bare number should be finite");
    if (safe.isArray(value)) return value.map((item) => decode(item, depth + 1));
    if (typeof value !== "object") return fail(`unexpected ${typeof value}`);
    const node = value as { readonly $?: unknown } & Record<string, unknown>;
    if (!Object.hasOwn(node, "$")) {
      // A plain object. JSON.parse makes "__proto__" an own key; copied by assignment it would set the prototype.
      const object: Record<string, unknown> = {};
      for (const key of Object.keys(node)) {
        if (key === "__proto__") safe.defineProperty(object, key, { value: decode(node[key], depth + 1), enumerable: true, writable: true, configurable: true });
        else object[key] = decode(node[key], depth + 1);
      }
      return object;
    }
    const props = (items: unknown): [string, unknown][] =>
      list(items, "properties").map((entry) => {
        const [key, item] = pair(entry, "properties");
        return [string(key, "a property name"), decode(item, depth + 1)];
      });
    switch (node.$) {
      case "undefined":
        return undefined;
      case "number":
        switch (node.v) {
          case "NaN":
            return Number.NaN;
          case "Infinity":
            return Number.POSITIVE_INFINITY;
          case "-Infinity":
            return Number.NEGATIVE_INFINITY;
          case "-0":
            return -0;
        }
        return fail("unknown number");
      case "bigint": {
        const text = string(node.v, "a bigint");
        return /^-?\d{1,4000}$/.test(text) ? BigInt(text) : fail("a bigint should be digits");
      }
      case "object": {
        const object: Record<string, unknown> = node.nullProto === true ? (safe.create(null) as Record<string, unknown>) : {};
        for (const [key, item] of props(node.v)) safe.defineProperty(object, key, { value: item, enumerable: true, writable: true, configurable: true });
        return object;
      }
      case "instance":
        return hooks.instance(string(node.class, "a class name"), props(node.v));
      case "map": {
        const map = new safe.MapCtor();
        for (const entry of list(node.v, "a map")) {
          const [key, item] = pair(entry, "a map");
          safe.apply(safe.mapSet, map, [decode(key, depth + 1), decode(item, depth + 1)]);
        }
        return map;
      }
      case "set": {
        const set = new safe.SetCtor();
        for (const item of list(node.v, "a set")) safe.apply(safe.setAdd, set, [decode(item, depth + 1)]);
        return set;
      }
      case "date":
        return typeof node.v === "number" ? new safe.DateCtor(node.v) : fail("a date should be a number");
      case "error": {
        const checked = {
          $: "error" as const,
          class: string(node.class, "an error class"),
          name: string(node.name, "an error name"),
          message: string(node.message, "an error message"),
          stack: string(node.stack, "an error stack"),
          props: [] as Entries<string>,
        };
        return hooks.error(checked, new Map(props(node.props)));
      }
      case "pid":
        return hooks.pid(handle(node.h), string(node.text, "a pid"));
      case "via":
        return hooks.via(string(node.registry, "a registry name"), decode(node.key, depth + 1));
      case "probe":
        return hooks.probe(handle(node.h), decode(node.pid, depth + 1));
      case "function":
        return hooks.function(string(node.name, "a function name"));
      case "symbol":
        return Symbol(string(node.text, "a symbol"));
      case "cycle":
        return CYCLE;
      case "truncated":
        return node.what === "depth" || node.what === "size" ? new Truncated(node.what) : fail("unknown truncation");
      case "opaque":
        return new Opaque(string(node.text, "an opaque value"));
    }
    return fail(`unknown tag ${JSON.stringify(String(node.$)).slice(0, 40)}`);
  };
  return decode(input, 0);
}

/** Stands for a reference back to an enclosing value. */
export const CYCLE: unique symbol = Symbol("[Circular]");

/** Stands for the part of a value past the channel's limits. */
export class Truncated {
  readonly what: "depth" | "size";
  constructor(what: "depth" | "size") {
    this.what = what;
  }
  toString(): string {
    return this.what === "depth" ? "[nested too deep]" : "[too large]";
  }
}

/** Stands for a value that does not cross the channel (a typed array, a getter, a Map subclass…). */
export class Opaque {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return `[${this.text}]`;
  }
}
