/**
 * Hostile and broken submissions: code that loops, never answers, eats memory, ends the process, throws or does
 * not compile; that replaces what the graders rely on, reaches for the grader's files or the test runner, prints
 * a fake report, or keeps canned answers. The kit's self-test grades each one and checks it ends with 0 points on
 * the tasks it affects, full points on the others, and a report that says what happened.
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

/** Cases that act as the file loads: every task is affected. */
const AT_LOAD: readonly (Pick<HostileFixture, "prepend" | "why"> & { readonly says: RegExp })[] = [
  {
    prepend: "for (;;) {}\n",
    says: /hung while loading|while your code was loading/,
    why: { es: "Un bucle infinito al cargarse.", en: "An infinite loop at load." },
  },
  {
    prepend: "process.exit(0);\n",
    says: /process\.exit/,
    why: { es: "process.exit(0) al cargarse.", en: "process.exit(0) at load." },
  },
  {
    prepend: "process.exit(1);\n",
    says: /process\.exit/,
    why: { es: "process.exit(1) al cargarse.", en: "process.exit(1) at load." },
  },
  {
    prepend: "(process as unknown as { reallyExit(code: number): never }).reallyExit(0);\n",
    says: /the process ended while your code was loading/,
    why: { es: "Termina el proceso sin pasar por process.exit.", en: "Ends the process without going through process.exit." },
  },
  {
    prepend: 'throw new Error("boom at import");\n',
    says: /boom at import/,
    why: { es: "Lanza un error al cargarse.", en: "Throws at load." },
  },
  {
    prepend: "const hoard: number[][] = [];\nfor (;;) hoard.push(new Array(1_000_000).fill(1));\n",
    says: /ran out of memory while your code was loading/,
    why: { es: "Reserva memoria sin fin al cargarse.", en: "Allocates without bound at load." },
  },
  {
    prepend: "const = ;\n",
    says: /does not compile|Unexpected|Expected/,
    why: { es: "Un error de sintaxis.", en: "A syntax error." },
  },
  {
    prepend: 'export const oops: number = "not a number";\n',
    says: /does not compile/,
    why: { es: "Un error de tipos.", en: "A type error." },
  },
  {
    prepend: "Date.now = () => 0;\n",
    says: /When it loaded, your code changed what the grader relies on: Date\.now/,
    why: { es: "Reemplaza Date.now.", en: "Replaces Date.now." },
  },
  {
    prepend: "globalThis.setTimeout = ((fn: () => void) => { fn(); return 0; }) as unknown as typeof setTimeout;\n",
    says: /changed what the grader relies on: setTimeout/,
    why: { es: "Reemplaza setTimeout.", en: "Replaces setTimeout." },
  },
  {
    prepend: "Math.random = () => 0.5;\n",
    says: /changed what the grader relies on: Math\.random/,
    why: { es: "Reemplaza Math.random.", en: "Replaces Math.random." },
  },
  {
    prepend: "globalThis.Promise = class extends Promise<unknown> {} as unknown as PromiseConstructor;\n",
    says: /changed what the grader relies on: Promise/,
    why: { es: "Reemplaza Promise.", en: "Replaces Promise." },
  },
  {
    prepend: "console.log = () => undefined;\nconsole.error = () => undefined;\n",
    says: /changed what the grader relies on: console\.log/,
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
  return AT_LOAD.map(({ says, ...fixture }, i) => ({
    ...fixture,
    name: names[i] ?? `load-${i}`,
    exercise,
    file: FILES[exercise] ?? "",
    base,
    expect: { zero: "all", says },
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
      expect: { zero, says: /process\.exit/ },
      why: { es: "process.exit(0) en un handler.", en: "process.exit(0) in a handler." },
    },
    {
      ...base,
      name: `${where}-exit-1`,
      patch: at("        process.exit(1);"),
      expect: { zero, says: /process\.exit/ },
      why: { es: "process.exit(1) en un handler.", en: "process.exit(1) in a handler." },
    },
    {
      ...base,
      name: `${where}-really-exit`,
      patch: at("        (process as unknown as { reallyExit(code: number): never }).reallyExit(1);"),
      expect: { zero, says: /The process running your code ended during this test/ },
      why: { es: "Termina el proceso desde un handler.", en: "Ends the process from a handler." },
    },
    {
      ...base,
      name: `${where}-kill`,
      patch: at('        process.kill(process.pid, "SIGKILL");'),
      expect: { zero, says: /The process running your code ended during this test/ },
      why: { es: "Mata su propio proceso desde un handler.", en: "Kills its own process from a handler." },
    },
    {
      ...base,
      name: `${where}-replaces-date-now`,
      patch: at("        Date.now = () => 0;"),
      expect: { zero, says: /your code changed (what the grader relies on|the grader's clock): .*Date\.now/ },
      why: { es: "Reemplaza Date.now en un handler.", en: "Replaces Date.now in a handler." },
    },
    {
      ...base,
      name: `${where}-replaces-math-random`,
      patch: at("        Math.random = () => 0;"),
      expect: { zero, says: /your code changed what the grader relies on: Math\.random/ },
      why: { es: "Reemplaza Math.random en un handler.", en: "Replaces Math.random in a handler." },
    },
    {
      ...base,
      name: `${where}-adds-then-to-object`,
      patch: at('        Object.defineProperty(Object.prototype, "then", { value: undefined, configurable: true, writable: true });'),
      expect: { zero, says: /your code changed what the grader relies on: Object\.prototype\.then/ },
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
    expect: { zero: "all", says: /changed what the grader relies on: node:util\.isDeepStrictEqual/ },
    why: { es: "Reemplaza la igualdad profunda que usan las comprobaciones.", en: "Replaces the deep equality the checks use." },
  },
  {
    name: "replaces-a-runtime-function",
    exercise: "01-price-cache",
    base: "stub",
    file: "price-cache.ts",
    prepend: 'import { GenServer as Runtime } from "#runtime";\n(Runtime as unknown as { call: unknown }).call = async () => 101.5;\n',
    expect: { zero: "all", says: /changed what the grader relies on: GenServer\.call/ },
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
    expect: { zero: "all", says: /an import\(\) of a computed path cannot be checked/ },
    why: { es: "Importa una ruta calculada para esquivar la comprobación.", en: "Imports a computed path to dodge the check." },
  },
  {
    name: "writes-the-graders-results",
    exercise: "03-price-worker",
    base: "stub",
    file: "price-worker.ts",
    prepend:
      'import { appendFileSync } from "node:fs";\nappendFileSync(process.env.GITHUB_OUTPUT ?? "grades.json", \'result={"totalPoints":600}\\n\');\n',
    expect: { zero: "all", says: /may not read or write files outside|Access to this API has been restricted/ },
    why: { es: "Escribe un resultado falso en los archivos del corrector.", en: "Writes a fake result into the grader's files." },
  },
  {
    name: "reads-the-graders-files",
    exercise: "03-price-worker",
    base: "solution",
    file: "price-worker.ts",
    prepend: 'import { readdirSync } from "node:fs";\nconsole.log(readdirSync(".grade"));\n',
    expect: { zero: "all", says: /may not read or write files outside|Access to this API has been restricted/ },
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
    base: "stub",
    file: "price-feed-handler.ts",
    prepend:
      'const leaked = Object.keys(process.env).filter((key) => key.startsWith("GRADE_")).concat(process.execArgv.filter((arg) => arg.includes("allow-fs")));\nif (leaked.length > 0) throw new Error("leaked: " + leaked.join(" "));\n',
    expect: { zero: "all", says: /TODO\(task/ },
    why: {
      es: "Busca la semilla y las rutas del corrector en el entorno.",
      en: "Looks for the seed and the grader's paths in the environment.",
    },
  },
];

/**
 * Canned answers: `put` stores a wrong price (0) but, when it sees a grader on the stack, the prices that the
 * examples of task 2 expect under seed 1, as a learner could copy them from a local run with `--seed 1`. Graded
 * with another seed, it must earn exactly what the same code without the table earns.
 */
const CANNED_TABLE =
  'new Map<string, number>([["GUHCLP", 89752.45], ["RTVMXN", 96433.23], ["RVWMXN", 72086.36], ["HQGEUR", 7159.61], ["ZSSCLP", 37565.28]])';
const putLine = '  return GenServer.cast(server, { type: "put", symbol, price });';
const graded = 'const graded = (): boolean => /graders[\\\\/]01-price-cache[\\\\/]/.test(new Error().stack ?? "");\n';
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

/** What is wrong with the grade of `fixture` (empty when it is graded as it must be). */
export function hostileVerdict(
  fixture: HostileFixture,
  exercise: GradedExercise,
  earnedBy: (name: string) => GradedExercise | undefined,
): string[] {
  const problems: string[] = [];
  const outcome = fixture.expect;
  if ("earnsAs" in outcome) {
    const control = earnedBy(outcome.earnsAs);
    for (const task of exercise.tasks) {
      const expected = control?.tasks.find((candidate) => candidate.n === task.n)?.earned;
      if (task.earned !== expected) problems.push(`task ${task.n}: earned ${task.earned}, ${outcome.earnsAs} earned ${String(expected)}`);
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
    // What the learner reads: the exercise's error, the failed tests' messages and what the code logged there.
    const messages = [
      exercise.error ?? "",
      ...exercise.tasks.flatMap((task) => task.tests.filter((test) => !test.passed).flatMap((test) => [test.message, ...test.output])),
    ];
    if (!messages.some((message) => outcome.says.test(message)))
      problems.push(`no message says ${String(outcome.says)}: ${JSON.stringify(messages.slice(0, 3))}`);
  }
  return problems;
}
