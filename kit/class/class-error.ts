import type { Text } from "#protocol";

/**
 * A class run that cannot go on because of what it was given (a submissions folder that cannot be read, shards
 * that do not belong together, a corrupt seed file): the command says why, in the instructor's language, and exits 2.
 */
export class ClassError extends Error {
  readonly text: Text;

  constructor(text: Text) {
    super(text.en);
    this.name = "ClassError";
    this.text = text;
  }
}
