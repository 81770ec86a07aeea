/**
 * The one argument parser of the kit's commands (`npm run grade`, `hint`, `list`, `reset`, `next`, `new-exercise`,
 * `test:node`, kit/checksums.ts, bench): node:util's parseArgs reads the tokens, this file checks them against the
 * command's flags and says what is wrong in the user's language. Every command takes `--lang es|en` and `--help`.
 */
import { parseArgs } from "node:util";
import { type Lang, langFromEnv, parseLang, type Text } from "#protocol";

export interface Flag {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** How the help names the flag's value (`FILE`, `N|fresh`), for string flags and flags that take positionals. */
  readonly value?: Text;
  /**
   * A boolean flag that takes the positionals right after it: `optional`, at most one (`--classroom [FILE]`);
   * `many`, all of them up to the next flag (`--merge DIR…`).
   */
  readonly takes?: "optional" | "many";
  readonly help: Text;
  /** Flags for instructors are listed apart, after the learner's. */
  readonly group?: "teacher";
}

/** A command as its help shows it and its parser reads it. */
export interface Command {
  /** How it is run: `npm run grade --`, `node --import tsx kit/checksums.ts`. */
  readonly run: string;
  /** What follows the flags in the usage line: `[ejercicio…]`. */
  readonly operands: Text;
  readonly summary: Text;
  readonly flags: Readonly<Record<string, Flag>>;
  readonly examples?: readonly { readonly args: string; readonly help: Text }[];
  /** Extra paragraphs after the options. */
  readonly notes?: readonly Text[];
  /** Whether a usage error adds the line that points at `--help` (not for tools whose messages scripts read). */
  readonly pointToHelp?: boolean;
}

export interface ParsedArgs {
  readonly lang: Lang;
  readonly help: boolean;
  /** The flags given (last one wins), with their value (string flags) and the positionals they took. */
  readonly flags: ReadonlyMap<string, { readonly value: string | null; readonly taken: readonly string[] }>;
  /** The positionals no flag took, in order. */
  readonly positionals: readonly string[];
}

/** A mistake on the command line: the command prints it and exits 2. */
export class UsageError extends Error {
  readonly text: Text;
  readonly lang: Lang;

  constructor(text: Text, lang: Lang) {
    super(text[lang]);
    this.name = "UsageError";
    this.text = text;
    this.lang = lang;
  }
}

const COMMON: Readonly<Record<string, Flag>> = {
  lang: { type: "string", value: { es: "es|en", en: "es|en" }, help: { es: "Idioma de los mensajes.", en: "Language of the messages." } },
  help: { type: "boolean", short: "h", help: { es: "Muestra esta ayuda.", en: "Shows this help." } },
};

/**
 * Parses `argv` for `command`. `isOperand`: an argument that no flag may take (an exercise id after
 * `--classroom`). Throws a UsageError for an unknown flag, a missing or unexpected value, or a bad --lang.
 */
export function parseCommand(
  command: Command,
  argv: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly isOperand?: (arg: string) => boolean } = {},
): ParsedArgs {
  const flags: Readonly<Record<string, Flag>> = { ...command.flags, ...COMMON };
  // PowerShell with an older npm passes the separator through: `npm run grade -- -- --solutions`.
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const { tokens } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      Object.entries(flags).map(([name, flag]) => [
        name,
        flag.short === undefined ? { type: flag.type } : { type: flag.type, short: flag.short },
      ]),
    ),
  });
  let lang = langFromEnv(options.env ?? process.env);
  // The language first, so that every other message is already in it.
  for (const token of tokens)
    if (token.kind === "option" && token.name === "lang") {
      const parsed = parseLang(token.value ?? "");
      if (parsed === null) throw new UsageError({ es: "--lang debe ser es o en.", en: "--lang should be es or en." }, lang);
      lang = parsed;
    }
  const fail = (text: Text): never => {
    throw new UsageError(text, lang);
  };
  const given = new Map<string, { value: string | null; taken: string[] }>();
  const positionals: string[] = [];
  let taking: { name: string; flag: Flag; taken: string[] } | null = null;
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      const operand = options.isOperand?.(token.value) === true;
      if (taking !== null && !operand && (taking.flag.takes === "many" || taking.taken.length === 0)) taking.taken.push(token.value);
      else {
        positionals.push(token.value);
        taking = null;
      }
      continue;
    }
    taking = null;
    const flag = flags[token.name];
    if (flag === undefined) fail({ es: `Opción desconocida: ${token.rawName}`, en: `Unknown option: ${token.rawName}` });
    if (flag === undefined) continue;
    const shown = `--${token.name}`;
    if (flag.type === "string") {
      // Without strict parsing, `--json --lang es` reads "--lang" as the value of --json.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-")))
        fail({ es: `Falta el valor de ${shown}.`, en: `${shown} needs a value.` });
      given.set(token.name, { value: token.value ?? null, taken: [] });
    } else {
      if (token.value !== undefined) fail({ es: `${shown} no lleva valor.`, en: `${shown} takes no value.` });
      const entry = { value: null, taken: [] as string[] };
      given.set(token.name, entry);
      if (flag.takes !== undefined) taking = { name: token.name, flag, taken: entry.taken };
    }
  }
  return { lang, help: given.has("help"), flags: given, positionals };
}

