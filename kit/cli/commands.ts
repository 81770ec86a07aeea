/**
 * The kit's commands as their `--help` shows them and kit/cli/args.ts parses them: one table per command, so that
 * the help, the parser and the READMEs' option tables (kit/test/workflows.test.ts) cannot drift apart.
 */
import type { Command } from "./args.ts";

const exerciseOperand = { es: "EJERCICIO", en: "EXERCISE" };

/** How an exercise may be named on any command line. */
const ID_NOTE = {
  es: "Un ejercicio se nombra por su id (05-rate-limiter), su número (05 o 5) o su nombre (rate-limiter).",
  en: "An exercise is named by its id (05-rate-limiter), its number (05 or 5) or its name (rate-limiter).",
};

const OTHER_COMMANDS = {
  es: "Otros comandos: npm run list (tus ejercicios y sus puntos), npm run next (el siguiente paso), npm run hint (una pista más), npm run reset -- EJERCICIO (volver al esqueleto).",
  en: "Other commands: npm run list (your exercises and their points), npm run next (the next step), npm run hint (one more hint), npm run reset -- EXERCISE (back to the stub).",
};

export const gradeCommand: Command = {
  run: "npm run grade --",
  operands: { es: "[EJERCICIO…] [opciones]", en: "[EXERCISE…] [options]" },
  summary: {
    es: "Califica tus ejercicios (todos, o los que nombres) y te dice el siguiente paso.",
    en: "Grades your exercises (all, or the ones you name) and tells you the next step.",
  },
  pointToHelp: true,
  flags: {
    watch: {
      type: "boolean",
      short: "w",
      help: {
        es: "Vuelve a calificar al guardar; al aprobar un ejercicio pasa al siguiente. Teclas: h pista, l lista, a todo, q salir.",
        en: "Grades again on save; once an exercise passes, moves on to the next. Keys: h hint, l list, a all, q quit.",
      },
    },
    full: {
      type: "boolean",
      help: {
        es: "El informe completo: cada ejercicio y cada tarea con su primer fallo (por defecto, solo el ejercicio en curso).",
        en: "The full report: every exercise and every task with its first failure (by default, only the current exercise).",
      },
    },
    seed: {
      type: "string",
      value: { es: "N|fresh", en: "N|fresh" },
      help: {
        es: "Semilla de las pruebas y de sus valores; fresh sortea una que nadie conoce de antemano.",
        en: "Seed of the tests and their values; fresh draws one nobody knows beforehand.",
      },
    },
    solutions: {
      type: "boolean",
      help: { es: "Califica las soluciones de referencia de solutions/.", en: "Grades the reference solutions in solutions/." },
    },
    impl: {
      group: "teacher",
      type: "string",
      value: { es: "CARPETA", en: "DIR" },
      help: { es: "Califica otra carpeta organizada como exercises/.", en: "Grades another folder laid out like exercises/." },
    },
    json: {
      group: "teacher",
      type: "string",
      value: { es: "ARCHIVO", en: "FILE" },
      help: { es: "Escribe los resultados como results.json de Exercism.", en: "Writes the results as Exercism's results.json." },
    },
    classroom: {
      group: "teacher",
      type: "boolean",
      takes: "optional",
      value: { es: "ARCHIVO", en: "FILE" },
      help: { es: "Resultados para el reporter de GitHub Classroom.", en: "Results for GitHub Classroom's reporter." },
    },
    summary: {
      group: "teacher",
      type: "string",
      value: { es: "ARCHIVO", en: "FILE" },
      help: {
        es: "Añade al archivo el resumen Markdown (puntos por tarea y los fallos).",
        en: "Appends the Markdown summary (points per task and the failures) to the file.",
      },
    },
    submissions: {
      group: "teacher",
      type: "string",
      value: { es: "CARPETA", en: "DIR" },
      help: { es: "Califica un grupo: una subcarpeta por estudiante.", en: "Grades a class: one subfolder per learner." },
    },
    out: {
      group: "teacher",
      type: "string",
      value: { es: "CARPETA", en: "DIR" },
      help: {
        es: "Con --submissions o --merge, dónde van las notas del grupo (grades/).",
        en: "With --submissions or --merge, where the class's grades go (grades/).",
      },
    },
    shard: {
      group: "teacher",
      type: "string",
      value: { es: "I/N", en: "I/N" },
      help: { es: "Con --submissions, califica solo la parte I de N.", en: "With --submissions, grades only part I of N." },
    },
    merge: {
      group: "teacher",
      type: "boolean",
      takes: "many",
      value: { es: "CARPETA…", en: "DIR…" },
      help: { es: "Combina las notas de las partes calificadas con --shard.", en: "Merges the grades of the parts graded with --shard." },
    },
  },
  examples: [
    { args: "", help: { es: "todos tus ejercicios", en: "all your exercises" } },
    { args: "01 --watch", help: { es: "01, otra vez cada vez que guardas", en: "01, again each time you save" } },
    { args: "05 --seed 1234", help: { es: "05 con otros valores de prueba", en: "05 with other test values" } },
  ],
  notes: [ID_NOTE, OTHER_COMMANDS],
};

