import type { CaseTable } from "./table.ts";

/** The ported cases of supervisor_test.exs and what Elixir 1.14 / OTP 25 gives (beam/supervisor_test.exs prints them). */
export const SUPERVISOR_TEST = {
  label: "supervisor_test",
  upstream: "lib/elixir/test/elixir/supervisor_test.exs",
  snippets: "supervisor_test.exs",
  cases: {
    "start_link/2 with via": [],
    "start_link/3 with local": [],
    "start_link/2": {
      invalid_tuple: "ArgumentError",
      pop: "hello",
      pop_after_restart: "hello",
      stop: "ok",
      via_not_a_module: "ArgumentError",
    },
    "start_child/2 supports new child spec as tuple": ["ok", "#PID"],
    "start_child/2 with invalid child spec": {
      empty_map: ["error", "missing_id"],
      start_not_a_function: ["error", ["invalid_mfa", "not_a_function"]],
    },
    "child life-cycle": {
      delete: "ok",
      delete_running: ["error", "running"],
      empty_counts: { active: 0, specs: 0, supervisors: 0, workers: 0 },
      empty_rows: [],
      pop: "hello",
      pop_after_restart: "hello",
      started_counts: { active: 1, specs: 1, supervisors: 0, workers: 1 },
      started_rows: [["SupervisorTest.Stack", "#PID", "worker"]],
      terminate: "ok",
      terminate_again: "ok",
    },
  },
} as const satisfies CaseTable;
