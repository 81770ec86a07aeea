/**
 * Hostile and broken submissions, written from the mechanisms a submission could use against its grade, by
 * someone who has read the kit: code that loops, never answers, eats memory, ends its process, floods its output,
 * throws or does not compile; that reaches for the test runner, the seed, the grader's files or a classmate's,
 * writes on the channel in place of its host, signals other processes, draws escapes over the report, or keeps
 * canned answers. The kit's self-test grades each one beside the others, as a class, and checks the grade (see
 * HostileOutcome) and that the report says what happened, with no control character the code put there.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Text } from "#protocol";
import type { GradedExercise } from "../../judge.ts";

export interface HostileFixture {
  /** kebab-case, unique. */
  readonly name: string;
  readonly exercise: string;
  /** The implementation it starts from: the reference solution, or the learner's stub. */
  readonly base: "solution" | "stub";
  /** The file it changes, inside the exercise's folder. */
  readonly file: string;
  /** The whole file instead of the base's (`{kitRoot}` stands for the kit's absolute path). */
  readonly content?: string;
  /** Code put at the top of the file: it runs when the file loads. */
  readonly prepend?: string;
  /** `[find, replace]` pairs; each `find` must occur exactly once. */
  readonly patch?: readonly (readonly [find: string, replace: string])[];
  readonly expect: HostileOutcome;
  readonly why: Text;
}

/** How a hostile fixture must be graded. */
export type HostileOutcome =
  /**
   * 0 points on the `zero` tasks and, from a solution, all the points of the others; `says` (English) matches the
   * exercise's error or a failed test's message.
   */
  | { readonly zero: readonly number[] | "all"; readonly says: RegExp }
  /**
   * Task by task, exactly what its base (the solution or the stub) earns: what it did reached nothing that decides
   * a grade. From a solution that throws when it finds what it looks for, this proves it found nothing.
   */
  | { readonly sameAsBase: true }
  /** On no task more than its base earns: what it changed can only cost it points; `says`, as above. */
  | { readonly atMostBase: true; readonly says?: RegExp }
  /** Task by task, exactly what the fixture of that name earns. */
  | { readonly earnsAs: string }
  /** Fewer points than the task is worth on each of these tasks (a known-wrong implementation). */
  | { readonly loses: readonly number[] };

/** Where each exercise's code runs per request, for the cases that act inside one handler. */
const HANDLERS = {
  // 05: the cleanup timer only fires in task 6's tests; the others start the limiter without cleanup.
  cleanup: { exercise: "05-rate-limiter", find: "        state.windows.cleanup(now());\n", zero: [6] },
  // 02: the periodic check is task 2's subject; the other tasks never advance the clock 5 s.
  check: { exercise: "02-price-monitor", find: "        const checks = state.checks + 1;\n", zero: [2] },
} as const;

const FILES: Record<string, string> = {
  "01-price-cache": "price-cache.ts",
  "02-price-monitor": "price-monitor.ts",
  "03-price-worker": "price-worker.ts",
  "04-price-feed-handler": "price-feed-handler.ts",
  "05-rate-limiter": "rate-limiter.ts",
  "06-order-book": "order-book.ts",
};

/** Cases that act as the file loads, from a solution. */
const AT_LOAD: readonly (Pick<HostileFixture, "prepend" | "why"> & { readonly expect: HostileOutcome })[] = [
  {
    prepend: "for (;;) {}\n",
    expect: { zero: "all", says: /hung while your code was loading/ },
    why: { es: "Un bucle infinito al cargarse.", en: "An infinite loop at load." },
  },
  {
    prepend: "process.exit(0);\n",
    expect: { zero: "all", says: /process\.exit\(0\)/ },
    why: { es: "process.exit(0) al cargarse.", en: "process.exit(0) at load." },
  },
  {
    prepend: "process.exit(1);\n",
    expect: { zero: "all", says: /process\.exit\(1\)/ },
    why: { es: "process.exit(1) al cargarse.", en: "process.exit(1) at load." },
  },
  {
    prepend: "(process as unknown as { reallyExit(code: number): never }).reallyExit(0);\n",
    expect: { zero: "all", says: /ended while your code was loading/ },
    why: { es: "Termina el proceso sin pasar por process.exit.", en: "Ends the process without going through process.exit." },
  },
  {
    prepend: 'throw new Error("boom at import");\n',
    expect: { zero: "all", says: /boom at import/ },
    why: { es: "Lanza un error al cargarse.", en: "Throws at load." },
  },
  {
    prepend: "const hoard: number[][] = [];\nfor (;;) hoard.push(new Array(1_000_000).fill(1));\n",
    expect: { zero: "all", says: /ran out of memory while your code was loading/ },
    why: { es: "Reserva memoria sin fin al cargarse.", en: "Allocates without bound at load." },
  },
  {
    prepend: "const = ;\n",
    expect: { zero: "all", says: /does not compile|Unexpected|Expected/ },
    why: { es: "Un error de sintaxis.", en: "A syntax error." },
  },
  {
    prepend: 'export const oops: number = "not a number";\n',
    expect: { zero: "all", says: /does not compile/ },
    why: { es: "Un error de tipos.", en: "A type error." },
  },
  // What the graders rely on lives in their own processes: replacing a global changes only the subject's.
  {
    prepend: "Date.now = () => 0;\n",
    expect: { atMostBase: true },
    why: { es: "Reemplaza Date.now.", en: "Replaces Date.now." },
  },
  {
    prepend: "globalThis.setTimeout = ((fn: () => void) => { fn(); return 0; }) as unknown as typeof setTimeout;\n",
    expect: { atMostBase: true },
    why: { es: "Reemplaza setTimeout.", en: "Replaces setTimeout." },
  },
  {
    prepend: "Math.random = () => 0.5;\n",
    expect: { sameAsBase: true },
    why: { es: "Reemplaza Math.random.", en: "Replaces Math.random." },
  },
  {
    prepend: "globalThis.Promise = class extends Promise<unknown> {} as unknown as PromiseConstructor;\n",
    expect: { atMostBase: true },
    why: { es: "Reemplaza Promise.", en: "Replaces Promise." },
  },
  {
    prepend: "console.log = () => undefined;\nconsole.error = () => undefined;\n",
    expect: { atMostBase: true },
    why: { es: "Silencia console.", en: "Silences console." },
  },
];

