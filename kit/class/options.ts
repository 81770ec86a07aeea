import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Lang, Text } from "#protocol";

/** One shard of a class: the learners whose index in the sorted list is `index - 1` modulo `count`. */
export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** `--submissions DIR`: grade every learner's folder of DIR into `out`. */
export interface ClassGradeCommand {
  readonly type: "grade";
  readonly submissions: string;
  readonly out: string;
  readonly shard: Shard | null;
  /** The seed given with --seed, or null to use the one stored in `out` (a fresh one on the first run). */
  readonly seed: number | null;
  readonly lang: Lang;
  readonly ids: readonly string[];
}

/** `--merge OUT1 OUT2 …`: combine the grades of several out folders (the shards of one class) into `out`. */
export interface ClassMergeCommand {
  readonly type: "merge";
  readonly inputs: readonly string[];
  readonly out: string;
  readonly lang: Lang;
}

export type ClassCommand = ClassGradeCommand | ClassMergeCommand;

/** What `npm run grade` parsed that concerns a class; paths already absolute. */
export interface ClassArgs {
  readonly submissions: string | null;
  readonly merge: readonly string[] | null;
  readonly out: string | null;
  readonly shard: string | null;
  /** The --seed given, or null when none was. */
  readonly seed: number | null;
  readonly lang: Lang;
  /** The exercise ids given on the command line (empty: none). */
  readonly ids: readonly string[];
  /** Every exercise id, graded when none is given. */
  readonly allIds: readonly string[];
  /** Flags of a single grading that were also given (--watch, --json…), which make no sense for a class. */
  readonly singleFlags: readonly string[];
  /** Where `grades/` goes by default. */
  readonly cwd: string;
}

export type ClassParse = { readonly ok: true; readonly command: ClassCommand | null } | { readonly ok: false; readonly message: Text };

const fail = (message: Text): ClassParse => ({ ok: false, message });

/** Whether `inner` is `outer` or inside it. */
export function isInside(inner: string, outer: string): boolean {
  const path = relative(outer, inner);
  return path === "" || (!path.startsWith("..") && !isAbsolute(path));
}

/** `I/N` with 1 ≤ I ≤ N, or null. */
export function parseShard(raw: string): Shard | null {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(raw.trim());
  if (match === null) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : null;
}

/**
 * Checks the class flags of `npm run grade` and builds the command they ask for (null when none of them was given,
 * for a learner's ordinary grading). Usage mistakes come back as a message in both languages.
 */
export function classCommand(args: ClassArgs): ClassParse {
  const { submissions, merge, out, shard } = args;
  if (submissions === null && merge === null) {
    if (out !== null)
      return fail({ es: "--out solo sirve con --submissions o --merge.", en: "--out only goes with --submissions or --merge." });
    if (shard !== null) return fail({ es: "--shard solo sirve con --submissions.", en: "--shard only goes with --submissions." });
    return { ok: true, command: null };
  }
  if (submissions !== null && merge !== null)
    return fail({ es: "--submissions y --merge no se pueden usar juntas.", en: "--submissions and --merge cannot be used together." });
  const mode = submissions !== null ? "--submissions" : "--merge";
  const other = args.singleFlags[0];
  if (other !== undefined) return fail({ es: `${other} no se puede usar con ${mode}.`, en: `${other} cannot be used with ${mode}.` });
  const outDir = out ?? join(args.cwd, "grades");

  if (merge !== null) {
    if (merge.length === 0)
      return fail({
        es: "--merge necesita al menos una carpeta de resultados: --merge SALIDA1 SALIDA2 … --out CARPETA",
        en: "--merge needs at least one results folder: --merge OUT1 OUT2 … --out DIR",
      });
    if (shard !== null) return fail({ es: "--shard no se puede usar con --merge.", en: "--shard cannot be used with --merge." });
    if (args.seed !== null)
      return fail({
        es: "--merge no usa --seed: toma la semilla que guardaron las partes.",
        en: "--merge takes no --seed: it uses the seed the shards recorded.",
      });
    if (args.ids.length > 0)
      return fail({
        es: "--merge no acepta ejercicios: combina los que se calificaron en las partes.",
        en: "--merge takes no exercise ids: it combines those the shards graded.",
      });
    const clash = merge.find((input) => isInside(outDir, input) || isInside(input, outDir));
    if (clash !== undefined)
      return fail({
        es: `La carpeta de salida ${outDir} no puede ser ni contener una de las que se combinan (${clash}).`,
        en: `The output folder ${outDir} cannot be, or hold, one of the folders being merged (${clash}).`,
      });
    return { ok: true, command: { type: "merge", inputs: merge, out: outDir, lang: args.lang } };
  }

  const dir = submissions ?? "";
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    return fail({ es: `No existe la carpeta de entregas ${dir}.`, en: `The submissions folder ${dir} does not exist.` });
  if (isInside(outDir, dir))
    return fail({
      es: `La carpeta de salida ${outDir} no puede estar dentro de la de entregas ${dir}: se tomaría por una entrega más.`,
      en: `The output folder ${outDir} cannot be inside the submissions folder ${dir}: it would be taken for one more submission.`,
    });
  let parsedShard: Shard | null = null;
  if (shard !== null) {
    parsedShard = parseShard(shard);
    if (parsedShard === null)
      return fail({
        es: `--shard debe ser I/N, con 1 ≤ I ≤ N (por ejemplo 2/5), no «${shard}».`,
        en: `--shard should be I/N, with 1 ≤ I ≤ N (for example 2/5), not "${shard}".`,
      });
  }
  return {
    ok: true,
    command: {
      type: "grade",
      submissions: resolve(dir),
      out: resolve(outDir),
      shard: parsedShard,
      seed: args.seed,
      lang: args.lang,
      ids: args.ids.length > 0 ? args.ids : args.allIds,
    },
  };
}
