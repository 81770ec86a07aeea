import type { CaseTable } from "./table.ts";

/** The rows of the chapter's tables and what Elixir 1.14 / OTP 25 gives for each (beam/chapter_return_values.exs prints them). */
export const CHAPTER_RETURN_VALUES = {
  label: "chapter",
  upstream: "the chapter's tables (seed/genserver-chapter.es.txt): call vs cast, and the return values of callbacks",
  snippets: "chapter_return_values.exs",
  cases: {
    "call vs cast: GenServer.call/2 waits 5000 ms by default": { exit: ["timeout", "GenServer.call"], pending_at_4900_ms: true },
    "call vs cast: GenServer.cast/2 returns :ok at once, whoever is there": { alive: "ok", dead_pid: "ok", name_nobody_holds: "ok" },
    "handle_call/3 {:reply, respuesta, nuevo_estado}": { reply: "the_reply", state_after: "new_state" },
    "handle_call/3 {:stop, razon, respuesta, nuevo_estado}": { down: "normal", reply: "the_reply", terminate: ["normal", "last_state"] },
    "handle_call/3 {:noreply, nuevo_estado} and a later GenServer.reply/2": { reply: "later_reply", state_while_waiting: "new_state" },
    "handle_call/3 {:reply, respuesta, nuevo_estado, timeout_ms}": {
      handled_by_150_ms: ["timeout"],
      handled_by_50_ms: [],
      reply: "the_reply",
      state_after: "new_state",
    },
    "handle_call/3 {:reply, respuesta, nuevo_estado, :hibernate}": { reply: "the_reply", state_after: "new_state" },
    "handle_cast/2 and handle_info/2 {:noreply, nuevo_estado}": { cast: "new_state", info: "new_state" },
    "handle_cast/2 and handle_info/2 {:stop, razon, nuevo_estado}": {
      cast: { down: ["shutdown", "bye"], terminate: [["shutdown", "bye"], "last_state"] },
      info: { down: ["shutdown", "bye"], terminate: [["shutdown", "bye"], "last_state"] },
    },
    "handle_cast/2 and handle_info/2 {:noreply, nuevo_estado, timeout_ms}": {
      cast: { handled_by_150_ms: ["timeout"], handled_by_50_ms: [], state_after: "new_state" },
      info: { handled_by_150_ms: ["timeout"], handled_by_50_ms: [], state_after: "new_state" },
    },
    "handle_cast/2 and handle_info/2 {:noreply, nuevo_estado, :hibernate}": {
      cast: { alive: true, state_after: "new_state" },
      info: { alive: true, state_after: "new_state" },
    },
  },
} as const satisfies CaseTable;
