/**
 * `npm run new-exercise -- <id>`: scaffolds an exercise the way the kit's are laid out, like Rustlings' `dev new`:
 * its catalog entry (kit/catalog/<id>.ts, registered in kit/catalog.ts), the stub, the solution, the grader with
 * its fixtures, and the statements in Spanish and English. The scaffold is a small GenServer that works end to end
 * (the solution earns 100, the stub 0, each fixture loses its task's points) for the maintainer to turn into the
 * exercise; every place to rewrite says `TODO(maintainer)`. It then writes graders/expected-tests.json (`npm run
 * expected-tests`, which grades the solutions) and kit/stubs.json again, so that the new exercise grades at once.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Biome, type Configuration } from "@biomejs/js-api/nodejs";
import type { Text } from "#protocol";
import type { CatalogExercise } from "./catalog.ts";
import { parseCommand, stringFlag, UsageError } from "./cli/args.ts";
import { newExerciseCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";
import { EXPECTED_TESTS_FILE } from "./expected-tests.ts";
import { syncStatement } from "./statement.ts";
import { STUBS_PATH } from "./stubs.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The names an exercise id gives: `07-trade-journal` → file `trade-journal.ts`, module `TradeJournal`. */
export function namesOf(id: string): { file: string; module: string; variable: string } {
  const name = id.replace(/^\d+-/, "");
  const words = name.split("-");
  const module = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
  return { file: `${name}.ts`, module, variable: module.charAt(0).toLowerCase() + module.slice(1) };
}

const q = (text: string): string => JSON.stringify(text);
const text = (value: Text): string => `{ es: ${q(value.es)}, en: ${q(value.en)} }`;

/** The catalog entry of the scaffold: three tasks, their points summing to 100, two hints each. */
export function scaffoldEntry(id: string, title: Text): CatalogExercise {
  const { file, module } = namesOf(id);
  return {
    id,
    title,
    file,
    tasks: [
      {
        n: 1,
        title: { es: "Arrancar el servidor", en: "Start the server" },
        points: 30,
        uses: ["init", "start"],
        hints: [
          { es: "`init` recibe el valor inicial de `start`.", en: "`init` receives the initial value `start` was given." },
          { es: "El `{:ok, estado}` de Elixir es `ok(estado)`.", en: "Elixir's `{:ok, state}` is `ok(state)`." },
        ],
      },
      {
        n: 2,
        title: { es: "Responder con un call", en: "Answer a call" },
        points: 35,
        uses: ["init", "start", "handleCall", "get"],
        hints: [
          {
            es: `\`get\` espera la respuesta: es un call de \`${module}Protocol\`.`,
            en: `\`get\` waits for the answer: it is a call of \`${module}Protocol\`.`,
          },
          {
            es: "El `{:reply, respuesta, estado}` de Elixir es `reply(respuesta, estado)`.",
            en: "Elixir's `{:reply, answer, state}` is `reply(answer, state)`.",
          },
        ],
      },
      {
        n: 3,
        title: { es: "Sumar con un cast", en: "Add with a cast" },
        points: 35,
        uses: ["init", "start", "handleCall", "handleCast", "get", "add"],
        hints: [
          { es: "`add` no espera: es un cast.", en: "`add` does not wait: it is a cast." },
          { es: "El `{:noreply, estado}` de Elixir es `noreply(estado)`.", en: "Elixir's `{:noreply, state}` is `noreply(state)`." },
        ],
      },
    ],
  };
}

function catalogFile(entry: CatalogExercise): string {
  const { variable } = namesOf(entry.id);
  const tasks = entry.tasks.map(
    (task) => `    {
      n: ${task.n},
      title: ${text(task.title)},
      points: ${task.points},
      // TODO(maintainer): the functions of the file this task's tests run (a type error in one costs the task).
      uses: [${(task.uses ?? []).map(q).join(", ")}],
      // TODO(maintainer): hints from the first nudge to the most concrete, none of them the code itself.
      hints: [
${(task.hints ?? []).map((hint) => `        ${text(hint)},`).join("\n")}
      ],
    },`,
  );
  return `import type { CatalogExercise } from "../catalog.ts";

export const ${variable}: CatalogExercise = {
  id: ${q(entry.id)},
  title: ${text(entry.title)},
  file: ${q(entry.file)},
  tasks: [
${tasks.join("\n")}
  ],
};
`;
}

