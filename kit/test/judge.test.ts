import { describe, expect, it } from "vitest";
import type { StopInfo, TestObservation } from "#protocol";
import type { CatalogExercise } from "../catalog.ts";
import { judgeExercise, testCodeAt } from "../judge.ts";
import type { RawError, RawModule, RawTest } from "../run-graders.ts";
import type { TypeErrorInfo } from "../typecheck.ts";

/** An exercise of two tasks: task 1 (40 points, tests a and b), task 2 (60 points, test c). */
const exercise: CatalogExercise = {
  id: "99-example",
  title: { es: "Ejemplo", en: "Example" },
  file: "example.ts",
  tasks: [
    { n: 1, title: { es: "Uno", en: "One" }, points: 40, uses: ["init", "start"] },
    { n: 2, title: { es: "Dos", en: "Two" }, points: 60, uses: ["init", "start", "handleCall"] },
  ],
};
const FILE = "graders/99-example/example.test.ts";
const expected = {
  "example.test.ts": [
    { task: 1, name: "a" },
    { task: 1, name: "b" },
    { task: 2, name: "c" },
  ],
};

const hang: StopInfo = { reason: "hang", during: "test", bound: 3000, measured: 3012 };
const loadHang: StopInfo = { reason: "hang", during: "load", bound: 3000, measured: 3005 };

const error = (failure: RawError["failure"], message: string, stop: StopInfo | null = null): RawError => ({
  name: failure === "subject-error" ? "TypeError" : "GradingFailure",
  message,
  failure,
  stop,
  where: null,
});

function test(
  name: string,
  task: number,
  state: RawTest["state"],
  errors: RawError[] = [],
  observation: Partial<TestObservation> = {},
): RawTest {
  return { name, task, state, errors, line: 1, durationMs: 1, observation: { output: [], stop: null, ...observation } };
}

/** A compiler error in the exercise's file, inside `within` when given. */
const typeError = (within?: string, more: Partial<TypeErrorInfo> = {}): TypeErrorInfo => ({
  file: "exercises/99-example/example.ts",
  line: 3,
  column: 5,
  message: "Type 'string' is not assignable to type 'number'.",
  kind: "type",
  ...(within === undefined ? {} : { within }),
  ...more,
});

function judge(tests: RawTest[], options: { typeErrors?: boolean | TypeErrorInfo[]; fileErrors?: RawError[]; modules?: RawModule[] } = {}) {
  const module: RawModule = { exercise: exercise.id, file: FILE, tests, errors: options.fileErrors ?? [] };
  return judgeExercise({
    exercise,
    modules: options.modules ?? [module],
    expected,
    sources: new Map([[FILE, 'it("a", () => {\n  one();\n});\n']]),
    typeErrors: options.typeErrors === true ? [typeError()] : Array.isArray(options.typeErrors) ? options.typeErrors : [],
    lang: "en",
  });
}

const pass = (name: string, task: number): RawTest => test(name, task, "passed");

