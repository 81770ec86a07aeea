import type { CatalogExercise } from "../catalog.ts";

export const priceWorker: CatalogExercise = {
  id: "03-price-worker",
  title: { es: "PriceWorker: un worker por símbolo con Registry", en: "PriceWorker: one worker per symbol with Registry" },
  file: "price-worker.ts",
  tasks: [
    {
      n: 1,
      title: { es: "Un worker registrado por símbolo", en: "A worker registered per symbol" },
      points: 20,
      uses: ["init", "handleCall", "startLink", "getPrice"],
      hints: [
        {
          es: 'Un nombre local (`GenServer.name("PriceWorker")`) no sirve: solo un proceso puede tenerlo, así que el segundo símbolo chocaría con el primero.',
          en: 'A local name (`GenServer.name("PriceWorker")`) will not do: only one process can hold it, so the second symbol would collide with the first.',
        },
        {
          es: "Es el `via_tuple(symbol)` del capítulo, `{:via, Registry, {PriceWorkerRegistry, symbol}}`: aquí, `Registry.via(REGISTRY, symbol)`. Escríbelo en una función `via(symbol)`: la usarás también en `getPrice` y `setPrice`.",
          en: "It is the chapter's `via_tuple(symbol)`, `{:via, Registry, {PriceWorkerRegistry, symbol}}`: here, `Registry.via(REGISTRY, symbol)`. Write it as a `via(symbol)` function: you will use it in `getPrice` and `setPrice` too.",
        },
        {
          es: "`startLink` pasa ese nombre en las opciones de `GenServer.startLink`, como el `name: via_tuple(symbol)` del capítulo.",
          en: "`startLink` passes that name in `GenServer.startLink`'s options, like the chapter's `name: via_tuple(symbol)`.",
        },
      ],
    },
    {
      n: 2,
      title: { es: "Precios por símbolo", en: "Prices by symbol" },
      points: 25,
      uses: ["init", "handleCall", "handleCast", "startLink", "getPrice", "setPrice"],
      hints: [
        {
          es: "Ni `getPrice` ni `setPrice` reciben un pid: llaman a `via(symbol)`, y el runtime busca el proceso en el Registry en cada llamada.",
          en: "Neither `getPrice` nor `setPrice` takes a pid: they call `via(symbol)`, and the runtime looks the process up in the Registry on every call.",
        },
        {
          es: 'El error `"noproc"` lo produce `GenServer.call` cuando nadie tiene ese nombre: no tienes que comprobarlo tú.',
          en: '`GenServer.call` itself fails with `"noproc"` when nobody holds the name: you do not have to check it.',
        },
        {
          es: '`null` significa "aún sin precio"; `0` sería un precio (y falso).',
          en: '`null` means "no price yet"; `0` would be a price (and a wrong one).',
        },
      ],
    },
    {
      n: 3,
      title: { es: "Un solo worker por símbolo", en: "One worker per symbol" },
      points: 15,
      uses: ["init", "handleCall", "handleCast", "startLink", "getPrice", "setPrice"],
      hints: [
        {
          es: 'Con `keys: "unique"`, el Registry acepta un solo proceso por clave: el runtime rechaza el segundo registro.',
          en: 'With `keys: "unique"` the Registry takes one process per key: the runtime refuses the second registration.',
        },
        {
          es: "Si esta tarea falla, revisa que `startLink` registre el worker (tarea 1): sin nombre, nada impide dos workers del mismo símbolo.",
          en: "If this task fails, check that `startLink` registers the worker (task 1): without a name nothing stops two workers for the same symbol.",
        },
      ],
    },
    {
      n: 4,
      title: { es: "El nombre de un worker caído", en: "The name of a crashed worker" },
      points: 15,
      uses: ["init", "handleCall", "handleCast", "startLink", "getPrice", "setPrice"],
      hints: [
        {
          es: 'El Registry vigila a los procesos que registra y borra sus entradas al terminar, también si los matan con `Process.exit(pid, "kill")`.',
          en: 'The Registry watches the processes it registers and removes their entries when they exit, also when they are killed with `Process.exit(pid, "kill")`.',
        },
        {
          es: 'Si registras el nombre "a mano" en otra estructura (un `Map` de símbolo a pid, por ejemplo), nadie lo borra cuando el worker se cae: deja que lo haga el Registry con `Registry.via`.',
          en: 'If you record the name "by hand" in another structure (a `Map` from symbol to pid, say), nobody removes it when the worker crashes: let the Registry do it through `Registry.via`.',
        },
      ],
    },
    {
      n: 5,
      title: { es: "Bajo un DynamicSupervisor", en: "Under a DynamicSupervisor" },
      points: 25,
      uses: ["init", "handleCall", "handleCast", "startLink", "getPrice", "setPrice", "childSpec", "startWorker"],
      hints: [
        {
          es: "No arranques el worker tú mismo en `startWorker`: entonces nadie lo vigila. Pídeselo al supervisor.",
          en: "Do not start the worker yourself in `startWorker`: then nobody watches it. Ask the supervisor to.",
        },
        {
          es: "`DynamicSupervisor.startChild(supervisor, spec)` arranca el hijo que describe la spec (la de `childSpec(symbol)`) y resuelve con su pid.",
          en: "`DynamicSupervisor.startChild(supervisor, spec)` starts the child the spec describes (the one from `childSpec(symbol)`) and resolves with its pid.",
        },
        {
          es: "La función `start` de la spec debe enlazar el hijo con quien la llama (`startLink`, no `start`): el supervisor la llama desde su propio proceso y así se entera de la caída.",
          en: "The spec's `start` function must link the child to its caller (`startLink`, not `start`): the supervisor calls it from its own process and that is how it learns of the crash.",
        },
        {
          es: 'Sin `restart`, el hijo es `"permanent"`: se reinicia siempre, también si para de forma normal. `"transient"` solo se reinicia si se cae, y `"temporary"` no se reinicia nunca.',
          en: 'Without `restart`, the child is `"permanent"`: always restarted, also when it stops normally. `"transient"` is restarted only when it crashes, and `"temporary"` never.',
        },
        {
          es: "No guardes el pid del worker (en una variable del módulo o un Map): tras un reinicio es otro. Pasa por `via(symbol)` en cada llamada.",
          en: "Do not keep the worker's pid (in a module variable or a Map): after a restart it is another one. Go through `via(symbol)` on every call.",
        },
      ],
    },
  ],
};
