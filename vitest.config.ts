import { defineConfig } from "vitest/config";

// `vitest run` proves the runtime and the kit; graders run only through `npm run grade`, which points `#impl` at
// the implementation to grade.
export default defineConfig({
  test: {
    include: [
      "runtime/test/**/*.test.ts",
      "subject/test/**/*.test.ts",
      "graders/_support/test/**/*.test.ts",
      "kit/test/**/*.test.ts",
      "bench/test/**/*.test.ts",
    ],
    pool: "forks",
    testTimeout: 20_000,
  },
});
