import { describe } from "vitest";
import {
  type Call,
  type DownMessage,
  type From,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  type Probe,
  Process,
  type Protocol,
  reply,
  stop,
} from "#runtime";
import { settledState } from "../support.ts";
import { CHAPTER_RETURN_VALUES } from "./chapter-return-values.expected.ts";
import { conformance, elixirReason, exitCall, useTestProcess, withFakeClock } from "./support.ts";

type NoReplyMessage =
  | { readonly type: "noreply"; readonly value: string }
  | { readonly type: "stop"; readonly reason: unknown; readonly value: string }
  | { readonly type: "noreply_timeout"; readonly value: string; readonly ms: number }
  | { readonly type: "noreply_hibernate"; readonly value: string }
  | { readonly type: "reply_to_waiting"; readonly reply: unknown };

interface ChapterProtocol extends Protocol {
  readonly call:
    | Call<{ readonly type: "get" }, string>
    | Call<{ readonly type: "reply"; readonly reply: unknown; readonly value: string }, unknown>
    | Call<{ readonly type: "stop"; readonly reason: unknown; readonly reply: unknown; readonly value: string }, unknown>
    | Call<{ readonly type: "noreply"; readonly value: string }, unknown>
    | Call<{ readonly type: "reply_timeout"; readonly reply: unknown; readonly value: string; readonly ms: number }, unknown>
    | Call<{ readonly type: "reply_hibernate"; readonly reply: unknown; readonly value: string }, unknown>;
  readonly cast: NoReplyMessage;
  readonly info: NoReplyMessage;
}

interface State {
  readonly value: string;
  readonly waiting: From<unknown> | null;
}

/** Chapter.Server: every row of the chapter's table; `log` gets what terminate saw and the timeouts handled. */
function chapterServer(log: unknown[]): GenServerModule<ChapterProtocol, undefined, State> {
  const noReply = (message: NoReplyMessage, s: State) => {
    switch (message.type) {
      case "noreply":
        return noreply({ ...s, value: message.value });
      case "stop":
        return stop(message.reason, { ...s, value: message.value });
      case "noreply_timeout":
        return noreply({ ...s, value: message.value }, message.ms);
      case "noreply_hibernate":
        return noreply({ ...s, value: message.value }, "hibernate");
      case "reply_to_waiting":
        if (s.waiting !== null) GenServer.reply(s.waiting, message.reply);
        return noreply({ ...s, waiting: null });
    }
  };
  return {
    init: () => ok({ value: "initial", waiting: null }),
    handleCall(request, from, s) {
      switch (request.type) {
        case "get":
          return reply(s.value, s);
        case "reply":
          return reply(request.reply, { ...s, value: request.value });
        case "stop":
          return stop(request.reason, request.reply, { ...s, value: request.value });
        case "noreply":
          return noreply({ ...s, value: request.value, waiting: from });
        case "reply_timeout":
          return reply(request.reply, { ...s, value: request.value }, request.ms);
        case "reply_hibernate":
          return reply(request.reply, { ...s, value: request.value }, "hibernate");
      }
    },
    handleCast: noReply,
    handleInfo(message, s) {
      if (message.type === "timeout") {
        log.push(["handled", "timeout"]);
        return noreply(s);
      }
      return noReply(message as NoReplyMessage, s);
    },
    terminate(reason, s) {
      log.push(["terminate", elixirReason(reason), s.value]);
    },
  };
}

const port = conformance(CHAPTER_RETURN_VALUES);
const testProcess = useTestProcess();

function handled(log: unknown[]): unknown[] {
  return log.splice(0).flatMap((entry) => ((entry as unknown[])[0] === "handled" ? [(entry as unknown[])[1]] : []));
}

async function start(log: unknown[]): Promise<Pid<ChapterProtocol>> {
  return testProcess.track(await GenServer.start(chapterServer(log), undefined));
}

/** What terminate saw (from the log) and the reason a monitor of the test process saw. */
async function ended(test: Probe, pid: Pid, log: unknown[]): Promise<unknown> {
  const down = (await test.receive(
    (m) => (m as Partial<DownMessage> | null)?.type === "DOWN" && (m as DownMessage).pid === pid,
    1000,
  )) as DownMessage;
  const terminate = log.find((entry) => (entry as unknown[])[0] === "terminate") as unknown[];
  return { terminate: terminate.slice(1), down: elixirReason(down.reason) };
}

/** Each row for a cast and for a plain message (handle_info). */
async function both(row: (deliver: (pid: Pid<ChapterProtocol>, message: NoReplyMessage) => void) => Promise<unknown>): Promise<unknown> {
  return {
    cast: await row((pid, message) => GenServer.cast(pid, message)),
    info: await row((pid, message) => Process.send(pid, message)),
  };
}

