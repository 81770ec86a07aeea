/**
 * The subject process: it loads the runtime and the implementation under grading, and answers its grader's
 * requests (protocol/messages.ts) over the channel on file descriptor 3. It runs under Node's permission model
 * (subject/sandbox.ts): it may read only its own code, write nothing, start no process or thread.
 *
 * Nothing here is a guard: the code under grading shares this realm and can change anything in it. What this
 * file does is answer honestly for an honest implementation, using the runtime functions and builtins it took
 * before that code loaded. Whatever the code under grading changes, it can only change what its own process
 * answers; the grader, in another process, decides what the answers are worth.
 */
import { Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import * as FakeTimers from "@sinonjs/fake-timers";
import type { CallBody, CallTarget, Encoded, EncodedNode, LoadedModule, Outcome, Request, RuntimeFunction } from "#protocol";
import { RUNTIME_FUNCTIONS } from "#protocol";
import { FrameReader, frameWriter, parseFrame } from "./channel.ts";
import { confine } from "./confine.ts";
import { type DecodeHooks, decodeValue, encodeValue, hasPrototype } from "./codec.ts";
import * as Runtime from "./runtime-entry.ts";

// Taken before the implementation loads: what it may replace afterwards does not change what this file does.
const realSetImmediate = setImmediate;
const cpuUsage = process.cpuUsage.bind(process);
const rss = process.memoryUsage.rss.bind(process);
const apply = Reflect.apply;
const fakeTimers = FakeTimers.withGlobal(globalThis);
const captureLog = Runtime.Logger.captureLog;
const startProbe = Runtime.Probe.start;
const probePrototype = Runtime.Probe.prototype;
const probeMethods = {
  run: probePrototype.run,
  messages: probePrototype.messages,
  receive: probePrototype.receive,
  stop: probePrototype.stop,
  alive: Object.getOwnPropertyDescriptor(probePrototype, "alive")?.get,
};
const pidPrototype = Runtime.Pid.prototype;
const pidText = Runtime.Pid.prototype.toString;
const via = Runtime.Registry.via;
const viaPrototype: object = Object.getPrototypeOf(via("subject", "host"));
const kill = Runtime.Process.exit;

/** The runtime functions a grader may call (protocol/messages.ts), as they were before the implementation loaded. */
const runtimeFunctions: Readonly<Record<RuntimeFunction, (...args: never[]) => unknown>> = {
  "GenServer.call": Runtime.GenServer.call,
  "GenServer.cast": Runtime.GenServer.cast,
  "GenServer.stop": Runtime.GenServer.stop,
  "GenServer.whereis": Runtime.GenServer.whereis,
  "Process.alive": Runtime.Process.alive,
  "Process.send": Runtime.Process.send,
  "Process.exit": Runtime.Process.exit,
  "Sys.getState": Runtime.Sys.getState,
  // The new state itself: functions do not cross the channel.
  "Sys.replaceState": ((server: Runtime.ServerRef, state: unknown) => Runtime.Sys.replaceState(server, () => state)) as never,
  "Registry.start": Runtime.Registry.start,
  "Registry.lookup": Runtime.Registry.lookup,
  "Registry.keys": Runtime.Registry.keys,
  "Registry.count": Runtime.Registry.count,
  "Supervisor.countChildren": Runtime.Supervisor.countChildren,
  "Supervisor.whichChildren": Runtime.Supervisor.whichChildren,
  "DynamicSupervisor.start": Runtime.DynamicSupervisor.start,
  "DynamicSupervisor.countChildren": Runtime.DynamicSupervisor.countChildren,
  "DynamicSupervisor.whichChildren": Runtime.DynamicSupervisor.whichChildren,
  "DynamicSupervisor.terminateChild": Runtime.DynamicSupervisor.terminateChild,
};
for (const name of RUNTIME_FUNCTIONS) if (typeof runtimeFunctions[name] !== "function") throw new Error(`subject: no runtime function ${name}`);

/** Processes, probes and other objects the grader holds, by handle. */
const handles = new Map<number, object>();
const handleOf = new WeakMap<object, number>();
let lastHandle = 0;

function handleFor(object: object): number {
  let h = handleOf.get(object);
  if (h === undefined) {
    h = ++lastHandle;
    handleOf.set(object, h);
  }
  handles.set(h, object);
  return h;
}

function encodeSpecial(value: object): EncodedNode | undefined {
  if (hasPrototype(value, pidPrototype)) return { $: "pid", h: handleFor(value), text: String(apply(pidText, value, [])) };
  if (hasPrototype(value, probePrototype)) {
    const probe = value as Runtime.Probe;
    return { $: "probe", h: handleFor(value), pid: encode(probe.pid) };
  }
  if (hasPrototype(value, viaPrototype)) {
    const name = value as Runtime.Via;
    return { $: "via", registry: name.registry, key: encode(name.key) };
  }
  return undefined;
}

const encode = (value: unknown): Encoded => encodeValue(value, encodeSpecial);

const objectOf = (h: number): object => {
  const found = handles.get(h);
  if (found === undefined) throw new Error(`subject: unknown handle ${h}`);
  return found;
};

const argumentHooks: DecodeHooks = {
  pid: objectOf,
  probe: objectOf,
  via: (registry, key) => via(registry, key as Runtime.RegistryKey),
  error: (node) => new Error(node.message),
  instance: (_name, entries) => Object.fromEntries(entries),
  function: () => {
    throw new Error("subject: functions do not cross the channel");
  },
};

/** An argument from the grader: handles become the objects they stand for. */
function decode(value: Encoded): unknown {
  return value === null || typeof value !== "object" ? value : decodeValue(value, argumentHooks);
}

// The channel.
const channel = new Socket({ fd: 3, readable: true, writable: true });
const send = frameWriter(channel);

// What the code under grading prints through console goes to the grader, in order with the replies; the grader
// shows it under the test. What it writes to process.stdout directly is not shown. Past a bound per test, lines
// are dropped here (the grader has a bound of its own).
const OUTPUT_BOUND = 2 * 1024 * 1024;
let printed = 0;
function output(stream: "out" | "err", args: unknown[]): void {
  if (printed > OUTPUT_BOUND) return;
  const text = format(...args);
  printed += text.length;
  send({ type: "output", stream, text: printed > OUTPUT_BOUND ? `${text.slice(0, 200)}… [output cut: over ${OUTPUT_BOUND} characters in this test]` : text });
}
for (const method of ["log", "info", "debug", "trace"] as const) console[method] = (...args: unknown[]) => output("out", args);
for (const method of ["warn", "error"] as const) console[method] = (...args: unknown[]) => output("err", args);

// Signals, priorities, the network and process.exit, taken away before the implementation loads.
const exit = confine();

process.on("uncaughtException", (error) => output("err", ["[uncaught]", error]));
process.on("unhandledRejection", (reason) => output("err", ["[unhandled rejection]", reason]));

/** The implementation's modules, by path under exercises/ (`<id>/<file>.ts`). */
const modules = new Map<string, Record<string, unknown>>();
const implRoot = process.argv[2] ?? "";

async function load(paths: readonly string[]): Promise<LoadedModule[]> {
  const loaded: LoadedModule[] = [];
  for (const path of paths) {
    if (!/^[\w.-]+\/[\w.-]+\.ts$/.test(path)) throw new Error(`subject: not a module path: ${path}`);
    const url = pathToFileURL(`${implRoot}/${path.replace(/\.ts$/, ".mjs")}`).href;
    const namespace = (await import(url)) as Record<string, unknown>;
    modules.set(path, namespace);
    const functions: string[] = [];
    const values: (readonly [string, unknown])[] = [];
    for (const name of Object.keys(namespace)) {
      const value = namespace[name];
      if (typeof value === "function") functions.push(name);
      else values.push([name, value]);
    }
    loaded.push({ module: path, functions, values });
  }
  return loaded;
}

/** Resolved call targets, by module and path: a batch calls the same few functions thousands of times. */
const targets = new Map<string, (...args: unknown[]) => unknown>();

function resolveTarget(target: CallTarget): (...args: unknown[]) => unknown {
  if (target.kind === "runtime") {
    const fn = runtimeFunctions[target.fn];
    if (typeof fn !== "function") throw new Error(`subject: no runtime function ${String(target.fn)}`);
    return fn as (...args: unknown[]) => unknown;
  }
  const key = `${target.module}\u0000${target.path.join("\u0000")}`;
  const known = targets.get(key);
  if (known !== undefined) return known;
  let value: unknown = modules.get(target.module);
  if (value === undefined) throw new Error(`subject: module ${target.module} is not loaded`);
  for (const name of target.path) value = Object.hasOwn(value as object, name) ? (value as Record<string, unknown>)[name] : undefined;
  if (typeof value !== "function") throw new Error(`subject: ${target.module} exports no function ${target.path.join(".")}`);
  targets.set(key, value as (...args: unknown[]) => unknown);
  return value as (...args: unknown[]) => unknown;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";

/**
 * Runs `fn`, and settles with what it returned or threw, noting whether it answered at once; with `keep`, an object
 * it returned is also held, by handle.
 */
async function outcomeOf(fn: () => unknown, keep = false): Promise<Outcome> {
  let result: unknown;
  let sync = true;
  try {
    result = fn();
    if (isThenable(result)) {
      sync = false;
      result = await result;
    }
  } catch (error) {
    return { ok: false, error: encode(error), sync };
  }
  const value = encode(result);
  return keep && typeof result === "object" && result !== null ? { ok: true, value, sync, held: handleFor(result) } : { ok: true, value, sync };
}

/** Sets the property at `path` of a held object, as a caller holding it would. */
function setHeld(h: number, path: readonly (string | number)[], value: unknown): null {
  let target: unknown = handles.get(h);
  if (target === undefined) throw new Error(`subject: nothing held under ${h}`);
  for (const key of path.slice(0, -1)) {
    if (typeof target !== "object" || target === null || !Object.hasOwn(target, key)) throw new Error(`subject: no ${String(key)} in the held value`);
    target = (target as Record<string | number, unknown>)[key];
  }
  const last = path.at(-1);
  if (last === undefined || typeof target !== "object" || target === null) throw new Error("subject: nothing to set in the held value");
  (target as Record<string | number, unknown>)[last] = value;
  return null;
}

function callOf(body: CallBody, within: Runtime.Probe | null): () => unknown {
  const fn = resolveTarget(body.target);
  const args = body.args.map(decode);
  return within === null ? () => apply(fn, undefined, args) : () => apply(probeMethods.run, within, [() => apply(fn, undefined, args)]);
}

/** The fake clock of the current test, and the processes it started. */
let clock: FakeTimers.Clock | null = null;
let countTimers: (() => number) | null = null;
const started: { readonly pid: Runtime.Pid; alive: boolean }[] = [];
Runtime.observeSpawns((proc) => {
  started.push(proc);
});
const captures = new Map<number, { readonly release: () => void; readonly lines: Promise<Runtime.LogEntry[]> }>();
let lastCapture = 0;

const FAKED: FakeTimers.FakeMethod[] = ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "Date"];

function probeOf(h: number): Runtime.Probe {
  const probe = handles.get(h);
  if (probe === undefined || !hasPrototype(probe, probePrototype)) throw new Error(`subject: no probe ${h}`);
  return probe as Runtime.Probe;
}

/** A macrotask on the real clock, so that the runtime's promise jobs (exits, DOWN messages) have run. */
const settle = (): Promise<void> =>
  new Promise((resolve) => {
    realSetImmediate(resolve);
  });

async function reset(): Promise<void> {
  // Newest first: a supervisor's children before it, so that nothing restarts what is being stopped.
  for (let i = started.length - 1; i >= 0; i--) {
    const proc = started[i];
    if (proc !== undefined && proc.alive) apply(kill, undefined, [proc.pid, "kill"]);
  }
  started.length = 0;
  await settle();
  for (const capture of captures.values()) capture.release();
  captures.clear();
  clock?.uninstall();
  clock = null;
  countTimers = null;
  handles.clear();
  printed = 0;
}

async function answer(request: Request): Promise<Outcome | readonly Outcome[]> {
  switch (request.op) {
    case "load":
      return outcomeOf(() => load(request.modules));
    case "call":
      // Resolving the function and its arguments happens inside the outcome: a missing export fails the call.
      return outcomeOf(() => callOf(request, request.within === undefined ? null : probeOf(request.within))(), request.keep === true);
    case "held":
      return outcomeOf(() => {
        if (request.action === "read") {
          const held = handles.get(request.held);
          if (held === undefined) throw new Error(`subject: nothing held under ${request.held}`);
          return held;
        }
        return setHeld(request.held, request.path, decode(request.value));
      });
    case "batch": {
      // Each target resolved once for the batch; one that does not resolve fails each call to it, as a lone call would.
      const functions: ((...args: unknown[]) => unknown)[] = [];
      const functionOf = (index: number): ((...args: unknown[]) => unknown) => {
        const target = request.targets[index];
        if (target === undefined) throw new Error(`subject: no call target ${index} in the batch`);
        functions[index] ??= resolveTarget(target);
        return functions[index];
      };
      const outcomes: Outcome[] = [];
      for (const call of request.calls) outcomes.push(await outcomeOf(() => apply(functionOf(call.target), undefined, call.args.map(decode))));
      return outcomes;
    }
    case "clock":
      return outcomeOf(async () => {
        switch (request.action) {
          case "install":
            clock?.uninstall();
            clock = fakeTimers.install({ now: request.now, toFake: FAKED });
            countTimers = clock.countTimers.bind(clock);
            return clock.now;
          case "tick":
            if (clock === null) throw new Error("subject: no fake clock installed");
            await clock.tickAsync(request.ms);
            return clock.now;
          case "run-all":
            if (clock === null) throw new Error("subject: no fake clock installed");
            await clock.runAllAsync();
            return clock.now;
          case "count":
            return countTimers === null ? 0 : countTimers();
          case "uninstall":
            clock?.uninstall();
            clock = null;
            countTimers = null;
            return null;
        }
      });
    case "logs":
      if (request.action === "start") {
        let release = (): void => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const lines = captureLog(() => gate);
        captures.set(++lastCapture, { release, lines });
        return { ok: true, value: lastCapture, sync: true };
      }
      return outcomeOf(async () => {
        const capture = captures.get(request.capture);
        if (capture === undefined) throw new Error(`subject: no log capture ${request.capture}`);
        captures.delete(request.capture);
        capture.release();
        return capture.lines;
      });
    case "probe":
      return outcomeOf(() => {
        if (request.action === "start") return startProbe();
        const probe = probeOf(request.probe);
        switch (request.action) {
          case "messages":
            return apply(probeMethods.messages, probe, []);
          case "take": {
            const taken = apply(probeMethods.messages, probe, []) as unknown[];
            for (const _ of taken) void apply(probeMethods.receive, probe, [() => true, 0]);
            return taken;
          }
          case "alive":
            return probeMethods.alive === undefined ? false : apply(probeMethods.alive, probe, []);
          case "stop":
            return apply(probeMethods.stop, probe, [decode(request.reason)]);
        }
      });
    case "reset":
      return outcomeOf(reset);
    case "ping": {
      const usage = cpuUsage();
      return { ok: true, value: encode({ cpuMs: (usage.user + usage.system) / 1000, rssMb: rss() / 1048576 }), sync: true };
    }
  }
}

// Each request starts as it arrives, in order, so that a cast sent before a call reaches the server first, as it
// would from one process; replies go back as each settles.
const reader = new FrameReader((event) => {
  if (event.kind !== "frame") return;
  const request = parseFrame(event.text) as Request;
  // Every request gets a reply, even one this file could not serve (an unknown handle, say): a failed outcome.
  void answer(request).then(
    (result) => send(Array.isArray(result) ? { type: "batch", id: request.id, outcomes: result } : { type: "reply", id: request.id, ...result }),
    (error: unknown) => send({ type: "reply", id: request.id, ok: false, error: encode(error), sync: true }),
  );
});
channel.on("data", (chunk: Buffer) => reader.push(chunk));
// The grader closed the channel: the grading is over. (If something keeps this process from getting here, the
// grader kills it.)
channel.on("end", () => exit(0));
send({ type: "ready" });