/** The stub, or with `solved` the solution: the same file with each TODO replaced by a one-line why. */
function implementationFile(id: string, solved: boolean): string {
  const { module } = namesOf(id);
  const body = (task: number, todo: string, why: string, code: string, stub: string): string =>
    solved ? `    // ${why}\n    ${code}` : `    // TODO(task ${task}): ${todo}\n    ${stub}`;
  const runtime = solved
    ? "type Call, GenServer, type GenServerModule, noreply, ok, type Pid, type Protocol, reply, type ServerRef"
    : "type Call, GenServer, type GenServerModule, type Pid, type Protocol, type ServerRef";
  return `/**
 * ${module}: TODO(maintainer): two to four lines on what the server does. As scaffolded, it keeps a number that
 * \`get\` reads with a call and \`add\` increases with a cast.
 */
import { ${runtime} } from "#runtime";

/** What the server accepts: \`get\` is a call answered with the number, \`add\` a cast. */
export interface ${module}Protocol extends Protocol {
  call: Call<{ type: "get" }, number>;
  cast: { type: "add"; amount: number };
  info: never;
}

export type ${module}State = number;

export const ${module}: GenServerModule<${module}Protocol, number, ${module}State> = {
  init(${solved ? "initial" : "_initial"}) {
${body(1, "start from the initial value.", "The initial value is the whole state.", "return ok(initial);", 'throw new Error("TODO(task 1)");')}
  },

  handleCall(${solved ? "request" : "_request"}, _from, ${solved ? "state" : "_state"}) {
${
  solved
    ? `    switch (request.type) {
      case "get":
        // The caller waits for the number; the state does not change.
        return reply(state, state);
    }`
    : body(2, "answer a get with the state.", "", "", 'throw new Error("TODO(task 2)");')
}
  },

  handleCast(${solved ? "message" : "_message"}, ${solved ? "state" : "_state"}) {
${
  solved
    ? `    switch (message.type) {
      case "add":
        // A number is immutable: the new state is a new number.
        return noreply(state + message.amount);
    }`
    : body(3, "add the amount of an add to the state.", "", "", 'throw new Error("TODO(task 3)");')
}
  },
};

/** Starts a ${module} holding \`initial\`. */
export function start(initial: number): Promise<Pid<${module}Protocol>> {
  return GenServer.start(${module}, initial);
}

/** The number the server holds. */
export function get(${solved ? "server" : "_server"}: ServerRef<${module}Protocol>): Promise<number> {
${body(2, "ask the server, and wait for its reply.", "A call: the caller needs the answer.", 'return GenServer.call(server, { type: "get" });', 'throw new Error("TODO(task 2)");').replace(/^ {4}/gm, "  ")}
}

/** Adds \`amount\` to the number, without waiting for the server. */
export function add(${solved ? "server" : "_server"}: ServerRef<${module}Protocol>, ${solved ? "amount" : "_amount"}: number): "ok" {
${body(3, "send the amount to the server, without waiting.", "A cast: nothing to wait for.", 'return GenServer.cast(server, { type: "add", amount });', 'throw new Error("TODO(task 3)");').replace(/^ {4}/gm, "  ")}
}
`;
}

