import type { CatalogExercise } from "../catalog.ts";

export const priceFeedHandler: CatalogExercise = {
  id: "04-price-feed-handler",
  title: { es: "PriceFeedHandler: suscriptores, monitores y heartbeat", en: "PriceFeedHandler: subscribers, monitors and heartbeat" },
  file: "price-feed-handler.ts",
  tasks: [
    {
      n: 1,
      title: { es: "Arrancar y consultar el estado", en: "Start and query the state" },
      points: 15,
      uses: ["init", "handleCall", "startLink", "getState"],
      hints: [
        {
          es: "Es el `defp via(symbol)` del capítulo: una función `via(symbol)` que devuelve `Registry.via(FEED_REGISTRY, symbol)`, usada en todas las funciones de la API.",
          en: "It is the chapter's `defp via(symbol)`: a `via(symbol)` function returning `Registry.via(FEED_REGISTRY, symbol)`, used in every API function.",
        },
        {
          es: "`startLink` registra el handler con ese nombre, como el `GenServer.start_link(__MODULE__, symbol, name: via(symbol))` del capítulo.",
          en: "`startLink` registers the handler under that name, like the chapter's `GenServer.start_link(__MODULE__, symbol, name: via(symbol))`.",
        },
        {
          es: "El `%__MODULE__{…}` de `init` es aquí un objeto con `null` por `nil` y una lista vacía de suscriptores; `get_state` responde con el estado entero, como `{:reply, state, state}`.",
          en: "`init`'s `%__MODULE__{…}` is here an object with `null` for `nil` and an empty list of subscribers; `get_state` answers with the whole state, like `{:reply, state, state}`.",
        },
        {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows the template the line is written with.
          es: "`Logger.info(`[${symbol}] Feed handler started`)` en `init`, antes de devolver `ok(...)`. Deja el `GenServer.startLink` del stub: con `GenServer.start` el handler no queda enlazado.",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows the template the line is written with.
          en: "`Logger.info(`[${symbol}] Feed handler started`)` in `init`, before returning `ok(...)`. Keep the stub's `GenServer.startLink`: with `GenServer.start` the handler is not linked.",
        },
      ],
    },
    {
      n: 2,
      title: { es: "Suscribirse y recibir ticks", en: "Subscribe and receive ticks" },
      points: 25,
      uses: ["init", "handleCall", "handleCast", "startLink", "updatePrice", "subscribe", "getState"],
      hints: [
        {
          es: "`self()` se evalúa en `subscribe`, que corre en el proceso que llama; dentro de `handleCall`, `self()` sería el servidor.",
          en: "`self()` is evaluated in `subscribe`, which runs in the calling process; inside `handleCall`, `self()` would be the server.",
        },
        {
          es: "Un suscriptor entra una sola vez: es el `Enum.uniq` del capítulo. Comprueba si ya está antes de añadirlo.",
          en: "A subscriber gets in once: it is the chapter's `Enum.uniq`. Check whether it is there before adding it.",
        },
        {
          es: "El `Enum.each(state.subscribers, fn pid -> send(pid, …) end)` del capítulo: un `Process.send` por suscriptor, con `now()` leído una sola vez por actualización.",
          en: "The chapter's `Enum.each(state.subscribers, fn pid -> send(pid, …) end)`: one `Process.send` per subscriber, with `now()` read once per update.",
        },
        {
          es: "El `timestamp` del tick es el `now()` de esta actualización, no `state.lastUpdate` (que es la hora de la anterior).",
          en: "The tick's `timestamp` is this update's `now()`, not `state.lastUpdate` (which is the previous update's time).",
        },
      ],
    },
    {
      n: 3,
      title: { es: "Suscriptores caídos", en: "Dead subscribers" },
      points: 20,
      uses: ["init", "handleCall", "handleCast", "handleInfo", "startLink", "updatePrice", "subscribe", "getState"],
      hints: [
        {
          es: "Un mensaje a un proceso muerto se pierde sin error: por eso, sin monitor, el fallo no se ve hasta mirar la lista.",
          en: "A message to a dead process is lost without an error: that is why, without a monitor, the mistake only shows in the list.",
        },
        {
          es: "`Process.monitor(request.pid)` en el caso `subscribe`, solo cuando el proceso no estaba ya suscrito. El capítulo monitoriza antes del `Enum.uniq`, así que un suscriptor repetido queda con dos monitores: dos `DOWN` y dos líneas al morir.",
          en: "`Process.monitor(request.pid)` in the `subscribe` case, only when the process was not subscribed yet. The chapter monitors before `Enum.uniq`, so a repeated subscriber ends up with two monitors: two `DOWN`s and two lines when it dies.",
        },
        {
          es: 'Cuando muere, llega a `handleInfo` un mensaje `{ type: "DOWN", pid, … }`, el `{:DOWN, _ref, :process, pid, _reason}` del capítulo: quita ese pid de la lista, como `Enum.reject`.',
          en: 'When it dies, `handleInfo` gets a `{ type: "DOWN", pid, … }` message, the chapter\'s `{:DOWN, _ref, :process, pid, _reason}`: drop that pid from the list, like `Enum.reject`.',
        },
        {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows the template the line is written with.
          es: "`filter` no cambia el array: devuelve otro. Devuelve `{ ...state, subscribers: state.subscribers.filter(...) }`; `Logger.info(`[${state.symbol}] Subscriber ${String(message.pid)} disconnected`)`.",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows the template the line is written with.
          en: "`filter` does not change the array: it returns a new one. Return `{ ...state, subscribers: state.subscribers.filter(...) }`; `Logger.info(`[${state.symbol}] Subscriber ${String(message.pid)} disconnected`)`.",
        },
      ],
    },
    {
      n: 4,
      title: { es: "El heartbeat", en: "The heartbeat" },
      points: 25,
      uses: ["init", "handleCall", "handleCast", "handleInfo", "startLink", "updatePrice", "subscribe", "getState"],
      hints: [
        {
          es: 'Es el `schedule_heartbeat()` del capítulo: `Process.sendAfter(self(), { type: "heartbeat" }, HEARTBEAT_INTERVAL_MS)` en `init` y de nuevo en cada heartbeat.',
          en: 'It is the chapter\'s `schedule_heartbeat()`: `Process.sendAfter(self(), { type: "heartbeat" }, HEARTBEAT_INTERVAL_MS)` in `init` and again on each heartbeat.',
        },
        {
          es: "No uses `setTimeout` ni `setInterval`: el timer de `Process.sendAfter` dirigido a `self()` muere con el proceso.",
          en: "Do not use `setTimeout` or `setInterval`: a `Process.sendAfter` timer aimed at `self()` dies with the process.",
        },
        {
          es: 'El `cond` del capítulo tiene tres ramas, en ese orden: sin datos aún, datos viejos y todo bien. "Viejos" es *más* de 60 segundos: compara con `>`, no con `>=`.',
          en: 'The chapter\'s `cond` has three branches, in that order: no data yet, stale data, all fine. "Stale" is *more* than 60 seconds: compare with `>`, not `>=`.',
        },
        {
          es: "Programa el siguiente heartbeat en el caso `heartbeat` y en ningún otro, y también después de un `STALE`: un `sendAfter` de más (en un `DOWN`, en un cast) arranca otra cadena de heartbeats; uno de menos la corta.",
          en: "Schedule the next heartbeat in the `heartbeat` case and in no other, after a `STALE` too: an extra `sendAfter` (on a `DOWN`, in a cast) starts another chain of heartbeats; a missing one ends it.",
        },
        {
          es: "Para saber si llegaron datos mira `lastUpdate === null`, no `!lastPrice`: un precio 0 también es un dato.",
          en: "To know whether data came, test `lastUpdate === null`, not `!lastPrice`: a price of 0 is data too.",
        },
      ],
    },
    {
      n: 5,
      title: { es: "Eventos en cualquier orden", en: "Events in any order" },
      points: 15,
      uses: ["init", "handleCall", "handleCast", "handleInfo", "startLink", "updatePrice", "subscribe", "getState"],
      hints: [
        {
          es: "Si una secuencia falla, repítela con el comando que aparece en el mensaje y sigue los pasos a mano.",
          en: "If a sequence fails, replay it with the command in the message and follow the steps by hand.",
        },
        {
          es: "Si las tareas 2 a 4 pasan, esta suele pasar también: revisa los casos que las secuencias juntan, como un proceso que se suscribe dos veces y luego muere, o datos que se vuelven *stale* y después llega un precio 0.",
          en: "If tasks 2 to 4 pass, this one usually does too: check the cases the sequences bring together, such as a process that subscribes twice and then dies, or data that turns stale and then a price of 0 comes.",
        },
        {
          es: "Un suscriptor repetido en la lista recibe cada tick dos veces; uno muerto que sigue en la lista aparece en `subscribers`.",
          en: "A subscriber listed twice gets each tick twice; a dead one still on the list shows in `subscribers`.",
        },
      ],
    },
  ],
};
