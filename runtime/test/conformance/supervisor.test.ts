import { describe } from "vitest";
import {
  type Call,
  type ChildSpec,
  GenServer,
  type GenServerModule,
  noreply,
  ok,
  type Pid,
  type Protocol,
  Registry,
  reply,
  Supervisor,
  stop,
} from "#runtime";
import { SUPERVISOR_TEST } from "./supervisor.expected.ts";
import { argumentError, conformance, startResult, useTestProcess } from "./support.ts";

interface StackProtocol extends Protocol {
  readonly call: Call<{ readonly type: "pop" }, unknown> | Call<{ readonly type: "stop" }, "ok">;
  readonly cast: { readonly type: "push"; readonly element: unknown };
  readonly info: never;
}

/** SupervisorTest.Stack: `:pop` replies with the head; `:stop` stops normally, replying `:ok`. */
const Stack: GenServerModule<StackProtocol, unknown[], unknown[]> = {
  init: (args) => ok(args),
  handleCall(request, _from, state) {
    switch (request.type) {
      case "pop": {
        const [head, ...tail] = state;
        return reply(head, tail);
      }
      case "stop":
        return stop("normal", "ok" as const, state);
    }
  },
  handleCast: (message, state) => noreply([message.element, ...state]),
};

/** `{Stack, {state, opts}}` as a child spec. */
function stackSpec(state: unknown[], options: { readonly name?: string } = {}): ChildSpec {
  const name = options.name === undefined ? {} : { name: GenServer.name<StackProtocol>(options.name) };
  return { id: "SupervisorTest.Stack", start: () => GenServer.startLink(Stack, state, name) };
}

const port = conformance(SUPERVISOR_TEST);
const testProcess = useTestProcess();

function inTestProcess<T>(fn: () => Promise<T>): Promise<T> {
  return testProcess.start().run(fn);
}

describe("supervisor_test.exs", () => {
  port("start_link/2 with via", () =>
    inTestProcess(async () => {
      await Registry.startLink({ keys: "unique", name: "via_sup_registry" });
      await Supervisor.startLink([], { strategy: "one_for_one", name: Registry.via("via_sup_registry", "via_sup") });
      return Supervisor.whichChildren(Registry.via("via_sup_registry", "via_sup"));
    }),
  );

  port("start_link/3 with local", () =>
    inTestProcess(async () => {
      await Supervisor.startLink([], { strategy: "one_for_one", name: GenServer.name("my_sup") });
      return Supervisor.whichChildren(GenServer.name("my_sup"));
    }),
  );

  port("start_link/2", () =>
    inTestProcess(async () => {
      const children = [stackSpec(["hello"], { name: "dyn_stack" })];
      const pid = await Supervisor.startLink(children, { strategy: "one_for_one" });
      const stack = GenServer.name<StackProtocol>("dyn_stack");
      const pop = await GenServer.call(stack, { type: "pop" });
      const stopped = await GenServer.call(stack, { type: "stop" });
      // The restart is done once the supervisor has answered a request queued after the child's EXIT.
      await Supervisor.whichChildren(pid);
      const popAfterRestart = await GenServer.call(stack, { type: "pop" });
      await Supervisor.stop(pid);
      return {
        pop,
        stop: stopped,
        pop_after_restart: popAfterRestart,
        invalid_tuple: await argumentError(() =>
          Supervisor.startLink(children, { name: { invalid_tuple: "my_gen_server_name" } as never }),
        ),
        via_not_a_module: await argumentError(() =>
          Supervisor.startLink(children, { name: { registry: 42, key: "my_gen_server_name" } as never }),
        ),
      };
    }),
  );

  port("start_child/2 supports new child spec as tuple", () =>
    inTestProcess(async () => {
      const pid = await Supervisor.startLink([], { strategy: "one_for_one" });
      return startResult(Supervisor.startChild(pid, { id: "Task", restart: "temporary", start: () => GenServer.startLink(Stack, []) }));
    }),
  );

  port("start_child/2 with invalid child spec", () =>
    inTestProcess(async () => {
      const pid = await Supervisor.startLink([], { strategy: "one_for_one" });
      return {
        empty_map: await startResult(Supervisor.startChild(pid, {} as never)),
        start_not_a_function: await startResult(Supervisor.startChild(pid, { id: 1, start: "not_a_function" } as never)),
      };
    }),
  );

  port("child life-cycle", () =>
    inTestProcess(async () => {
      const pid = await Supervisor.startLink([], { strategy: "one_for_one" });
      const rows = async (): Promise<unknown[]> => (await Supervisor.whichChildren(pid)).map((child) => [child.id, child.pid, child.type]);
      const okOrError = (answer: "ok" | { readonly error: string }): unknown => (answer === "ok" ? "ok" : ["error", answer.error]);
      const emptyRows = await rows();
      const emptyCounts = await Supervisor.countChildren(pid);
      const stack = (await Supervisor.startChild(pid, stackSpec(["hello"]))) as Pid<StackProtocol>;
      const pop = await GenServer.call(stack, { type: "pop" });
      const startedRows = await rows();
      const startedCounts = await Supervisor.countChildren(pid);
      const deleteRunning = okOrError(await Supervisor.deleteChild(pid, "SupervisorTest.Stack"));
      const terminate = okOrError(await Supervisor.terminateChild(pid, "SupervisorTest.Stack"));
      const restarted = (await Supervisor.restartChild(pid, "SupervisorTest.Stack")) as Pid<StackProtocol>;
      const popAfterRestart = await GenServer.call(restarted, { type: "pop" });
      const terminateAgain = okOrError(await Supervisor.terminateChild(pid, "SupervisorTest.Stack"));
      const deleted = okOrError(await Supervisor.deleteChild(pid, "SupervisorTest.Stack"));
      await Supervisor.stop(pid);
      return {
        empty_rows: emptyRows,
        empty_counts: emptyCounts,
        pop,
        started_rows: startedRows,
        started_counts: startedCounts,
        delete_running: deleteRunning,
        terminate,
        pop_after_restart: popAfterRestart,
        terminate_again: terminateAgain,
        delete: deleted,
      };
    }),
  );
});
