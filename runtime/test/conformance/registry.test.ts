import { describe } from "vitest";
import {
  type Call,
  GenServer,
  type GenServerModule,
  ok,
  type Pid,
  type Probe,
  Process,
  type Protocol,
  type RegisterResult,
  Registry,
  type RegistryKey,
  type RegistryOptions,
  reply,
  self,
} from "#runtime";
import { REGISTRY_TEST } from "./registry.expected.ts";
import { argumentError, conformance, elixirReason, linked, startResult, useTestProcess } from "./support.ts";

const port = conformance(REGISTRY_TEST);
const testProcess = useTestProcess();

interface AgentProtocol extends Protocol {
  readonly call:
    | Call<{ readonly type: "get"; readonly fn: (state: number) => unknown }, unknown>
    | Call<{ readonly type: "update"; readonly fn: (state: number) => number }, "ok">;
  readonly cast: never;
  readonly info: never;
}

/** Elixir's Agent, as far as the cases use it: a state built by a function, read and updated by calls. */
const Agent: GenServerModule<AgentProtocol, () => number, number> = {
  init: (fn) => ok(fn()),
  handleCall(request, _from, state) {
    switch (request.type) {
      case "get":
        return reply(request.fn(state), state);
      case "update":
        return reply("ok" as const, request.fn(state));
    }
  },
};

let lastRegistry = 0;

/** A registry of its own for each case (started unlinked: a case sees only the links that registering makes). */
async function registry(options: Omit<RegistryOptions, "keys" | "name"> = {}): Promise<string> {
  const name = `registry_${++lastRegistry}`;
  testProcess.track(await Registry.start({ keys: "unique", name, ...options }));
  return name;
}

/** register_task/3: another process registers `key` and stays alive; returns its pid. */
function registerTask(registryName: string, key: RegistryKey, value: unknown): Pid {
  const task = testProcess.start();
  task.run(() => Registry.register(registryName, key, value));
  return task.pid;
}

/** `["ok", pid]`, or `["error", ["already_registered", holder is expected]]`. */
function registered(result: RegisterResult, expected: Pid): unknown {
  return "ok" in result ? ["ok", result.ok] : ["error", ["already_registered", result.error.already_registered === expected]];
}

/** `[pid is self, value]` for each `[pid, value]` entry. */
function entries(list: ReadonlyArray<readonly [Pid, unknown]>): unknown[] {
  const me = self();
  return list.map(([pid, value]) => [pid === me, value]);
}

/** select results `[key, pid, value]` with the pid written as who it is: "self" or "agent". */
function who(list: readonly unknown[], agent: Pid | null = null): unknown[] {
  const me = self();
  return list.map((item) => {
    if (!Array.isArray(item) || item.length !== 3) return item;
    const [key, pid, value] = item as [unknown, unknown, unknown];
    return [key, pid === me ? "self" : pid === agent ? "agent" : "other", value];
  });
}

function byKey(a: unknown, b: unknown): number {
  return String((a as unknown[])[0]).localeCompare(String((b as unknown[])[0]));
}

function inTestProcess<T>(fn: (test: Probe) => Promise<T> | T): Promise<T> {
  const test = testProcess.start();
  return Promise.resolve(test.run(() => fn(test)));
}

function received(test: Probe, expected: unknown): Promise<boolean> {
  return test
    .receive((message) => JSON.stringify(message) === JSON.stringify(expected), 100)
    .then(
      () => true,
      () => false,
    );
}

