import { isAbsolute, relative, sep } from "node:path";
import type { Lang, Text } from "#protocol";
import { ClassError } from "./class-error.ts";
import { gradeClass } from "./class-grade.ts";
import type { ClassGrades } from "./class-grades.ts";
import { OUTPUT_FILES, writeClassOutputs } from "./class-outputs.ts";
import { mergeClassGrades } from "./merge.ts";
import type { ClassCommand } from "./options.ts";

/** The out folder as the instructor would type it: relative when it is under the current folder, else absolute. */
function shown(dir: string): string {
  const path = relative(process.cwd(), dir);
  return path.startsWith("..") || isAbsolute(path) ? dir : (path || ".").replaceAll(sep, "/");
}

function report(grades: ClassGrades, out: string, lang: Lang): void {
  const { counts } = grades;
  const lines: Text[] = [
    grades.merged > 0
      ? {
          es: `Combinadas ${grades.merged} carpetas: ${counts.learners} entregas. Semilla: ${grades.seed}.`,
          en: `Merged ${grades.merged} folders: ${counts.learners} submissions. Seed: ${grades.seed}.`,
        }
      : {
          es: `Entregas: ${counts.learners}; calificadas: ${counts.graded}; reutilizadas (sin cambios): ${counts.reused}; sin calificar: ${counts.ungraded}. Semilla: ${grades.seed}.`,
          en: `Submissions: ${counts.learners}; graded: ${counts.graded}; reused (unchanged): ${counts.reused}; not graded: ${counts.ungraded}. Seed: ${grades.seed}.`,
        },
    {
      es: `Resultados en ${shown(out)}/: ${OUTPUT_FILES.join(", ")}.`,
      en: `Results in ${shown(out)}/: ${OUTPUT_FILES.join(", ")}.`,
    },
  ];
  process.stdout.write(lines.map((line) => `${line[lang]}\n`).join(""));
  if (counts.ungraded > 0)
    process.stderr.write(
      `${
        {
          es: `${counts.ungraded} entregas no se pudieron calificar (summary.md dice por qué); al repetir el comando se reintentan.`,
          en: `${counts.ungraded} submissions could not be graded (summary.md says why); running the command again retries them.`,
        }[lang]
      }\n`,
    );
  if (grades.missingShards.length > 0)
    process.stderr.write(
      `${
        {
          es: `Faltan partes (${grades.missingShards.join(", ")}): sus entregas no están en estas calificaciones.`,
          en: `Missing shards (${grades.missingShards.join(", ")}): their submissions are not in these grades.`,
        }[lang]
      }\n`,
    );
}

/**
 * Runs a class command (`--submissions` or `--merge`) and resolves to its exit code: 0 when it completed, whatever
 * the learners scored; 1 when some submission could not be graded at all; 2 when what it was given is wrong, said
 * in the instructor's language. A merge that wrote its files has completed: the shards' own runs already failed
 * for what they could not grade, and a missing shard is named in summary.md and on stderr, so that a workflow
 * still publishes what it has.
 */
export async function runClass(kitRoot: string, command: ClassCommand): Promise<number> {
  const lang = command.lang;
  try {
    const grades =
      command.type === "merge"
        ? mergeClassGrades(command.inputs, lang)
        : await gradeClass(kitRoot, command, (line) => process.stderr.write(`${line[lang]}\n`));
    writeClassOutputs(command.out, grades, lang);
    report(grades, command.out, lang);
    return command.type === "grade" && grades.counts.ungraded > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof ClassError)) throw error;
    process.stderr.write(`${error.text[lang]}\n`);
    return 2;
  }
}
