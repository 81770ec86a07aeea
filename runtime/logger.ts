import { inspect } from "node:util";
import { now } from "./clock.ts";
import { currentPid } from "./context.ts";
import type { Pid } from "./pid.ts";

/** Logger levels, from the most to the least verbose, as in Elixir's Logger. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** One log line: its level, its text, the process that logged it (if any) and the runtime's time. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly pid: Pid | null;
  readonly time: number;
}

export type LogHandler = (entry: LogEntry) => void;

const rank: Readonly<Record<LogLevel | "none", number>> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };
const handlers = new Set<LogHandler>();
const captures: LogEntry[][] = [];
let minimum: LogLevel | "none" = "debug";

function toConsole(entry: LogEntry): void {
  const line = `[${entry.level}] ${entry.message}`;
  if (entry.level === "error" || entry.level === "warn") console.error(line);
  else console.log(line);
}

function log(level: LogLevel, message: unknown): void {
  if (rank[level] < rank[minimum]) return;
  const entry: LogEntry = {
    level,
    message: typeof message === "string" ? message : inspect(message, { depth: 4, breakLength: Number.POSITIVE_INFINITY }),
    pid: currentPid(),
    time: now(),
  };
  const capture = captures.at(-1);
  if (capture !== undefined) capture.push(entry);
  else if (handlers.size === 0) toConsole(entry);
  for (const handler of handlers) {
    try {
      handler(entry);
    } catch (error) {
      // A broken handler must not break the process that logged (a crash report would never finish).
      console.error(`[error] Logger handler failed: ${String(error)}`);
    }
  }
}

/**
 * The runtime's Logger, like Elixir's: `Logger.info("…")`. Lines go to the console unless a handler is added
 * or a capture is running. Crashes of servers are logged here at level `error`.
 *
 * @example
 * Logger.warn(`[${state.symbol}] No data received yet`);
 * const logs = await Logger.captureLog(() => GenServer.cast(pid, { type: "oops" }));
 */
export const Logger = {
  debug: (message: unknown): void => log("debug", message),
  info: (message: unknown): void => log("info", message),
  warn: (message: unknown): void => log("warn", message),
  error: (message: unknown): void => log("error", message),

  /** Drops lines below `level` (`"none"` drops all). */
  configure(options: { readonly level: LogLevel | "none" }): void {
    if (!(options.level in rank))
      throw new TypeError(`Logger.configure: level should be debug, info, warn, error or none, got ${inspect(options.level)}`);
    minimum = options.level;
  },

  level(): LogLevel | "none" {
    return minimum;
  },

  /** Sends every line to `handler` as well (instead of the console); returns the function that removes it. */
  addHandler(handler: LogHandler): () => void {
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
    };
  },

  /**
   * Runs `fn` and resolves to the lines logged until it settled (ExUnit's `capture_log`); they do not reach the
   * console. Lines of every process count, so settle what you want captured (await a call) inside `fn`.
   */
  async captureLog(fn: () => unknown): Promise<LogEntry[]> {
    const lines: LogEntry[] = [];
    captures.push(lines);
    try {
      await fn();
    } finally {
      const i = captures.lastIndexOf(lines);
      if (i >= 0) captures.splice(i, 1);
    }
    return lines;
  },
} as const;
