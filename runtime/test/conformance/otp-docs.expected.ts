import type { CaseTable } from "./table.ts";

/**
 * Behaviours the docs of Elixir 1.14 and OTP's gen_server, proc_lib and sys promise beyond the upstream test files,
 * and what Elixir 1.14 / OTP 25 gives (beam/otp_docs.exs prints them).
 */
export const OTP_DOCS = {
  label: "otp_docs",
  upstream: "the docs of Elixir 1.14 (GenServer, Process, Supervisor, DynamicSupervisor, Registry) and of OTP (gen_server, proc_lib, sys)",
  snippets: "otp_docs.exs",
  cases: {
    "GenServer.call/3: the caller exits at once with the reason of a server that dies while handling the call": {
      exit_while_reply_deferred: ["shutdown", "GenServer.call"],
      killed: ["killed", "GenServer.call"],
      linked_exit: ["boom", "GenServer.call"],
      silent_process_exits: ["bye", "GenServer.call"],
    },
  },
} as const satisfies CaseTable;
