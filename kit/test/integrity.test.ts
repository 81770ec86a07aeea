import { afterEach, describe, expect, it } from "vitest";
import { restore, takeSnapshot, verify } from "../worker/integrity.ts";

const runtimeLike = { call: (): number => 1, cast: (): number => 2 };

describe("integrity", () => {
  const snapshot = takeSnapshot([["GenServer", runtimeLike]]);

  afterEach(() => {
    restore(snapshot);
  });

  it("should find nothing changed right after the snapshot", () => {
    expect(verify(snapshot)).toEqual([]);
  });

  it("should name a replaced global function and put it back", () => {
    const original = Math.random;
    Math.random = () => 0.5;
    expect(verify(snapshot)).toEqual([{ label: "Math.random", kind: "replaced" }]);
    expect(restore(snapshot)).toBe(true);
    expect(Math.random).toBe(original);
    expect(verify(snapshot)).toEqual([]);
  });

  it("should name a property added to a builtin prototype and remove it", () => {
    // biome-ignore lint/suspicious/noThenProperty: the very change the guard must catch, undone below.
    Object.defineProperty(Object.prototype, "then", { value: undefined, configurable: true, writable: true });
    expect(verify(snapshot)).toEqual([{ label: "Object.prototype.then", kind: "added" }]);
    expect(restore(snapshot)).toBe(true);
    expect("then" in {}).toBe(false);
  });

  it("should name a replaced function of a watched object, and a deleted one", () => {
    const call = runtimeLike.call;
    runtimeLike.call = () => 42;
    delete (runtimeLike as { cast?: unknown }).cast;
    expect(verify(snapshot)).toEqual([
      { label: "GenServer.call", kind: "replaced" },
      { label: "GenServer.cast", kind: "removed" },
    ]);
    expect(restore(snapshot)).toBe(true);
    expect(runtimeLike.call).toBe(call);
    expect(runtimeLike.cast()).toBe(2);
  });

  it("should say when a change cannot be undone", () => {
    const frozen = { check: (): boolean => true };
    const local = takeSnapshot([["Frozen", frozen]]);
    Object.defineProperty(frozen, "check", { value: () => false, writable: false, configurable: false });
    expect(verify(local)).toEqual([{ label: "Frozen.check", kind: "replaced" }]);
    expect(restore(local)).toBe(false);
  });
});
