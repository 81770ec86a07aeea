/** The two languages the kit speaks to learners. */
export type Lang = "es" | "en";

/** A text a learner reads, in both languages. */
export interface Text {
  readonly es: string;
  readonly en: string;
}

/**
 * Spanish when the locale starts with "es", English otherwise: LC_ALL, then LC_MESSAGES, LANG, LANGUAGE (as POSIX
 * orders them), then the system locale.
 */
export function langFromEnv(env: NodeJS.ProcessEnv = process.env): Lang {
  const explicit = env.GRADE_LANG;
  if (explicit === "es" || explicit === "en") return explicit;
  for (const key of ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] as const) {
    const value = env[key];
    if (value !== undefined && value !== "") return value.toLowerCase().startsWith("es") ? "es" : "en";
  }
  // Windows sets none of those: fall back to the system locale as Node's Intl sees it.
  return systemLocale().toLowerCase().startsWith("es") ? "es" : "en";
}

function systemLocale(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().locale;
  } catch {
    return "";
  }
}

export function parseLang(value: string): Lang | null {
  return value === "es" || value === "en" ? value : null;
}

/** `text` in `lang`: the one way the kit picks a language for what a learner reads. */
export function say(lang: Lang, text: Text): string {
  return text[lang];
}

/**
 * Text from the code under grading, made safe to print: no terminal escapes (which could clear the screen and draw
 * a fake report) and no control characters but tabs and newlines.
 */
export function plainText(text: string): string {
  return text.replace(TERMINAL_ESCAPE, "").replace(CONTROL_CHARACTER, "");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point.
const TERMINAL_ESCAPE = /\u001b(\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(\u0007|\u001b\\)?|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * A grader test's title in both languages: `it(testName({ en: "should …", es: "debería …" }), …)`. vitest, the
 * manifest of expected tests and the judge see one string, English first; the kit shows the learner's language
 * (`testNameIn`). A title written as a plain string reads the same in both languages.
 */
export function testName(text: Text): string {
  return `${text.en}${TEST_NAME_ES}${text.es}${TEST_NAME_END}`;
}

/** The title of a grader test in `lang`: its part in that language when it has both (see `testName`). */
export function testNameIn(lang: Lang, name: string): string {
  const at = name.lastIndexOf(TEST_NAME_ES);
  if (at < 0 || !name.endsWith(TEST_NAME_END)) return name;
  return lang === "en" ? name.slice(0, at) : name.slice(at + TEST_NAME_ES.length, -TEST_NAME_END.length);
}

const TEST_NAME_ES = " [es: ";
const TEST_NAME_END = "]";
