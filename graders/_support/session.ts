/**
 * One grader file's dealings with its subject: it starts the subject and loads the implementation, sends the
 * tests' requests and reads the answers as values, collects what the code printed during each test, and starts a
 * fresh subject for the next test when one was stopped, within a budget per exercise. Loading is judged once: an
 * implementation that fails to load (throws, hangs, ends) fails every test of the file without being retried.
 */
import type {
  CallBody,
  CallTarget,
  Encoded,
  FailureFields,
  LoadedModule,
  Outcome,
  StopInfo,
  SubjectPlan,
  TestObservation,
} from "#protocol";
import { describeStop, plainText } from "#protocol";
import { DEFAULT_LIMITS, type RequestBody, Subject, SubjectStopped } from "../../subject/client.ts";
import { MalformedValue } from "../../subject/codec.ts";
import { yardstickFolder } from "../../subject/layout.ts";
import { t } from "./grading.ts";
import { decodeFromSubject, encodeForSubject, RemoteHandle, type RemotePid, SubjectThrew } from "./remote.ts";

/**
 * Stops one exercise may cost before its remaining tests are not run. A count, not a time: what a stop costs is
 * bounded (3 s of CPU for a hang, 2 s idle for no answer), so ten cost about 30 s on an idle machine, and a busy
 * machine makes them slower without changing which tests run.
 */
const MAX_STOPS = 10;
const MAX_LINES = 200;
const MAX_LINE = 1_000;

let current: Session | null = null;

/** The session of the grader file that runs now (set by the graders' setup file, graders/_support/lifecycle.ts). */
export function currentSession(): Session {
  if (current === null) throw new Error("grading: no subject session (is graders/_support/lifecycle.ts the setup file?)");
  return current;
}

export function setCurrentSession(session: Session): void {
  current = session;
}

/** The implementation could not be loaded: no test of the file can run. */
export class LoadFailed extends Error implements FailureFields {
  override readonly name = "LoadFailed";
  readonly failure = "load" as const;
  readonly stop: StopInfo | undefined;
  constructor(message: string, stop?: StopInfo) {
    super(message);
    this.stop = stop;
  }
}

/** The exercise spent its budget of stops: this test is not run. */
export class NotRun extends Error implements FailureFields {
  override readonly name = "NotRun";
  readonly failure = "not-run" as const;
}

/** A module's exports as the grader sees them: function names, and the other values as they were at load. */
interface Exports {
  readonly functions: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, unknown>;
}

export class Session {
  /** The probe that calls made now run inside (see `RemoteProbe.run`). */
  within: RemoteHandle | null = null;
  /** Calls being recorded for a batch instead of sent. */
  recording: { body: CallBody; settle: (outcome: Outcome) => void }[] | null = null;

  private subject: Subject | null = null;
  private loading: Promise<void> | null = null;
  /** Set once the load settled: requests then go out at once, in the order they are made. */
  private loaded = false;
  private loadFailure: LoadFailed | null = null;
  private readonly exports = new Map<string, Exports>();
  private pids = new Map<number, RemotePid>();
  private stops = 0;
  private output: string[] = [];
  private stopOfTest: StopInfo | null = null;
  /** The subject the current test runs on (null: the test does not run). */
  private subjectOfTest: Subject | null = null;

  private readonly plan: SubjectPlan;
  readonly exercise: string;
  /** The modules to load, as under exercises/ (`<id>/<file>.ts`), the main one first. */
  readonly modules: readonly string[];

  constructor(plan: SubjectPlan, exercise: string, modules: readonly string[]) {
    this.plan = plan;
    this.exercise = exercise;
    this.modules = modules;
    const buildError = plan.buildErrors[exercise];
    if (buildError !== undefined) this.loadFailure = new LoadFailed(plainText(buildError));
    else this.start();
  }

  /** Whether task `n`'s tests run: every task's, unless the kit asked for some only (SubjectPlan.tasks). */
  grades(n: number): boolean {
    return this.plan.tasks === undefined || this.plan.tasks.includes(n);
  }

  /** A test starts: a fresh subject if the last one was stopped, and the test's output from now on. */
  async beginTest(): Promise<void> {
    this.output = [];
    this.stopOfTest = null;
    this.subjectOfTest = null;
    if (this.loadFailure !== null) throw this.loadFailure;
    if (this.stops >= MAX_STOPS) throw this.notRun();
    if (this.subject?.stopped != null) this.start();
    await this.loading;
    if (this.loadFailure !== null) throw this.loadFailure;
    this.subjectOfTest = this.subject;
    if (this.subject !== null) this.subject.printed = 0;
  }

