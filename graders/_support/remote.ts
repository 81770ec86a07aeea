/**
 * What the grader holds of its subject's values: stand-ins for pids, probes and via names (handles that mean
 * something only to the subject that made them), the runtime's errors rebuilt as the classes graders check for,
 * and the hooks that turn the channel's values into these and back.
 */
import { inspect } from "node:util";
import type { Encoded, EncodedNode } from "#protocol";
import { plainText } from "#protocol";
import { ExitError, StartError } from "../../runtime/errors.ts";
import { type DecodeHooks, decodeValue, encodeValue } from "../../subject/codec.ts";
import { whereThrown } from "./format.ts";
import { t } from "./grading.ts";

const PID_TEXT = /^#PID<\d{1,12}\.\d{1,12}\.\d{1,12}>$/;

/** A process of the subject, by handle. One stand-in per handle, so `===` compares pids as in the runtime. */
export class RemotePid {
  readonly handle: number;
  readonly text: string;
  constructor(handle: number, text: string) {
    this.handle = handle;
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
  [inspect.custom](): string {
    return this.text;
  }
}

/** A via name (`Registry.via(registry, key)`), plain data on both sides. */
export class RemoteVia {
  readonly registry: string;
  readonly key: unknown;
  constructor(registry: string, key: unknown) {
    this.registry = registry;
    this.key = key;
  }
  [inspect.custom](): string {
    return `Registry.via(${JSON.stringify(this.registry)}, ${inspect(this.key)})`;
  }
}

/** A probe of the subject (a process the grader controls), by handle; its methods live in subject.ts. */
export class RemoteHandle {
  readonly handle: number;
  readonly pid: RemotePid;
  constructor(handle: number, pid: RemotePid) {
    this.handle = handle;
    this.pid = pid;
  }
}

/** A function of the subject (a callback in a value): it can be seen, not called. */
export class RemoteFunction {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  [inspect.custom](): string {
    return `[Function ${this.name || "(anonymous)"}]`;
  }
}

const BUILTIN_ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * The own fields of a subject's error that cross over: the runtime's (`reason`, `call`), Node's (`code`,
 * `resource`, `permission`), `cause`. Any other field stays behind: the grader and the test runner read fields of
 * the errors a test throws (a `failure` or `stop` of the kit's, an `actual`/`expected` pair vitest would diff), and
 * those must never be the subject's to set.
 */
const ERROR_FIELDS: ReadonlySet<string> = new Set(["reason", "call", "code", "resource", "permission", "cause"]);
/** How much of an error's message and stack crosses. */
const MAX_ERROR_TEXT = 4_000;

/** Class names and property names from the subject, shown to learners: an identifier, nothing else. */
const identifier = (text: string): string => (/^[A-Za-z_$][\w$]{0,80}$/.test(text) ? text : "Object");

/** An error of the subject, as the grader sees it: the runtime's classes stay themselves, the rest are plain errors. */
function rebuildError(node: Extract<EncodedNode, { $: "error" }>, props: ReadonlyMap<string, unknown>): Error {
  const message = plainText(node.message.slice(0, MAX_ERROR_TEXT));
  let error: Error;
  switch (node.class) {
    case "StartError":
      error = Object.create(StartError.prototype) as Error;
      break;
    case "ExitError":
      error = Object.create(ExitError.prototype) as Error;
      break;
    default:
      error = new (BUILTIN_ERRORS[node.class] ?? Error)();
  }
  // The runtime's and the builtin errors keep their class's name; any other error, the name it gave itself.
  const name =
    node.class === "StartError" || node.class === "ExitError" || node.class in BUILTIN_ERRORS
      ? node.class
      : identifier(plainText(node.name));
  Object.defineProperty(error, "name", { value: name, writable: true, configurable: true });
  Object.defineProperty(error, "message", {
    value: explainedMessage(node, message, props).slice(0, MAX_ERROR_TEXT),
    writable: true,
    configurable: true,
  });
  Object.defineProperty(error, "stack", { value: plainText(node.stack).slice(0, MAX_ERROR_TEXT), writable: true, configurable: true });
  for (const [key, value] of props) {
    if (ERROR_FIELDS.has(key)) Object.defineProperty(error, key, { value, enumerable: true, writable: true, configurable: true });
  }
  // What the kit reads to tell an error of the implementation from a fault of the grader (protocol/codes.ts), and
  // where in the implementation it was thrown.
  Object.defineProperty(error, "failure", { value: "subject-error", enumerable: true, configurable: true });
  const where = whereThrown(error);
  if (where !== null) Object.defineProperty(error, "where", { value: where, enumerable: true, configurable: true });
  return error;
}

/** Node's and the subject's own refusals, said in the learner's words. */
function explainedMessage(node: Extract<EncodedNode, { $: "error" }>, message: string, props: ReadonlyMap<string, unknown>): string {
  if (node.class === "ProcessExitRefused")
    return t({
      es: `Tu código llamó a ${message}: el código que se califica no puede terminar su proceso.`,
      en: `Your code called ${message}: code under grading may not end its process.`,
    });
  if (props.get("code") === "ERR_ACCESS_DENIED") {
    const resource = props.get("resource");
    const what = typeof resource === "string" ? ` (${plainText(resource)})` : "";
    return t({
      es: `Tu código no puede leer ni escribir archivos fuera de su carpeta, ni arrancar procesos${what}: el corrector no lo permite.`,
      en: `Your code may not read or write files outside its own folder, nor start processes${what}: the grader does not allow it.`,
    });
  }
  return message;
}

/**
 * What the subject threw or rejected with when it was not an error (a string, a plain object): the test gets an
 * error of the grader's own that shows it, never the value itself, whose fields the kit and vitest would read.
 */
export class SubjectThrew extends Error {
  override readonly name = "SubjectThrew";
  readonly failure = "subject-error" as const;
  constructor(thrown: unknown) {
    super(
      `${t({ es: "lanzó un valor que no es un Error", en: "threw a value that is not an Error" })}: ${plainText(
        inspect(thrown, { depth: 3, compact: true, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 10, maxStringLength: 200 }),
      ).slice(0, MAX_ERROR_TEXT)}`,
    );
    // Kept for a check that wants it, out of sight of anything that walks the error's fields.
    Object.defineProperty(this, "thrown", { value: thrown, enumerable: false });
    // A thrown value that is not an error carries no stack: the grader's own frames would say nothing of the code.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Decodes what a subject sent; `pids` keeps one stand-in per handle for the subject's life. */
export function decodeFromSubject(value: Encoded, pids: Map<number, RemotePid>, probe: (h: number, pid: RemotePid) => unknown): unknown {
  if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return value;
  const hooks: DecodeHooks = {
    pid(h, text) {
      let pid = pids.get(h);
      if (pid === undefined) {
        pid = new RemotePid(h, PID_TEXT.test(text) ? text : "#PID<?>");
        pids.set(h, pid);
      }
      return pid;
    },
    via: (registry, key) => new RemoteVia(plainText(registry), key),
    probe: (h, pid) => probe(h, pid instanceof RemotePid ? pid : new RemotePid(0, "#PID<?>")),
    error: rebuildError,
    instance(className, entries) {
      const object = Object.create(classNamed(identifier(className)).prototype) as Record<string, unknown>;
      for (const [key, item] of entries)
        Object.defineProperty(object, key, { value: item, enumerable: true, writable: true, configurable: true });
      return object;
    },
    function: (name) => new RemoteFunction(identifier(name)),
  };
  return decodeValue(value, hooks);
}

/** A class per name, so that an instance of the subject prints as `Book { … }` and compares by class. */
const classes = new Map<string, { prototype: object }>();
function classNamed(name: string): { prototype: object } {
  let found = classes.get(name);
  if (found === undefined) {
    found = { [name]: class {} }[name] as { prototype: object };
    classes.set(name, found);
  }
  return found;
}

/** Encodes an argument for the subject: stand-ins become handles again; functions do not cross. */
export function encodeForSubject(value: unknown): Encoded {
  // Most arguments are strings and plain numbers, which stand for themselves.
  if (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0))
  )
    return value;
  return encodeValue(
    value,
    (object) => {
      if (object instanceof RemotePid) return { $: "pid", h: object.handle, text: object.text };
      if (object instanceof RemoteHandle)
        return { $: "probe", h: object.handle, pid: { $: "pid", h: object.pid.handle, text: object.pid.text } };
      if (object instanceof RemoteVia) return { $: "via", registry: object.registry, key: encodeForSubject(object.key) };
      return undefined;
    },
    true,
  );
}
