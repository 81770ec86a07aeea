import { describe } from "vitest";
import { type Call, GenServer, type GenServerModule, noreply, ok, type Pid, Process, type Protocol, Sys } from "#runtime";
import { deferred, realMacrotask } from "../support.ts";
import { OTP_DOCS } from "./otp-docs.expected.ts";
import { conformance, exitCall, useTestProcess } from "./support.ts";

interface BusyProtocol extends Protocol {
  readonly call: Call<{ readonly type: "busy" }, never> | Call<{ readonly type: "deferred" }, never>;
  readonly cast: never;
  readonly info: unknown;
}

/** OtpDocs.Busy: `busy` keeps the server in its callback for good (the snippet sleeps, this awaits). */
function busy(entered: () => void): GenServerModule<BusyProtocol, undefined, null> {
  return {
    init: () => ok(null),
    async handleCall(request, _from, state) {
      if (request.type === "deferred") return noreply(state);
      entered();
      return new Promise<never>(() => {});
    },
  };
}

const port = conformance(OTP_DOCS);
const testProcess = useTestProcess();

/** The exit of a call, or "still_waiting" when it has not settled once the runtime has nothing left to run. */
async function exitNow(promise: Promise<unknown>): Promise<unknown> {
  const exit = exitCall(promise);
  return Promise.race([exit, realMacrotask().then(() => "still_waiting")]);
}

/** Starts a Busy server, calls it, and ends it with `end` once the call is in its callback. */
async function callThenEnd(type: "busy" | "deferred", timeout: number | "infinity", end: (pid: Pid) => void): Promise<unknown> {
  const inCallback = deferred();
  const pid = testProcess.track(await GenServer.start(busy(inCallback.resolve), undefined));
  const call = GenServer.call(pid, { type }, timeout);
  // Busy: the handler is awaiting. Deferred: the handler has returned noreply (getState is queued behind the call).
  if (type === "busy") await inCallback.promise;
  else await Sys.getState(pid);
  end(pid);
  return exitNow(call);
}

describe("the docs of Elixir 1.14 and OTP", () => {
  port("GenServer.call/3: the caller exits at once with the reason of a server that dies while handling the call", async () => ({
    killed: await callThenEnd("busy", "infinity", (pid) => Process.exit(pid, "kill")),
    linked_exit: await callThenEnd("busy", 5000, (pid) => {
      const link = testProcess.start();
      link.run(() => Process.link(pid));
      link.stop("boom");
    }),
    exit_while_reply_deferred: await callThenEnd("deferred", "infinity", (pid) => Process.exit(pid, "shutdown")),
    silent_process_exits: await (async () => {
      const silent = testProcess.start();
      const call = GenServer.call(silent.pid, { type: "anything" }, "infinity");
      await realMacrotask(); // the probe has taken the call from its mailbox
      silent.stop("bye");
      return exitNow(call);
    })(),
  }));
});
