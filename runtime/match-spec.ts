import { currentPid } from "./context.ts";
import { show } from "./errors.ts";
import { Pid } from "./pid.ts";

/**
 * A match pattern, Elixir's (ETS's) written with the runtime's terms: `"_"` matches anything, `"$1"`, `"$2"`, …
 * bind variables (a variable used twice must match equal values), an array matches an array of the same length
 * element by element (a tuple or a list), a plain object matches an object that has at least its keys, and
 * anything else matches an equal value.
 *
 * @example
 * Registry.match("R", "hello", [1, "_", "$1"]); // Elixir: {1, :_, :"$1"}
 */
export type MatchPattern = unknown;

/**
 * A guard or body expression: `"$1"` (a variable), `"$_"` (the whole entry), `"$$"` (every variable, in order),
 * `[fn, ...args]` for a guard function (`[">", "$1", 1]`, `["is_atom", "$1"]`, `["element", 1, "$_"]`),
 * `[[...]]` to build an array (Elixir's `{{…}}` builds a tuple), `["const", value]` for a value taken as it is,
 * a plain object to build one, or any other value, which stands for itself.
 *
 * @example
 * Registry.match("R", "hello", ["_", "_", "$1"], [["andalso", [">", "$1", 1], ["is_integer", "$1"]]]);
 */
export type MatchExpression = unknown;

/**
 * One clause of a match spec: `[pattern, guards, body]`, Elixir's `{pattern, guards, body}`.
 *
 * @example
 * const everyKey: MatchSpecClause = [["$1", "_", "_"], [], ["$1"]]; // {{:"$1", :_, :_}, [], [:"$1"]}
 */
export type MatchSpecClause = readonly [pattern: MatchPattern, guards: readonly MatchExpression[], body: readonly MatchExpression[]];

/**
 * A match spec: clauses tried in order; the first whose pattern matches and whose guards are all true gives the
 * value of its last body expression. A registry entry is seen as `[key, pid, value]`.
 *
 * @example
 * Registry.select("R", [[["$1", "$2", "_"], [], [[["$1", "$2"]]]]]); // [[key, pid], …]
 */
export type MatchSpec = readonly MatchSpecClause[];

const NO_MATCH: unique symbol = Symbol("no match");
type Bindings = Map<number, unknown>;

class GuardFailed extends Error {}

function variable(term: unknown): number | null {
  if (typeof term !== "string" || term.length < 2 || term[0] !== "$") return null;
  const n = Number(term.slice(1));
  return Number.isSafeInteger(n) && n >= 0 && String(n) === term.slice(1) ? n : null;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Pid);
}

/** `nil` is both null and undefined here: a registry entry without a value holds undefined. */
function isNil(value: unknown): boolean {
  return value === null || value === undefined;
}

/** Exact equality of terms (`=:=`): arrays and plain objects by contents, pids by identity, null equal to undefined. */
function termEquals(a: unknown, b: unknown): boolean {
  if (a === b || (isNil(a) && isNil(b))) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => termEquals(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && termEquals(a[key], b[key]));
  }
  return false;
}

/** Erlang's term order across kinds, as far as the runtime's terms go: number < atom (string, boolean) < pid < tuple/list < map < nil. */
function rank(value: unknown): number {
  if (typeof value === "number") return 0;
  if (typeof value === "string" || typeof value === "boolean") return 1;
  if (value instanceof Pid) return 2;
  if (Array.isArray(value)) return 3;
  if (isNil(value)) return 5;
  return 4;
}

