import type { ChildSpec } from "./child-spec.ts";
import { currentProc } from "./context.ts";
import { show } from "./errors.ts";
import { GenServer, type StartOptions, startServer } from "./gen-server.ts";
import { registerRegistry, registryNamed, unregisterRegistry, ViaName, type ViaRegistry } from "./names.ts";
import { type Pid, procOf } from "./pid.ts";
import type { ExitObserver, Proc } from "./process.ts";
import { ok } from "./results.ts";
import { type GenServerModule, ServerProc } from "./server-process.ts";
import type { ExitReason, Protocol, RegistryKey, Via } from "./types.ts";

/** A Registry takes no messages: it is a process only so that it has a pid, a name and a lifetime. */
export interface RegistryProtocol extends Protocol {
  readonly call: never;
  readonly cast: never;
  readonly info: never;
}

export interface RegistryOptions {
  /** `"unique"`: one process per key (via names). `"duplicate"`: many, for pub/sub. */
  readonly keys: "unique" | "duplicate";
  /** The registry's name, used by `Registry.via`, `lookup` and friends. */
  readonly name: string;
}

export type RegisterResult = { readonly ok: Pid } | { readonly error: { readonly already_registered: Pid } };

interface Entry {
  readonly proc: Proc;
  readonly value: unknown;
}

/**
 * The registry's tables live in the process object and are read directly, as Elixir reads its ETS tables:
 * a lookup is a Map get, not a message.
 */
class RegistryProc extends ServerProc implements ViaRegistry, ExitObserver {
  readonly unique: boolean;
  readonly registryName: string;
  private readonly entries = new Map<RegistryKey, Entry[]>();
  /** Unique keys only: the holder of each key, read by every call through a via name. */
  private readonly holders = new Map<RegistryKey, Proc>();
  private readonly keysOf = new Map<Proc, RegistryKey[]>();

  constructor(module: GenServerModule<RegistryProtocol, undefined, null>, unique: boolean, name: string) {
    super(module as never);
    this.unique = unique;
    this.registryName = name;
    registerRegistry(name, this);
  }

  whereisKey(key: RegistryKey): Proc | null {
    return this.holders.get(key) ?? null;
  }

  registerName(key: RegistryKey, proc: Proc): Proc | null {
    if (!this.unique) throw new TypeError(`Registry.via: registry ${this.registryName} has duplicate keys; via names need keys: "unique"`);
    return this.add(key, proc, undefined);
  }

  /** Adds an entry; for a unique registry returns the current holder instead when the key is taken. */
  add(key: RegistryKey, proc: Proc, value: unknown): Proc | null {
    const list = this.entries.get(key);
    if (list !== undefined && this.unique) return (list[0] as Entry).proc;
    if (list === undefined) this.entries.set(key, [{ proc, value }]);
    else list.push({ proc, value });
    if (this.unique) this.holders.set(key, proc);
    const keys = this.keysOf.get(proc);
    if (keys === undefined) {
      this.keysOf.set(proc, [key]);
      proc.observe(this);
    } else {
      keys.push(key);
    }
    return null;
  }

  remove(key: RegistryKey, proc: Proc): void {
    this.dropEntry(key, proc);
    const keys = this.keysOf.get(proc);
    if (keys === undefined) return;
    const left = keys.filter((k) => k !== key);
    if (left.length === 0) {
      this.keysOf.delete(proc);
      proc.unobserve(this);
    } else {
      this.keysOf.set(proc, left);
    }
  }

  lookup(key: RegistryKey): Array<[Pid, unknown]> {
    return (this.entries.get(key) ?? []).map((entry): [Pid, unknown] => [entry.proc.pid, entry.value]);
  }

  keysFor(proc: Proc): RegistryKey[] {
    return [...(this.keysOf.get(proc) ?? [])];
  }

  size(): number {
    let n = 0;
    for (const list of this.entries.values()) n += list.length;
    return n;
  }

  processExited(proc: Proc): void {
    for (const key of this.keysOf.get(proc) ?? []) this.dropEntry(key, proc);
    this.keysOf.delete(proc);
  }

  /** Removes `proc`'s entries under `key`. */
  private dropEntry(key: RegistryKey, proc: Proc): void {
    const list = this.entries.get(key);
    if (list === undefined) return;
    const kept = list.filter((entry) => entry.proc !== proc);
    if (kept.length === 0) this.entries.delete(key);
    else this.entries.set(key, kept);
    if (this.holders.get(key) === proc) this.holders.delete(key);
  }