function graderFile(id: string): string {
  const { file, module } = namesOf(id);
  return `import { it } from "vitest";
import { assertEqual, examples, gradeTask, startServer, subject } from "#grading";
import type * as Impl from "#impl/${id}/${file}";
import { testName } from "#protocol";

// TODO(maintainer): one gradeTask per task of the statement, with the grader's own model of correct behaviour.
const ${module} = subject.module<typeof Impl>();
const { Process, Sys } = subject.runtime;

/** Starts a server holding \`initial\` for this test (the subject stops it after the test). */
const startServerWith = (initial: number) => startServer(\`${module}.start(\${initial})\`, () => ${module}.start(initial));

gradeTask(1, () => {
  it(testName({ en: "should start a live server holding its initial value", es: "debería arrancar un servidor vivo con su valor inicial" }), async () => {
    const initial = examples().int(1, 1000);
    const pid = await startServerWith(initial);
    assertEqual(await Process.alive(pid), true, { call: \`Process.alive(await ${module}.start(\${initial}))\` });
    assertEqual(await Sys.getState(pid), initial, { call: \`Sys.getState(await ${module}.start(\${initial}))\` });
  });
});

gradeTask(2, () => {
  it(testName({ en: "should answer get with the number it holds", es: "debería responder get con el número que guarda" }), async () => {
    const initial = examples().int(1, 1000);
    const pid = await startServerWith(initial);
    assertEqual(await ${module}.get(pid), initial, { call: \`await ${module}.get(await ${module}.start(\${initial}))\` });
  });
});

gradeTask(3, () => {
  it(testName({ en: "should add the amount of each add", es: "debería sumar la cantidad de cada add" }), async () => {
    const ex = examples();
    const [initial, first, second] = [ex.int(1, 1000), ex.int(1, 1000), ex.int(1, 1000)];
    const pid = await startServerWith(initial);
    await ${module}.add(pid, first);
    await ${module}.add(pid, second);
    assertEqual(await Sys.getState(pid), initial + first + second, {
      call: \`${module}.add(pid, \${first}); ${module}.add(pid, \${second}); await Sys.getState(pid)\`,
    });
  });
});
`;
}

function fixturesFile(id: string): string {
  const { file, module } = namesOf(id);
  return `import type { Fixture } from "#protocol";

/** Known-wrong ${module}s: each must lose points on the tasks it breaks. TODO(maintainer): the mistakes learners make. */
export const fixtures: readonly Fixture[] = [
  {
    name: "ignores-initial",
    breaks: [1],
    why: { es: "init empieza en 0, no en el valor inicial.", en: "init starts at 0, not at the initial value." },
    file: ${q(file)},
    patch: [["return ok(initial);", "return ok(0);"]],
  },
  {
    name: "get-answers-zero",
    breaks: [2],
    why: { es: "get responde 0, no el número guardado.", en: "get answers 0, not the number held." },
    file: ${q(file)},
    patch: [["return reply(state, state);", "return reply(0, state);"]],
  },
  {
    name: "add-ignored",
    breaks: [3],
    why: { es: "handleCast no suma la cantidad.", en: "handleCast does not add the amount." },
    file: ${q(file)},
    patch: [["return noreply(state + message.amount);", "return noreply(state);"]],
  },
];
`;
}

