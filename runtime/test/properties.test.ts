import * as FakeTimers from "@sinonjs/fake-timers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DownMessage,
  ExitError,
  type From,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  Probe,
  Process,
  reply,
  self,
} from "#runtime";
import { flush, type Loose, type Msg, pendingTimers, realMacrotask, TIMERS_AND_DATE, useLogs } from "./support.ts";

useLogs();

const SEED = 20_261_123;
const NAME = GenServer.name<Loose>("PropertyServer");

type Op =
  | { readonly kind: "call"; readonly slow: "no" | "scheduled" | "timed" | "deferred"; readonly timeout: number | "infinity" }
  | { readonly kind: "cast"; readonly idle: number | null }
  | { readonly kind: "slow_cast" }
  | { readonly kind: "release" }
  | { readonly kind: "send" }
  | { readonly kind: "crash" }
  | { readonly kind: "kill" }
  | { readonly kind: "link_exit" }
  | { readonly kind: "stop" }
  | { readonly kind: "restart" }
  | { readonly kind: "tick"; readonly ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("call"),
      slow: fc.constantFrom("no", "scheduled", "timed", "deferred"),
      timeout: fc.oneof(fc.constantFrom(5, 20), fc.constant("infinity" as const)),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("cast"), idle: fc.option(fc.constantFrom(0, 3, 15)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("slow_cast") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("release") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("send") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("kill") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("link_exit") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stop") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("restart") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tick"), ms: fc.integer({ min: 1, max: 25 }) }) },
);

const sendersArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 });

interface Tracked {
  readonly label: string;
  readonly expected: unknown;
  /** The server the request went to (null: nobody held the name), whose exit reason a failure must carry. */
  readonly target: Pid | null;
  readonly timeout: number | "infinity";
  settlements: number;
  outcome: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown } | null;
}

interface EchoState {
  /** Calls answered later, by a release cast. */
  readonly waiting: Array<{ readonly from: From<unknown>; readonly tag: unknown }>;
}

