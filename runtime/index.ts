/**
 * The GenServer runtime: Elixir/OTP's processes, GenServers, names, Registry, timers and Logger in TypeScript.
 * Everything a learner, a solution or a grader uses comes from here (imported as `#runtime`).
 */

export type { ChildSpec } from "./child-spec.ts";
export type { Clock } from "./clock.ts";
export { now, useClock } from "./clock.ts";
export type { DynamicSupervisorOptions } from "./dynamic-supervisor.ts";
export { DynamicSupervisor } from "./dynamic-supervisor.ts";
export type { FailedCall } from "./errors.ts";
export { ExitError, StartError } from "./errors.ts";
export type { StartOptions } from "./gen-server.ts";
export { GenServer, Sys } from "./gen-server.ts";
export type { LogEntry, LogHandler, LogLevel } from "./logger.ts";
export { Logger } from "./logger.ts";
export type { MatchExpression, MatchPattern, MatchSpec, MatchSpecClause } from "./match-spec.ts";
export { Pid } from "./pid.ts";
export { Probe } from "./probe.ts";
export { Process, self } from "./process-api.ts";
export type { RegisterResult, RegistryOptions, RegistryProtocol } from "./registry.ts";
export { Registry } from "./registry.ts";
export type { From } from "./request.ts";
export type { Action, CallResult, Ignore, InitResult, NoReply, NoReplyResult, Ok, Reply, Stop, StopInit, StopReply } from "./results.ts";
export { ignore, noreply, ok, reply, stop } from "./results.ts";
export type { GenServerModule } from "./server-process.ts";
export type { ChildCount, ChildInfo, StartChildReply, Strategy, SupervisorOptions, SupervisorProtocol } from "./supervisor.ts";
export { Supervisor } from "./supervisor.ts";
export type {
  Call,
  DownMessage,
  ExitMessage,
  ExitReason,
  MonitorRef,
  Name,
  Protocol,
  RegistryKey,
  ReplyFor,
  ReplyOf,
  ServerRef,
  SystemMessage,
  Timeout,
  TimeoutMessage,
  TimerRef,
  Via,
} from "./types.ts";
