/**
 * Progressive hints: each time a learner asks for a task's hints they get one more, from the first nudge to the most
 * concrete (kit/catalog/<id>.ts). How many of each task they have seen is kept in .grade/hints.json, which is
 * the learner's own and not part of the kit.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Lang } from "#protocol";
import type { CatalogExercise, CatalogTask } from "../catalog.ts";
import { type Style, shortId } from "../render.ts";

type Seen = Record<string, number>;

const seenFile = (kitRoot: string): string => join(kitRoot, ".grade", "hints.json");
const key = (exercise: CatalogExercise, task: CatalogTask): string => `${exercise.id}/${task.n}`;

function readSeen(kitRoot: string): Seen {
  try {
    const parsed: unknown = JSON.parse(readFileSync(seenFile(kitRoot), "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, number] => Number.isSafeInteger(entry[1])));
  } catch {
    return {};
  }
}

function writeSeen(kitRoot: string, seen: Seen): void {
  try {
    mkdirSync(dirname(seenFile(kitRoot)), { recursive: true });
    writeFileSync(seenFile(kitRoot), `${JSON.stringify(seen, null, 2)}\n`);
  } catch {
    // A read-only checkout still gets its hint, only not the next one next time.
  }
}

/** Words of `text` in lines of at most `width` characters, each line after `prefix`. */
export function wrapText(text: string, width: number, prefix = ""): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines.map((text) => `${prefix}${text}`).join("\n");
}

export interface HintRequest {
  readonly kitRoot: string;
  readonly exercise: CatalogExercise;
  readonly task: CatalogTask;
  readonly lang: Lang;
  readonly style: Style;
  /** Every hint of the task at once (and they count as seen). */
  readonly all?: boolean;
  /** Start again from the first hint. */
  readonly again?: boolean;
}

/** The hints seen so far plus one more (or all), as text to print; records what was shown. */
export function nextHints(request: HintRequest): string {
  const { exercise, task, lang, style } = request;
  const es = lang === "es";
  const hints = task.hints ?? [];
  const seen = readSeen(request.kitRoot);
  const before = request.again === true ? 0 : Math.min(seen[key(exercise, task)] ?? 0, hints.length);
  const shown = request.all === true ? hints.length : Math.min(before + 1, hints.length);
  writeSeen(request.kitRoot, { ...seen, [key(exercise, task)]: shown });
  const command = `npm run hint -- ${shortId(exercise.id)} ${task.n}`;
  const lines = [style.bold(`${exercise.title[lang]} (${exercise.id}) · ${es ? "Tarea" : "Task"} ${task.n}: ${task.title[lang]}`), ""];
  if (hints.length === 0) {
    lines.push(es ? "Esta tarea no tiene pistas." : "This task has no hints.");
    return `${lines.join("\n")}\n`;
  }
  hints.slice(0, shown).forEach((hint, i) => {
    const old = i < before && request.all !== true;
    const label = `${es ? "Pista" : "Hint"} ${i + 1} ${es ? "de" : "of"} ${hints.length}${old ? (es ? " (ya vista)" : " (seen)") : ""}`;
    lines.push(old ? style.dim(`  ${label}`) : style.bold(`  ${label}`));
    const body = wrapText(hint[lang], 74, "  ");
    lines.push(old ? style.dim(body) : body, "");
  });
  if (shown < hints.length)
    lines.push(
      es
        ? `Otra pista: ${style.bold(command)}   (todas de una vez: ${command} --all)`
        : `Another hint: ${style.bold(command)}   (all at once: ${command} --all)`,
    );
  else
    lines.push(
      style.dim(
        es
          ? `No hay más pistas para esta tarea. El enunciado (exercises/${exercise.id}/README.md) y la tabla de runtime/README.md te pueden ayudar; ${command} --again vuelve a empezar.`
          : `There are no more hints for this task. The statement (exercises/${exercise.id}/README.en.md) and runtime/README.en.md's table may help; ${command} --again starts over.`,
      ),
    );
  return `${lines.join("\n")}\n`;
}
