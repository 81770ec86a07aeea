import * as FakeTimers from "@sinonjs/fake-timers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ExitError, GenServer, type GenServerModule, noreply, ok, type Pid, Process, reply } from "#runtime";
import { flush, type Loose, type Msg, pendingTimers, realMacrotask, TIMERS_AND_DATE, useLogs } from "./support.ts";

useLogs();

const SEED = 20_261_123;
const NAME = GenServer.name<Loose>("PropertyServer");

type Op =
  | { readonly kind: "call"; readonly slow: "no" | "scheduled" | "timed"; readonly timeout: number | "infinity" }
  | { readonly kind: "cast"; readonly idle: number | null }
  | { readonly kind: "send" }
  | { readonly kind: "crash" }
  | { readonly kind: "stop" }
  | { readonly kind: "restart" }
  | { readonly kind: "tick"; readonly ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("call"),
      slow: fc.constantFrom("no", "scheduled", "timed"),
      timeout: fc.oneof(fc.constantFrom(5, 20), fc.constant("infinity" as const)),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("cast"), idle: fc.option(fc.constantFrom(0, 3, 15)) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("send") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stop") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("restart") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tick"), ms: fc.integer({ min: 1, max: 25 }) }) },
);

const sendersArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 });

interface Tracked {
  readonly label: string;
  readonly expected: unknown;
  settlements: number;
  outcome: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: unknown } | null;
}

describe("Properties under random interleavings (fc.scheduler)", () => {
  it("should settle every call exactly once, keep per-sender order and leave nothing unhandled or armed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), sendersArb, async (s, senders) => {
        const clock = FakeTimers.install({ now: 1_700_000_000_000, toFake: TIMERS_AND_DATE });
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown): void => {
          unhandled.push(reason);
        };
        process.on("unhandledRejection", onUnhandled);
        const handled: Array<{ sender: number; seq: number }> = [];
        const tracked: Tracked[] = [];
        const started: Pid[] = [];
        const crash = new Error("crash on request");

        // Every message carries its sender and its rank in that sender's sequence.
        const Echo: GenServerModule<Loose, undefined, null> = {
          init: () => ok(null),
          async handleCall(request, _from, state) {
            // A slow handler waits for the scheduler, and a timed one also for 10 ms of fake time.
            if (request.slow !== "no") await s.schedule(Promise.resolve(), `slow ${String(request.sender)}.${String(request.seq)}`);
            if (request.slow === "timed") await new Promise((resolve) => setTimeout(resolve, 10));
            handled.push({ sender: Number(request.sender), seq: Number(request.seq) });
            return reply({ sender: request.sender, seq: request.seq }, state);
          },
          handleCast(message, state) {
            if (message.type === "crash") throw crash;
            handled.push({ sender: Number(message.sender), seq: Number(message.seq) });
            return typeof message.idle === "number" ? noreply(state, message.idle) : noreply(state);
          },
          handleInfo(message, state) {
            if (message.type !== "timeout") handled.push({ sender: Number((message as Msg).sender), seq: Number((message as Msg).seq) });
            return noreply(state);
          },
        };

        const track = (label: string, promise: Promise<unknown>, expected: unknown): void => {
          const entry: Tracked = { label, expected, settlements: 0, outcome: null };
          tracked.push(entry);
          promise.then(
            (value) => {
              entry.settlements++;
              entry.outcome = { ok: true, value };
            },
            (error: unknown) => {
              entry.settlements++;
              entry.outcome = { ok: false, reason: (error as ExitError).reason };
            },
          );
        };
        const startServer = (): Promise<void> =>
          GenServer.start(Echo, undefined, { name: NAME }).then(
            (pid) => {
              started.push(pid);
            },
            () => undefined, // another sender restarted it first: already_started
          );

        const issue = async (sender: number, seq: number, op: Op): Promise<void> => {
          const tag = { sender, seq };
          switch (op.kind) {
            case "call":
              track(`call ${sender}.${seq}`, GenServer.call(NAME, { type: "echo", slow: op.slow, ...tag }, op.timeout), tag);
              return;
            case "cast":
              GenServer.cast(NAME, { type: "note", ...tag, idle: op.idle });
              return;
            case "send": {
              const pid = GenServer.whereis(NAME);
              if (pid !== null) Process.send(pid, { type: "note", ...tag });
              return;
            }
            case "crash":
              GenServer.cast(NAME, { type: "crash" });
              return;
            case "stop":
              track(`stop ${sender}.${seq}`, GenServer.stop(NAME), "ok");
              return;
            case "restart":
              if (GenServer.whereis(NAME) === null) await startServer();
              return;
            case "tick":
              await clock.tickAsync(op.ms);
              return;
          }
        };

        try {
          await startServer();
          const running = senders.map(async (ops, sender) => {
            for (const [seq, op] of ops.entries()) {
              await s.schedule(Promise.resolve(), `sender ${sender} op ${seq}: ${op.kind}`);
              await issue(sender, seq, op);
            }
          });
          await s.waitFor(Promise.all(running));
          const last = GenServer.whereis(NAME);
          const stopping =
            last === null
              ? Promise.resolve()
              : GenServer.stop(last).then(
                  () => undefined,
                  () => undefined,
                );
          // Time runs on until the last server, behind its timed handlers, has stopped.
          await s.waitFor(clock.tickAsync(1000).then(() => stopping));
          await s.waitAll();
          await flush();
          await realMacrotask();

          // Every call and stop settled, once.
          for (const entry of tracked)
            expect({ label: entry.label, settlements: entry.settlements }).toEqual({ label: entry.label, settlements: 1 });
          // A call that resolved got its own reply; one that rejected says why with a known reason.
          for (const entry of tracked) {
            if (entry.outcome?.ok === true) expect(entry.outcome.value).toEqual(entry.expected);
            else expect(["timeout", "noproc", "normal", crash]).toContain(entry.outcome?.reason);
          }
          // Per-sender order: each sender's messages were handled in the order it sent them.
          for (const sender of senders.keys()) {
            const seqs = handled.filter((h) => h.sender === sender).map((h) => h.seq);
            expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
            expect(new Set(seqs).size).toBe(seqs.length);
          }
          expect(unhandled).toEqual([]);
          expect(started.every((pid) => !Process.alive(pid))).toBe(true);
          expect(pendingTimers(clock)).toBe(0);
        } finally {
          for (const pid of started) if (Process.alive(pid)) Process.exit(pid, "kill");
          process.off("unhandledRejection", onUnhandled);
          clock.runMicrotasks();
          clock.uninstall();
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("should settle every call of many callers exactly once with its own reply when the server answers out of order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 12 }), async (s, callers) => {
        // The server defers every reply and answers from scheduler-released tasks, in any order.
        const Deferred: GenServerModule<Loose, undefined, null> = {
          init: () => ok(null),
          handleCall(request, from, state) {
            void s.schedule(Promise.resolve(), `reply ${String(request.n)}`).then(() => {
              GenServer.reply(from, request.n);
              GenServer.reply(from, "again");
            });
            return noreply(state);
          },
        };
        const pid = await GenServer.start(Deferred, undefined);
        try {
          const calls = Array.from({ length: callers }, (_, n) => GenServer.call(pid, { type: "ask", n }, "infinity"));
          const replies = await s.waitFor(Promise.all(calls));
          expect(replies).toEqual(Array.from({ length: callers }, (_, n) => n));
        } finally {
          await GenServer.stop(pid);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