export const hintCommand: Command = {
  run: "npm run hint --",
  operands: { es: "[EJERCICIO [TAREA]] [opciones]", en: "[EXERCISE [TASK]] [options]" },
  summary: {
    es: "Una pista más para la tarea en curso (o la que nombres): cada vez que lo pides, la siguiente.",
    en: "One more hint for the current task (or the one you name): each time you ask, the next one.",
  },
  pointToHelp: true,
  flags: {
    all: {
      type: "boolean",
      help: { es: "Todas las pistas de la tarea, de una vez.", en: "Every hint of the task at once." },
    },
    again: {
      type: "boolean",
      help: { es: "Empieza de nuevo por la primera pista.", en: "Starts again from the first hint." },
    },
  },
  examples: [
    { args: "", help: { es: "la tarea en curso (califica para saber cuál es)", en: "the current task (grades to find it)" } },
    { args: "05 3", help: { es: "la tarea 3 de 05-rate-limiter", en: "task 3 of 05-rate-limiter" } },
    { args: "05 3 --all", help: { es: "todas sus pistas", en: "all its hints" } },
  ],
  notes: [ID_NOTE],
};

export const listCommand: Command = {
  run: "npm run list --",
  operands: { es: "[opciones]", en: "[options]" },
  summary: {
    es: "Tus ejercicios en el orden del curso, con su estado y sus puntos (los califica todos).",
    en: "Your exercises in course order, with their status and points (grades them all).",
  },
  pointToHelp: true,
  flags: {},
};

export const nextCommand: Command = {
  run: "npm run next --",
  operands: { es: "[opciones]", en: "[options]" },
  summary: {
    es: "El siguiente paso: califica tus ejercicios y muestra el enunciado de la tarea en curso.",
    en: "The next step: grades your exercises and shows the statement of the current task.",
  },
  pointToHelp: true,
  flags: {},
};

export const resetCommand: Command = {
  run: "npm run reset --",
  operands: { es: `${exerciseOperand.es} [opciones]`, en: `${exerciseOperand.en} [options]` },
  summary: {
    es: "Devuelve el archivo de un ejercicio a su esqueleto; el tuyo queda como copia (.bak) al lado.",
    en: "Puts an exercise's file back to its stub; yours stays beside it as a backup (.bak).",
  },
  pointToHelp: true,
  flags: {
    yes: { type: "boolean", short: "y", help: { es: "No pregunta antes.", en: "Does not ask first." } },
  },
  examples: [{ args: "01", help: { es: "01-price-cache, desde cero", en: "01-price-cache, from scratch" } }],
  notes: [ID_NOTE],
};

export const checksumsCommand: Command = {
  run: "node --import tsx kit/checksums.ts",
  operands: { es: "--write | --check [CARPETA] [opciones]", en: "--write | --check [DIR] [options]" },
  summary: {
    es: "Escribe kit/checksums.json (--write, npm run checksums) o compara una copia del kit con él (--check).",
    en: "Writes kit/checksums.json (--write, npm run checksums) or compares a copy of the kit with it (--check).",
  },
  flags: {
    write: { type: "boolean", help: { es: "Regenera kit/checksums.json.", en: "Regenerates kit/checksums.json." } },
    check: {
      type: "boolean",
      takes: "optional",
      value: { es: "CARPETA", en: "DIR" },
      help: { es: "Compara CARPETA (por defecto, este kit) con el manifiesto.", en: "Compares DIR (default: this kit) with the manifest." },
    },
    summary: {
      type: "string",
      value: { es: "ARCHIVO", en: "FILE" },
      help: { es: "Con --check, añade el veredicto en Markdown.", en: "With --check, appends the verdict as Markdown." },
    },
    "graded-with": {
      type: "string",
      value: { es: "REF", en: "REF" },
      help: {
        es: "Con --check, lo redacta para el repositorio de un estudiante calificado con el kit en REF.",
        en: "With --check, words it for a learner's repository graded with the kit at REF.",
      },
    },
  },
};