  protected override exited(reason: ExitReason): void {
    for (const proc of this.keysOf.keys()) proc.unobserve(this);
    this.keysOf.clear();
    this.entries.clear();
    this.holders.clear();
    unregisterRegistry(this.registryName, this);
    super.exited(reason);
  }
}

const registryModule: GenServerModule<RegistryProtocol, undefined, null> = { init: () => ok(null) };

function named(fn: string, registry: string): RegistryProc {
  const proc = registryNamed(registry);
  if (!(proc instanceof RegistryProc))
    throw new Error(`${fn}: no registry named ${show(registry)} is running (start it with Registry.start)`);
  return proc;
}

function checkKey(fn: string, key: unknown): RegistryKey {
  if (typeof key === "string" || (typeof key === "number" && !Number.isNaN(key))) return key;
  throw new TypeError(`${fn}: a key should be a string or a number, got ${show(key)}`);
}

function startRegistry(options: RegistryOptions, link: boolean): Promise<Pid<RegistryProtocol>> {
  if (options.keys !== "unique" && options.keys !== "duplicate") {
    return Promise.reject(new TypeError(`Registry.start: keys should be "unique" or "duplicate", got ${show(options.keys)}`));
  }
  const name = GenServer.name<RegistryProtocol>(options.name);
  const unique = options.keys === "unique";
  const startOptions: StartOptions<RegistryProtocol> = { name };
  const fn = link ? "Registry.startLink" : "Registry.start";
  return startServer(fn, registryModule, undefined, startOptions, link, () => new RegistryProc(registryModule, unique, options.name));
}

/**
 * `Registry`: names for many processes of one kind. Unique keys give via names (one worker per symbol);
 * duplicate keys give pub/sub. Entries vanish when their process exits, whatever the reason.
 *
 * @example
 * await Registry.start({ keys: "unique", name: "PriceWorkerRegistry" });
 * await GenServer.start(PriceWorker, "BTCUSD", { name: Registry.via("PriceWorkerRegistry", "BTCUSD") });
 * Registry.lookup("PriceWorkerRegistry", "BTCUSD"); // [[#PID<0.8.0>, undefined]]
 */
export const Registry = {
  start: (options: RegistryOptions): Promise<Pid<RegistryProtocol>> => startRegistry(options, false),
  startLink: (options: RegistryOptions): Promise<Pid<RegistryProtocol>> => startRegistry(options, true),

  /** The child spec of a registry, for a Supervisor's children (Elixir's `{Registry, keys: :unique, name: R}`). */
  childSpec(options: RegistryOptions): ChildSpec {
    return { id: `Registry.${options.name}`, start: () => startRegistry(options, true), type: "supervisor" };
  },

  /** A `{:via, Registry, {registry, key}}` name for `start`, `call`, `cast` and `stop`. */
  via<P extends Protocol>(registry: string, key: RegistryKey): Via<P> {
    return new ViaName(registry, checkKey("Registry.via", key));
  },

  /** Registers the calling process under `key` with `value`. */
  register(registry: string, key: RegistryKey, value?: unknown): RegisterResult {
    const reg = named("Registry.register", registry);
    const proc = currentProc();
    if (proc === null) throw new Error("Registry.register must be called from inside a process: it registers the caller");
    const holder = reg.add(checkKey("Registry.register", key), proc, value);
    return holder === null ? { ok: reg.pid } : { error: { already_registered: holder.pid } };
  },

  /** Removes the calling process's entries under `key`. */
  unregister(registry: string, key: RegistryKey): "ok" {
    const reg = named("Registry.unregister", registry);
    const proc = currentProc();
    if (proc !== null) reg.remove(checkKey("Registry.unregister", key), proc);
    return "ok";
  },

  /** `[pid, value]` pairs under `key`: at most one for a unique registry. */
  lookup(registry: string, key: RegistryKey): Array<[Pid, unknown]> {
    return named("Registry.lookup", registry).lookup(checkKey("Registry.lookup", key));
  },

  /** The keys `pid` is registered under. */
  keys(registry: string, pid: Pid): RegistryKey[] {
    return named("Registry.keys", registry).keysFor(procOf(pid));
  },

  /** Calls `fn` with the entries under `key`, only if there are some. */
  dispatch(registry: string, key: RegistryKey, fn: (entries: Array<[Pid, unknown]>) => void): "ok" {
    const entries = named("Registry.dispatch", registry).lookup(checkKey("Registry.dispatch", key));
    if (entries.length > 0) fn(entries);
    return "ok";
  },

  /** How many entries the registry holds. */
  count(registry: string): number {
    return named("Registry.count", registry).size();
  },
} as const;