/** The value of a string flag, or null when it was not given. */
export function stringFlag(parsed: ParsedArgs, name: string): string | null {
  return parsed.flags.get(name)?.value ?? null;
}

export function booleanFlag(parsed: ParsedArgs, name: string): boolean {
  return parsed.flags.has(name);
}

/** The line that follows a usage error, pointing at the command's help. */
export function helpPointer(command: Command, lang: Lang): string {
  return lang === "es" ? `Ayuda: ${command.run} --help` : `Help: ${command.run} --help`;
}

/** Words of `text` in lines of at most `width` characters. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

const HELP_WIDTH = 80;

/** The `--help` text of `command`, in lines of at most 80 characters. */
export function helpText(command: Command, lang: Lang, bold: (s: string) => string = (s) => s): string {
  const es = lang === "es";
  const entries = Object.entries({ ...command.flags, ...COMMON }).map(([name, flag]) => {
    const value = flag.value === undefined ? "" : flag.takes === "optional" ? ` [${flag.value[lang]}]` : ` ${flag.value[lang]}`;
    return { left: `${flag.short === undefined ? "    " : `-${flag.short}, `}--${name}${value}`, flag };
  });
  const width = Math.min(26, Math.max(...entries.map((entry) => entry.left.length)) + 2);
  const option = ({ left, flag }: (typeof entries)[number]): string[] => {
    const help = wrapWords(flag.help[lang], HELP_WIDTH - 2 - width);
    const first =
      left.length + 2 > width ? [`  ${left}`, `  ${" ".repeat(width)}${help[0] ?? ""}`] : [`  ${left.padEnd(width)}${help[0] ?? ""}`];
    return [...first, ...help.slice(1).map((line) => `  ${" ".repeat(width)}${line}`)];
  };
  const base = command.run.replace(/ --$/, "");
  const lines = [
    ...wrapWords(command.summary[lang], HELP_WIDTH),
    "",
    `${bold(es ? "Uso:" : "Usage:")} ${command.run} ${command.operands[lang]}`.trimEnd(),
    "",
    bold(es ? "Opciones:" : "Options:"),
    ...entries.filter((entry) => entry.flag.group === undefined).flatMap(option),
  ];
  const teachers = entries.filter((entry) => entry.flag.group === "teacher");
  if (teachers.length > 0) lines.push("", bold(es ? "Para docentes:" : "For instructors:"), ...teachers.flatMap(option));
  if (command.examples !== undefined && command.examples.length > 0) {
    lines.push("", bold(es ? "Ejemplos:" : "Examples:"));
    const shown = command.examples.map((example) => ({
      run: example.args === "" ? base : `${command.run} ${example.args}`,
      help: example.help[lang],
    }));
    const runWidth = Math.max(...shown.map((example) => example.run.length)) + 2;
    for (const example of shown)
      lines.push(
        example.help === "" || runWidth + 2 + example.help.length > HELP_WIDTH
          ? `  ${example.run}${example.help === "" ? "" : `\n  ${" ".repeat(4)}${example.help}`}`
          : `  ${example.run.padEnd(runWidth)}${example.help}`,
      );
  }
  for (const note of command.notes ?? []) lines.push("", ...wrapWords(note[lang], HELP_WIDTH));
  return `${lines.join("\n")}\n`;
}
