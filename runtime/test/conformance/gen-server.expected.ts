import type { CaseTable } from "./table.ts";

/** The ported cases of gen_server_test.exs and what Elixir 1.14 / OTP 25 gives (beam/gen_server_test.exs prints them). */
export const GEN_SERVER_TEST = {
  label: "gen_server_test",
  upstream: "lib/elixir/test/elixir/gen_server_test.exs",
  snippets: "gen_server_test.exs",
  cases: {
    "start_link/3": { invalid_tuple: "ArgumentError", via_not_a_module: "ArgumentError" },
    "start_link/3 with via": "hello",
    "start_link/3 with local": "hello",
    "start_link/2, call/2 and cast/2": {
      cast: "ok",
      cast_to_unknown_name: "ok",
      cast_to_unknown_via: "ok",
      linked: true,
      pop: "hello",
      pop_after_cast: "world",
      stop: "ok",
    },
    "call/3 exit messages": {
      calling_self_by_name: ["calling_self", "GenServer.call"],
      calling_self_by_pid: ["calling_self", "GenServer.call"],
      calling_self_by_via: ["calling_self", "GenServer.call"],
      name_nobody_holds: ["noproc", "GenServer.call"],
      stopped_pid: ["noproc", "GenServer.call"],
      timeout: ["timeout", "GenServer.call"],
    },
    "start/2": { linked: false },
    "whereis/1": { local: true, pid: true, unknown_name: null, unknown_via: null, via: true },
    "stop/3": {
      name_nobody_holds: ["noproc", "GenServer.stop"],
      stop: "ok",
      stop_by_name: "ok",
      stop_self: ["calling_self", "GenServer.stop"],
      stopped_pid: ["noproc", "GenServer.stop"],
    },
  },
} as const satisfies CaseTable;
