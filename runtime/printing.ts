/**
 * Makes instances of a class print as their `toString()` everywhere a learner looks: `console.log` and Node's
 * inspector, test diffs and JSON (`#PID<0.42.0>`, `#Reference<…>`), instead of dumping runtime internals.
 */
export function printAsString(target: { readonly prototype: { toString(): string } }): void {
  Object.defineProperties(target.prototype, {
    toJSON: { value: target.prototype.toString },
    [Symbol.for("nodejs.util.inspect.custom")]: { value: target.prototype.toString },
  });
}