function atLoad(exercise: string, base: "solution" | "stub"): HostileFixture[] {
  const names = [
    "load-infinite-loop",
    "load-exit-0",
    "load-exit-1",
    "load-really-exit",
    "load-throws",
    "load-unbounded-memory",
    "syntax-error",
    "type-error",
    "load-replaces-date-now",
    "load-replaces-set-timeout",
    "load-replaces-math-random",
    "load-replaces-promise",
    "load-replaces-console",
  ];
  return AT_LOAD.map((fixture, i) => ({
    ...fixture,
    name: names[i] ?? `load-${i}`,
    exercise,
    file: FILES[exercise] ?? "",
    base,
  }));
}

/** Cases that act inside one handler of a solution: the tasks that reach that handler lose their points. */
function inHandler(where: keyof typeof HANDLERS): HostileFixture[] {
  const { exercise, find, zero } = HANDLERS[where];
  const at = (code: string): readonly (readonly [string, string])[] => [[find, `${code}\n${find}`]];
  const base = { exercise, file: FILES[exercise] ?? "", base: "solution" as const };
  return [
    {
      ...base,
      name: `${where}-infinite-loop`,
      patch: at("        for (;;) {}"),
      expect: { zero, says: /It hung/ },
      why: { es: "Un bucle infinito en un handler.", en: "An infinite loop in a handler." },
    },
    {
      ...base,
      name: `${where}-unbounded-memory`,
      patch: at("        { const hoard: number[][] = []; for (;;) hoard.push(new Array(1_000_000).fill(1)); }"),
      expect: { zero, says: /ran out of memory/ },
      why: { es: "Reserva memoria sin fin en un handler.", en: "Allocates without bound in a handler." },
    },
    {
      ...base,
      name: `${where}-exit-0`,
      patch: at("        process.exit(0);"),
      expect: { zero, says: /process\.exit\(0\)/ },
      why: { es: "process.exit(0) en un handler.", en: "process.exit(0) in a handler." },
    },
    {
      ...base,
      name: `${where}-exit-1`,
      patch: at("        process.exit(1);"),
      expect: { zero, says: /process\.exit\(1\)/ },
      why: { es: "process.exit(1) en un handler.", en: "process.exit(1) in a handler." },
    },
    {
      ...base,
      name: `${where}-really-exit`,
      patch: at("        (process as unknown as { reallyExit(code: number): never }).reallyExit(1);"),
      expect: { zero, says: /The process running your code ended \(code 1\)/ },
      why: { es: "Termina el proceso desde un handler.", en: "Ends the process from a handler." },
    },
    {
      ...base,
      name: `${where}-kill`,
      patch: at('        process.kill(process.pid, "SIGKILL");'),
      expect: { zero, says: /The process running your code ended \(SIGKILL\)/ },
      why: { es: "Mata su propio proceso desde un handler.", en: "Kills its own process from a handler." },
    },
    {
      ...base,
      name: `${where}-replaces-date-now`,
      patch: at("        Date.now = () => 0;"),
      expect: { atMostBase: true },
      why: { es: "Reemplaza Date.now en un handler.", en: "Replaces Date.now in a handler." },
    },
    {
      ...base,
      name: `${where}-replaces-math-random`,
      patch: at("        Math.random = () => 0;"),
      expect: { sameAsBase: true },
      why: { es: "Reemplaza Math.random en un handler.", en: "Replaces Math.random in a handler." },
    },
    {
      ...base,
      name: `${where}-adds-then-to-object`,
      patch: at('        Object.defineProperty(Object.prototype, "then", { value: undefined, configurable: true, writable: true });'),
      expect: { atMostBase: true },
      why: { es: "Convierte todo objeto en thenable.", en: "Makes every object a thenable." },
    },
  ];
}

