/**
 * A server that records what it handles, and everything a test does with messages only, shared by
 * fake-timers.test.ts and, run as a script, the test of FakeTimers.install() with all its defaults: process.nextTick
 * faked too, which only a process of its own can do (Vitest's child processes talk to their runner through it).
 * Run as a script, it prints what messagePassing() gave, the timers left and whether nextTick was faked, as JSON.
 */
import { pathToFileURL } from "node:url";
import * as FakeTimers from "@sinonjs/fake-timers";
import { GenServer, type GenServerModule, noreply, now, ok, type Pid, Process, reply, Sys } from "#runtime";
import type { Loose } from "./support.ts";

export const T0 = 1_700_000_000_000;

/** A server that records what it handles with the time, answers calls, and can arm an idle timeout or go silent. */
export function timeline(log: string[]): GenServerModule<Loose, undefined, null> {
  return {
    init: () => ok(null),
    async handleCall(request, _from, state) {
      await Promise.resolve();
      if (request.type === "silent") return noreply(state);
      return reply(`${request.type}@${now() - T0}`, state);
    },
    handleCast(message, state) {
      log.push(`${message.type}@${now() - T0}`);
      return typeof message.idle === "number" ? noreply(state, message.idle) : noreply(state);
    },
    handleInfo(message, state) {
      log.push(`${message.type}@${now() - T0}`);
      return noreply(state);
    },
  };
}

type Start = (module: GenServerModule<Loose, undefined, null>, arg: undefined) => Promise<Pid<Loose>>;

/** Everything a test does with messages only: start, call (sync and async handlers), cast, send, getState, stop. */
export async function messagePassing(start: Start): Promise<{ log: string[]; reply: unknown; state: unknown; stopped: unknown }> {
  const log: string[] = [];
  const pid = await start(timeline(log), undefined);
  GenServer.cast(pid, { type: "cast" });
  Process.send(pid, { type: "info" });
  const answer = await GenServer.call(pid, { type: "call" });
  const state = await Sys.getState(pid);
  const stopped = await GenServer.stop(pid);
  return { log, reply: answer, state, stopped };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const nativeNextTick = process.nextTick;
  const clock = FakeTimers.install({ now: T0 });
  const nextTickFaked = process.nextTick !== nativeNextTick;
  const result = await messagePassing((module, arg) => GenServer.start(module, arg));
  clock.runMicrotasks();
  const pendingTimers = clock.countTimers();
  clock.uninstall();
  console.log(JSON.stringify({ result, pendingTimers, nextTickFaked }));
}
