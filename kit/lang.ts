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
