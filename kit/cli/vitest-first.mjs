/**
 * Loaded before tsx by the kit's commands that grade (`node --import ./kit/cli/vitest-first.mjs --import tsx …`, in
 * package.json). tsx's loader hooks see every module imported after they are registered, on a thread of their own;
 * vitest, vite and rolldown are a few hundred modules of plain JavaScript, and through those hooks they cost about
 * 1.5 s of CPU and 0.9 s before the first grader starts. Loaded here first, they are in Node's module cache when the
 * kit imports them, and only the kit's own TypeScript goes through tsx.
 */
await import("vitest/node");
