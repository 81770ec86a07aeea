/**
 * The subject process under the sandbox, driven by its client: what a submission can reach, and how every way of
 * not answering is judged from outside. Each test starts a real subject with a small implementation.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Outcome, SubjectPlan } from "#protocol";
import { buildImplementation, buildShared } from "../build.ts";
import { DEFAULT_LIMITS, Subject, type SubjectLimits, SubjectStopped } from "../client.ts";
import { decodeValue } from "../codec.ts";
import { reapSubjects } from "../reap.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MODULE = "99-subject-test/subject-test.ts";

const IMPLEMENTATION = `
import { appendFileSync, readFileSync, writeSync } from "node:fs";
import { setPriority } from "node:os";
import { connect as netConnect, createServer } from "node:net";
import { promises as dnsPromises } from "node:dns";
import { pbkdf2 } from "node:crypto";
import { execSync } from "node:child_process";
import { Worker } from "node:worker_threads";

export const LABEL = "loaded";
export function echo(value: unknown): unknown { return value; }
export async function later(value: unknown): Promise<unknown> { return value; }
export function print(text: string): string { console.log(text); console.error("err:", text); return "ok"; }
export function loop(): never { for (;;) {} }
export function never(): Promise<never> { return new Promise(() => {}); }
export function hoard(): never { const kept: number[][] = []; for (;;) kept.push(new Array(1_000_000).fill(1)); }
export function reallyExit(code: number): void { (process as unknown as { reallyExit(code: number): void }).reallyExit(code); }
export function exitCall(): void { process.exit(0); }
export function flood(megabytes: number): string { const line = "x".repeat(1_000); for (let i = 0; i < megabytes * 1_000; i++) console.log(line); return "done"; }
export function floodStdout(): string { const chunk = "y".repeat(1_000_000); for (let i = 0; i < 200; i++) process.stdout.write(chunk); return "done"; }
export async function floodStderr(): Promise<string> {
  const chunk = "e".repeat(100_000);
  for (let i = 0; i < 200; i++) {
    process.stderr.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return "done";
}
// The channel is file descriptor 3: code under grading can write on it like the host does.
function frame(message: unknown): Buffer {
  const text = JSON.stringify(message);
  const bytes = Buffer.alloc(4 + Buffer.byteLength(text));
  bytes.writeUInt32BE(Buffer.byteLength(text), 0);
  bytes.write(text, 4);
  return bytes;
}
export function garbage(): Promise<never> { writeSync(3, "not a frame, but enough bytes to read as one"); return new Promise(() => {}); }
export function oversize(): Promise<never> {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(512 * 1024 * 1024, 0);
  writeSync(3, header);
  return new Promise(() => {});
}
export function forgedReply(): Promise<never> { writeSync(3, frame({ type: "reply", id: 99, ok: true, value: "forged", sync: true })); return new Promise(() => {}); }
export function floodFrames(): never {
  const output = frame({ type: "output", stream: "out", text: "z".repeat(100_000) });
  for (;;) {
    // The channel is non-blocking: a write may take part of the frame, or none (EAGAIN) until the grader reads.
    for (let at = 0; at < output.length; ) {
      try {
        at += writeSync(3, output, at);
      } catch {}
    }
  }
}
export function signal(target: number): string { process.kill(target, "SIGKILL"); return "sent"; }
export function signalParent(): string { process.kill(process.ppid, "SIGTERM"); return "sent"; }
export function read(path: string): string { return readFileSync(path, "utf8"); }
export function write(path: string): string { appendFileSync(path, "forged\\n"); return "written"; }
export function spawn(): string { return String(execSync("echo hi")); }
export function thread(): string { new Worker("1", { eval: true }); return "started"; }
export function environment(): Record<string, string | undefined> { return { ...process.env }; }
export function holdBack(): Promise<never> {
  // Never answers, and wakes up every 300 ms for a moment, as if busy.
  setInterval(() => { const until = Date.now() + 5; while (Date.now() < until) {} }, 300);
  return new Promise(() => {});
}
export function renice(target: number): string { setPriority(target, 19); return "reniced"; }
export async function fetchSomething(): Promise<string> { return String(await fetch("http://127.0.0.1:9/")); }
export function connect(): string { netConnect(9, "127.0.0.1"); return "connected"; }
export function listen(): string { createServer().listen(0); return "listening"; }
export async function lookup(): Promise<string> { return (await dnsPromises.lookup("localhost")).address; }
export async function poolHog(): Promise<string> {
  // Work on the thread pool, while the main thread sleeps: it is this process's CPU time all the same.
  for (;;) await Promise.all(Array.from({ length: 4 }, () => new Promise((done) => pbkdf2("x", "y", 200_000, 32, "sha256", done))));
}
export function flags(): string[] { return process.execArgv; }
`;

let root = "";
let plan: SubjectPlan;
const subjects: Subject[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "subject-test-"));
  const source = join(root, "source");
  mkdirSync(join(source, "99-subject-test"), { recursive: true });
  writeFileSync(join(source, MODULE), IMPLEMENTATION);
  await buildShared(kitRoot, join(root, "shared"));
  const failures = await buildImplementation({
    implDir: source,
    exercises: [{ id: "99-subject-test", file: "subject-test.ts" }],
    sharedDir: join(root, "shared"),
    outDir: join(root, "impl"),
    lang: "en",
  });
  expect(failures).toEqual(new Map());
  plan = { shared: join(root, "shared"), impl: join(root, "impl"), buildErrors: {}, modules: {} };
}, 30_000);

afterEach(async () => {
  await Promise.all(subjects.splice(0).map((subject) => subject.close()));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Bounds small enough for a test, in the same proportions as the graders'. */
