/**
 * How every kit command starts and ends: `--help` prints the command's help, a usage mistake prints what is wrong
 * (and where the help is) and exits 2, and a reader that stops early (`| head`) is not an error.
 */
import type { Lang } from "#protocol";
import { makeStyle, useColour } from "../render.ts";
import { type Command, helpPointer, helpText, UsageError } from "./args.ts";

/**
 * Runs `main` as the command's body and sets the exit code it returns; `{ help: lang }` prints the command's help
 * in that language and exits 0.
 */
export async function runCommand(command: Command, main: () => Promise<number | { help: Lang }>): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 1);
      throw error;
    });
  }
  try {
    const result = await main();
    if (typeof result === "number") process.exitCode = result;
    else {
      process.stdout.write(helpText(command, result.help, makeStyle(useColour(process.stdout)).bold));
      process.exitCode = 0;
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    if (command.pointToHelp === true) console.error(helpPointer(command, error.lang));
    process.exitCode = 2;
  }
}
