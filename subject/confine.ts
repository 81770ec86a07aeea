/**
 * What the subject's host takes away from the code under grading before it loads, beyond Node's permission model
 * (subject/sandbox.ts), which covers files, processes, threads, the inspector and native addons, but not these:
 * - signals: `process.kill` reaches this process only, never the grader nor another learner's subject;
 * - priorities: `os.setPriority` changes this process only, never slows its grader or a classmate's subject down;
 * - the network: sockets, DNS and `fetch` are refused, so a submission cannot fetch its answers, or its code, from
 *   elsewhere;
 * - `process.exit` throws instead of ending the process, so the grader can name the call.
 * The original functions are kept only in this module's closures, which the code under grading cannot reach; Node's
 * own modules reach the network through the same prototypes and functions, so they are refused too.
 */
import dgram from "node:dgram";
import dns from "node:dns";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import os from "node:os";

const apply = Reflect.apply;

/** Raised for `process.exit`: code under grading may not end its process; the grader names the call. */
class ProcessExitRefused extends Error {
  override readonly name = "ProcessExitRefused";
}

function refused(code: string, what: string): NodeJS.ErrnoException {
  const error = new Error(`${what}: code under grading may not ${code === "EPERM" ? "reach other processes" : "use the network"}`) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

/** Confines this process; returns the real `process.exit`, for the end the grader asks for. */
export function confine(): (code?: number) => never {
  const pid = process.pid;
  const exit = process.exit.bind(process) as (code?: number) => never;
  process.exit = ((code?: number | string | null) => {
    throw new ProcessExitRefused(`process.exit(${code === undefined || code === null ? "" : String(code)})`);
  }) as typeof process.exit;

  // Node's process.kill goes through process._kill.
  const processWithKill = process as unknown as { _kill(pid: number, signal: number): number };
  const rawKill = processWithKill._kill;
  processWithKill._kill = (target: number, signal: number) => {
    if (target !== pid) throw refused("EPERM", `kill ${target}`);
    return apply(rawKill, process, [target, signal]);
  };

  const rawSetPriority = os.setPriority;
  os.setPriority = ((first: number, second?: number) => {
    const target = second === undefined ? 0 : first;
    if (target !== 0 && target !== pid) throw refused("EPERM", `setPriority ${target}`);
    return second === undefined ? apply(rawSetPriority, os, [first]) : apply(rawSetPriority, os, [first, second]);
  }) as typeof os.setPriority;

  const noNetwork = (what: string) =>
    function refuse(): never {
      throw refused("EACCES", what);
    };
  net.Socket.prototype.connect = noNetwork("connect");
  net.Server.prototype.listen = noNetwork("listen");
  for (const method of ["bind", "connect", "send"] as const) dgram.Socket.prototype[method] = noNetwork(`dgram ${method}`);
  for (const resolver of [dns, dns.promises]) {
    for (const [name, value] of Object.entries(resolver)) {
      if (typeof value === "function" && /^(lookup|resolve|reverse)/.test(name)) (resolver as unknown as Record<string, unknown>)[name] = noNetwork(`dns.${name}`);
    }
  }
  for (const Resolver of [dns.Resolver, dns.promises.Resolver]) {
    for (const name of Object.getOwnPropertyNames(Resolver.prototype)) {
      if (/^(resolve|reverse)/.test(name)) (Resolver.prototype as unknown as Record<string, unknown>)[name] = noNetwork(`dns.${name}`);
    }
  }
  const globals = globalThis as unknown as Record<string, unknown>;
  for (const name of ["fetch", "WebSocket", "EventSource"]) if (name in globals) globals[name] = noNetwork(name);
  // `import { connect } from "node:net"` reads the module's ES exports: bring them in line with the changes.
  syncBuiltinESMExports();
  return exit;
}