function compare(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a instanceof Pid && b instanceof Pid) return a.id - b.id;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return a.length - b.length;
    for (let i = 0; i < a.length; i++) {
      const c = compare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return 0;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function matchPattern(pattern: unknown, value: unknown, bindings: Bindings): boolean {
  if (pattern === "_") return true;
  const v = variable(pattern);
  if (v !== null) {
    if (!bindings.has(v)) {
      bindings.set(v, value);
      return true;
    }
    return termEquals(bindings.get(v), value);
  }
  if (Array.isArray(pattern)) {
    return Array.isArray(value) && value.length === pattern.length && pattern.every((item, i) => matchPattern(item, value[i], bindings));
  }
  if (isPlainObject(pattern)) {
    return (
      isPlainObject(value) &&
      Object.keys(pattern).every((key) => Object.hasOwn(value, key) && matchPattern(pattern[key], value[key], bindings))
    );
  }
  return termEquals(pattern, value);
}

function fail(): never {
  throw new GuardFailed();
}

function num(value: unknown): number {
  return typeof value === "number" ? value : fail();
}

function bool(value: unknown): boolean {
  return typeof value === "boolean" ? value : fail();
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : fail();
}

function map(value: unknown): Readonly<Record<string, unknown>> {
  return isPlainObject(value) ? value : fail();
}

type GuardFunction = (...args: unknown[]) => unknown;

/** The guard functions of match specs that make sense for the runtime's terms (atoms are strings here). */
const FUNCTIONS: Readonly<Record<string, GuardFunction>> = {
  is_atom: (x) => typeof x === "string" || typeof x === "boolean" || isNil(x),
  is_binary: (x) => typeof x === "string",
  is_boolean: (x) => typeof x === "boolean",
  is_number: (x) => typeof x === "number",
  is_integer: (x) => Number.isSafeInteger(x),
  is_float: (x) => typeof x === "number" && !Number.isInteger(x),
  is_list: (x) => Array.isArray(x),
  is_tuple: (x) => Array.isArray(x),
  is_map: (x) => isPlainObject(x),
  is_pid: (x) => x instanceof Pid,
  is_map_key: (key, m) => Object.hasOwn(map(m), String(key)),
  "==": (a, b) => termEquals(a, b),
  "=:=": (a, b) => termEquals(a, b),
  "/=": (a, b) => !termEquals(a, b),
  "=/=": (a, b) => !termEquals(a, b),
  "<": (a, b) => compare(a, b) < 0,
  "=<": (a, b) => compare(a, b) <= 0,
  ">": (a, b) => compare(a, b) > 0,
  ">=": (a, b) => compare(a, b) >= 0,
  not: (a) => !bool(a),
  and: (a, b) => bool(a) && bool(b),
  or: (a, b) => bool(a) || bool(b),
  xor: (a, b) => bool(a) !== bool(b),
  "+": (a, b) => num(a) + num(b),
  "-": (a, b) => (b === undefined ? -num(a) : num(a) - num(b)),
  "*": (a, b) => num(a) * num(b),
  "/": (a, b) => (num(b) === 0 ? fail() : num(a) / num(b)),
  div: (a, b) => (num(b) === 0 ? fail() : Math.trunc(num(a) / num(b))),
  rem: (a, b) => (num(b) === 0 ? fail() : num(a) % num(b)),
  abs: (a) => Math.abs(num(a)),
  element: (n, tuple) => {
    const items = list(tuple);
    const i = num(n);
    return Number.isSafeInteger(i) && i >= 1 && i <= items.length ? items[i - 1] : fail();
  },
  hd: (l) => (list(l).length > 0 ? list(l)[0] : fail()),
  tl: (l) => (list(l).length > 0 ? list(l).slice(1) : fail()),
  length: (l) => list(l).length,
  tuple_size: (t) => list(t).length,
  map_size: (m) => Object.keys(map(m)).length,
  map_get: (key, m) => (Object.hasOwn(map(m), String(key)) ? map(m)[String(key)] : fail()),
  self: () => currentPid() ?? fail(),
};

/** The short-circuit operators evaluate their arguments lazily, as Erlang's do. */
const LAZY = new Set(["andalso", "orelse"]);

/** Checks an expression's shape once, when the spec is given: an unknown function is an error, as in Elixir. */
function checkExpression(fn: string, expression: unknown): void {
  if (Array.isArray(expression)) {
    const [head, ...args] = expression as unknown[];
    if (expression.length === 1 && Array.isArray(head)) {
      for (const item of head) checkExpression(fn, item);
      return;
    }
    if (head === "const" && expression.length === 2) return;
    if (typeof head === "string" && (Object.hasOwn(FUNCTIONS, head) || LAZY.has(head))) {
      for (const arg of args) checkExpression(fn, arg);
      return;
    }
    throw new TypeError(
      `${fn}: ${show(expression)} is neither a guard function call ([fn, ...args]) nor an array to build ([[...]]); use ["const", value] for a value taken as it is`,
    );
  }
  if (isPlainObject(expression)) for (const value of Object.values(expression)) checkExpression(fn, value);
}

interface Scope {
  readonly whole: unknown;
  readonly bindings: Bindings;
}

function evaluate(expression: unknown, scope: Scope): unknown {
  if (typeof expression === "string") {
    if (expression === "$_") return scope.whole;
    if (expression === "$$") return [...scope.bindings.keys()].sort((a, b) => a - b).map((k) => scope.bindings.get(k));
    const v = variable(expression);
    if (v !== null) return scope.bindings.has(v) ? scope.bindings.get(v) : fail();
    return expression;
  }
  if (Array.isArray(expression)) {
    const [head, ...args] = expression as unknown[];
    if (expression.length === 1 && Array.isArray(head)) return head.map((item) => evaluate(item, scope));
    if (head === "const") return args[0];
    if (head === "andalso") return bool(evaluate(args[0], scope)) && bool(evaluate(args[1], scope));
    if (head === "orelse") return bool(evaluate(args[0], scope)) || bool(evaluate(args[1], scope));
    return (FUNCTIONS[head as string] as GuardFunction)(...args.map((arg) => evaluate(arg, scope)));
  }
  if (isPlainObject(expression)) return Object.fromEntries(Object.entries(expression).map(([key, value]) => [key, evaluate(value, scope)]));
  return expression;
}

function guardHolds(guard: unknown, scope: Scope): boolean {
  try {
    return evaluate(guard, scope) === true;
  } catch (error) {
    // A guard that fails (a bad argument) fails its clause, as in Erlang.
    if (error instanceof GuardFailed) return false;
    throw error;
  }
}

/** A match spec checked once and run on each entry. */
export class CompiledMatchSpec {
  private readonly clauses: MatchSpec;

  /** Checks `spec`'s shape; throws a TypeError naming `fn` when it is not a list of `[pattern, guards, body]`. */
  constructor(fn: string, spec: unknown) {
    const invalid = (): TypeError => new TypeError(`${fn}: invalid match specification: ${show(spec)} (a list of [pattern, guards, body])`);
    if (!Array.isArray(spec)) throw invalid();
    for (const clause of spec) {
      if (!Array.isArray(clause) || clause.length !== 3 || !Array.isArray(clause[1]) || !Array.isArray(clause[2]) || clause[2].length === 0)
        throw invalid();
      for (const expression of [...(clause[1] as unknown[]), ...(clause[2] as unknown[])]) checkExpression(fn, expression);
    }
    this.clauses = spec as MatchSpec;
  }

  /** The value of the first clause that matches `entry`, or NO_MATCH. */
  run(entry: unknown): unknown {
    for (const [pattern, guards, body] of this.clauses) {
      const bindings: Bindings = new Map();
      if (!matchPattern(pattern, entry, bindings)) continue;
      const scope: Scope = { whole: entry, bindings };
      if (!guards.every((guard) => guardHolds(guard, scope))) continue;
      let result: unknown;
      try {
        for (const expression of body) result = evaluate(expression, scope);
      } catch (error) {
        if (error instanceof GuardFailed) continue;
        throw error;
      }
      return result;
    }
    return NO_MATCH;
  }

  /** Whether `result` of `run` is a match. */
  static matched(result: unknown): boolean {
    return result !== NO_MATCH;
  }
}

/** A pattern and guards on one value, the `match`, `count_match` and `unregister_match` form. */
export function valueMatcher(fn: string, pattern: MatchPattern, guards: readonly MatchExpression[]): CompiledMatchSpec {
  if (!Array.isArray(guards)) throw new TypeError(`${fn}: guards should be a list, got ${show(guards)}`);
  return new CompiledMatchSpec(fn, [[pattern, guards, [true]]]);
}