  /** A test ended: what its processes left is stopped; resolves to what the test observed. */
  async endTest(): Promise<TestObservation> {
    const subject = this.subjectOfTest;
    this.subjectOfTest = null;
    if (subject !== null && subject.stopped === null) {
      try {
        await subject.request({ op: "reset" });
      } catch (error) {
        if (!(error instanceof SubjectStopped)) throw error;
      }
    }
    // Stopped during this test, whether or not a request of the test was waiting then.
    if (subject?.stopped != null) this.noteStop(subject.stopped);
    return { output: this.output, stop: this.stopOfTest };
  }

  /** Calls a function in the subject and resolves with what it returned, or rejects with what it threw. */
  call(target: CallTarget, args: readonly unknown[]): Promise<unknown> {
    const body: CallBody = { target, args: args.map(encodeForSubject) };
    if (this.recording !== null) {
      const recording = this.recording;
      return new Promise((resolve, reject) => {
        recording.push({ body, settle: (outcome) => this.settle(outcome, resolve, reject) });
      });
    }
    const within = this.within === null ? {} : { within: this.within.handle };
    return this.send({ op: "call", ...within, ...body }).then(
      (reply) => new Promise((resolve, reject) => this.settle(reply as Outcome, resolve, reject)),
    );
  }

  /** Like {@link call}, and has the subject hold on to the object returned: resolves with it and its handle. */
  async callKept(target: CallTarget, args: readonly unknown[]): Promise<{ readonly value: unknown; readonly held: number | null }> {
    const outcome = (await this.send({ op: "call", keep: true, target, args: args.map(encodeForSubject) })) as Outcome;
    const value = await new Promise((resolve, reject) => this.settle(outcome, resolve, reject));
    return { value, held: outcome.ok ? (outcome.held ?? null) : null };
  }

  /** Like {@link call}, and also says whether the function returned at once (not a promise). */
  async callWithTiming(target: CallTarget, args: readonly unknown[]): Promise<{ readonly value: unknown; readonly sync: boolean }> {
    const outcome = (await this.send({ op: "call", target, args: args.map(encodeForSubject) })) as Outcome;
    const value = await new Promise((resolve, reject) => this.settle(outcome, resolve, reject));
    return { value, sync: outcome.sync };
  }

  /**
   * Sends a request of the vocabulary. Once the implementation has loaded, the request goes out before this
   * returns, so requests reach the subject in the order they were made (a cast before the call after it).
   */
  send(body: RequestBody): Promise<Outcome | readonly Outcome[]> {
    if (!this.loaded) return this.beginRequest().then(() => this.send(body));
    if (this.loadFailure !== null) return Promise.reject(this.loadFailure);
    const subject = this.subject as Subject;
    return subject.request(body).catch((error: unknown) => {
      if (error instanceof SubjectStopped) this.noteStop(error.stop);
      throw error;
    });
  }

  /** Sends the recorded calls in one request; resolves with the subject's CPU time they took. */
  async sendBatch(calls: { body: CallBody; settle: (outcome: Outcome) => void }[]): Promise<number> {
    await this.beginRequest();
    const subject = this.subject as Subject;
    const before = await subject.cpuMs();
    // Each function the batch calls is written once: a remote function keeps one target object.
    const targets: CallTarget[] = [];
    const indexOf = new Map<CallTarget, number>();
    const bodies = calls.map(({ body }) => {
      let target = indexOf.get(body.target);
      if (target === undefined) {
        target = targets.push(body.target) - 1;
        indexOf.set(body.target, target);
      }
      return { target, args: body.args };
    });
    const outcomes = (await this.send({ op: "batch", targets, calls: bodies })) as readonly Outcome[];
    const after = await subject.cpuMs();
    if (!Array.isArray(outcomes) || outcomes.length !== calls.length) {
      subject.protocolViolation();
      throw new SubjectStopped(subject.stopped as StopInfo);
    }
    for (const [i, call] of calls.entries()) call.settle(outcomes[i] as Outcome);
    return after - before;
  }

  /** Decodes a value the subject sent; a value that does not decode stops the subject. */
  decode(value: Encoded): unknown {
    try {
      return decodeFromSubject(value, this.pids, (h, pid) => new RemoteHandle(h, pid));
    } catch (error) {
      if (!(error instanceof MalformedValue) || this.subject === null) throw error;
      return this.refuseAnswer();
    }
  }

