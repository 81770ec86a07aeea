/**
 * How a grader test names the task it belongs to: graders group a task's tests in a `describe` titled
 * `taskTitle(n)`, and the kit reads the task back from that title.
 */

const TITLE = /^task (\d+)$/;

/** The describe title of task `n`. */
export function taskTitle(n: number): string {
  return `task ${n}`;
}

/** The task number a describe title names, or null for any other title. */
export function taskOfTitle(title: string): number | null {
  const match = TITLE.exec(title);
  return match === null ? null : Number(match[1]);
}