function statementFile(entry: CatalogExercise, lang: "es" | "en"): string {
  const { file, module } = namesOf(entry.id);
  const short = /^\d+/.exec(entry.id)?.[0] ?? entry.id;
  const tasks = entry.tasks
    .map((task) => {
      const body: Text =
        task.n === 1
          ? {
              es: "`init` recibe el valor inicial de `start` y empieza con él.",
              en: "`init` receives `start`'s initial value and starts with it.",
            }
          : task.n === 2
            ? {
                es: '`get(server)` hace un **call** `{ type: "get" }` y responde el número guardado.',
                en: '`get(server)` makes a **call** `{ type: "get" }` and answers the number held.',
              }
            : {
                es: '`add(server, amount)` envía un **cast** `{ type: "add", amount }` y suma `amount`.',
                en: '`add(server, amount)` sends a **cast** `{ type: "add", amount }` and adds `amount`.',
              };
      return `## ${lang === "es" ? "Tarea" : "Task"} ${task.n}: \n\n${body[lang]}\n\n### ${lang === "es" ? "Pistas" : "Hints"}\n`;
    })
    .join("\n");
  const es = lang === "es";
  const markdown = `# ${entry.title[lang]}

${es ? "TODO(maintainer): qué hace el servidor y de qué parte del capítulo sale." : "TODO(maintainer): what the server does and which part of the chapter it comes from."}

${es ? "Trabajas en" : "You work in"} \`exercises/${entry.id}/${file}\`. ${es ? "Su API:" : "Its API:"}

\`\`\`ts
const pid = await start(10);
add(pid, 5);            // ${es ? 'cast: devuelve "ok" sin esperar' : 'cast: returns "ok" without waiting'}
await get(pid);         // 15
\`\`\`

${
  es
    ? `Califica tu trabajo con \`npm run grade -- ${short}\` (o \`npm run grade -- ${short} --watch\`, que vuelve a calificar cada vez que\nguardas) y pide una pista con \`npm run hint -- ${short} <tarea>\`: cada vez que la pides, una más.`
    : `Grade your work with \`npm run grade -- ${short}\` (or \`npm run grade -- ${short} --watch\`, which grades again each time you\nsave) and ask for a hint with \`npm run hint -- ${short} <task>\`: each time you ask, one more.`
}

## ${es ? "Del Elixir del capítulo a TypeScript" : "From the chapter's Elixir to TypeScript"}

${es ? "TODO(maintainer): el Elixir del capítulo más cercano a este ejercicio." : "TODO(maintainer): the chapter's Elixir closest to this exercise."}

\`\`\`elixir
defmodule ${module} do
  use GenServer
end
\`\`\`

| ${es ? "Elixir (capítulo)" : "Elixir (the chapter)"} | TypeScript (\`${file}\`) |
|---|---|
| \`{:reply, ${es ? "respuesta, estado" : "answer, state"}}\` | \`reply(${es ? "respuesta, estado" : "answer, state"})\` |

${es ? "La tabla completa de equivalencias está en" : "The whole table of equivalences is in"} [runtime/${es ? "README.md" : "README.en.md"}](../../runtime/${es ? "README.md" : "README.en.md"}).

${tasks}`;
  return syncStatement(markdown, entry, lang);
}

/** Adds the entry's import and its place at the end of the list in kit/catalog.ts. */
export function registerInCatalog(source: string, id: string): string {
  const { variable } = namesOf(id);
  const imports = [...source.matchAll(/^import \{ \w+ \} from "\.\/catalog\/[^"]+";$/gm)];
  const last = imports.at(-1);
  const list = /export const catalog: readonly CatalogExercise\[\] = \[([^\]]*)\];/.exec(source);
  if (last === undefined || list === null) throw new Error("new-exercise: kit/catalog.ts no longer has the shape this tool edits");
  const at = (last.index ?? 0) + last[0].length;
  const withImport = `${source.slice(0, at)}\nimport { ${variable} } from "./catalog/${id}.ts";${source.slice(at)}`;
  return withImport.replace(list[0], `export const catalog: readonly CatalogExercise[] = [${(list[1] ?? "").trimEnd()}, ${variable}];`);
}

/** Formats the TypeScript files it wrote with the kit's Biome configuration, as `npm run lint -- --write` would. */
function format(files: readonly string[]): void {
  const biome = new Biome();
  const { projectKey } = biome.openProject(kitRoot);
  const {
    $schema: _schema,
    vcs: _vcs,
    files: _files,
    ...configuration
  } = JSON.parse(readFileSync(join(kitRoot, "biome.json"), "utf8")) as Configuration & {
    $schema?: string;
  };
  biome.applyConfiguration(projectKey, configuration);
  for (const file of files) {
    const filePath = relative(kitRoot, file).replaceAll("\\", "/");
    writeFileSync(file, biome.formatContent(projectKey, readFileSync(file, "utf8"), { filePath }).content);
  }
}

