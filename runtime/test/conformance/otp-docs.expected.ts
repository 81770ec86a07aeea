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
    "GenServer.init/1: a timeout from init does not fire when a message arrived during init": {
      timeout_0: ["hello"],
      timeout_50: ["hello"],
    },
    ":sys.get_state/1: restarts a pending idle timeout": { handled_by_130_ms: [], handled_by_230_ms: ["timeout"] },
    "GenServer.handle_cast/2: a timeout returned while only a :sys request is queued still fires": { handled: ["timeout"] },
    "GenServer.start_link/3: a start timeout gives {:error, :timeout} and leaves the caller alive": {
      non_trapping: { caller_alive: true, result: ["error", "timeout"] },
      trapping: { messages_left: [], result: ["error", "timeout"] },
    },
    "Process.demonitor/2: returns true, also with :flush; with :info, whether the monitor was still active": {
      down_left_after_flush: 0,
      down_left_without_flush: 1,
      flush_info_active: true,
      flush_info_with_down_queued: false,
      flush_with_down_queued: true,
      info_active: true,
      info_with_down_queued: false,
      plain_with_down_queued: true,
    },
    "Supervisor.which_children/1: the newest child first": { after_start_child: ["d", "c", "b", "a"], started: ["c", "b", "a"] },
    "Supervisor.start_child/2, restart_child/2 and delete_child/2: what each answers": {
      delete_child_running: ["error", "running"],
      delete_child_stopped: "ok",
      delete_child_unknown: ["error", "not_found"],
      restart_child_running: ["error", "running"],
      restart_child_stopped: ["ok", "#PID"],
      restart_child_unknown: ["error", "not_found"],
      rows: [["i", "undefined"]],
      start_child_already_present: ["error", "already_present"],
      start_child_already_started: ["error", ["already_started", "#PID"]],
      start_child_fails: ["error", "nope"],
      start_child_ignore: ["ok", "undefined"],
      start_child_ignore_temporary: ["ok", "undefined"],
      start_child_missing_id: ["error", "missing_id"],
    },
    "Supervisor.terminate_child/2: a temporary child is deleted, any other keeps its spec": {
      restart_permanent: "ok",
      restart_temporary: ["error", "not_found"],
      rows: [["p", "undefined"]],
    },
    "Supervisor.start_link/2: refused child specs and options": {
      child_fails: ["error", ["shutdown", ["failed_to_start_child", "f", "nope"]]],
      duplicate_id: ["error", ["start_spec", ["duplicate_child_name", "a"]]],
      max_restarts: ["error", ["supervisor_data", ["invalid_intensity", -1]]],
      max_seconds: ["error", ["supervisor_data", ["invalid_period", 0]]],
      missing_id: ["error", ["start_spec", "missing_id"]],
      strategy: ["error", ["supervisor_data", ["invalid_strategy", "bogus"]]],
    },
    "Supervisor :one_for_all: a temporary sibling is shut down and not restarted": {
      all_running_again: true,
      ids_after_restart: ["b", "a"],
    },
    "GenServer.start/3: hibernate_after is accepted and the server answers after hibernating": {
      negative_accepted: "ok",
      state_after_idle: "hello",
    },
    "Registry: a registered process exits with :shutdown when the registry stops": ["shutdown", "shutdown"],
  },
} as const satisfies CaseTable;
