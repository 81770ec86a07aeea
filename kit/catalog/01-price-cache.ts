import type { CatalogExercise } from "../catalog.ts";

export const priceCache: CatalogExercise = {
  id: "01-price-cache",
  title: { es: "PriceCache: una caché de precios", en: "PriceCache: a price cache" },
  file: "price-cache.ts",
  tasks: [
    {
      n: 1,
      title: { es: "Arrancar el servidor", en: "Start the server" },
      points: 15,
      uses: ["init", "start", "startLink"],
      hints: [
        {
          es: "`start` y `startLink` ya llaman a `GenServer.start` y `GenServer.startLink`: basta con que `init` funcione.",
          en: "`start` and `startLink` already call `GenServer.start` and `GenServer.startLink`: `init` working is enough.",
        },
        {
          es: "En Elixir, `init` devuelve `{:ok, estado}`; aquí, el estado envuelto en `ok(…)` (de `#runtime`).",
          en: "In Elixir, `init` returns `{:ok, state}`; here, the state wrapped in `ok(…)` (from `#runtime`).",
        },
        {
          es: "El estado inicial es el `%{}` del capítulo: un `Map` vacío. Puedes ver el estado de un servidor con `await Sys.getState(pid)`.",
          en: "The initial state is the chapter's `%{}`: an empty `Map`. You can see a server's state with `await Sys.getState(pid)`.",
        },
        {
          es: "Si cambias `start` o `startLink` (tarea 4), que `startLink` siga llamando a `GenServer.startLink` y `start` a `GenServer.start`: el enlace es la diferencia entre los dos.",
          en: "If you change `start` or `startLink` (task 4), keep `startLink` calling `GenServer.startLink` and `start` calling `GenServer.start`: the link is the difference between them.",
        },
      ],
    },
    {
      n: 2,
      title: { es: "Leer y guardar precios", en: "Read and store prices" },
      points: 30,
      uses: ["init", "handleCall", "handleCast", "start", "startLink", "get", "put"],
      hints: [
        {
          es: '`put` no necesita respuesta (un cast) y `get` sí (un call): `GenServer.cast` devuelve `"ok"` sin esperar; `GenServer.call` devuelve una promesa con la respuesta.',
          en: '`put` needs no answer (a cast) and `get` does (a call): `GenServer.cast` returns `"ok"` without waiting; `GenServer.call` returns a promise of the answer.',
        },
        {
          es: "Haz un `switch` sobre `request.type` en `handleCall` y sobre `message.type` en `handleCast`: es el *pattern matching* de `handle_call({:get, symbol}, …)`.",
          en: "`switch` on `request.type` in `handleCall` and on `message.type` in `handleCast`: it is the pattern matching of `handle_call({:get, symbol}, …)`.",
        },
        {
          es: "`{:reply, respuesta, estado}` es `reply(respuesta, estado)` y `{:noreply, estado}` es `noreply(estado)`. La respuesta de un get es lo que el `Map` guarda para ese símbolo.",
          en: "`{:reply, answer, state}` is `reply(answer, state)` and `{:noreply, state}` is `noreply(state)`. A get's answer is what the `Map` holds for that symbol.",
        },
        {
          es: "`if (!price)` o `price || …` toman el `0` por «sin precio»: compara con `undefined` si necesitas distinguirlo.",
          en: "`if (!price)` or `price || …` take `0` for “no price”: compare with `undefined` if you need to tell them apart.",
        },
        {
          es: "Guarda los precios en el estado que devuelve `init`, no en una variable del módulo: esa la comparten todos los servidores.",
          en: "Keep the prices in the state `init` returns, not in a variable of the module: that one is shared by every server.",
        },
      ],
    },
    {
      n: 3,
      title: { es: "Un símbolo desconocido", en: "An unknown symbol" },
      points: 15,
      uses: ["init", "handleCall", "handleCast", "start", "startLink", "get", "put"],
      hints: [
        {
          es: '¿Qué guardas como estado? Un objeto plano (`{}`) no sirve como almacén: `obj["toString"]` existe aunque nunca lo guardaras, y `"__proto__"` no se comporta como una clave normal.',
          en: 'What do you keep as the state? A plain object (`{}`) is no good as a store: `obj["toString"]` exists though you never stored it, and `"__proto__"` does not behave like an ordinary key.',
        },
        {
          es: "`Map.prototype.get` ya devuelve `undefined` para una clave que no existe, como el `Map.get(state, symbol)` de Elixir: no lo conviertas en `null` ni en `0`.",
          en: "`Map.prototype.get` already returns `undefined` for a missing key, like Elixir's `Map.get(state, symbol)`: do not turn it into `null` or `0`.",
        },
        {
          es: "No transformes el símbolo (`toUpperCase`, `trim`…): cambia qué símbolo es, y con un símbolo que no es texto lanza un error que tumba el servidor y pierde todos los precios.",
          en: "Do not transform the symbol (`toUpperCase`, `trim`…): it changes which symbol it is, and on a symbol that is not text it throws an error that crashes the server and loses every price.",
        },
      ],
    },
    {
      n: 4,
      title: { es: "Un servidor con nombre", en: "A named server" },
      points: 20,
      uses: ["init", "handleCall", "handleCast", "start", "startLink", "get", "put"],
      hints: [
        {
          es: "El error de nombre repetido lo produce el runtime: no tienes que comprobarlo tú. Solo hay que pasar el nombre al arrancar.",
          en: "The runtime produces the duplicate-name error: you do not have to check it yourself. You only have to pass the name on at start.",
        },
        {
          es: "`GenServer.start(módulo, arg, opciones)` acepta `{ name }`, como el `name: PriceCache` de `GenServer.start_link` en Elixir.",
          en: "`GenServer.start(module, arg, options)` takes `{ name }`, like the `name: PriceCache` of Elixir's `GenServer.start_link`.",
        },
        {
          es: "Con `exactOptionalPropertyTypes`, `{ name: options.name }` no compila si `name` puede ser `undefined`: cuando no hay nombre, pasa unas opciones sin `name`.",
          en: "With `exactOptionalPropertyTypes`, `{ name: options.name }` does not compile if `name` may be `undefined`: when there is no name, pass options without `name`.",
        },
      ],
    },
    {
      n: 5,
      title: { es: "El orden de los mensajes y muchos símbolos", en: "Message order and many symbols" },
      points: 20,
      uses: ["init", "handleCall", "handleCast", "start", "startLink", "get", "put"],
      hints: [
        {
          es: "Si una secuencia falla, repítela con el comando que aparece en el mensaje y sigue los pasos a mano.",
          en: "If a sequence fails, replay it with the command in the message and follow the steps by hand.",
        },
        {
          es: "Cada símbolo tiene su entrada y cada `put` reemplaza el precio de su símbolo: no guardes solo el último precio recibido, ni solo el primero de cada símbolo.",
          en: "Each symbol has its own entry and each `put` replaces its symbol's price: do not keep only the last price received, nor only the first one of each symbol.",
        },
        {
          es: 'No guardes el precio "más tarde" (con `setTimeout` o `Process.sendAfter`): el cast debe actualizar el estado al procesarse.',
          en: 'Do not store the price "later" (with `setTimeout` or `Process.sendAfter`): the cast must update the state when it is handled.',
        },
      ],
    },
  ],
};
