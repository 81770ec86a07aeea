import { basename } from "node:path";
import { inspect } from "node:util";
import { t } from "./grading.ts";
import { SubjectThrew } from "./remote.ts";

/** A value as a learner would write it in code: `undefined`, `101.5`, `"AAPL"`, `{ type: 'get' }`. */
export function formatValue(value: unknown): string {
  // What the code threw when it was not an error already says so, and has no name of its own.
  if (value instanceof SubjectThrew) return value.message;
  if (value instanceof Error) {
    const reason = (value as { reason?: unknown }).reason;
    // The runtime's errors already name their reason in the message.
    const shown =
      reason === undefined || value.message.includes(reason instanceof Error ? reason.message : formatValue(reason))
        ? ""
        : ` (reason: ${formatValue(reason)})`;
    const where = whereThrown(value);
    return `${value.name}: ${value.message}${shown}${where === null ? "" : `, ${t({ es: "en", en: "at" })} ${where}`}`;
  }
  return inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 20, maxStringLength: 200, colors: false });
}

/** A stack frame in a TypeScript file: the learner's (the kit's own code runs from built .mjs files). */
const LEARNER_FRAME = /^\s*at (?:(.+?) \()?(?:file:\/\/)?([^()\s][^()]*?\.(?:ts|mts|cts)):(\d+):\d+\)?$/;

/**
 * Where in the implementation an error of the subject was thrown, as `price-cache.ts:43 (handleCall)`. A server's
 * crash travels as the reason (or cause) of the error its caller gets: the deepest error of that chain with a frame
 * in the implementation's own files says where the mistake is. Null when there is none.
 */
export function whereThrown(error: unknown): string | null {
  const chain: unknown[] = [];
  for (let current: unknown = error; typeof current === "object" && current !== null && !chain.includes(current); ) {
    chain.push(current);
    const next = current as { reason?: unknown; cause?: unknown };
    current = next.reason instanceof Error ? next.reason : next.cause;
  }
  for (const candidate of chain.reverse()) {
    const stack = (candidate as { stack?: unknown }).stack;
    if (typeof stack !== "string") continue;
    for (const line of stack.split("\n").slice(1)) {
      const frame = LEARNER_FRAME.exec(line);
      if (frame === null) continue;
      const fn = frame[1]?.replace(/^(Object|async|new)\s*\.?\s*/, "") ?? "";
      return `${basename(frame[2] ?? "")}:${frame[3]}${fn === "" || fn.includes("<anonymous>") ? "" : ` (${fn})`}`;
    }
  }
  return null;
}