describe("registry_test.exs (unique keys)", () => {
  port("unique with 1 partition counts 0 keys in an empty registry", async () => Registry.count(await registry()));

  port("unique with 1 partition counts the number of keys in a registry", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", "value");
      Registry.register(reg, "world", "value");
      return Registry.count(reg);
    }),
  );

  port("unique with 1 partition has unique registrations", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const first = registered(Registry.register(reg, "hello", "value"), test.pid);
      const keys = Registry.keys(reg, test.pid);
      const values = Registry.values(reg, "hello", test.pid);
      const second = registered(Registry.register(reg, "hello", "value"), test.pid);
      return {
        first,
        keys,
        values,
        second,
        keys_after: Registry.keys(reg, test.pid),
        values_after: Registry.values(reg, "hello", test.pid),
        world: registered(Registry.register(reg, "world", "value"), test.pid),
        all_keys: Registry.keys(reg, test.pid).sort(),
      };
    }),
  );

  port("unique with 1 partition has unique registrations across processes", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const task = registerTask(reg, "hello", "value");
      return {
        task_keys: Registry.keys(reg, task),
        task_values: Registry.values(reg, "hello", task),
        register: registered(Registry.register(reg, "hello", "recent"), task),
        keys: Registry.keys(reg, test.pid),
        values: Registry.values(reg, "hello", test.pid),
      };
    }),
  );

  port("unique with 1 partition supports match patterns", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 1]);
      const observed = {
        first: entries(Registry.match(reg, "hello", [1, "_", "_"])),
        atom: entries(Registry.match(reg, "hello", ["_", "atom", "_"])),
        same: entries(Registry.match(reg, "hello", ["$1", "_", "$1"])),
        any: entries(Registry.match(reg, "hello", "_")),
        tricky_key: entries(Registry.match(reg, "_", "_")),
      };
      Registry.register(reg, "world", { a: "a", b: "b" });
      return { ...observed, map: entries(Registry.match(reg, "world", { b: "b" })) };
    }),
  );

  port("unique with 1 partition supports guard conditions", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 2]);
      return {
        greater_than_1: entries(Registry.match(reg, "hello", ["_", "_", "$1"], [[">", "$1", 1]])),
        greater_than_2: entries(Registry.match(reg, "hello", ["_", "_", "$1"], [[">", "$1", 2]])),
        is_atom: entries(Registry.match(reg, "hello", ["_", "$1", "_"], [["is_atom", "$1"]])),
      };
    }),
  );

  port("unique with 1 partition count_match supports match patterns", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 1]);
      const observed = {
        first: Registry.countMatch(reg, "hello", [1, "_", "_"]),
        atom: Registry.countMatch(reg, "hello", ["_", "atom", "_"]),
        same: Registry.countMatch(reg, "hello", ["$1", "_", "$1"]),
        any: Registry.countMatch(reg, "hello", "_"),
        tricky_key: Registry.countMatch(reg, "_", "_"),
      };
      Registry.register(reg, "world", { a: "a", b: "b" });
      return { ...observed, map: Registry.countMatch(reg, "world", { b: "b" }) };
    }),
  );

  port("unique with 1 partition count_match supports guard conditions", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 2]);
      return [
        Registry.countMatch(reg, "hello", ["_", "_", "$1"], [[">", "$1", 1]]),
        Registry.countMatch(reg, "hello", ["_", "_", "$1"], [[">", "$1", 2]]),
        Registry.countMatch(reg, "hello", ["_", "$1", "_"], [["is_atom", "$1"]]),
      ];
    }),
  );

  port("unique with 1 partition unregister_match supports patterns", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 1]);
      Registry.unregisterMatch(reg, "hello", [2, "_", "_"]);
      const kept = entries(Registry.lookup(reg, "hello"));
      Registry.unregisterMatch(reg, "hello", ["_", "atom", "_"]);
      return { kept, removed: entries(Registry.lookup(reg, "hello")) };
    }),
  );

  port("unique with 1 partition unregister_match supports guards", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 1]);
      Registry.unregisterMatch(reg, "hello", ["$1", "_", "_"], [["<", "$1", 2]]);
      return Registry.lookup(reg, "hello");
    }),
  );

  port("unique with 1 partition unregister_match supports tricky keys", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      Registry.register(reg, "_", "foo");
      Registry.register(reg, "hello", "b");
      Registry.unregisterMatch(reg, "_", "foo");
      return { lookup: Registry.lookup(reg, "_"), keys: Registry.keys(reg, test.pid).sort() };
    }),
  );

  port("unique with 1 partition updates current process value", () =>
    inTestProcess(async () => {
      const reg = await registry();
      const never = (): never => {
        throw new Error("will never be invoked");
      };
      const noEntry = Registry.updateValue(reg, "hello", never);
      registerTask(reg, "hello", "value");
      const otherProcess = Registry.updateValue(reg, "hello", never);
      Registry.register(reg, "world", 1);
      const before = entries(Registry.lookup(reg, "world"));
      const updated = Registry.updateValue(reg, "world", (n: number) => n + 1);
      return { no_entry: noEntry, other_process: otherProcess, before, updated, after: entries(Registry.lookup(reg, "world")) };
    }),
  );

  port("unique with 1 partition dispatches to a single key", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const noEntries = Registry.dispatch(reg, "hello", () => {
        throw new Error("will never be invoked");
      });
      Registry.register(reg, "hello", "value");
      const dispatched = Registry.dispatch(reg, "hello", (list) => {
        for (const [pid, value] of list) Process.send(pid, ["dispatch", value]);
      });
      return { no_entries: noEntries, dispatched, received: await received(test, ["dispatch", "value"]) };
    }),
  );

  port("unique with 1 partition unregisters process by key", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const nothing = Registry.unregister(reg, "hello");
      Registry.register(reg, "hello", "value");
      Registry.register(reg, "world", "value");
      const both = Registry.keys(reg, test.pid).sort();
      Registry.unregister(reg, "hello");
      const world = Registry.keys(reg, test.pid);
      Registry.unregister(reg, "world");
      return { nothing_to_unregister: nothing, both, world, none: Registry.keys(reg, test.pid) };
    }),
  );

  port("unique with 1 partition unregisters with no entries", () =>
    inTestProcess(async () => Registry.unregister(await registry(), "hello")),
  );

  port("unique with 1 partition unregisters with tricky keys", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      Registry.register(reg, "_", "foo");
      Registry.register(reg, "hello", "b");
      Registry.unregister(reg, "_");
      return { lookup: Registry.lookup(reg, "_"), keys: Registry.keys(reg, test.pid).sort() };
    }),
  );

  port("unique with 1 partition links and unlinks on register/unregister", async () => {
    // Each step on a registry of its own: seeing a link (a trapped EXIT) ends the registry.
    const steps: ReadonlyArray<(reg: string) => void> = [
      (reg) => Registry.register(reg, "hello", "value"),
      (reg) => Registry.register(reg, "world", "value"),
      (reg) => Registry.unregister(reg, "hello"),
      (reg) => Registry.unregister(reg, "world"),
    ];
    const observed: boolean[] = [];
    for (let upTo = 1; upTo <= steps.length; upTo++) {
      const test = testProcess.start();
      const reg = await registry();
      for (const step of steps.slice(0, upTo)) test.run(() => step(reg));
      // The registry traps exits, as Elixir's partitions do: only kill ends it.
      observed.push(await linked(test, GenServer.whereis(GenServer.name(reg)) as Pid, "kill"));
    }
    return observed;
  });

  port("unique with 1 partition raises on unknown registry name", () =>
    inTestProcess(() => argumentError(() => Registry.register("unknown", "hello", "value"))),
  );

  port("unique with 1 partition via callbacks", () =>
    inTestProcess(async () => {
      const reg = await registry();
      const name = Registry.via<AgentProtocol>(reg, "hello");
      const pid = await GenServer.startLink(Agent, () => 0, { name });
      const update = await GenServer.call(name, { type: "update", fn: (n) => n + 1 });
      const get = await GenServer.call(name, { type: "get", fn: (n) => n });
      const failed = (await startResult(
        GenServer.start(Agent, () => {
          throw new Error("oops");
        }),
      )) as unknown[];
      const again = await startResult(GenServer.start(Agent, () => 0, { name }));
      return {
        update,
        get,
        already_started_by_holder: failed[0] === "error" && JSON.stringify(again) === JSON.stringify(["error", ["already_started", pid]]),
      };
    }),
  );

  port("unique with 1 partition uses value provided in via", () =>
    inTestProcess(async () => {
      const reg = await registry();
      const pid = await GenServer.startLink(Agent, () => 0, { name: Registry.via(reg, "hello", "value") });
      return Registry.lookup(reg, "hello").map(([holder, value]) => [holder === pid, value]);
    }),
  );

  port("unique with 1 partition empty list for empty registry", async () =>
    Registry.select(await registry(), [[["_", "_", "_"], [], ["$_"]]]),
  );

  port("unique with 1 partition select all", () =>
    inTestProcess(async () => {
      const reg = await registry();
      const pid = await GenServer.startLink(Agent, () => 0, { name: Registry.via(reg, "hello") });
      Registry.register(reg, "world", "value");
      return who(Registry.select(reg, [[["$1", "$2", "$3"], [], [[["$1", "$2", "$3"]]]]]).sort(byKey), pid);
    }),
  );

  port("unique with 1 partition select supports full match specs", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const value = [1, "atom", 1];
      Registry.register(reg, "hello", value);
      const observed = {
        by_key: who(Registry.select(reg, [[["hello", "$2", "$3"], [], [[["hello", "$2", "$3"]]]]])),
        by_pid: who(Registry.select(reg, [[["$1", test.pid, "$3"], [], [[["$1", test.pid, "$3"]]]]])),
        by_value: who(Registry.select(reg, [[["$1", "$2", value], [], [[["$1", "$2", [value]]]]]])),
        no_key: Registry.select(reg, [[["world", "$2", "$3"], [], [[["world", "$2", "$3"]]]]]),
        nested: who(Registry.select(reg, [[["$1", "$2", ["$3", "atom", "$4"]], [], [[["$1", "$2", [["$3", "atom", "$4"]]]]]]])),
        repeated: who(Registry.select(reg, [[["$1", "$2", ["$3", "$4", "$3"]], [], [[["$1", "$2", [["$3", "$4", "$3"]]]]]]])),
      };
      Registry.register(reg, "world", { a: "a", b: "b" });
      return {
        ...observed,
        map: Registry.select(reg, [[["world", test.pid, { b: "b" }], [], ["match"]]]),
        keys: Registry.select(reg, [[["$1", "_", "_"], [], ["$1"]]]).sort(),
      };
    }),
  );

  port("unique with 1 partition select supports guard conditions", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 2]);
      return {
        greater_than_1: who(
          Registry.select(reg, [[["$1", "$2", ["$3", "$4", "$5"]], [[">", "$5", 1]], [[["$1", "$2", [["$3", "$4", "$5"]]]]]]]),
        ),
        greater_than_2: Registry.select(reg, [[["_", "_", ["_", "_", "$1"]], [[">", "$1", 2]], ["$_"]]]),
        is_atom: Registry.select(reg, [[["$1", "_", ["_", "$2", "_"]], [["is_atom", "$2"]], ["$1"]]]),
      };
    }),
  );

  port("unique with 1 partition select allows multiple specs", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", "value");
      Registry.register(reg, "world", "value");
      return Registry.select(reg, [
        [["hello", "_", "_"], [], [["element", 1, "$_"]]],
        [["world", "_", "_"], [], [["element", 1, "$_"]]],
      ]).sort();
    }),
  );

  port("unique with 1 partition select raises on incorrect shape of match spec", async () => {
    const reg = await registry();
    return argumentError(() => Registry.select(reg, [["_", [], []]] as never));
  });

  port("unique with 1 partition count_select supports match specs", () =>
    inTestProcess(async () => {
      const reg = await registry();
      const value = [1, "atom", 1];
      Registry.register(reg, "hello", value);
      const observed = {
        by_value: Registry.countSelect(reg, [[["_", "_", value], [], [true]]]),
        by_key: Registry.countSelect(reg, [[["hello", "_", "_"], [], [true]]]),
        partial: Registry.countSelect(reg, [[["_", "_", [1, "atom", "_"]], [], [true]]]),
        repeated: Registry.countSelect(reg, [[["_", "_", ["$1", "_", "$1"]], [], [true]]]),
        nil_value: Registry.countSelect(reg, [[["hello", "_", null], [], [true]]]),
      };
      Registry.register(reg, "world", { a: "a", b: "b" });
      return { ...observed, world: Registry.countSelect(reg, [[["world", "_", "_"], [], [true]]]) };
    }),
  );

  port("unique with 1 partition count_select supports guard conditions", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", [1, "atom", 2]);
      return [
        Registry.countSelect(reg, [[["_", "_", ["_", "$1", "_"]], [["is_atom", "$1"]], [true]]]),
        Registry.countSelect(reg, [[["_", "_", ["_", "_", "$1"]], [[">", "$1", 1]], [true]]]),
        Registry.countSelect(reg, [[["_", "_", ["_", "_", "$1"]], [[">", "$1", 2]], [true]]]),
      ];
    }),
  );

  port("unique with 1 partition count_select allows multiple specs", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", "value");
      Registry.register(reg, "world", "value");
      return Registry.countSelect(reg, [
        [["hello", "_", "_"], [], [true]],
        [["world", "_", "_"], [], [true]],
      ]);
    }),
  );

  port("unique with 1 partition count_select raises on incorrect shape of match spec", async () => {
    const reg = await registry();
    return argumentError(() => Registry.countSelect(reg, [["_", [], []]] as never));
  });

  port("child_spec/1 uses :name as :id", () => Registry.childSpec({ keys: "unique", name: "custom_name" }).id);

  port("raises if :name is missing", () => argumentError(() => Registry.startLink({ keys: "unique" } as never)));

  port("raises if :name is not an atom", () => argumentError(() => Registry.startLink({ keys: "unique", name: [] as never })));

  port("unregistration on crash with {registry, key, value} via tuple", () =>
    inTestProcess(async () => {
      Process.flag("trapExit", true);
      const reg = await registry();
      const start = await startResult(
        GenServer.startLink(
          Agent,
          () => {
            throw new Error("some error");
          },
          { name: Registry.via(reg, "name", "value") },
        ),
      );
      return { start, lookup_after: Registry.lookup(reg, "name") };
    }),
  );

  for (const [name, value] of [
    ["send works", undefined],
    ["send works with value", "value"],
  ] as const) {
    port(name, () =>
      inTestProcess(async (test) => {
        const reg = await registry();
        Registry.register(reg, "self", value);
        GenServer.cast(Registry.via(reg, "self", value), "message");
        return received(test, ["$gen_cast", "message"]);
      }),
    );
  }

  port("doctest Registry.update_value/3 (1)", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", 1);
      const before = entries(Registry.lookup(reg, "hello"));
      const updated = Registry.updateValue(reg, "hello", (n: number) => n + 1);
      return [before, updated, entries(Registry.lookup(reg, "hello"))];
    }),
  );

  port("doctest Registry.lookup/2 (2)", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const empty = Registry.lookup(reg, "hello");
      Registry.register(reg, "hello", "world");
      const own = entries(Registry.lookup(reg, "hello"));
      const fromTask = testProcess.start().run(() => Registry.lookup(reg, "hello").map(([pid, value]) => [pid === test.pid, value]));
      return [empty, own, fromTask];
    }),
  );

  port("doctest Registry.keys/2 (5)", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const empty = Registry.keys(reg, test.pid);
      Registry.register(reg, "hello", "world");
      const again = registered(Registry.register(reg, "hello", "later"), test.pid);
      return [empty, again, Registry.keys(reg, test.pid)];
    }),
  );

  port("doctest Registry.values/3 (7)", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      const empty = Registry.values(reg, "hello", test.pid);
      Registry.register(reg, "hello", "world");
      const own = Registry.values(reg, "hello", test.pid);
      const task = testProcess.start();
      return [empty, own, task.run(() => Registry.values(reg, "hello", self())), task.run(() => Registry.values(reg, "hello", test.pid))];
    }),
  );

  port("doctest Registry.unregister/2 (9)", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      Registry.register(reg, "hello", "world");
      const keys = Registry.keys(reg, test.pid);
      const unregister = Registry.unregister(reg, "hello");
      return [keys, unregister, Registry.keys(reg, test.pid)];
    }),
  );

  port("doctest Registry.unregister_match/4 (11)", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      Registry.register(reg, "hello", "world");
      const keys = Registry.keys(reg, test.pid);
      const foo = Registry.unregisterMatch(reg, "hello", "foo");
      const afterFoo = Registry.keys(reg, test.pid);
      const world = Registry.unregisterMatch(reg, "hello", "world");
      return [keys, foo, afterFoo, world, Registry.keys(reg, test.pid)];
    }),
  );

  port("doctest Registry.register/3 (13)", () =>
    inTestProcess(async (test) => {
      const reg = await registry();
      Registry.register(reg, "hello", "world");
      const later = registered(Registry.register(reg, "hello", "later"), test.pid);
      return [later, Registry.keys(reg, test.pid)];
    }),
  );

  port("doctest Registry.meta/2 (15)", async () => {
    const reg = await registry({ meta: { custom_key: "custom_value" } });
    return [elixirReason(Registry.meta(reg, "custom_key")), Registry.meta(reg, "unknown_key")];
  });

  port("doctest Registry.put_meta/3 (16)", async () => {
    const reg = await registry();
    const put = Registry.putMeta(reg, "custom_key", "custom_value");
    return [put, elixirReason(Registry.meta(reg, "custom_key"))];
  });

  port("doctest Registry.delete_meta/2 (17)", async () => {
    const reg = await registry();
    const put = Registry.putMeta(reg, "custom_key", "custom_value");
    const meta = elixirReason(Registry.meta(reg, "custom_key"));
    const deleted = Registry.deleteMeta(reg, "custom_key");
    return [put, meta, deleted, Registry.meta(reg, "custom_key")];
  });

  port("doctest Registry.count/1 (18)", () =>
    inTestProcess(async () => {
      const reg = await registry();
      const empty = Registry.count(reg);
      Registry.register(reg, "hello", "world");
      Registry.register(reg, "world", "world");
      return [empty, Registry.count(reg)];
    }),
  );

  port("doctest Registry.select/2 (21)", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", "value");
      Registry.register(reg, "world", "value");
      return who(Registry.select(reg, [[["$1", "$2", "$3"], [], [[["$1", "$2", "$3"]]]]]).sort(byKey));
    }),
  );

  port("doctest Registry.select/2 (22)", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", "value");
      Registry.register(reg, "world", "value");
      return Registry.select(reg, [[["$1", "_", "_"], [], ["$1"]]]).sort();
    }),
  );

  port("doctest Registry.count_select/2 (23)", () =>
    inTestProcess(async () => {
      const reg = await registry();
      Registry.register(reg, "hello", "value");
      Registry.register(reg, "world", "value");
      return Registry.countSelect(reg, [[["_", "_", "value"], [], [true]]]);
    }),
  );
});
