import type { CatalogExercise } from "../catalog.ts";

export const priceMonitor: CatalogExercise = {
  id: "02-price-monitor",
  title: { es: "PriceMonitor: mensajes con handleInfo", en: "PriceMonitor: messages with handleInfo" },
  file: "price-monitor.ts",
  tasks: [
    {
      n: 1,
      title: { es: "Arrancar y consultar el estado", en: "Start and query the state" },
      points: 15,
      uses: ["init", "handleCall", "start", "startLink", "getState"],
      hints: [
        {
          es: "`start` y `startLink` ya pasan el símbolo a `init`: no hace falta tocarlos.",
          en: "`start` and `startLink` already pass the symbol to `init`: you do not need to change them.",
        },
        {
          es: "`init` es el `{:ok, %{symbol: symbol, ultimo_precio: nil, checks: 0}}` del capítulo: el estado inicial envuelto en `ok(…)`, con `null` por `nil`.",
          en: "`init` is the chapter's `{:ok, %{symbol: symbol, ultimo_precio: nil, checks: 0}}`: the initial state wrapped in `ok(…)`, with `null` for `nil`.",
        },
        {
          es: '`getState` pregunta y espera (un call de `{ type: "get_state" }`); `handleCall` responde con el estado entero y lo conserva.',
          en: '`getState` asks and waits (a call of `{ type: "get_state" }`); `handleCall` answers with the whole state and keeps it.',
        },
      ],
    },
    {
      n: 2,
      title: { es: "Un check cada 5 segundos", en: "A check every 5 seconds" },
      points: 35,
      uses: ["init", "handleCall", "handleInfo", "start", "startLink", "getState"],
      hints: [
        {
          es: 'Es el `schedule_check()` del capítulo: `Process.send_after(self(), :check, 5000)` se escribe `Process.sendAfter(self(), { type: "check" }, CHECK_INTERVAL_MS)`.',
          en: 'It is the chapter\'s `schedule_check()`: `Process.send_after(self(), :check, 5000)` is written `Process.sendAfter(self(), { type: "check" }, CHECK_INTERVAL_MS)`.',
        },
        {
          es: "`sendAfter` dispara una sola vez: ponlo en una función y llámala desde `init` y de nuevo en cada check, o solo habrá uno.",
          en: "`sendAfter` fires only once: put it in a function and call it from `init` and again on each check, or there will be only one.",
        },
        {
          es: "No uses `setTimeout` ni `setInterval`: un timer de `Process.sendAfter` dirigido a `self()` muere con el proceso; los de JavaScript siguen vivos cuando el servidor ya paró.",
          en: "Do not use `setTimeout` or `setInterval`: a `Process.sendAfter` timer aimed at `self()` dies with the process; JavaScript's timers live on after the server has stopped.",
        },
        {
          es: "Devuelve un estado nuevo con `checks` aumentado en uno (el `%{state | checks: …}` de Elixir), y escribe en el log ese mismo número.",
          en: "Return a new state with `checks` up by one (Elixir's `%{state | checks: …}`), and log that same number.",
        },
        {
          es: 'Programa el siguiente check solo en el caso "check": si lo haces también al recibir un precio u otro mensaje, los timers se multiplican y hay más checks que intervalos.',
          en: 'Schedule the next check only in the "check" case: doing it on a price or any other message too multiplies the timers, and there are more checks than intervals.',
        },
      ],
    },
    {
      n: 3,
      title: { es: "Mensajes de precio", en: "Price messages" },
      points: 25,
      uses: ["init", "handleCall", "handleInfo", "start", "startLink", "getState"],
      hints: [
        {
          es: "Es el `handle_info({:precio, precio}, state)` del capítulo: otro `case` en el `switch` sobre `message.type`.",
          en: "It is the chapter's `handle_info({:precio, precio}, state)`: another `case` in the `switch` on `message.type`.",
        },
        {
          es: "En una plantilla, `$${x}` escribe un `$` y luego el valor: el primer `$` es texto, el segundo abre la interpolación.",
          en: "In a template, `$${x}` writes a `$` and then the value: the first `$` is text, the second opens the interpolation.",
        },
        {
          es: "El precio tiene que quedar en el estado que devuelves (`lastPrice`), sin tocar `checks`.",
          en: "The price has to end up in the state you return (`lastPrice`), leaving `checks` alone.",
        },
        {
          es: "`if (!message.price)` o `message.price || …` toman el `0` por «sin precio»: guarda el precio tal cual llega.",
          en: "`if (!message.price)` or `message.price || …` take `0` for “no price”: keep the price as it arrives.",
        },
      ],
    },
    {
      n: 4,
      title: { es: "Mensajes desconocidos", en: "Unknown messages" },
      points: 25,
      uses: ["init", "handleCall", "handleInfo", "start", "startLink", "getState"],
      hints: [
        {
          es: "Es la cláusula *catch-all* del capítulo, `def handle_info(msg, state)`: el `default:` de tu `switch`.",
          en: "It is the chapter's catch-all clause, `def handle_info(msg, state)`: the `default:` of your `switch`.",
        },
        {
          es: "Si en el caso por defecto lanzas un error, el servidor se cae. En Elixir, un mensaje que ninguna cláusula acepta también tumba el proceso: por eso se escribe la catch-all.",
          en: "Throwing an error in the default case crashes the server. In Elixir a message no clause accepts also crashes the process: that is why the catch-all is written.",
        },
        {
          es: "`JSON.stringify(message)` muestra el mensaje como el `inspect(msg)` de Elixir; la línea va con `Logger.info` y empieza por `Mensaje desconocido:`.",
          en: "`JSON.stringify(message)` shows the message like Elixir's `inspect(msg)`; the line goes through `Logger.info` and starts with `Mensaje desconocido:`.",
        },
        {
          es: "El servidor sigue con el mismo estado: ni reiniciado ni cambiado.",
          en: "The server carries on with the same state: neither reset nor changed.",
        },
        {
          es: "`message.type` lanza un `TypeError` si el mensaje es `null` o `undefined`, y eso tumba el servidor: usa `message?.type` en el `switch`.",
          en: "`message.type` throws a `TypeError` when the message is `null` or `undefined`, and that crashes the server: use `message?.type` in the `switch`.",
        },
      ],
    },
  ],
};