const LIMITS: SubjectLimits = { ...DEFAULT_LIMITS, hangCpuMs: 600, idleMs: 500, memoryMb: 400, outputMb: 4, stderrMb: 8 };

async function started(output: string[] = []): Promise<Subject> {
  const subject = new Subject(plan, LIMITS, (stream, text) => output.push(`${stream}: ${text}`));
  subjects.push(subject);
  const loaded = (await subject.request({ op: "load", modules: [MODULE] })) as Outcome;
  expect(loaded.ok).toBe(true);
  subject.phase = "test";
  return subject;
}

const noHooks = {
  pid: () => null,
  via: () => null,
  probe: () => null,
  error: (node: { class: string; message: string }, props: ReadonlyMap<string, unknown>) => ({
    class: node.class,
    message: node.message,
    code: props.get("code"),
  }),
  instance: () => null,
  function: () => null,
};

/** Calls an export and resolves with its outcome, values decoded. */
async function call(subject: Subject, fn: string, ...args: unknown[]): Promise<{ ok: boolean; value: unknown; sync: boolean }> {
  const outcome = (await subject.request({
    op: "call",
    target: { kind: "export", module: MODULE, path: [fn] },
    args: args as never,
  })) as Outcome;
  return { ok: outcome.ok, value: decodeValue(outcome.ok ? outcome.value : outcome.error, noHooks), sync: outcome.sync };
}

async function stopOf(promise: Promise<unknown>): Promise<SubjectStopped["stop"]> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SubjectStopped);
  return (error as SubjectStopped).stop;
}

describe("a subject answering", () => {
  it("should answer calls with what the code returned, saying whether it answered at once", async () => {
    const subject = await started();
    expect(await call(subject, "echo", "AAPL")).toEqual({ ok: true, value: "AAPL", sync: true });
    expect(await call(subject, "later", 101.5)).toEqual({ ok: true, value: 101.5, sync: false });
  });

  it("should pass on what the code prints through console, in order", async () => {
    const output: string[] = [];
    const subject = await started(output);
    await call(subject, "print", "hello");
    expect(output).toEqual(["out: hello", "err: err: hello"]);
  });

  it("should show the code nothing of the grader: an empty environment, no seed, only its own folders", async () => {
    const subject = await started();
    const env = (await call(subject, "environment")).value as Record<string, unknown>;
    expect(Object.keys(env).filter((key) => !["TZ", "LANG", "SYSTEMROOT", "SystemRoot"].includes(key))).toEqual([]);
    const flags = (await call(subject, "flags")).value as string[];
    expect(flags.filter((flag) => flag.startsWith("--allow-fs-read")).sort()).toEqual(
      [`--allow-fs-read=${plan.impl}`, `--allow-fs-read=${plan.shared}`].sort(),
    );
  });
});

describe("the sandbox", () => {
  it.each([
    ["read a file outside its folders", "read", [join(kitRoot, "package.json")]],
    ["read the kit's graders", "read", [join(kitRoot, "graders", "expected-tests.json")]],
    ["write a file", "write", [join(tmpdir(), "subject-test-forged.txt")]],
    ["start a process", "spawn", []],
    ["start a thread", "thread", []],
  ])("should refuse to %s", async (_what, fn, args) => {
    const subject = await started();
    const outcome = await call(subject, fn, ...args);
    expect(outcome.ok).toBe(false);
    expect(outcome.value).toMatchObject({ code: "ERR_ACCESS_DENIED" });
  });

  it("should refuse a signal to any process but its own, and leave its grader running", async () => {
    const subject = await started();
    expect(await call(subject, "signal", process.pid)).toMatchObject({ ok: false, value: { code: "EPERM" } });
    expect(await call(subject, "signal", -1)).toMatchObject({ ok: false, value: { code: "EPERM" } });
    expect(await call(subject, "signalParent")).toMatchObject({ ok: false, value: { code: "EPERM" } });
    expect(await call(subject, "echo", 1)).toMatchObject({ ok: true, value: 1 });
  });

  it("should refuse to lower its grader's priority, and let it change its own", async () => {
    const subject = await started();
    expect(await call(subject, "renice", process.pid)).toMatchObject({ ok: false, value: { code: "EPERM" } });
    expect(await call(subject, "renice", 0)).toMatchObject({ ok: true, value: "reniced" });
  });

  it.each([["fetch", "fetchSomething"], ["a connection", "connect"], ["a server", "listen"], ["a DNS lookup", "lookup"]])(
    "should refuse the network: %s",
    async (_what, fn) => {
      const subject = await started();
      expect(await call(subject, fn)).toMatchObject({ ok: false, value: { code: "EACCES" } });
    },
  );

  it("should turn process.exit into an error of the call, and keep running", async () => {
    const subject = await started();
    expect(await call(subject, "exitCall")).toEqual({ ok: false, value: { class: "ProcessExitRefused", message: "process.exit(0)", code: undefined }, sync: true });
    expect(await call(subject, "echo", 2)).toMatchObject({ ok: true, value: 2 });
  });
});

