/**
 * Where a grading run keeps what its subjects run, for the modules that only need to find it: the graders' side
 * reads these paths without loading esbuild, which subject/build.ts needs to build them.
 */
import { join } from "node:path";

/** Where the shared folder keeps the exercises' yardsticks, laid out like an implementation. */
export function yardstickFolder(sharedDir: string): string {
  return join(sharedDir, "yardstick");
}