/** Cases that try to get points they did not earn, from the stub. */
const CHEATS: readonly HostileFixture[] = [
  {
    name: "imports-vitest-to-rewrite-results",
    exercise: "05-rate-limiter",
    base: "stub",
    file: "rate-limiter.ts",
    prepend:
      '// @ts-ignore: outside the kit the compiler does not find vitest; the learner silences it.\nimport { afterEach } from "vitest";\nafterEach((context: { task: { result?: unknown } }) => {\n  context.task.result = { state: "pass" };\n});\n',
    expect: { zero: "all", says: /Your code imports "vitest"/ },
    why: { es: "Registra un hook que da por buena cada prueba.", en: "Registers a hook that marks every test as passed." },
  },
  {
    name: "imports-the-grading-helpers",
    exercise: "05-rate-limiter",
    base: "stub",
    file: "rate-limiter.ts",
    prepend:
      '// @ts-ignore: a learner silencing the compiler, which may not resolve #grading.\nimport * as grading from "#grading";\n(grading as unknown as { assertEqual: unknown }).assertEqual = () => undefined;\n',
    expect: { zero: "all", says: /Your code imports "#grading"/ },
    why: { es: "Intenta reemplazar las comprobaciones del corrector.", en: "Tries to replace the grader's checks." },
  },
  {
    name: "replaces-node-util-checks",
    exercise: "01-price-cache",
    base: "stub",
    file: "price-cache.ts",
    prepend: 'import util from "node:util";\n(util as unknown as { isDeepStrictEqual: unknown }).isDeepStrictEqual = () => true;\n',
    expect: { zero: "all", says: /TODO\(task/ },
    why: { es: "Reemplaza la igualdad profunda que usan las comprobaciones.", en: "Replaces the deep equality the checks use." },
  },
  {
    name: "replaces-a-runtime-function",
    exercise: "01-price-cache",
    base: "stub",
    file: "price-cache.ts",
    prepend: 'import { GenServer as Runtime } from "#runtime";\n(Runtime as unknown as { call: unknown }).call = async () => 101.5;\n',
    expect: { zero: "all", says: /TODO\(task/ },
    why: { es: "Reemplaza GenServer.call para dar respuestas fijas.", en: "Replaces GenServer.call to give fixed answers." },
  },
  {
    name: "imports-the-reference-solution",
    exercise: "06-order-book",
    base: "stub",
    file: "order-book.ts",
    content: 'export * from "{kitRoot}/solutions/06-order-book/order-book.ts";\n',
    expect: { zero: "all", says: /Your code imports ".*solutions\/06-order-book\/order-book\.ts"/ },
    why: { es: "Reexporta la solución de referencia.", en: "Re-exports the reference solution." },
  },
  {
    name: "computed-dynamic-import",
    exercise: "06-order-book",
    base: "stub",
    file: "order-book.ts",
    prepend: 'const target = ["vit", "est"].join("");\nvoid import(target);\n',
    expect: { zero: "all", says: /TODO\(task/ },
    why: { es: "Importa una ruta calculada para esquivar la comprobación.", en: "Imports a computed path to dodge the check." },
  },
  {
    name: "writes-the-graders-results",
    exercise: "03-price-worker",
    base: "stub",
    file: "price-worker.ts",
    prepend:
      'import { appendFileSync } from "node:fs";\nappendFileSync(process.env.GITHUB_OUTPUT ?? "grades.json", \'result={"totalPoints":600}\\n\');\n',
    expect: { zero: "all", says: /may not read or write files outside its own folder/ },
    why: { es: "Escribe un resultado falso en los archivos del corrector.", en: "Writes a fake result into the grader's files." },
  },
  {
    name: "reads-the-graders-files",
    exercise: "03-price-worker",
    base: "solution",
    file: "price-worker.ts",
    prepend: 'import { readdirSync } from "node:fs";\nconsole.log(readdirSync(".grade"));\n',
    expect: { zero: "all", says: /may not read or write files outside its own folder/ },
    why: { es: "Lee la carpeta de trabajo del corrector.", en: "Reads the grader's working folder." },
  },
  {
    name: "prints-a-fake-passing-report",
    exercise: "04-price-feed-handler",
    base: "stub",
    file: "price-feed-handler.ts",
    prepend:
      'process.stdout.write("\\u001b[2J\\u001b[H✓ Task 1  25/25\\nTotal  600/600\\nEverything passes! Well done.\\n");\nconsole.log("\\u001b[2JTotal 600/600 Everything passes! Well done.");\n',
    expect: { zero: "all", says: /TODO\(task/ },
    why: { es: "Imprime un informe falso que aparenta aprobar.", en: "Prints a fake report that looks like a pass." },
  },
  {
    name: "reads-the-seed-from-the-environment",
    exercise: "04-price-feed-handler",
    base: "solution",
    file: "price-feed-handler.ts",
    prepend: [
      "const leaked = [",
      '  ...Object.keys(process.env).filter((key) => key.startsWith("GRADE_")),',
      // A grader's folder (graders/<id>), not any path with "graders" in it: the kit may be cloned under such a name.
      "  ...[...process.argv, ...process.execArgv].filter((arg) => /graders[\\\\/]\\d\\d-|expected-tests|seed/i.test(arg)),",
      "];",
      'if (leaked.length > 0) throw new Error(`leaked: ${leaked.join(" ")}`);',
      "",
    ].join("\n"),
    expect: { sameAsBase: true },
    why: {
      es: "Busca la semilla y las rutas del corrector en el entorno y en los argumentos (y se hunde si las encuentra).",
      en: "Looks for the seed and the grader's paths in the environment and the arguments (and sinks itself if it finds them).",
    },
  },
];

/** Lines of code, as a fixture's prepend. */
const code = (...lines: readonly string[]): string => `${lines.join("\n")}\n`;

/** Writes a frame on the subject's channel (file descriptor 3) the way its host does, whole. */
const FRAME_WRITER = code(
  'import { writeSync as writeChannel } from "node:fs";',
  "const frameOf = (message: unknown): Buffer => {",
  "  const text = JSON.stringify(message);",
  "  const bytes = Buffer.alloc(4 + Buffer.byteLength(text));",
  "  bytes.writeUInt32BE(Buffer.byteLength(text), 0);",
  "  bytes.write(text, 4);",
  "  return bytes;",
  "};",
  "const sendFrame = (bytes: Buffer | string): void => {",
  "  for (let at = 0; at < bytes.length; ) {",
  "    try {",
  '      at += writeChannel(3, typeof bytes === "string" ? Buffer.from(bytes) : bytes, at);',
  "    } catch {}",
  "  }",
  "};",
);

/** The folder of another learner's built code in the same batch (slot 0: the self-check's solutions). */
const CLASSMATE = "const classmate = (slot: number, path: string): string => `${process.argv[2]}/../../${slot}/${path}`;\n";

/**
 * What a submission could try against the boundary itself, one family per mechanism. The probes start from a
 * solution and sink it (throw at load) when they find what they look for: keeping every point proves they found
 * nothing. The attempts start from the stub and must earn nothing it does not.
 */
const MECHANISMS: readonly HostileFixture[] = [
  // The test framework's state: the graders run in vitest, in processes of their own.
  {
    name: "looks-for-the-test-runner",
    exercise: "01-price-cache",
    base: "solution",
    file: FILES["01-price-cache"] ?? "",
    prepend: code(
      'const runner = ["__vitest_worker__", "__vitest_index__", "__vitest_environment__", "__vitest_mocker__", "expect", "vi"].filter((key) => key in globalThis);',
      "let importable = false;",
      "try {",
      '  await import(["vit", "est"].join(""));',
      "  importable = true;",
      "} catch {}",
      'if (runner.length > 0 || importable) throw new Error(`the test runner is within reach: ${runner.join(", ")} ${importable}`);',
    ),
    expect: { sameAsBase: true },
    why: {
      es: "Busca el estado de vitest (sus globales, su módulo) para reescribir los resultados (y se hunde si lo encuentra).",
      en: "Looks for vitest's state (its globals, its module) to rewrite the results (and sinks itself if it finds it).",
    },
  },
  // The result channel: the only way out is the channel, and it carries answers, never verdicts.
  {
    name: "answers-in-place-of-its-host",
    exercise: "01-price-cache",
    base: "stub",
    file: FILES["01-price-cache"] ?? "",
    prepend: code(
      FRAME_WRITER,
      "type Handle = { _handle?: { fd?: number }; on?: (event: string, listener: (chunk: Buffer) => void) => void };",
      "for (const handle of (process as unknown as { _getActiveHandles(): Handle[] })._getActiveHandles()) {",
      '  if (handle._handle?.fd !== 3 || typeof handle.on !== "function") continue;',
      "  // Every request read on the channel gets a reply of true before the host can answer.",
      '  handle.on("data", (chunk) => {',
      '    for (const match of chunk.toString("latin1").matchAll(/"id":(\\d+)/g))',
      '      sendFrame(frameOf({ type: "reply", id: Number(match[1]), ok: true, value: true, sync: true }));',
      "  });",
      "}",
    ),
    expect: { atMostBase: true },
    why: {
      es: "Se apodera del canal y responde «true» a cada petición del corrector antes que su host.",
      en: "Takes over the channel and answers true to every request of the grader before its host does.",
    },
  },
  {
    name: "writes-a-verdict-on-the-channel",
    exercise: "03-price-worker",
    base: "stub",
    file: FILES["03-price-worker"] ?? "",
    prepend: code(FRAME_WRITER, 'sendFrame(frameOf({ type: "verdict", passed: true, points: 600 }));', 'sendFrame("all tests passed");'),
    expect: { zero: "all", says: /not a valid answer/ },
    why: {
      es: "Escribe un veredicto de aprobado en el canal del corrector.",
      en: "Writes a passing verdict on the grader's channel.",
    },
  },
  // Other learners: their code, their processes.
  {
    name: "reads-a-classmates-code",
    exercise: "03-price-worker",
    base: "solution",
    file: FILES["03-price-worker"] ?? "",
    prepend: code(
      'import { readdirSync, readFileSync } from "node:fs";',
      CLASSMATE,
      "const reached: string[] = [];",
      "for (let slot = 0; slot < 8; slot++) {",
      '  for (const path of ["impl/03-price-worker/price-worker.mjs", "impl/01-price-cache/price-cache.mjs", "graders/03-price-worker/price-worker.test.ts"]) {',
      "    try {",
      "      readFileSync(classmate(slot, path));",
      "      reached.push(`${slot}/${path}`);",
      "    } catch {}",
      "  }",
      "}",
      "try {",
      "  reached.push(...readdirSync(`${process.argv[2]}/../..`));",
      "} catch {}",
      "for (const variable of Object.keys(process.env)) reached.push(variable);",
      'if (reached.some((entry) => !["TZ", "LANG"].includes(entry))) throw new Error(`reached: ${reached.join(", ")}`);',
    ),
    expect: { sameAsBase: true },
    why: {
      es: "Intenta leer el código de otros estudiantes del mismo lote (y se hunde si lo consigue).",
      en: "Tries to read other learners' code in the same batch (and sinks itself if it can).",
    },
  },
  {
    name: "copies-a-classmates-compiled-solution",
    exercise: "01-price-cache",
    base: "stub",
    file: FILES["01-price-cache"] ?? "",
    content: code(
      'import { pathToFileURL } from "node:url";',
      CLASSMATE,
      "type Fn = (...args: unknown[]) => unknown;",
      "let borrowed: Record<string, Fn> = {};",
      "try {",
      '  borrowed = (await import(pathToFileURL(classmate(0, "impl/01-price-cache/price-cache.mjs")).href)) as Record<string, Fn>;',
      "} catch (error) {",
      "  console.log(`could not borrow: ${String(error)}`);",
      "}",
      "const use =",
      "  (name: string): Fn =>",
      "  (...args) => {",
      "    const fn = borrowed[name];",
      '    if (fn === undefined) throw new Error("TODO(task 1)");',
      "    return fn(...args);",
      "  };",
      'export const start = use("start");',
      'export const startLink = use("startLink");',
      'export const get = use("get");',
      'export const put = use("put");',
    ),
    expect: { zero: "all", says: /TODO\(task 1\)/ },
    why: {
      es: "No escribe código propio: importa la solución compilada de otro estudiante del lote.",
      en: "Writes no code of its own: imports another learner's compiled solution from the batch.",
    },
  },
  {
    name: "signals-other-processes",
    exercise: "02-price-monitor",
    base: "solution",
    file: FILES["02-price-monitor"] ?? "",
    prepend: code(
      'import { setPriority } from "node:os";',
      "const targets = [process.ppid, 0, -1, ...Array.from({ length: 40 }, (_, i) => process.pid - 20 + i)].filter((pid) => pid !== process.pid);",
      "let reached = 0;",
      "for (const target of targets) {",
      "  try {",
      "    // A lower priority is what any process may give another of its user's: it would starve the grader.",
      "    // (To setPriority, 0 is the process itself.)",
      "    if (target > 0) {",
      "      setPriority(target, 19);",
      "      reached++;",
      "    }",
      "  } catch {}",
      "  try {",
      '    process.kill(target, "SIGKILL");',
      "    reached++;",
      "  } catch {}",
      "}",
      "if (reached > 0) throw new Error(`processes reached: ${reached}`);",
    ),
    expect: { sameAsBase: true },
    why: {
      es: "Intenta matar o dejar sin prioridad a su corrector, a todo el grupo de procesos y a los de otros estudiantes (y se hunde si lo consigue).",
      en: "Tries to kill, or lower the priority of, its grader, its whole process group and other learners' processes (and sinks itself if it can).",
    },
  },
  // The network: no answers, and no code, from elsewhere.
  {
    name: "reaches-the-network",
    exercise: "01-price-cache",
    base: "solution",
    file: FILES["01-price-cache"] ?? "",
    prepend: code(
      'import { lookup } from "node:dns/promises";',
      'import { connect, createServer } from "node:net";',
      "// Each attempt must fail with the kit's refusal: a connection refused for want of a listener proves nothing.",
      "const refused = async (attempt: () => unknown): Promise<boolean> => {",
      "  try {",
      "    await attempt();",
      "    return false;",
      "  } catch (error) {",
      '    return (error as NodeJS.ErrnoException).code === "EACCES" && /may not use the network/.test(String(error));',
      "  }",
      "};",
      "const reached = [];",
      "for (const [what, attempt] of [",
      '  ["fetch", () => fetch("http://127.0.0.1:9/answers.json")],',
      '  ["connect", () => new Promise((resolve, reject) => connect(9, "127.0.0.1").on("connect", resolve).on("error", reject))],',
      '  ["listen", () => new Promise((resolve, reject) => createServer().listen(0, "127.0.0.1", () => resolve(0)).on("error", reject))],',
      '  ["lookup", () => lookup("localhost")],',
      "] as const) {",
      "  if (!(await refused(attempt))) reached.push(what);",
      "}",
      'if (reached.length > 0) throw new Error(`the network was within reach: ${reached.join(", ")}`);',
    ),
    expect: { sameAsBase: true },
    why: {
      es: "Intenta conectarse, escuchar, resolver nombres y descargar (sus respuestas, o el código de otro) por la red (y se hunde si no se lo impide el corrector).",
      en: "Tries to connect, listen, resolve names and fetch (its answers, or someone else's code) over the network (and sinks itself unless the grader refuses it).",
    },
  },
  // Time: an answer held back, or CPU spent out of sight on the thread pool, is stopped in bounded time.
  {
    name: "holds-back-its-answers",
    exercise: "01-price-cache",
    base: "solution",
    file: FILES["01-price-cache"] ?? "",
    prepend: code(
      "// The channel's pipe, under every writer: the host's own write and the stream it captured end here.",
      "type Pipe = Record<string, (...args: unknown[]) => number>;",
      "type Handle = { _handle?: Pipe & { fd?: number } };",
      "const HOLD_MS = 60_000;",
      "let writes = 0;",
      "for (const handle of (process as unknown as { _getActiveHandles(): Handle[] })._getActiveHandles()) {",
      "  const pipe = handle._handle;",
      "  if (pipe?.fd !== 3) continue;",
      '  for (const method of ["writeBuffer", "writev", "writeUtf8String", "writeLatin1String", "writeAsciiString"]) {',
      "    const original = pipe[method];",
      '    if (typeof original !== "function") continue;',
      "    pipe[method] = function (this: Pipe, ...args: unknown[]): number {",
      "      // The reply to the load goes out; the next one is held for a minute, no CPU spent.",
      "      if (++writes !== 2) return original.apply(this, args);",
      "      setTimeout(() => original.apply(this, args), HOLD_MS);",
      "      return 0;",
      "    };",
      "  }",
      "}",
    ),
    expect: { atMostBase: true, says: /It never answered: it sat waiting with nothing to do/ },
    why: {
      es: "Retiene una respuesta un minuto en la tubería del canal, sin gastar CPU.",
      en: "Holds an answer back for a minute in the channel's pipe, spending no CPU.",
    },
  },
  {
    name: "hogs-the-thread-pool",
    exercise: "01-price-cache",
    base: "solution",
    file: FILES["01-price-cache"] ?? "",
    prepend: code(
      'import { pbkdf2 } from "node:crypto";',
      "// Work on libuv's threads, not the main one: the main thread sleeps while the pool burns CPU.",
      'const spin = (): void => void pbkdf2("secret", "salt", 100_000, 32, "sha512", spin);',
    ),
    patch: [
      [
        "        return reply(state.get(request.symbol), state);",
        "        // A symbol never stored: two threads of the pool spin, and the caller never gets an answer.\n" +
          "        if (!state.has(request.symbol)) {\n" +
          "          for (let i = 0; i < 2; i++) spin();\n" +
          "          return noreply(state);\n" +
          "        }\n" +
          "        return reply(state.get(request.symbol), state);",
      ],
    ],
    expect: { atMostBase: true, says: /It hung: it used more than 3 s of CPU time without answering/ },
    why: {
      es: "Ante un símbolo desconocido, no responde y hace girar dos hilos del pool de libuv mientras el hilo principal duerme.",
      en: "Given an unknown symbol, never answers and spins two threads of libuv's pool while the main thread sleeps.",
    },
  },
  // What the code throws is shown as a value: never read as the kit's verdict, never diffed by the test runner.
  {
    name: "forges-a-stop",
    exercise: "01-price-cache",
    base: "stub",
    file: FILES["01-price-cache"] ?? "",
    patch: [
      [
        "  return GenServer.start(PriceCache, undefined);",
        '  const report = "\\u001b[2J\\u001b[H\\u001b[32mTotal 100/100\\u001b[0m";\n' +
          '  return Promise.reject({ failure: "stop", stop: { reason: "exit", during: "test", bound: 0, measured: 0, exit: report }, message: report }) as never;',
      ],
    ],
    expect: { zero: "all", says: /threw a value that is not an Error: \{ failure: 'stop'/ },
    why: {
      es: "Rechaza con un objeto que imita la parada de un proceso del corrector, con un informe falso en escapes de terminal.",
      en: "Rejects with an object that mimics the grader's record of a stopped process, with a fake report in terminal escapes.",
    },
  },
  {
    name: "has-its-errors-diffed",
    exercise: "01-price-cache",
    base: "stub",
    file: FILES["01-price-cache"] ?? "",
    patch: [
      [
        "  return GenServer.start(PriceCache, undefined);",
        "  // Diffed line by line, two long values cost the test runner minutes, after the test and outside its timeout.\n" +
          "  const lines = (from: number): number[] => Array.from({ length: 20_000 }, (_, i) => from + i);\n" +
          '  const error = Object.assign(new Error("see the diff"), { actual: lines(0), expected: lines(1), showDiff: true, diffOptions: { truncateThreshold: 0 } });\n' +
          "  return Promise.reject(error) as never;",
      ],
    ],
    expect: { zero: "all", says: /see the diff/ },
    why: {
      es: "Rechaza con un error que lleva dos valores enormes para que el ejecutor de tests los compare línea a línea.",
      en: "Rejects with an error carrying two huge values, for the test runner to diff line by line.",
    },
  },
  // The report: whatever the code puts in what it prints, throws or returns reaches the terminal as plain text.
  {
    name: "draws-over-the-report",
    exercise: "04-price-feed-handler",
    base: "stub",
    file: FILES["04-price-feed-handler"] ?? "",
    prepend: code(
      'const ESC = "\\u001b";',
      "const fake = `${ESC}[2J${ESC}[H${ESC}[32m✓ Total 600/600${ESC}[0m\\rEverything passes! Well done.${ESC}]8;;https://example.com${ESC}\\\\`;",
      "console.log(fake);",
      "console.error(fake);",
      "process.stdout.write(fake);",
      "const Original = Error;",
      "// Every error this process makes (the stub's TODO, the runtime's own) carries the fake report.",
      "globalThis.Error = class extends Original {",
      "  constructor(message?: string) {",
      '    super(`${fake} ${message ?? ""}`);',
      "    this.name = fake;",
      "  }",
      "} as ErrorConstructor;",
    ),
    expect: { zero: "all", says: /TODO\(task/ },
    why: {
      es: "Pone escapes de terminal en lo que imprime, en los mensajes y en los nombres de sus errores para dibujar un informe falso.",
      en: "Puts terminal escapes in what it prints, in its errors' messages and names, to draw a fake report.",
    },
  },
  // Output: a bounded part of what the console prints crosses; past the bound, the subject is stopped.
  {
    name: "floods-the-console",
    exercise: "01-price-cache",
    base: "solution",
    file: FILES["01-price-cache"] ?? "",
    patch: [
      ["    return ok(new Map());", '    for (let i = 0; i < 20_000; i++) console.log("x".repeat(1_000));\n    return ok(new Map());'],
    ],
    expect: { sameAsBase: true },
    why: { es: "Imprime 20 MB con console.log en cada arranque.", en: "Prints 20 MB with console.log at every start." },
  },
  {
    name: "floods-stdout",
    exercise: "01-price-cache",
    base: "solution",
    file: FILES["01-price-cache"] ?? "",
    patch: [
      [
        "    return ok(new Map());",
        '    for (let i = 0; i < 20; i++) process.stdout.write("y".repeat(1_048_576));\n    return ok(new Map());',
      ],
    ],
    expect: { sameAsBase: true },
    why: {
      es: "Escribe 20 MB directamente en process.stdout en cada arranque.",
      en: "Writes 20 MB straight to process.stdout at every start.",
    },
  },
  {
    name: "floods-stderr",
    exercise: "01-price-cache",
    base: "solution",
    file: FILES["01-price-cache"] ?? "",
    patch: [
      [
        "    return ok(new Map());",
        '    for (let i = 0; i < 20; i++) process.stderr.write("z".repeat(1_048_576));\n    return ok(new Map());',
      ],
    ],
    expect: { atMostBase: true, says: /It printed too much: more than 64 MB/ },
    why: {
      es: "Escribe 20 MB directamente en process.stderr en cada arranque.",
      en: "Writes 20 MB straight to process.stderr at every start.",
    },
  },
];

/**
 * Canned answers: `put` stores a wrong price (0) but, when it sees the subject's host on the stack (it is being
 * graded), the prices that the examples of task 2 expect under seed 1, as a learner could copy them from a local
 * run with `--seed 1`. Graded with another seed, it must earn exactly what the same code without the table earns.
 */
const CANNED_TABLE =
  'new Map<string, number>([["GUHCLP", 89752.45], ["RTVMXN", 96433.23], ["RVWMXN", 72086.36], ["HQGEUR", 7159.61], ["ZSSCLP", 37565.28]])';
const putLine = '  return GenServer.cast(server, { type: "put", symbol, price });';
const graded = 'const graded = (): boolean => /host\\.mjs/.test(new Error().stack ?? "");\n';
const CANNED: readonly HostileFixture[] = [
  {
    name: "canned-answers-for-another-seed",
    exercise: "01-price-cache",
    base: "solution",
    file: "price-cache.ts",
    prepend: `${graded}const canned = ${CANNED_TABLE};\n`,
    patch: [[putLine, '  return GenServer.cast(server, { type: "put", symbol, price: graded() ? (canned.get(symbol) ?? 0) : price });']],
    expect: { earnsAs: "canned-answers-control" },
    why: { es: "Respuestas fijas para los ejemplos de otra semilla.", en: "Canned answers for another seed's examples." },
  },
  {
    name: "canned-answers-control",
    exercise: "01-price-cache",
    base: "solution",
    file: "price-cache.ts",
    prepend: graded,
    patch: [[putLine, '  return GenServer.cast(server, { type: "put", symbol, price: graded() ? 0 : price });']],
    expect: { loses: [2] },
    why: { es: "El mismo código sin la tabla: put guarda 0.", en: "The same code without the table: put stores 0." },
  },
];

export const hostileFixtures: readonly HostileFixture[] = [
  ...atLoad("01-price-cache", "solution"),
  ...atLoad("06-order-book", "solution"),
  ...inHandler("cleanup"),
  ...inHandler("check"),
  ...CHEATS,
  ...MECHANISMS,
  ...CANNED,
];

/**
 * Writes `fixture` as an implementation folder under `dir` (`dir/<exercise>/…`): its base copied from the kit,
 * then its file patched. Throws when a `find` does not occur exactly once.
 */
export function writeHostileFixture(kitRoot: string, fixture: HostileFixture, dir: string): void {
  const target = join(dir, fixture.exercise);
  cpSync(join(kitRoot, fixture.base === "stub" ? "exercises" : "solutions", fixture.exercise), target, { recursive: true });
  const file = join(target, fixture.file);
  let source = readFileSync(file, "utf8");
  for (const [find, replace] of fixture.patch ?? []) {
    const count = source.split(find).length - 1;
    if (count !== 1) throw new Error(`hostile fixture ${fixture.name}: ${JSON.stringify(find)} occurs ${count} times, expected once`);
    source = source.replace(find, () => replace);
  }
  if (fixture.content !== undefined) source = fixture.content.replaceAll("{kitRoot}", kitRoot.replaceAll("\\", "/"));
  writeFileSync(file, `${fixture.prepend ?? ""}${source}`);
}

/** What the learner reads: the exercise's error, the failed tests' messages and what the code logged there. */
function saidIn(exercise: GradedExercise): string[] {
  return [
    exercise.error ?? "",
    ...exercise.tasks.flatMap((task) => task.tests.filter((test) => !test.passed).flatMap((test) => [test.message, ...test.output])),
  ];
}

/** What is wrong with the grade of `fixture` (empty when it is graded as it must be), beside its base's grade. */
export function hostileVerdict(
  fixture: HostileFixture,
  exercise: GradedExercise,
  base: GradedExercise | undefined,
  earnedBy: (name: string) => GradedExercise | undefined,
): string[] {
  const problems: string[] = [];
  const outcome = fixture.expect;
  const earnedIn = (report: GradedExercise | undefined, n: number): number | undefined =>
    report?.tasks.find((task) => task.n === n)?.earned;
  if ("earnsAs" in outcome || "sameAsBase" in outcome) {
    const control = "earnsAs" in outcome ? earnedBy(outcome.earnsAs) : base;
    const label = "earnsAs" in outcome ? outcome.earnsAs : `its base (${fixture.base})`;
    for (const task of exercise.tasks) {
      const expected = earnedIn(control, task.n);
      if (task.earned !== expected) problems.push(`task ${task.n}: earned ${task.earned}, ${label} earned ${String(expected)}`);
    }
  } else if ("atMostBase" in outcome) {
    for (const task of exercise.tasks) {
      const ceiling = earnedIn(base, task.n);
      if (ceiling === undefined || task.earned > ceiling)
        problems.push(`task ${task.n}: earned ${task.earned}, its base (${fixture.base}) earned ${String(ceiling)}`);
    }
  } else if ("loses" in outcome) {
    for (const n of outcome.loses) {
      const task = exercise.tasks.find((candidate) => candidate.n === n);
      if (task === undefined || task.earned >= task.points)
        problems.push(`task ${n}: earned ${task?.earned ?? "?"} of ${task?.points ?? "?"}`);
    }
  } else {
    const zero = outcome.zero === "all" ? exercise.tasks.map((task) => task.n) : outcome.zero;
    for (const task of exercise.tasks) {
      if (zero.includes(task.n) && task.earned !== 0) problems.push(`task ${task.n}: earned ${task.earned}, expected 0`);
      if (!zero.includes(task.n) && fixture.base === "solution" && task.earned !== task.points)
        problems.push(`task ${task.n}: earned ${task.earned}, expected all ${task.points}`);
    }
    const messages = saidIn(exercise);
    if (!messages.some((message) => outcome.says.test(message)))
      problems.push(`no message says ${String(outcome.says)}: ${JSON.stringify(messages.slice(0, 3))}`);
  }
  return problems;
}
