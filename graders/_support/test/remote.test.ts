/**
 * What a subject's values become on the grader's side: the fields a test runner or the kit reads on a thrown error
 * (`actual`/`expected`, `diffOptions`, `failure`, `stop`) are never the subject's to set, and a value that is not an
 * error is shown, not rethrown.
 */
import { describe, expect, it } from "vitest";
import type { Encoded } from "#protocol";
import { ExitError } from "#runtime";
import { encodeValue } from "../../../subject/codec.ts";
import { formatValue, whereThrown } from "../format.ts";
import { decodeFromSubject, type RemotePid, SubjectThrew } from "../remote.ts";

const ESC = "\u001b";
const fromSubject = (value: unknown): unknown =>
  decodeFromSubject(encodeValue(value, () => undefined) as Encoded, new Map<number, RemotePid>(), () => undefined);

describe("an error from the subject", () => {
  it("should keep its message, its class and the runtime's fields, and nothing a test runner or the kit reads", () => {
    const forged = Object.assign(new TypeError("wrong price"), {
      actual: Array.from({ length: 1_000 }, (_, i) => i),
      expected: [1],
      diffOptions: { truncateThreshold: 0 },
      failure: "check",
      stop: { reason: "exit", exit: "forged" },
      where: "elsewhere.ts:1",
      code: "E_PRICE",
    });
    const error = fromSubject(forged) as Record<string, unknown>;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("wrong price");
    expect(error.code).toBe("E_PRICE");
    expect(error.failure).toBe("subject-error");
    for (const field of ["actual", "expected", "diffOptions", "stop", "showDiff"]) expect(error).not.toHaveProperty(field);
    expect(error.where).not.toBe("elsewhere.ts:1");
  });

  it("should stay an ExitError with its reason when it is the runtime's", () => {
    const error = fromSubject(new ExitError("normal", { fn: "GenServer.call", server: "Cache", timeout: 5_000 })) as ExitError;
    expect(error).toBeInstanceOf(ExitError);
    expect(error.reason).toBe("normal");
  });

  it("should lose the terminal escapes of its name, message and stack", () => {
    const drawn = new Error(`${ESC}[2J${ESC}[32mAll tests pass${ESC}[0m`);
    drawn.name = `${ESC}[8mHidden`;
    const error = fromSubject(drawn) as Error;
    for (const text of [error.name, error.message, error.stack ?? ""]) expect(text).not.toContain(ESC);
  });
});

describe("a value that is not an error, thrown by the subject", () => {
  it("should be shown as a value by an error of the grader's, whose fields it does not set", () => {
    const thrown = fromSubject({ failure: "stop", stop: { reason: "exit", exit: `${ESC}[2J` }, actual: [1], expected: [2] });
    const error = new SubjectThrew(thrown);
    expect(error).not.toHaveProperty("stop");
    expect(error).not.toHaveProperty("actual");
    expect(Object.keys(error)).not.toContain("thrown");
    expect((error as unknown as { failure: string }).failure).toBe("subject-error");
    expect(formatValue(error)).toMatch(/^threw a value that is not an Error: \{ failure: 'stop'/);
    expect(formatValue(error)).not.toContain(ESC);
    // No frame of the grader's own passes for where the code threw.
    expect(whereThrown(error)).toBeNull();
  });
});
