import { inspect } from "node:util";

/** A value as a learner would write it in code: `undefined`, `101.5`, `"AAPL"`, `{ type: 'get' }`. */
export function formatValue(value: unknown): string {
  if (value instanceof Error) {
    const reason = "reason" in value ? ` (reason: ${formatValue((value as { reason: unknown }).reason)})` : "";
    return `${value.name}: ${value.message}${reason}`;
  }
  return inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 20, maxStringLength: 200, colors: false });
}