describe("Properties under random interleavings (fc.scheduler)", () => {
  it("should settle every call and stop exactly once, with its reply or an ExitError carrying the right reason, through async callbacks, deferred replies, kills and linked exits", async () => {
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
        // Monitors every server it starts: the DOWN messages say what each one exited with.
        const watcher = Probe.start();
        const links: Probe[] = [];

        // Every message carries its sender and its rank in that sender's sequence.
        const Echo: GenServerModule<Loose, undefined, EchoState> = {
          init: () => ok({ waiting: [] }),
          async handleCall(request, from, state) {
            const tag = { sender: request.sender, seq: request.seq };
            // A slow handler waits for the scheduler, and a timed one also for 10 ms of fake time.
            if (request.slow !== "no") await s.schedule(Promise.resolve(), `slow ${String(request.sender)}.${String(request.seq)}`);
            if (request.slow === "timed") await new Promise((resolve) => setTimeout(resolve, 10));
            // The code of an async callback runs on after its process was killed (JavaScript cannot stop it); only
            // what a live server does counts.
            if (!Process.alive(self())) return noreply(state);
            handled.push({ sender: Number(request.sender), seq: Number(request.seq) });
            if (request.slow === "deferred") return noreply({ waiting: [...state.waiting, { from, tag }] });
            return reply(tag, state);
          },
          async handleCast(message, state) {
            if (message.type === "crash") throw crash;
            if (message.type === "release") {
              for (const { from, tag } of state.waiting) GenServer.reply(from, tag);
              return noreply({ waiting: [] });
            }
            if (message.type === "slow_cast")
              await s.schedule(Promise.resolve(), `slow cast ${String(message.sender)}.${String(message.seq)}`);
            if (!Process.alive(self())) return noreply(state);
            handled.push({ sender: Number(message.sender), seq: Number(message.seq) });
            return typeof message.idle === "number" ? noreply(state, message.idle) : noreply(state);
          },
          handleInfo(message, state) {
            if (message.type !== "timeout") handled.push({ sender: Number((message as Msg).sender), seq: Number((message as Msg).seq) });
            return noreply(state);
          },
        };

        const track = (
          label: string,
          promise: Promise<unknown>,
          expected: unknown,
          target: Pid | null,
          timeout: number | "infinity",
        ): void => {
          const entry: Tracked = { label, expected, target, timeout, settlements: 0, outcome: null };
          tracked.push(entry);
          promise.then(
            (value) => {
              entry.settlements++;
              entry.outcome = { ok: true, value };
            },
            (error: unknown) => {
              entry.settlements++;
              entry.outcome = { ok: false, error };
            },
          );
        };
        const startServer = (): Promise<void> =>
          GenServer.start(Echo, undefined, { name: NAME }).then(
            (pid) => {
              started.push(pid);
              watcher.run(() => Process.monitor(pid));
            },
            () => undefined, // another sender restarted it first: already_started
          );

        const issue = async (sender: number, seq: number, op: Op): Promise<void> => {
          const tag = { sender, seq };
          const target = GenServer.whereis(NAME);
          switch (op.kind) {
            case "call":
              track(
                `call ${sender}.${seq}`,
                GenServer.call(NAME, { type: "echo", slow: op.slow, ...tag }, op.timeout),
                tag,
                target,
                op.timeout,
              );
              return;
            case "cast":
              GenServer.cast(NAME, { type: "note", ...tag, idle: op.idle });
              return;
            case "slow_cast":
              GenServer.cast(NAME, { type: "slow_cast", ...tag });
              return;
            case "release":
              GenServer.cast(NAME, { type: "release" });
              return;
            case "send":
              if (target !== null) Process.send(target, { type: "note", ...tag });
              return;
            case "crash":
              GenServer.cast(NAME, { type: "crash" });
              return;
            case "kill":
              if (target !== null) Process.exit(target, "kill");
              return;
            case "link_exit":
              // A process linked to the server exits: the server (not trapping exits) exits with the same reason.
              if (target !== null) {
                const link = Probe.start();
                links.push(link);
                link.run(() => Process.link(target));
                link.stop("boom");
              }
              return;
            case "stop":
              track(`stop ${sender}.${seq}`, GenServer.stop(NAME), "ok", target, "infinity");
              return;
            case "restart":
              if (target === null) await startServer();
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
          if (last !== null) GenServer.cast(last, { type: "release" });
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

          const exitReasons = new Map<Pid, unknown>();
          for (const message of watcher.messages()) {
            const down = message as DownMessage;
            exitReasons.set(down.pid, down.reason);
          }
          // Every call and stop settled, once.
          for (const entry of tracked)
            expect({ label: entry.label, settlements: entry.settlements }).toEqual({ label: entry.label, settlements: 1 });
          for (const entry of tracked) {
            if (entry.outcome?.ok === true) {
              // A call that resolved got its own reply.
              expect({ label: entry.label, value: entry.outcome.value }).toEqual({ label: entry.label, value: entry.expected });
              continue;
            }
            // One that rejected did with an ExitError whose reason says why: its timeout (only a finite one), nobody
            // there, or the very reason its server exited with (a stop that ended with another reason included).
            const error = entry.outcome?.error;
            expect(error, entry.label).toBeInstanceOf(ExitError);
            const reason = (error as ExitError).reason;
            if (reason === "timeout") expect(entry.timeout, entry.label).not.toBe("infinity");
            else if (reason === "noproc") expect(entry.target === null || exitReasons.has(entry.target), entry.label).toBe(true);
            else expect({ label: entry.label, reason }).toEqual({ label: entry.label, reason: exitReasons.get(entry.target as Pid) });
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
          for (const link of links) link.stop();
          watcher.stop();
          process.off("unhandledRejection", onUnhandled);
          clock.runMicrotasks();
          clock.uninstall();
        }
      }),
      { seed: SEED, numRuns: 400 },
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

  it("should settle each deferred call once, with its reply or the reason of a kill or a linked exit that came first", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom("kill", "link", "none"),
        async (s, callers, ending) => {
          const unhandled: unknown[] = [];
          const onUnhandled = (reason: unknown): void => {
            unhandled.push(reason);
          };
          process.on("unhandledRejection", onUnhandled);
          // Every reply is deferred and sent from a scheduler-released task; the server may end in between.
          const repliedWhileAlive = new Set<number>();
          const Deferred: GenServerModule<Loose, undefined, null> = {
            init: () => ok(null),
            async handleCall(request, from, state) {
              await s.schedule(Promise.resolve(), `handle ${String(request.n)}`);
              void s.schedule(Promise.resolve(), `reply ${String(request.n)}`).then(() => {
                if (Process.alive(pid)) repliedWhileAlive.add(Number(request.n));
                GenServer.reply(from, request.n);
              });
              return noreply(state);
            },
          };
          const pid = await GenServer.start(Deferred, undefined);
          const link = Probe.start();
          try {
            const settled = Array.from({ length: callers }, (_, n) =>
              GenServer.call(pid, { type: "ask", n }, "infinity").then(
                (value) => ({ value }),
                (error: unknown) => ({ reason: (error as ExitError).reason }),
              ),
            );
            const expectedReason = ending === "kill" ? "killed" : "boom";
            if (ending !== "none") {
              void s.schedule(Promise.resolve(), `end with ${ending}`).then(() => {
                if (ending === "kill") Process.exit(pid, "kill");
                else {
                  link.run(() => Process.link(pid));
                  link.stop("boom");
                }
              });
            }
            const results = await s.waitFor(Promise.all(settled));
            await s.waitAll();
            await realMacrotask();
            // As on the BEAM, where the caller's monitor sees the DOWN before any reply sent after it: a call gets its
            // reply if and only if the reply was sent while the server was alive, and the exit reason otherwise.
            for (const [n, result] of results.entries()) {
              if (repliedWhileAlive.has(n)) expect({ n, result }).toEqual({ n, result: { value: n } });
              else expect({ n, result }).toEqual({ n, result: { reason: expectedReason } });
            }
            if (ending === "none") expect(results.every((result) => "value" in result)).toBe(true);
            expect(unhandled).toEqual([]);
          } finally {
            if (Process.alive(pid)) Process.exit(pid, "kill");
            if (link.alive) link.stop();
            process.off("unhandledRejection", onUnhandled);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