export const newExerciseCommand: Command = {
  run: "npm run new-exercise --",
  operands: { es: "ID [opciones]", en: "ID [options]" },
  summary: {
    es: "Crea un ejercicio nuevo: su entrada del catálogo, el esqueleto, la solución, el evaluador, los fixtures y los enunciados.",
    en: "Creates a new exercise: its catalog entry, the stub, the solution, the grader, the fixtures and the statements.",
  },
  pointToHelp: true,
  flags: {
    title: {
      type: "string",
      value: { es: "TEXTO", en: "TEXT" },
      help: { es: "Título en español (por defecto, el nombre del id).", en: "Spanish title (default: the id's name)." },
    },
    "title-en": {
      type: "string",
      value: { es: "TEXTO", en: "TEXT" },
      help: { es: "Título en inglés (por defecto, el nombre del id).", en: "English title (default: the id's name)." },
    },
  },
  examples: [
    {
      args: '07-trade-journal --title "TradeJournal: …"',
      help: { es: "", en: "" },
    },
  ],
  notes: [
    {
      es: "Lo creado funciona de punta a punta (la solución saca 100, el esqueleto 0) y cada sitio que reescribir dice TODO(maintainer).",
      en: "What it creates works end to end (the solution earns 100, the stub 0) and every place to rewrite says TODO(maintainer).",
    },
  ],
};

export const testNodeCommand: Command = {
  run: "npm run test:node --",
  operands: { es: "VERSIÓN [-- ARGUMENTOS DE VITEST]", en: "VERSION [-- VITEST ARGUMENTS]" },
  summary: {
    es: "Instala Node VERSIÓN desde el registro de npm en .cache/node/ y ejecuta con él las pruebas del kit (npm test).",
    en: "Installs Node VERSION from the npm registry into .cache/node/ and runs the kit's tests (npm test) with it.",
  },
  pointToHelp: true,
  flags: {
    only: {
      type: "boolean",
      help: {
        es: "Solo instala y muestra la versión, sin ejecutar las pruebas.",
        en: "Only installs and prints the version, without running the tests.",
      },
    },
  },
  examples: [
    { args: "22", help: { es: "npm test con la última 22.x", en: "npm test with the latest 22.x" } },
    { args: "24 kit/test/cli.test.ts", help: { es: "solo esas pruebas, con vitest", en: "only those tests, with vitest" } },
  ],
};

export const benchCommand: Command = {
  run: "npm run bench --",
  operands: { es: "[FILTRO…] [opciones]", en: "[FILTER…] [options]" },
  summary: {
    es: "Mide el runtime, el limitador y el libro de órdenes, cada banco en su propio proceso.",
    en: "Measures the runtime, the rate limiter and the order book, each bench in a process of its own.",
  },
  pointToHelp: true,
  flags: {
    json: { type: "boolean", help: { es: "Imprime la ejecución entera como JSON.", en: "Prints the whole run as JSON." } },
    report: {
      type: "string",
      value: { es: "CARPETA", en: "DIR" },
      help: { es: "Escribe un informe Markdown con gráficos SVG.", en: "Writes a Markdown report with SVG charts." },
    },
    from: {
      type: "string",
      value: { es: "RUN.json", en: "RUN.json" },
      help: { es: "Con --report, vuelve a dibujar una ejecución guardada.", en: "With --report, renders a saved run again." },
    },
    quick: {
      type: "boolean",
      help: { es: "Tamaños mínimos: prueba que los bancos funcionan.", en: "Minimal sizes: proves the benches work." },
    },
    runs: { type: "string", value: { es: "N", en: "N" }, help: { es: "Ejecuciones medidas por banco.", en: "Measured runs per bench." } },
    warmup: { type: "string", value: { es: "N", en: "N" }, help: { es: "Ejecuciones de calentamiento.", en: "Warm-up runs." } },
    child: { type: "boolean", help: { es: "(interno) mide un solo banco.", en: "(internal) measures one bench." } },
  },
};

export const stubsCommand: Command = {
  run: "npm run stubs",
  operands: { es: "", en: "" },
  summary: {
    es: "Reescribe kit/stubs.json con el blob de git de cada esqueleto de exercises/ (lo que usa npm run reset).",
    en: "Rewrites kit/stubs.json with the git blob of each stub in exercises/ (what npm run reset uses).",
  },
  flags: {},
};

export const statementsCommand: Command = {
  run: "npm run statements",
  operands: { es: "", en: "" },
  summary: {
    es: "Escribe en cada enunciado los títulos de las tareas, sus puntos y la indicación de sus pistas, desde kit/catalog/.",
    en: "Writes each statement's task titles, their points and the pointer to their hints, from kit/catalog/.",
  },
  flags: {},
};
