import type { ChildSpec } from "./child-spec.ts";
import { currentProc } from "./context.ts";
import { show } from "./errors.ts";
import { GenServer, type StartOptions, startServer } from "./gen-server.ts";
import { CompiledMatchSpec, type MatchExpression, type MatchPattern, type MatchSpec, valueMatcher } from "./match-spec.ts";
import { registerRegistry, registryNamed, unregisterRegistry, ViaName, type ViaRegistry } from "./names.ts";
import { type Pid, procOf } from "./pid.ts";
import type { ExitObserver, Proc } from "./process.ts";
import { noreply, ok } from "./results.ts";
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
  /** Metadata read with `Registry.meta` (Elixir's `meta: [key: value]`). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export type RegisterResult = { readonly ok: Pid } | { readonly error: { readonly already_registered: Pid } };

interface Entry {
  readonly proc: Proc;
  value: unknown;
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
  /** The links registering made (a process may also be linked for another reason, e.g. it started the registry). */
  private readonly registrationLinks = new Set<Proc>();
  readonly meta: Map<string, unknown>;

  constructor(
    module: GenServerModule<RegistryProtocol, undefined, null>,
    unique: boolean,
    name: string,
    meta: Readonly<Record<string, unknown>>,
  ) {
    super(module as never);
    this.unique = unique;
    this.registryName = name;
    this.meta = new Map(Object.entries(meta));
    // Like Elixir's partitions: it traps the exits of the processes linked to it when they register.
    this.trapExit = true;
    registerRegistry(name, this);
  }

  whereisKey(key: RegistryKey): Proc | null {
    return this.holders.get(key) ?? null;
  }

  registerName(key: RegistryKey, proc: Proc, value: unknown): Proc | null {
    if (!this.unique) throw new TypeError(`Registry.via: registry ${this.registryName} has duplicate keys; via names need keys: "unique"`);
    return this.add(key, proc, value);
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
      // Elixir links a process to the registry when it registers, and unlinks it once it holds no key.
      if (!this.isLinkedTo(proc)) {
        this.link(proc);
        this.registrationLinks.add(proc);
      }
    } else {
      keys.push(key);
    }
    return null;
  }

  remove(key: RegistryKey, proc: Proc): void {
    this.removeWhere(key, proc, () => true);
  }

  /** Removes `proc`'s entries under `key` whose value `drop` accepts; returns how many. */
  removeWhere(key: RegistryKey, proc: Proc, drop: (value: unknown) => boolean): number {
    const list = this.entries.get(key);
    if (list === undefined) return 0;
    const kept = list.filter((entry) => entry.proc !== proc || !drop(entry.value));
    const removed = list.length - kept.length;
    if (removed === 0) return 0;
    if (kept.length === 0) this.entries.delete(key);
    else this.entries.set(key, kept);
    if (this.holders.get(key) === proc && !kept.some((entry) => entry.proc === proc)) this.holders.delete(key);
    const keys = this.keysOf.get(proc) ?? [];
    let toRemove = removed;
    const left = keys.filter((k) => k !== key || toRemove-- <= 0);
    if (left.length === 0) {
      this.keysOf.delete(proc);
      proc.unobserve(this);
      if (this.registrationLinks.delete(proc)) this.unlink(proc);
    } else {
      this.keysOf.set(proc, left);
    }
    return removed;
  }

  /** The entries under `key` (the list itself: read only). */
  entriesUnder(key: RegistryKey): readonly Entry[] {
    return this.entries.get(key) ?? [];
  }

  /** Every entry as Elixir's select sees it, `[key, pid, value]`, in the order they were registered under each key. */
  *allEntries(): Generator<readonly [RegistryKey, Pid, unknown]> {
    for (const [key, list] of this.entries) for (const entry of list) yield [key, entry.proc.pid, entry.value];
  }

  lookup(key: RegistryKey): Array<[Pid, unknown]> {
    return (this.entries.get(key) ?? []).map((entry): [Pid, unknown] => [entry.proc.pid, entry.value]);
  }

  keysFor(proc: Proc): RegistryKey[] {
    return [...(this.keysOf.get(proc) ?? [])];
  }

  valuesOf(key: RegistryKey, proc: Proc): unknown[] {
    return this.entriesUnder(key)
      .filter((entry) => entry.proc === proc)
      .map((entry) => entry.value);
  }

  size(): number {
    let n = 0;
    for (const list of this.entries.values()) n += list.length;
    return n;
  }

  processExited(proc: Proc): void {
    for (const key of this.keysOf.get(proc) ?? []) this.dropEntry(key, proc);
    this.keysOf.delete(proc);
    this.registrationLinks.delete(proc);
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
    const registrants = [...this.keysOf.keys()];
    this.keysOf.clear();
    this.registrationLinks.clear();
    this.entries.clear();
    this.holders.clear();
    unregisterRegistry(this.registryName, this);
    super.exited(reason);
    // Elixir's registry shuts its partitions down with :shutdown, which takes the linked registrants down with it,
    // also when the registry itself stops normally.
    const signal = reason === "normal" ? "shutdown" : reason;
    for (const proc of registrants) {
      proc.unobserve(this);
      this.unlink(proc);
      proc.exitSignal(this, signal, true);
    }
  }
}

