import { AsyncLocalStorage } from "node:async_hooks";
import type { Pid } from "./pid.ts";
import type { Proc } from "./process.ts";

/*
 * Which process is running code right now, for self(), startLink, monitor and Registry.register.
 * During the synchronous part of a callback it is a plain variable, set and restored around the call.
 * An async callback also runs inside an AsyncLocalStorage, created on first need, so self() stays right
 * after an await; servers whose callbacks are all synchronous never pay for it.
 */
let running: Proc | null = null;
let storage: AsyncLocalStorage<Proc> | null = null;

export function currentProc(): Proc | null {
  if (running !== null) return running;
  return storage === null ? null : (storage.getStore() ?? null);
}

export function currentPid(): Pid | null {
  const proc = currentProc();
  return proc === null ? null : proc.pid;
}

/** Marks `proc` as running; returns what to restore with `leave`. */
export function enter(proc: Proc): Proc | null {
  const previous = running;
  running = proc;
  return previous;
}

export function leave(previous: Proc | null): void {
  running = previous;
}

/** Runs an async callback so that its continuations still know which process they belong to. */
export function runAsync<T>(proc: Proc, fn: () => T): T {
  storage ??= new AsyncLocalStorage<Proc>();
  return storage.run(proc, fn);
}

const AsyncFunction: unknown = Object.getPrototypeOf(async () => {}).constructor;

export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === "function" && Object.getPrototypeOf(fn).constructor === AsyncFunction;
}
