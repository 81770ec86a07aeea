/**
 * Task 7, in a file of its own: the exercise's longest test runs in a vitest worker of its own, beside the other
 * tasks' tests instead of after them (see scale.ts for how it judges).
 */
import { beforeEach, it } from "vitest";
import { gradeTask, subject, testName } from "#grading";
import { REGISTRY } from "./model.ts";
import { assertScale } from "./scale.ts";

const { Registry } = subject.runtime;

// The statement says the application starts the registry; each test gets a fresh one.
beforeEach(async () => {
  await Registry.start({ keys: "unique", name: REGISTRY });
});

gradeTask(7, () => {
  it(
    testName({
      en: "should cost about as much per operation with 10 000 price levels as with 400",
      es: "debería costar por operación más o menos lo mismo con 10 000 niveles de precio que con 400",
    }),
    async () => {
      await assertScale();
    },
  );
});