const registryModule: GenServerModule<RegistryProtocol, undefined, null> = {
  init: () => ok(null),
  // The EXIT of a registered process: its entries are already gone (the registry observes it).
  handleInfo: (_message, state) => noreply(state),
};

function named(fn: string, registry: string): RegistryProc {
  const proc = registryNamed(registry);
  if (!(proc instanceof RegistryProc))
    throw new TypeError(`${fn}: unknown registry ${show(registry)}: no registry of that name is running (start it with Registry.start)`);
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
  return startServer(
    fn,
    registryModule,
    undefined,
    startOptions,
    link,
    () => new RegistryProc(registryModule, unique, options.name, options.meta ?? {}),
  );
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

  /**
   * The child spec of a registry, for a Supervisor's children (Elixir's `{Registry, keys: :unique, name: R}`): its id
   * is the registry's name, as in Elixir.
   *
   * @example
   * await Supervisor.startLink([Registry.childSpec({ keys: "unique", name: "PriceWorkerRegistry" })]);
   */
  childSpec(options: RegistryOptions): ChildSpec {
    return { id: options.name, start: () => startRegistry(options, true), type: "supervisor" };
  },

  /**
   * A `{:via, Registry, {registry, key}}` name for `start`, `call`, `cast` and `stop`; with a `value`, Elixir's
   * `{registry, key, value}`: the server is registered with that value.
   *
   * @example
   * GenServer.startLink(PriceWorker, "BTCUSD", { name: Registry.via("PriceWorkerRegistry", "BTCUSD") });
   */
  via<P extends Protocol>(registry: string, key: RegistryKey, value?: unknown): Via<P> {
    return new ViaName(registry, checkKey("Registry.via", key), value);
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

  /**
   * The values `pid` registered under `key`, like `Registry.values/3`: at most one in a unique registry.
   *
   * @example
   * Registry.values("R", "hello", self()); // ["world"]
   */
  values(registry: string, key: RegistryKey, pid: Pid): unknown[] {
    return named("Registry.values", registry).valuesOf(checkKey("Registry.values", key), procOf(pid));
  },

  /**
   * The `[pid, value]` entries under `key` whose value matches `pattern` and `guards`, like `Registry.match/4`.
   * Patterns and guards are written as in Elixir, with the runtime's terms: `"_"` for `:_`, `"$1"` for `:"$1"`, an
   * array for a tuple, `[">", "$1", 1]` for `{:>, :"$1", 1}`.
   *
   * @example
   * Registry.match("R", "hello", [1, "_", "$1"], [[">", "$1", 1]]); // Elixir: {1, :_, :"$1"}, [{:>, :"$1", 1}]
   */
  match(registry: string, key: RegistryKey, pattern: MatchPattern, guards: readonly MatchExpression[] = []): Array<[Pid, unknown]> {
    const matcher = valueMatcher("Registry.match", pattern, guards);
    return named("Registry.match", registry)
      .entriesUnder(checkKey("Registry.match", key))
      .filter((entry) => CompiledMatchSpec.matched(matcher.run(entry.value)))
      .map((entry): [Pid, unknown] => [entry.proc.pid, entry.value]);
  },

  /**
   * How many entries under `key` match `pattern` and `guards`, like `Registry.count_match/4`.
   *
   * @example
   * Registry.countMatch("R", "hello", ["_", "atom", "_"]); // 2
   */
  countMatch(registry: string, key: RegistryKey, pattern: MatchPattern, guards: readonly MatchExpression[] = []): number {
    return Registry.match(registry, key, pattern, guards).length;
  },

  /**
   * Removes the calling process's entries under `key` whose value matches `pattern` and `guards`, like
   * `Registry.unregister_match/4`.
   *
   * @example
   * Registry.unregisterMatch("R", "hello", "world_a");
   */
  unregisterMatch(registry: string, key: RegistryKey, pattern: MatchPattern, guards: readonly MatchExpression[] = []): "ok" {
    const reg = named("Registry.unregisterMatch", registry);
    const matcher = valueMatcher("Registry.unregisterMatch", pattern, guards);
    const proc = currentProc();
    if (proc !== null)
      reg.removeWhere(checkKey("Registry.unregisterMatch", key), proc, (value) => CompiledMatchSpec.matched(matcher.run(value)));
    return "ok";
  },

  /**
   * Runs a match spec over every entry, seen as `[key, pid, value]`, like `Registry.select/2`: each entry that a
   * clause matches gives the value of that clause's body (entries in registration order; Elixir's are unordered).
   *
   * @example
   * Registry.select("R", [[["$1", "_", "_"], [], ["$1"]]]); // every key; Elixir: [{{:"$1", :_, :_}, [], [:"$1"]}]
   */
  select(registry: string, spec: MatchSpec): unknown[] {
    const compiled = new CompiledMatchSpec("Registry.select", spec);
    const selected: unknown[] = [];
    for (const entry of named("Registry.select", registry).allEntries()) {
      const result = compiled.run(entry);
      if (CompiledMatchSpec.matched(result)) selected.push(result);
    }
    return selected;
  },

  /**
   * How many entries a match spec selects with a body that gives `true`, like `Registry.count_select/2`.
   *
   * @example
   * Registry.countSelect("R", [[["_", "_", "value"], [], [true]]]); // 2
   */
  countSelect(registry: string, spec: MatchSpec): number {
    const compiled = new CompiledMatchSpec("Registry.countSelect", spec);
    let count = 0;
    for (const entry of named("Registry.countSelect", registry).allEntries()) if (compiled.run(entry) === true) count++;
    return count;
  },

  /**
   * Sets the calling process's value under `key` to `fn(old)` in a unique registry, like `Registry.update_value/3`:
   * returns `[new, old]`, or `"error"` when the key is not the caller's. Throws for a duplicate registry.
   *
   * @example
   * Registry.updateValue("R", "hello", (n: number) => n + 1); // [2, 1]
   */
  updateValue<V>(registry: string, key: RegistryKey, fn: (value: V) => V): [V, V] | "error" {
    const reg = named("Registry.updateValue", registry);
    if (!reg.unique)
      throw new TypeError(`Registry.updateValue: registry ${show(registry)} has duplicate keys; updateValue needs keys: "unique"`);
    const [entry] = reg.entriesUnder(checkKey("Registry.updateValue", key));
    if (entry === undefined || entry.proc !== currentProc()) return "error";
    const old = entry.value as V;
    const value = fn(old);
    entry.value = value;
    return [value, old];
  },

  /**
   * The metadata stored under `key`, like `Registry.meta/2`: `{ ok: value }` or `"error"`.
   *
   * @example
   * await Registry.start({ keys: "unique", name: "R", meta: { custom_key: "custom_value" } });
   * Registry.meta("R", "custom_key"); // { ok: "custom_value" }
   */
  meta(registry: string, key: string): { readonly ok: unknown } | "error" {
    const metadata = named("Registry.meta", registry).meta;
    return metadata.has(key) ? { ok: metadata.get(key) } : "error";
  },

  /**
   * Stores metadata, like `Registry.put_meta/3`.
   *
   * @example
   * Registry.putMeta("R", "custom_key", "custom_value"); // "ok"
   */
  putMeta(registry: string, key: string, value: unknown): "ok" {
    named("Registry.putMeta", registry).meta.set(key, value);
    return "ok";
  },

  /**
   * Deletes metadata, like `Registry.delete_meta/2`.
   *
   * @example
   * Registry.deleteMeta("R", "custom_key"); // "ok"
   */
  deleteMeta(registry: string, key: string): "ok" {
    named("Registry.deleteMeta", registry).meta.delete(key);
    return "ok";
  },
} as const;