describe("judging a subject from outside", () => {
  it("should stop a subject that uses more CPU time than a request may, and say it hung", async () => {
    const subject = await started();
    const stop = await stopOf(call(subject, "loop"));
    expect(stop).toMatchObject({ reason: "hang", during: "test", bound: LIMITS.hangCpuMs });
    expect(stop.measured).toBeGreaterThanOrEqual(LIMITS.hangCpuMs);
    await expect(call(subject, "echo", 1)).rejects.toBeInstanceOf(SubjectStopped);
  });

  it("should fail a request the subject sits idle on, and keep the subject", async () => {
    const subject = await started();
    const stop = await stopOf(call(subject, "never"));
    expect(stop).toMatchObject({ reason: "no-answer", bound: LIMITS.idleMs });
    expect(subject.stopped).toBeNull();
    expect(await call(subject, "echo", 3)).toMatchObject({ ok: true, value: 3 });
  });

  it("should fail a request the subject holds back, even when it wakes up now and then", async () => {
    const subject = await started();
    // It wakes every 300 ms, under the 500 ms bound: only naps summed reach it (a busy machine only delays it).
    expect(await stopOf(call(subject, "holdBack"))).toMatchObject({ reason: "no-answer" });
  });

  it("should stop a subject past its memory, and say so, not that it hung", async () => {
    const subject = await started();
    expect(await stopOf(call(subject, "hoard"))).toMatchObject({ reason: "memory" });
    // Filling 400 MB takes seconds of CPU; on a busy machine, many more of the clock's.
  }, 60_000);

  it("should count the CPU time of every thread of the subject, the thread pool's too", async () => {
    const subject = await started();
    expect(await stopOf(call(subject, "poolHog"))).toMatchObject({ reason: "hang" });
  });

  it("should tell a subject that ended by itself", async () => {
    const subject = await started();
    expect(await stopOf(call(subject, "reallyExit", 7))).toMatchObject({ reason: "exit", exit: "code 7" });
  });

  it("should pass on a bounded part of what a test prints through console, and go on", async () => {
    const output: string[] = [];
    const subject = await started(output);
    expect(await call(subject, "flood", 20)).toMatchObject({ ok: true, value: "done" });
    const printed = output.reduce((sum, line) => sum + line.length, 0);
    expect(printed).toBeLessThan(LIMITS.outputMb * 1048576);
    expect(output.at(-1)).toMatch(/output cut/);
  });

  it("should stop a subject that prints more than a test may on the channel, past the console", async () => {
    const subject = await started();
    expect(await stopOf(call(subject, "floodFrames"))).toMatchObject({ reason: "output", bound: LIMITS.outputMb });
  });

  it("should send what the code writes straight to stdout nowhere, at no cost to anyone", async () => {
    const subject = await started();
    expect(await call(subject, "floodStdout")).toMatchObject({ ok: true, value: "done" });
    expect(subject.stopped).toBeNull();
  });

  it("should stop a subject that writes more than it may straight to stderr, even once its call returned", async () => {
    const subject = await started();
    // The reply may come before stderr is read: the stop stands either way.
    await call(subject, "floodStderr").catch(() => undefined);
    await subject.exited;
    expect(subject.stopped).toMatchObject({ reason: "output", bound: LIMITS.stderrMb });
  });

  it("should stop a subject that writes on the channel what is not a well-formed answer", async () => {
    for (const fn of ["garbage", "oversize"]) {
      const subject = await started();
      expect(await stopOf(call(subject, fn))).toMatchObject({ reason: "protocol" });
    }
  });

  it("should ignore a reply the subject forges for a request the grader never sent", async () => {
    const subject = await started();
    expect(await stopOf(call(subject, "forgedReply"))).toMatchObject({ reason: "no-answer" });
  });
});

describe("a subject left behind", () => {
  it("should be found by its run's folder and taken down, busy and out of its client's watch", async () => {
    // No bound that would stop it: as if the vitest process watching it had died.
    const subject = new Subject(plan, { ...LIMITS, hangCpuMs: 600_000, backstopMs: 600_000 }, () => undefined);
    subjects.push(subject);
    expect(((await subject.request({ op: "load", modules: [MODULE] })) as Outcome).ok).toBe(true);
    subject.phase = "test";
    const looping = call(subject, "loop").catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reapSubjects(join(root, "elsewhere"))).toBe(0);
    expect(reapSubjects(root)).toBe(1);
    await subject.exited;
    expect(await looping).toBeInstanceOf(SubjectStopped);
    expect(reapSubjects(root)).toBe(0);
  });
});
