/**
 * What a compiler error of a learner's file means, in the learner's words: the compiler's message in Spanish for the
 * common templates, and an explanation for the mistakes learners of this kit make (a callback's result without its
 * `ok`/`reply`/`noreply`, a cast where a call is needed, a reply of the wrong type, a runtime name not imported…).
 * Pure functions of the error: kit/render.ts shows what they return.
 */
import type { Lang, Text } from "#protocol";
import type { TypeErrorInfo } from "./typecheck.ts";

/** The names `#runtime` exports that a learner's file uses without thinking of the import (kit/test checks the list). */
export const RUNTIME_VALUES = [
  "GenServer",
  "Process",
  "Registry",
  "Supervisor",
  "DynamicSupervisor",
  "Logger",
  "Sys",
  "Probe",
  "self",
  "now",
  "ok",
  "reply",
  "noreply",
  "stop",
  "ignore",
  "StartError",
  "ExitError",
] as const;

const RUNTIME_TYPES = ["Call", "GenServerModule", "Name", "Pid", "Protocol", "ServerRef", "From", "ChildSpec"] as const;

/** The lines of the compiler's message: the first is the outermost, the last the most precise. */
const chainOf = (error: TypeErrorInfo): string[] => error.message.split("\n").map((line) => line.trim());

/** The callback whose definition the error points at, read from its source line. */
function callbackAt(error: TypeErrorInfo): string | null {
  const match = /^\s*(?:async\s+)?(init|handleCall|handleCast|handleInfo|handleContinue|terminate)\b/.exec(error.source ?? "");
  if (match !== null) return match[1] ?? null;
  const chain = error.message;
  if (/\bInitResult</.test(chain)) return "init";
  if (/\bCallResult</.test(chain)) return "handleCall";
  if (/\bNoReplyResult</.test(chain)) return "handleCast";
  return null;
}

const WRAPPER: Readonly<Record<string, Text>> = {
  init: {
    es: "`init` debe devolver `ok(estado)` (el `{:ok, estado}` de Elixir), `stop(razón)` o `ignore()`: aquí devuelve otra cosa, probablemente el estado sin envolver.",
    en: "`init` should return `ok(state)` (Elixir's `{:ok, state}`), `stop(reason)` or `ignore()`: here it returns something else, probably the bare state.",
  },
  handleCall: {
    es: "`handleCall` debe devolver `reply(respuesta, estado)` (el `{:reply, respuesta, estado}` de Elixir), `noreply(estado)` o `stop(…)`: aquí devuelve otra cosa, probablemente la respuesta o el estado sin envolver.",
    en: "`handleCall` should return `reply(answer, state)` (Elixir's `{:reply, answer, state}`), `noreply(state)` or `stop(…)`: here it returns something else, probably the bare answer or state.",
  },
  handleCast: {
    es: "`handleCast` debe devolver `noreply(estado)` (el `{:noreply, estado}` de Elixir) o `stop(…)`: aquí devuelve otra cosa, probablemente el estado sin envolver.",
    en: "`handleCast` should return `noreply(state)` (Elixir's `{:noreply, state}`) or `stop(…)`: here it returns something else, probably the bare state.",
  },
  handleInfo: {
    es: "`handleInfo` debe devolver `noreply(estado)` (el `{:noreply, estado}` de Elixir) o `stop(…)`: aquí devuelve otra cosa, probablemente el estado sin envolver.",
    en: "`handleInfo` should return `noreply(state)` (Elixir's `{:noreply, state}`) or `stop(…)`: here it returns something else, probably the bare state.",
  },
  handleContinue: {
    es: "`handleContinue` debe devolver `noreply(estado)` o `stop(…)`: aquí devuelve otra cosa, probablemente el estado sin envolver.",
    en: "`handleContinue` should return `noreply(state)` or `stop(…)`: here it returns something else, probably the bare state.",
  },
};

const PROMISE_NOTE: Text = {
  es: "(El «then, catch, finally» que menciona TypeScript viene de que un callback también puede devolver una promesa: no es eso lo que falta.)",
  en: '(The "then, catch, finally" TypeScript mentions comes from a callback being allowed to return a promise too: that is not what is missing.)',
};