describe("the chapter's tables", () => {
  port("call vs cast: GenServer.call/2 waits 5000 ms by default", () =>
    withFakeClock(async (clock) => {
      const pid = await start([]);
      const call = GenServer.call(pid, { type: "noreply", value: "waiting" });
      const state = settledState(call);
      await clock.tickAsync(4900);
      const pending = state() === "pending";
      const exit = exitCall(call);
      await clock.tickAsync(100);
      return { pending_at_4900_ms: pending, exit: await exit };
    }),
  );

  port("call vs cast: GenServer.cast/2 returns :ok at once, whoever is there", async () => {
    const dead = await start([]);
    await GenServer.stop(dead);
    return {
      alive: GenServer.cast(await start([]), { type: "noreply", value: "x" }),
      dead_pid: GenServer.cast(dead, { type: "noreply", value: "x" }),
      name_nobody_holds: GenServer.cast(GenServer.name<ChapterProtocol>("nobody"), { type: "noreply", value: "x" }),
    };
  });

  port("handle_call/3 {:reply, respuesta, nuevo_estado}", async () => {
    const pid = await start([]);
    const answer = await GenServer.call(pid, { type: "reply", reply: "the_reply", value: "new_state" });
    return { reply: answer, state_after: await GenServer.call(pid, { type: "get" }) };
  });

  port("handle_call/3 {:stop, razon, respuesta, nuevo_estado}", async () => {
    const log: unknown[] = [];
    const test = testProcess.start();
    const pid = await start(log);
    test.run(() => Process.monitor(pid));
    const answer = await GenServer.call(pid, { type: "stop", reason: "normal", reply: "the_reply", value: "last_state" });
    return { ...((await ended(test, pid, log)) as object), reply: answer };
  });

  port("handle_call/3 {:noreply, nuevo_estado} and a later GenServer.reply/2", async () => {
    const pid = await start([]);
    const waiting = GenServer.call(pid, { type: "noreply", value: "new_state" });
    const stateWhileWaiting = await GenServer.call(pid, { type: "get" });
    GenServer.cast(pid, { type: "reply_to_waiting", reply: "later_reply" });
    return { state_while_waiting: stateWhileWaiting, reply: await waiting };
  });

  port("handle_call/3 {:reply, respuesta, nuevo_estado, timeout_ms}", () =>
    withFakeClock(async (clock) => {
      const log: unknown[] = [];
      const pid = await start(log);
      const answer = await GenServer.call(pid, { type: "reply_timeout", reply: "the_reply", value: "new_state", ms: 100 });
      await clock.tickAsync(50);
      const by50 = handled(log);
      await clock.tickAsync(100);
      return {
        reply: answer,
        handled_by_50_ms: by50,
        handled_by_150_ms: handled(log),
        state_after: await GenServer.call(pid, { type: "get" }),
      };
    }),
  );

  port("handle_call/3 {:reply, respuesta, nuevo_estado, :hibernate}", async () => {
    const pid = await start([]);
    const answer = await GenServer.call(pid, { type: "reply_hibernate", reply: "the_reply", value: "new_state" });
    return { reply: answer, state_after: await GenServer.call(pid, { type: "get" }) };
  });

  port("handle_cast/2 and handle_info/2 {:noreply, nuevo_estado}", () =>
    both(async (deliver) => {
      const pid = await start([]);
      deliver(pid, { type: "noreply", value: "new_state" });
      return GenServer.call(pid, { type: "get" });
    }),
  );

  port("handle_cast/2 and handle_info/2 {:stop, razon, nuevo_estado}", () =>
    both(async (deliver) => {
      const log: unknown[] = [];
      const test = testProcess.start();
      const pid = await start(log);
      test.run(() => Process.monitor(pid));
      deliver(pid, { type: "stop", reason: { shutdown: "bye" }, value: "last_state" });
      return ended(test, pid, log);
    }),
  );

  port("handle_cast/2 and handle_info/2 {:noreply, nuevo_estado, timeout_ms}", () =>
    withFakeClock((clock) =>
      both(async (deliver) => {
        const log: unknown[] = [];
        const pid = await start(log);
        deliver(pid, { type: "noreply_timeout", value: "new_state", ms: 100 });
        await clock.tickAsync(50);
        const by50 = handled(log);
        await clock.tickAsync(100);
        return { handled_by_50_ms: by50, handled_by_150_ms: handled(log), state_after: await GenServer.call(pid, { type: "get" }) };
      }),
    ),
  );

  port("handle_cast/2 and handle_info/2 {:noreply, nuevo_estado, :hibernate}", () =>
    both(async (deliver) => {
      const pid = await start([]);
      deliver(pid, { type: "noreply_hibernate", value: "new_state" });
      return { state_after: await GenServer.call(pid, { type: "get" }), alive: Process.alive(pid) };
    }),
  );
});