describe("judgeExercise", () => {
  it.each([
    {
      case: "every test passes",
      tests: [pass("a", 1), pass("b", 1), pass("c", 2)],
      points: [40, 60],
      status: "pass",
    },
    {
      case: "a failed check costs its share of the task",
      tests: [pass("a", 1), test("b", 1, "failed", [error("check", "Expected 1, got 2")]), pass("c", 2)],
      points: [20, 60],
      status: "fail",
    },
    {
      case: "a test that never reported counts as failed",
      tests: [pass("a", 1), pass("b", 1)],
      points: [40, 0],
      status: "fail",
    },
    {
      case: "a test during which the subject stopped failed, whatever vitest said",
      tests: [pass("a", 1), test("b", 1, "passed", [], { stop: hang }), pass("c", 2)],
      points: [20, 60],
      status: "fail",
    },
    {
      case: "a load failure fails everything and is the exercise's error",
      tests: ["a", "b", "c"].map((name, i) => test(name, i < 2 ? 1 : 2, "failed", [error("load", "It hung while loading", loadHang)])),
      points: [0, 0],
      status: "error",
    },
    {
      case: "a reported test the manifest does not list earns nothing",
      tests: [pass("a", 1), pass("b", 1), pass("c", 2), pass("extra", 2)],
      points: [40, 60],
      status: "pass",
    },
  ])("should grade: $case", ({ tests, points, status }) => {
    const graded = judge(tests);
    expect(graded.tasks.map((task) => task.earned)).toEqual(points);
    expect(graded.status).toBe(status);
    expect(graded.earned).toBe(points.reduce((sum, n) => sum + n, 0));
  });

  it("should give nothing and say so once when the code does not compile", () => {
    const graded = judge([pass("a", 1), pass("b", 1), pass("c", 2)], { typeErrors: true });
    expect(graded.earned).toBe(0);
    expect(graded.status).toBe("error");
    expect(graded.error).toMatch(/does not compile/);
    expect(graded.uncompiled).toEqual([1, 2]);
    expect(graded.tasks[0]?.tests[0]?.message).toMatch(/Not counted: the code has type errors/);
  });

  it.each([
    { case: "at module level (a type, a constant): it may reach anything", errors: [typeError()], points: [0, 0], uncompiled: [1, 2] },
    {
      case: "a syntax error, even inside a function: nothing runs",
      errors: [typeError("handleCall", { kind: "syntax" })],
      points: [0, 0],
      uncompiled: [1, 2],
    },
    { case: "in a function of the learner's own, which no task names", errors: [typeError("helper")], points: [0, 0], uncompiled: [1, 2] },
    { case: "in a function every task uses", errors: [typeError("init")], points: [0, 0], uncompiled: [1, 2] },
    {
      case: "in another file, whatever its functions' names",
      errors: [typeError("handleCall", { file: "exercises/99-example/other.ts" })],
      points: [0, 0],
      uncompiled: [1, 2],
    },
    {
      case: "in a function only task 2 uses: task 1 keeps its points",
      errors: [typeError("handleCall")],
      points: [40, 0],
      uncompiled: [2],
    },
    {
      case: "two errors in it: still task 2 alone",
      errors: [typeError("handleCall"), typeError("handleCall", { line: 9 })],
      points: [40, 0],
      uncompiled: [2],
    },
  ])("should withhold, for a type error $case, the points of the tasks it can affect", ({ errors, points, uncompiled }) => {
    const graded = judge([pass("a", 1), pass("b", 1), pass("c", 2)], { typeErrors: errors });
    expect(graded.tasks.map((task) => task.earned)).toEqual(points);
    expect(graded.uncompiled).toEqual(uncompiled);
    expect(graded.status).toBe(uncompiled.length === 2 ? "error" : "fail");
  });

  it("should say which function a withheld task uses, and grade the others as they ran", () => {
    const graded = judge([pass("a", 1), test("b", 1, "failed", [error("check", "Expected 1, got 2")]), pass("c", 2)], {
      typeErrors: [typeError("handleCall")],
    });
    expect(graded.error).toBeNull();
    expect(graded.tasks[0]?.tests.map((t) => t.message)).toEqual(["", "Expected 1, got 2"]);
    expect(graded.tasks[1]?.tests[0]?.message).toBe("Not counted: this task uses handleCall, which does not compile (type errors, above).");
  });

  it("should name the stop in plain words, mark the test as the culprit and list it", () => {
    const graded = judge([pass("a", 1), test("b", 1, "failed", [], { stop: hang }), pass("c", 2)]);
    const b = graded.tasks[0]?.tests[1];
    expect(b?.message).toMatch(/^It hung: it used more than 3 s of CPU time/);
    expect(b?.hung).toBe(true);
    expect(graded.stops).toEqual([{ reason: "hang", test: "b", task: 1 }]);
  });

  it("should list a stop while loading once, with no test", () => {
    const graded = judge(["a", "b", "c"].map((name, i) => test(name, i < 2 ? 1 : 2, "failed", [error("load", "x", loadHang)])));
    expect(graded.stops).toEqual([{ reason: "hang", test: null, task: null }]);
    expect(graded.error).toMatch(/while your code was loading/);
    expect(graded.tasks[1]?.tests[0]?.message).toMatch(/^Could not run: It hung while your code was loading/);
  });

  it("should say a stub's TODO is still to do, wherever the grader quoted it", () => {
    const graded = judge([
      test("a", 1, "failed", [error("subject-error", "TODO(task 1)")]),
      test("b", 1, "failed", [error("check", "PriceCache.start() failed: Error: TODO(task 1)")]),
      pass("c", 2),
    ]);
    expect(graded.tasks[0]?.tests.map((t) => t.message)).toEqual([
      "TODO(task 1)\nTask 1 is still to do.",
      "PriceCache.start() failed: Error: TODO(task 1)\nTask 1 is still to do.",
    ]);
  });

  it("should tell an error the implementation threw from a fault of the grader", () => {
    const graded = judge([
      test("a", 1, "failed", [error("subject-error", "key must be a string")]),
      test("b", 1, "failed", [{ name: "Error", message: "Cannot read properties of undefined", failure: null, stop: null, where: null }]),
      pass("c", 2),
    ]);
    expect(graded.tasks[0]?.tests.map((t) => t.message)).toEqual([
      "Your code threw: TypeError: key must be a string",
      "The grader failed: Cannot read properties of undefined",
    ]);
  });

  it("should say where in the implementation an error was thrown", () => {
    const thrown: RawError = { ...error("subject-error", "state.find is not a function"), where: "price-cache.ts:43 (handleCall)" };
    const graded = judge([test("a", 1, "failed", [thrown]), pass("b", 1), pass("c", 2)]);
    expect(graded.tasks[0]?.tests[0]?.message).toBe(
      "Your code threw: TypeError: state.find is not a function, at price-cache.ts:43 (handleCall)",
    );
  });

  it("should show the output of a failing test and the code of the test", () => {
    const graded = judge([test("a", 1, "failed", [error("check", "no")], { output: ["[info] hello"] }), pass("b", 1), pass("c", 2)]);
    expect(graded.tasks[0]?.tests[0]?.output).toEqual(["[info] hello"]);
    expect(graded.tasks[0]?.tests[0]?.testCode).toBe('it("a", () => {\n  one();\n});');
  });

  it("should say there is no grader when no file reported", () => {
    const graded = judge([], { modules: [] });
    expect(graded.status).toBe("error");
    expect(graded.error).toBe("There is no grader for 99-example.");
  });

  it("should grade the same inputs the same way", () => {
    const tests = [pass("a", 1), test("b", 1, "failed", [error("check", "x")]), pass("c", 2)];
    expect(judge(tests)).toEqual(judge(tests));
  });
});

describe("testCodeAt", () => {
  it("should take the it(…) block that starts at the line", () => {
    const source = 'describe("x", () => {\n  it("y", () => {\n    a();\n  });\n  it("z", () => {});\n});\n';
    expect(testCodeAt(source, 2)).toBe('  it("y", () => {\n    a();\n  });');
  });
});