  /** The subject answered what its host never would: it is stopped, as for a malformed answer. */
  refuseAnswer(): never {
    const subject = this.subject as Subject;
    subject.protocolViolation();
    const stop = subject.stopped as StopInfo;
    this.noteStop(stop);
    throw new SubjectStopped(stop);
  }

  /** A module's exports (loaded before any test runs). */
  exportsOf(module: string): Exports {
    const found = this.exports.get(module);
    if (found === undefined) throw new Error(`subject: ${module} is not among the loaded modules (${this.modules.join(", ")})`);
    return found;
  }

  async close(): Promise<void> {
    await this.subject?.close();
  }

  /**
   * A session with the exercise's yardstick (`graders/<id>/yardstick.ts`, built into the shared folder): trusted
   * code, in a subject process of its own. Resolves once it has loaded.
   */
  async yardstick(): Promise<Session> {
    const plan: SubjectPlan = { ...this.plan, impl: yardstickFolder(this.plan.shared), buildErrors: {} };
    const session = new Session(plan, this.exercise, this.modules);
    await session.loading;
    if (session.loadFailure !== null)
      throw new Error(`grading: the yardstick of ${this.exercise} did not load: ${session.loadFailure.message}`);
    return session;
  }

  private settle(outcome: Outcome, resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
    try {
      if (outcome.ok) resolve(this.decode(outcome.value));
      else {
        // A test sees the subject's errors as errors of the grader's making: the runtime's classes, the builtin
        // ones, or SubjectThrew for anything else the subject threw.
        const thrown = this.decode(outcome.error);
        reject(thrown instanceof Error ? thrown : new SubjectThrew(thrown));
      }
    } catch (error) {
      reject(error);
    }
  }

  private async beginRequest(): Promise<void> {
    if (this.loadFailure !== null) throw this.loadFailure;
    await this.loading;
    if (this.loadFailure !== null) throw this.loadFailure;
    if (this.subject === null) throw new Error("subject: not started");
  }

  private start(): void {
    const subject = new Subject(this.plan, DEFAULT_LIMITS, (stream, text) => this.printed(stream, text));
    this.subject = subject;
    this.pids = new Map();
    this.loaded = false;
    subject.phase = "load";
    const loading = subject.request({ op: "load", modules: this.modules }).then(
      (reply) => {
        const outcome = reply as Outcome;
        if (!outcome.ok) {
          const error = this.decode(outcome.error);
          this.loadFailure = new LoadFailed(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
          return;
        }
        const modules = this.decode(outcome.value);
        if (!isLoadedModules(modules)) {
          subject.protocolViolation();
          this.loadFailure = new LoadFailed(stopText(subject.stopped as StopInfo), subject.stopped as StopInfo);
          return;
        }
        for (const module of modules)
          this.exports.set(module.module, { functions: new Set(module.functions), values: new Map(module.values) });
        subject.phase = "test";
      },
      (error: unknown) => {
        if (!(error instanceof SubjectStopped)) throw error;
        this.loadFailure = new LoadFailed(stopText(error.stop), error.stop);
      },
    );
    this.loading = loading.finally(() => {
      this.loaded = true;
    });
  }

  private noteStop(stop: StopInfo): void {
    if (this.stopOfTest !== null || stop.during !== "test") return;
    this.stopOfTest = stop;
    this.stops++;
  }

  private printed(stream: "out" | "err", text: string): void {
    for (const line of plainText(text).replace(/\n$/, "").split("\n"))
      this.output.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
    if (this.output.length > MAX_LINES) this.output.splice(0, this.output.length - MAX_LINES);
    void stream;
  }

  private notRun(): NotRun {
    return new NotRun(
      t({
        es: `No se ejecutó: tu código ya se detuvo ${this.stops} veces en este ejercicio; el corrector no sigue esperándolo.`,
        en: `Not run: your code was already stopped ${this.stops} times in this exercise; the grader does not keep waiting for it.`,
      }),
    );
  }
}

function isLoadedModules(value: unknown): value is LoadedModule[] {
  const strings = (items: unknown): boolean => Array.isArray(items) && items.every((item) => typeof item === "string");
  return (
    Array.isArray(value) &&
    value.every((module: Partial<Record<keyof LoadedModule, unknown>>) => {
      if (typeof module !== "object" || module === null || typeof module.module !== "string" || !strings(module.functions)) return false;
      return (
        Array.isArray(module.values) &&
        module.values.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === "string")
      );
    })
  );
}

/** A stop in the learner's words. */
export function stopText(stop: StopInfo): string {
  return t(describeStop(stop));
}
