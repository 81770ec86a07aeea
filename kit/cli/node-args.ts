/**
 * The Node flags that run a kit script which grades, as package.json's scripts give them: vitest loaded before tsx
 * (kit/cli/vitest-first.mjs says why), then tsx for the kit's own TypeScript. For the benches and tests that start
 * such a script themselves, so that they measure and exercise what a learner's command does.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export function gradingNodeArgs(kitRoot: string): string[] {
  // A URL, not a path: --import takes a specifier, and a Windows path would read as one with a scheme.
  return ["--import", pathToFileURL(join(kitRoot, "kit", "cli", "vitest-first.mjs")).href, "--import", "tsx"];
}
