import { Pid, procOf } from "./pid.ts";
import type { Proc } from "./process.ts";
import type { Name, Protocol, RegistryKey, ServerRef, Via } from "./types.ts";

/** Local names (Elixir's `name: PriceCache`), released when their process exits. */
const localNames = new Map<string, Proc>();

/** What a Registry must offer for via names; implemented in registry.ts. */
export interface ViaRegistry {
  whereisKey(key: RegistryKey): Proc | null;
  registerName(key: RegistryKey, proc: Proc, value: unknown): Proc | null;
}

/** Registries by name, so that a via name costs two Map reads. */
const registries = new Map<string, Proc & ViaRegistry>();

/** The via names `Registry.via` makes; `resolve` recognises them with one instanceof. */
export class ViaName implements Via {
  readonly registry: string;
  readonly key: RegistryKey;
  readonly value: unknown;
  constructor(registry: string, key: RegistryKey, value: unknown) {
    this.registry = registry;
    this.key = key;
    this.value = value;
  }
}

/** A via name: one made by `Registry.via`, or an object of the same shape (a registry name and a string or number key). */
export function isVia(ref: unknown): ref is Via {
  if (ref instanceof ViaName) return true;
  if (typeof ref !== "object" || ref === null || ref instanceof Pid) return false;
  // Like Elixir's `{:via, module, name}` check: a via whose registry is not a name is not a name at all.
  const { registry, key } = ref as { readonly registry?: unknown; readonly key?: unknown };
  return typeof registry === "string" && (typeof key === "string" || typeof key === "number");
}

export function registerRegistry(name: string, registry: Proc & ViaRegistry): void {
  registries.set(name, registry);
}

export function unregisterRegistry(name: string, registry: Proc & ViaRegistry): void {
  if (registries.get(name) === registry) registries.delete(name);
}

/**
 * A typed local name for a server of protocol `P`. At run time it is just the string.
 *
 * @example
 * export const PRICE_CACHE = GenServer.name<PriceCacheProtocol>("PriceCache");
 */
export function name<P extends Protocol>(text: string): Name<P> {
  if (typeof text !== "string" || text.length === 0)
    throw new TypeError(`GenServer.name: a name should be a non-empty string, got ${String(text)}`);
  return text as Name<P>;
}

export function registerLocal(text: string, proc: Proc): Proc | null {
  const holder = localNames.get(text);
  if (holder?.alive) return holder;
  localNames.set(text, proc);
  return null;
}

export function unregisterLocal(text: string, proc: Proc): void {
  if (localNames.get(text) === proc) localNames.delete(text);
}

/** Finds the registry process behind a registry name, or null. */
export function registryNamed(registry: string): (Proc & ViaRegistry) | null {
  const proc = registries.get(registry);
  return proc?.alive ? proc : null;
}

/** The live process a server reference designates, or null (dead pid, free name, unknown registry). */
export function resolve(ref: ServerRef): Proc | null {
  let proc: Proc | null;
  if (ref instanceof Pid) proc = procOf(ref);
  else if (typeof ref === "string") proc = localNames.get(ref) ?? null;
  else if (ref instanceof ViaName || isVia(ref)) proc = registryNamed(ref.registry)?.whereisKey(ref.key) ?? null;
  else throw new TypeError(`a server should be a pid, a name or a via name, got ${String(ref)}`);
  return proc?.alive ? proc : null;
}

/**
 * The pid registered under a name or via name, or the pid itself if alive; `null` when nothing is there.
 *
 * @example
 * GenServer.whereis(PRICE_CACHE); // #PID<0.7.0> or null
 */
export function whereis<P extends Protocol>(ref: ServerRef<P>): Pid<P> | null {
  const proc = resolve(ref);
  return proc === null ? null : (proc.pid as Pid<P>);
}
