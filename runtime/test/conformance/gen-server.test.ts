import { describe } from "vitest";
import {
  type Call,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  type Probe,
  type Protocol,
  Registry,
  reply,
  type ServerRef,
  self,
} from "#runtime";
import { GEN_SERVER_TEST } from "./gen-server.expected.ts";
import { argumentError, conformance, exitCall, linked, useTestProcess } from "./support.ts";

interface StackProtocol extends Protocol {
  readonly call:
    | Call<{ readonly type: "pop" }, unknown>
    | Call<{ readonly type: "noreply" }, never>
    | Call<{ readonly type: "stop_self" }, unknown>
    | Call<{ readonly type: "call_self"; readonly target: ServerRef<StackProtocol> }, unknown>;
  readonly cast: { readonly type: "push"; readonly element: unknown };
  readonly info: never;
}

/** GenServerTest.Stack: a list as a stack; `:pop` replies with its head. */
const Stack: GenServerModule<StackProtocol, unknown[], unknown[]> = {
  init: (args) => ok(args),
  async handleCall(request, _from, state) {
    switch (request.type) {
      case "pop": {
        const [head, ...tail] = state;
        return reply(head, tail);
      }
      case "noreply":
        return noreply(state);
      case "stop_self":
        return reply(await exitCall(GenServer.stop(self())), state);
      case "call_self":
        return reply(await exitCall(GenServer.call(request.target, { type: "pop" }, 5000)), state);
    }
  },
  handleCast: (message, state) => noreply([message.element, ...state]),
};

const port = conformance(GEN_SERVER_TEST);
const testProcess = useTestProcess();

/** Runs a case inside a fresh test process, as ExUnit runs each test in its own process. */
function inTestProcess<T>(fn: (probe: Probe) => Promise<T>): Promise<T> {
  const probe = testProcess.start();
  return probe.run(() => fn(probe));
}

describe("gen_server_test.exs", () => {
  port("start_link/3", async () => ({
    invalid_tuple: await argumentError(() =>
      GenServer.startLink(Stack, ["hello"], { name: { invalid_tuple: "my_gen_server_name" } as never }),
    ),
    via_not_a_module: await argumentError(() =>
      GenServer.startLink(Stack, ["hello"], { name: { registry: 42, key: "my_gen_server_name" } as never }),
    ),
  }));

  port("start_link/3 with via", () =>
    inTestProcess(async () => {
      await Registry.startLink({ keys: "unique", name: "via_stack_registry" });
      await GenServer.startLink(Stack, ["hello"], { name: Registry.via("via_stack_registry", "via_stack") });
      return GenServer.call(Registry.via<StackProtocol>("via_stack_registry", "via_stack"), { type: "pop" });
    }),
  );

  port("start_link/3 with local", () =>
    inTestProcess(async () => {
      await GenServer.startLink(Stack, ["hello"], { name: GenServer.name("stack") });
      return GenServer.call(GenServer.name<StackProtocol>("stack"), { type: "pop" });
    }),
  );

  port("start_link/2, call/2 and cast/2", () =>
    inTestProcess(async (probe) => {
      const pid = await GenServer.startLink(Stack, ["hello"]);
      const pop = await GenServer.call(pid, { type: "pop" });
      const cast = GenServer.cast(pid, { type: "push", element: "world" });
      const popAfterCast = await GenServer.call(pid, { type: "pop" });
      const stopped = await GenServer.stop(pid);
      const other = await GenServer.startLink(Stack, []);
      return {
        linked: await linked(probe, other),
        pop,
        cast,
        pop_after_cast: popAfterCast,
        stop: stopped,
        cast_to_unknown_via: GenServer.cast(Registry.via<StackProtocol>("no_such_registry", "bar"), { type: "push", element: "world" }),
        cast_to_unknown_name: GenServer.cast(GenServer.name<StackProtocol>("foo"), { type: "push", element: "world" }),
      };
    }),
  );

  port("call/3 exit messages", () =>
    inTestProcess(async () => {
      await Registry.startLink({ keys: "unique", name: "call_exit_registry" });
      const name = GenServer.name<StackProtocol>("self_stack");
      const via = Registry.via<StackProtocol>("call_exit_registry", "self_stack");
      const named = await GenServer.startLink(Stack, ["hello"], { name });
      const byVia = await GenServer.startLink(Stack, ["hello"], { name: via });
      const pid = await GenServer.startLink(Stack, ["hello"]);
      const stoppedPid = await GenServer.start(Stack, ["hello"]);
      await GenServer.stop(stoppedPid);
      return {
        calling_self_by_name: await GenServer.call(named, { type: "call_self", target: name }),
        calling_self_by_via: await GenServer.call(byVia, { type: "call_self", target: via }),
        calling_self_by_pid: await GenServer.call(pid, { type: "call_self", target: pid }),
        timeout: await exitCall(GenServer.call(pid, { type: "noreply" }, 1)),
        name_nobody_holds: await exitCall(GenServer.call(GenServer.name<StackProtocol>("nobody_holds_this"), { type: "pop" }, 5000)),
        stopped_pid: await exitCall(GenServer.call(stoppedPid, { type: "pop" }, 5000)),
      };
    }),
  );

  port("start/2", () =>
    inTestProcess(async (probe) => {
      const pid = testProcess.track(await GenServer.start(Stack, ["hello"]));
      return { linked: await linked(probe, pid) };
    }),
  );

  port("whereis/1", () =>
    inTestProcess(async () => {
      const name = GenServer.name<StackProtocol>("whereis_server");
      const pid = await GenServer.startLink(Stack, [], { name });
      await Registry.startLink({ keys: "unique", name: "whereis_registry" });
      const viaPid: Pid = await GenServer.startLink(Stack, [], { name: Registry.via("whereis_registry", "whereis_server") });
      return {
        local: GenServer.whereis(name) === pid,
        pid: GenServer.whereis(pid) === pid,
        unknown_name: GenServer.whereis(GenServer.name("whereis_bad_server")),
        via: GenServer.whereis(Registry.via("whereis_registry", "whereis_server")) === viaPid,
        unknown_via: GenServer.whereis(Registry.via("whereis_registry", "whereis_bad_server")),
      };
    }),
  );

  port("stop/3", () =>
    inTestProcess(async () => {
      const first = await GenServer.start(Stack, []);
      const stopped = await GenServer.stop(first, "normal");
      const stopStopped = await exitCall(GenServer.stop(first));
      const stopNobody = await exitCall(GenServer.stop(GenServer.name("nobody_holds_this")));
      const second = testProcess.track(await GenServer.start(Stack, []));
      const stopSelf = await GenServer.call(second, { type: "stop_self" });
      await GenServer.start(Stack, [], { name: GenServer.name("stop_3_stack") });
      return {
        stop: stopped,
        stopped_pid: stopStopped,
        name_nobody_holds: stopNobody,
        stop_self: stopSelf,
        stop_by_name: await GenServer.stop(GenServer.name("stop_3_stack"), "normal"),
      };
    }),
  );
});