/** The explanation of an error learners of this kit often meet, or null. */
export function explainCompileError(error: TypeErrorInfo): Text | null {
  if (error.kind === "syntax")
    return {
      es: "Es un error de sintaxis: TypeScript no puede leer el archivo desde aquí. Mira también la línea anterior: suele faltar un paréntesis, una llave o una coma.",
      en: "It is a syntax error: TypeScript cannot read the file from here on. Look at the line before too: a bracket, a brace or a comma is often missing.",
    };
  const chain = chainOf(error);
  const text = error.message;
  const source = error.source ?? "";
  const code = error.code ?? "";

  // A reply whose type is not the one the protocol declares for that request.
  const replyMismatch = /Type 'Reply<[^']*' is not assignable to type '[^']*Reply</.test(text) || text.includes("[RESULT_REPLY]");
  if (replyMismatch) {
    const last = /^Type '(.+)' is not assignable to type '(.+)'\.$/.exec(chain.at(-1) ?? "");
    const detail: Text =
      last === null
        ? { es: "", en: "" }
        : {
            es: ` Aquí respondes \`${last[1]}\` donde se espera \`${last[2]}\`.`,
            en: ` Here you answer \`${last[1]}\` where \`${last[2]}\` is expected.`,
          };
    return {
      es: `La respuesta de \`reply(respuesta, estado)\` no es del tipo que declara el protocolo: \`Call<Petición, Respuesta>\` fija qué se responde a cada petición.${detail.es}`,
      en: `The answer in \`reply(answer, state)\` is not of the type the protocol declares: \`Call<Request, Answer>\` sets what each request is answered with.${detail.en}`,
    };
  }

  // A cast where the function needs the answer of a call, or the other way round.
  const literalClash = /Type '"[^"]*"' is not assignable to type '"[^"]*"/.test(text);
  if (/\bGenServer\.cast\(/.test(source) && (literalClash || /not assignable to type 'Promise</.test(text)))
    return {
      es: '`GenServer.cast` envía sin esperar y devuelve "ok"; esta función necesita la respuesta: usa `GenServer.call(servidor, petición)`, que devuelve una promesa con ella. En tu protocolo, las peticiones de `call` y los mensajes de `cast` son tipos distintos.',
      en: '`GenServer.cast` sends without waiting and returns "ok"; this function needs the answer: use `GenServer.call(server, request)`, which returns a promise of it. In your protocol, `call` requests and `cast` messages are different types.',
    };
  if (/\bGenServer\.call\(/.test(source) && (literalClash || /not assignable to type '"ok"'/.test(text)))
    return {
      es: '`GenServer.call` espera una respuesta; este mensaje es un cast de tu protocolo: usa `GenServer.cast(servidor, mensaje)`, que devuelve "ok" al instante. En tu protocolo, las peticiones de `call` y los mensajes de `cast` son tipos distintos.',
      en: '`GenServer.call` waits for an answer; this message is one of your protocol\'s casts: use `GenServer.cast(server, message)`, which returns "ok" at once. In your protocol, `call` requests and `cast` messages are different types.',
    };

  // A callback that returns its state or answer without the result helper.
  if (/\b(InitResult|CallResult|NoReplyResult|CallbackResult)</.test(text)) {
    const callback = callbackAt(error);
    const wrapper = callback === null ? undefined : WRAPPER[callback];
    if (wrapper !== undefined) {
      const promise = text.includes("then, catch, finally");
      return promise ? { es: `${wrapper.es} ${PROMISE_NOTE.es}`, en: `${wrapper.en} ${PROMISE_NOTE.en}` } : wrapper;
    }
  }

  const missing = /^Cannot find name '([^']+)'/.exec(chain[0] ?? "");
  if (missing !== null && [...RUNTIME_VALUES, ...RUNTIME_TYPES].includes(missing[1] as (typeof RUNTIME_VALUES)[number])) {
    const name = missing[1] ?? "";
    const type = (RUNTIME_TYPES as readonly string[]).includes(name);
    return {
      es: `Falta importar \`${name}\` de \`#runtime\`: añádelo al \`import ${type ? "type " : ""}{ … } from "#runtime"\` del principio del archivo.`,
      en: `\`${name}\` is not imported from \`#runtime\`: add it to the \`import ${type ? "type " : ""}{ … } from "#runtime"\` at the top of the file.`,
    };
  }

  if (code === "TS2678" || code === "TS2367")
    return {
      es: "Ese valor no es ninguno de los que declara el tipo (¿una errata en un `type`?): en un `switch (mensaje.type)`, cada `case` debe ser uno de los `type` de los mensajes de tu protocolo.",
      en: "That value is none of those the type declares (a typo in a `type`?): in a `switch (message.type)`, each `case` should be one of the `type`s of your protocol's messages.",
    };
  if (code === "TS18048" || code === "TS2532" || code === "TS18047")
    return {
      es: "Ese valor puede ser `undefined` (lo que da `map.get(clave)` o `array[i]` cuando no hay nada): compruébalo antes de usarlo, por ejemplo con `if (x === undefined) …`.",
      en: "That value may be `undefined` (what `map.get(key)` or `array[i]` give when there is nothing): check it before using it, for example with `if (x === undefined) …`.",
    };
  if (code === "TS2375" || code === "TS2379" || code === "TS2412" || text.includes("exactOptionalPropertyTypes"))
    return {
      es: "Con `exactOptionalPropertyTypes`, una propiedad opcional no admite `undefined`: cuando no hay valor, no la pongas (`x === undefined ? {} : { name: x }`).",
      en: "With `exactOptionalPropertyTypes`, an optional property does not take `undefined`: when there is no value, leave it out (`x === undefined ? {} : { name: x }`).",
    };
  if (code === "TS2366" || code === "TS7030")
    return {
      es: "Algún camino de la función termina sin `return`: en un `switch`, cada `case` debe devolver algo.",
      en: "Some path through the function ends without a `return`: in a `switch`, every `case` should return something.",
    };
  if (code === "TS7006")
    return {
      es: "Ese parámetro no tiene tipo y TypeScript no puede deducirlo: escríbelo, por ejemplo `(precio: number) => …`.",
      en: "That parameter has no type and TypeScript cannot infer one: write it, for example `(price: number) => …`.",
    };
  return null;
}

/** The compiler's own words worth showing: the most precise line of its message that does not mislead. */
export function compilerLine(error: TypeErrorInfo, lang: Lang, max = 160): string {
  const chain = chainOf(error).filter((line) => line !== "");
  // A promise's missing then/catch/finally is never what a learner forgot.
  const useful = chain.filter((line) => !/missing the following properties from type 'Promise</.test(line));
  // A callback may return its result or a promise of it; the promise half only makes the type longer to read.
  const chosen = ((useful.length > 0 ? useful : chain).at(-1) ?? "").replace(/'Promise<(.+?)> \| \1'/g, "'$1'");
  const said = lang === "es" ? (spanish(chosen) ?? chosen) : chosen;
  return said.length > max ? `${said.slice(0, max - 1)}…` : said;
}

/** The compiler's message in Spanish, for the templates learners meet most; null for the others. */
function spanish(line: string): string | null {
  const rules: readonly [RegExp, (m: RegExpExecArray) => string][] = [
    [/^Type '(.+)' is not assignable to type '(.+)'\.$/, (m) => `El tipo '${m[1]}' no se puede asignar al tipo '${m[2]}'.`],
    [
      /^Argument of type '(.+)' is not assignable to parameter of type '(.+)'\.$/,
      (m) => `Un argumento de tipo '${m[1]}' no sirve para un parámetro de tipo '${m[2]}'.`,
    ],
    [
      /^Cannot find name '(.+?)'\.(?: Did you mean '(.+)'\?)?$/,
      (m) => `No existe el nombre '${m[1]}'.${m[2] === undefined ? "" : ` ¿Quisiste decir '${m[2]}'?`}`,
    ],
    [/^Property '(.+?)' does not exist on type '(.+)'\.$/, (m) => `La propiedad '${m[1]}' no existe en el tipo '${m[2]}'.`],
    [/^'(.+)' is possibly 'undefined'\.$/, (m) => `'${m[1]}' puede ser 'undefined'.`],
    [/^Object is possibly 'undefined'\.$/, () => "El objeto puede ser 'undefined'."],
    [/^'(.+)' expected\.$/, (m) => `Se esperaba '${m[1]}'.`],
    [/^Expression expected\.$/, () => "Se esperaba una expresión."],
    [/^Declaration or statement expected\.$/, () => "Se esperaba una declaración o una instrucción."],
    [/^Identifier expected\.$/, () => "Se esperaba un identificador."],
    [/^Unterminated string literal\.$/, () => "Una cadena sin cerrar."],
    [/^Unterminated template literal\.$/, () => "Una plantilla (`…`) sin cerrar."],
    [/^Unexpected token\.(.*)$/, (m) => `Símbolo inesperado.${m[1] ?? ""}`],
    [/^Expected (\d+) arguments?, but got (\d+)\.$/, (m) => `Se esperaban ${m[1]} argumentos y hay ${m[2]}.`],
    [
      /^Function lacks ending return statement and return type does not include 'undefined'\.$/,
      () => "La función puede terminar sin return.",
    ],
  ];
  for (const [pattern, say] of rules) {
    const match = pattern.exec(line);
    if (match !== null) return say(match);
  }
  return null;
}