await runCommand(newExerciseCommand, async () => {
  const parsed = parseCommand(newExerciseCommand, process.argv.slice(2));
  const { lang } = parsed;
  if (parsed.help) return { help: lang };
  const es = lang === "es";
  const [id, extra] = parsed.positionals;
  if (id === undefined)
    throw new UsageError(
      {
        es: "Falta el id del ejercicio (por ejemplo 07-trade-journal).",
        en: "The exercise's id is missing (for example 07-trade-journal).",
      },
      lang,
    );
  if (extra !== undefined) throw new UsageError({ es: `Sobra «${extra}».`, en: `"${extra}" is one argument too many.` }, lang);
  if (!/^\d{2}-[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id))
    throw new UsageError(
      {
        es: `«${id}» no es un id: dos cifras, un guion y un nombre en kebab-case (07-trade-journal).`,
        en: `"${id}" is not an id: two digits, a dash and a kebab-case name (07-trade-journal).`,
      },
      lang,
    );
  const taken = ["exercises", "solutions", "graders"].map((folder) => join(folder, id)).find((path) => existsSync(join(kitRoot, path)));
  if (taken !== undefined || existsSync(join(kitRoot, "kit", "catalog", `${id}.ts`)))
    throw new UsageError(
      { es: `${id} ya existe (${taken ?? `kit/catalog/${id}.ts`}).`, en: `${id} already exists (${taken ?? `kit/catalog/${id}.ts`}).` },
      lang,
    );
  const { module } = namesOf(id);
  const title: Text = {
    es: stringFlag(parsed, "title") ?? `${module}: TODO(maintainer)`,
    en: stringFlag(parsed, "title-en") ?? `${module}: TODO(maintainer)`,
  };
  const entry = scaffoldEntry(id, title);
  const written: string[] = [];
  const put = (path: string, content: string): string => {
    const full = join(kitRoot, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    written.push(path);
    return full;
  };
  const typescript = [
    put(join("kit", "catalog", `${id}.ts`), catalogFile(entry)),
    put(join("exercises", id, entry.file), implementationFile(id, false)),
    put(join("solutions", id, entry.file), implementationFile(id, true)),
    put(join("graders", id, entry.file.replace(/\.ts$/, ".test.ts")), graderFile(id)),
    put(join("graders", id, "fixtures.ts"), fixturesFile(id)),
  ];
  put(join("exercises", id, "README.md"), statementFile(entry, "es"));
  put(join("exercises", id, "README.en.md"), statementFile(entry, "en"));
  const catalogPath = join(kitRoot, "kit", "catalog.ts");
  writeFileSync(catalogPath, registerInCatalog(readFileSync(catalogPath, "utf8"), id));
  written.push("kit/catalog.ts");
  format([...typescript, catalogPath]);

  // The manifests, from a process that reads the catalog as it now is: the new grader's tests as the solution
  // reports them (graders/expected-tests.json, which the score is computed from), and the new stub (kit/stubs.json).
  for (const script of ["expected-tests.ts", "stubs.ts"]) {
    const child = spawnSync(process.execPath, ["--import", "tsx", join(kitRoot, "kit", script)], { cwd: kitRoot, encoding: "utf8" });
    if (child.status !== 0) {
      console.error(`${child.stdout}${child.stderr}`.trim());
      return 1;
    }
  }
  written.push(EXPECTED_TESTS_FILE.replaceAll("\\", "/"), STUBS_PATH);

  console.log(es ? `Creado ${id}:` : `Created ${id}:`);
  for (const path of written) console.log(`  ${path.replaceAll("\\", "/")}`);
  console.log(
    es
      ? `\nCada sitio que reescribir dice TODO(maintainer). Después: npm run statements (títulos, puntos y pistas del catálogo),\nnpm run expected-tests, npm run stubs y npm run checksums; npm test lo comprueba todo.`
      : `\nEvery place to rewrite says TODO(maintainer). Then: npm run statements (titles, points and hints from the catalog),\nnpm run expected-tests, npm run stubs and npm run checksums; npm test checks it all.`,
  );
  return 0;
});
