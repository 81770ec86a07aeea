import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Encoded } from "#protocol";
import { VALUE_LIMITS } from "#protocol";
import { CYCLE, type DecodeHooks, decodeValue, encodeValue, MalformedValue, Opaque, Truncated } from "../codec.ts";

const none = (): undefined => undefined;
const hooks: DecodeHooks = {
  pid: (h, text) => ({ pid: h, text }),
  via: (registry, key) => ({ via: registry, key }),
  probe: (h) => ({ probe: h }),
  error: (node, props) => Object.assign(new Error(node.message), { name: node.name, ...Object.fromEntries(props) }),
  instance: (name, entries) => ({ instance: name, ...Object.fromEntries(entries) }),
  function: (name) => `[function ${name}]`,
};

/** Through the channel and back: JSON text in between, as on the wire. */
const roundTrip = (value: unknown): unknown => decodeValue(JSON.parse(JSON.stringify(encodeValue(value, none))), hooks);

describe("encodeValue and decodeValue", () => {
  it.each([
    ["a string", "AAPL"],
    ["a finite number", 101.5],
    ["-0", -0],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["undefined", undefined],
    ["null", null],
    ["a bigint", 12345678901234567890n],
    ["a Map", new Map<unknown, unknown>([["a", 1], [2, { b: [3] }]])],
    ["a Set", new Set([1, "two", null])],
    ["a Date", new Date(1_700_000_000_123)],
    ["nested arrays and objects", { bids: [{ price: 1, qty: 2, orders: 3 }], asks: [] }],
    ["an object with a $ key", { $: "pid", h: 1, text: "#PID<0.1.0>" }],
    ["an object with a __proto__ key", JSON.parse('{"__proto__": 1, "x": 2}')],
  ])("should carry %s through unchanged", (_name, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it("should never take a key of the value for a tag", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(roundTrip(value)).toStrictEqual(value);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it("should keep the prototype of an object with a __proto__ key", () => {
    const decoded = roundTrip(JSON.parse('{"__proto__": {"polluted": true}}')) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("should mark a cycle instead of following it", () => {
    const state: { self?: unknown; n: number } = { n: 1 };
    state.self = state;
    expect(roundTrip(state)).toEqual({ n: 1, self: CYCLE });
  });

  it("should cut a value past the limits instead of sending it whole", () => {
    const wide = Array.from({ length: VALUE_LIMITS.nodes + 10 }, (_, i) => i);
    const decoded = roundTrip(wide) as unknown[];
    expect(decoded.length).toBeLessThan(wide.length);
    expect(decoded.at(-1)).toBeInstanceOf(Truncated);
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < VALUE_LIMITS.depth + 5; i++) cursor = cursor[0] = [] as unknown[];
    expect(JSON.stringify(roundTrip(deep))).toContain("{");
    expect(roundTrip("x".repeat(VALUE_LIMITS.chars + 1))).toBeInstanceOf(Truncated);
  });

  it("should carry an error's class, name, message and own fields", () => {
    class StartError extends Error {
      override readonly name = "StartError";
      readonly reason = { already_started: 7 };
    }
    const decoded = roundTrip(new StartError("GenServer.start failed")) as Error & { reason: unknown };
    expect(decoded.message).toBe("GenServer.start failed");
    expect(decoded.name).toBe("StartError");
    expect(decoded.reason).toEqual({ already_started: 7 });
  });

  it("should show what cannot cross instead of failing", () => {
    expect(roundTrip(new Uint8Array(3))).toEqual(new Opaque("Uint8Array"));
    expect(roundTrip(function handler() {})).toBe("[function handler]");
    class Book {
      levels = 2;
    }
    expect(roundTrip(new Book())).toEqual({ instance: "Book", levels: 2 });
  });

  it("should refuse a function where only data may go", () => {
    expect(() => encodeValue({ fn: () => 1 }, none, true)).toThrow(/function cannot cross/);
  });

  it("should use handles for what only one side knows (objects of a class of its own)", () => {
    class Pid {
      readonly id = 4;
    }
    const pid = new Pid();
    const encoded = encodeValue({ owner: pid }, (object) => (object === pid ? { $: "pid", h: 4, text: "#PID<0.4.0>" } : undefined));
    expect(decodeValue(encoded, hooks)).toEqual({ owner: { pid: 4, text: "#PID<0.4.0>" } });
  });
});

describe("decodeValue on hostile input", () => {
  it.each<[string, unknown]>([
    ["an unknown tag", { $: "eval", code: "process.exit()" }],
    ["a bare NaN number node", { $: "number", v: "1e309" }],
    ["a handle that is not a positive integer", { $: "pid", h: -1, text: "#PID<0.1.0>" }],
    ["a Map that is not a list of pairs", { $: "map", v: [[1, 2, 3]] }],
    ["a bigint that is not digits", { $: "bigint", v: "1; process.exit()" }],
    ["an error without a message", { $: "error", class: "Error", name: "Error", stack: "", props: [] }],
  ])("should refuse %s", (_name, input) => {
    expect(() => decodeValue(input as Encoded, hooks)).toThrow(MalformedValue);
  });

  it("should refuse a value nested past the limit", () => {
    let value: unknown = 1;
    for (let i = 0; i < VALUE_LIMITS.depth + 10; i++) value = [value];
    expect(() => decodeValue(value as Encoded, hooks)).toThrow(MalformedValue);
  });

  it("should refuse more nodes than an honest encoder sends", () => {
    expect(() => decodeValue(new Array(VALUE_LIMITS.nodes + 5_000).fill(0), hooks)).toThrow(MalformedValue);
  });
});
