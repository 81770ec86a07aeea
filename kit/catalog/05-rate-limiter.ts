import type { CatalogExercise } from "../catalog.ts";

export const rateLimiter: CatalogExercise = {
  id: "05-rate-limiter",
  title: { es: "RateLimiter: un rate limiter con GenServer", en: "RateLimiter: a rate limiter GenServer" },
  file: "rate-limiter.ts",
  tasks: [
    {
      n: 1,
      title: { es: "Arrancar, validar y parar", en: "Start, validate and stop" },
      points: 15,
      uses: ["init", "handleCall", "start", "startLink", "check", "inspect", "stop"],
      hints: [
        {
          es: "Un `init` que no acepta sus argumentos devuelve `stop(razón)`, el `{:stop, razón}` de Elixir: `GenServer.start` se rechaza entonces con un `StartError` que la contiene, y el proceso no queda vivo.",
          en: "An `init` that refuses its arguments returns `stop(reason)`, Elixir's `{:stop, reason}`: `GenServer.start` then rejects with a `StartError` carrying it, and the process does not stay alive.",
        },
        {
          es: '`Number.isSafeInteger(value) && value > 0` descarta de una vez que falte (`undefined`), 0, negativos, fracciones, `NaN`, `Infinity` y strings. En el mensaje, muestra un string con `JSON.stringify(value)`: `got "10"`, no `got 10`.',
          en: '`Number.isSafeInteger(value) && value > 0` rules out at once a missing one (`undefined`), 0, negatives, fractions, `NaN`, `Infinity` and strings. In the message, show a string with `JSON.stringify(value)`: `got "10"`, not `got 10`.',
        },
        {
          es: "Una clave que no es un string se rechaza en la función cliente, antes de enviar nada: si el error saltara dentro de `handleCall`, el servidor se caería y perdería su estado.",
          en: "A key that is not a string is refused in the client function, before sending anything: if the error were thrown inside `handleCall`, the server would crash and lose its state.",
        },
        {
          es: "Una función cliente que devuelve una promesa rechaza con `Promise.reject(error)` en lugar de lanzar.",
          en: "A client function that returns a promise rejects with `Promise.reject(error)` instead of throwing.",
        },
        {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows the template the message is written with.
          es: 'El `TypeError` empieza por la función: `new TypeError(`RateLimiter.check: key should be a string, got ${typeof key}`)`. No rechaces `""`: `if (!key)` rechaza la cadena vacía, que es un string.',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows the template the message is written with.
          en: 'The `TypeError` starts with the function: `new TypeError(`RateLimiter.check: key should be a string, got ${typeof key}`)`. Do not reject `""`: `if (!key)` rejects the empty string, which is a string.',
        },
      ],
    },
    {
      n: 2,
      title: { es: "Contar dentro de la ventana", en: "Count within a window" },
      points: 20,
      uses: ["init", "handleCall", "start", "startLink", "check", "inspect", "stop"],
      hints: [
        {
          es: "No necesitas ningún cerrojo: un GenServer atiende un mensaje a la vez, en orden de llegada.",
          en: "You need no lock: a GenServer handles one message at a time, in arrival order.",
        },
        {
          es: "Guarda por clave el inicio de la ventana y cuántas peticiones aceptaste. Cada `check` debería costar O(1): busca la clave, actualiza su ventana y responde.",
          en: "Keep, per key, when the window started and how many requests you accepted. Each `check` should cost O(1): look the key up, update its window and reply.",
        },
        {
          es: 'Revisa el borde: con `limit = 3`, la 3ª petición recibe `"ok"` y la 4ª `"rate_limited"`. ¿Comparas antes o después de sumar?',
          en: 'Mind the edge: with `limit = 3`, the 3rd request gets `"ok"` and the 4th `"rate_limited"`. Do you compare before or after adding one?',
        },
      ],
    },
    {
      n: 3,
      title: { es: "El fin de la ventana", en: "The end of the window" },
      points: 20,
      uses: ["init", "handleCall", "start", "startLink", "check", "inspect", "stop"],
      hints: [
        {
          es: "Usa `now()` de `#runtime` (lee `Date.now()`, así las pruebas controlan el tiempo).",
          en: "Use `now()` from `#runtime` (it reads `Date.now()`, so the tests control time).",
        },
        {
          es: "`t0` es el instante de la petición que abrió la ventana, no un múltiplo de `windowMs`: las ventanas no se alinean con el reloj.",
          en: "`t0` is the instant of the request that opened the window, not a multiple of `windowMs`: windows are not aligned to the clock.",
        },
        {
          es: "Es una ventana **fija**, no deslizante: no guardes la hora de cada petición. Si tus peticiones repartidas por la ventana salen una a una en vez de todas juntas en `t0 + windowMs`, estás contando una ventana deslizante.",
          en: "It is a **fixed** window, not a sliding one: do not keep the time of each request. If your requests spread over the window leave it one by one instead of all together at `t0 + windowMs`, you are counting a sliding window.",
        },
        {
          es: "La ventana es semiabierta, `[t0, t0 + windowMs)`: en `t0 + windowMs - 1` sigue abierta, en `t0 + windowMs` ya terminó.",
          en: "The window is half-open, `[t0, t0 + windowMs)`: at `t0 + windowMs - 1` it is still open, at `t0 + windowMs` it has ended.",
        },
        {
          es: "Solo la petición que abre la ventana fija `start`: ni una rechazada ni una aceptada posterior lo mueven.",
          en: "Only the request that opens the window sets `start`: neither a rejected one nor a later accepted one moves it.",
        },
      ],
    },
    {
      n: 4,
      title: { es: "Claves independientes", en: "Independent keys" },
      points: 10,
      uses: ["init", "handleCall", "start", "startLink", "check", "inspect", "stop"],
      hints: [
        {
          es: 'Prueba tu versión con `""`, `"__proto__"`, `"constructor"` y `"toString"`.',
          en: 'Try your version with `""`, `"__proto__"`, `"constructor"` and `"toString"`.',
        },
        {
          es: 'En un objeto plano (`{}`), la clave `"__proto__"` lee el prototipo y `"constructor"` lee una función: usa un `Map<string, …>`.',
          en: 'In a plain object (`{}`), the key `"__proto__"` reads the prototype and `"constructor"` reads a function: use a `Map<string, …>`.',
        },
      ],
    },
    {
      n: 5,
      title: { es: "inspect y trackedKeys", en: "inspect and trackedKeys" },
      points: 15,
      uses: ["init", "handleCall", "start", "startLink", "check", "inspect", "trackedKeys", "stop"],
      hints: [
        {
          es: "Si la ventana ya terminó, `inspect` devuelve `null` aunque la clave siga guardada.",
          en: "If the window has ended, `inspect` returns `null` even though the key is still stored.",
        },
        {
          es: "Las peticiones rechazadas no cuentan: `count` nunca pasa de `limit`.",
          en: "Rejected requests do not count: `count` never exceeds `limit`.",
        },
        {
          es: "`resetInMs` es lo que le queda a la ventana: baja con el tiempo y nunca es 0 mientras está abierta. `trackedKeys` es cuántas claves guardas, ya terminadas o no.",
          en: "`resetInMs` is what is left of the window: it goes down with time and is never 0 while it is open. `trackedKeys` is how many keys you store, ended or not.",
        },
        {
          es: "No limpies desde `check` o `inspect`: `trackedKeys` debe seguir contando las ventanas terminadas hasta la próxima limpieza (y cada `check` seguiría costando O(1)).",
          en: "Do not clean up from `check` or `inspect`: `trackedKeys` must keep counting the ended windows until the next cleanup (and each `check` stays O(1)).",
        },
      ],
    },
    {
      n: 6,
      title: { es: "Limpieza con handleInfo", en: "Cleanup with handleInfo" },
      points: 20,
      uses: ["init", "handleCall", "handleInfo", "start", "startLink", "check", "inspect", "trackedKeys", "stop"],
      hints: [
        {
          es: 'Es el check periódico de `PriceMonitor` (ejercicio 02) con otro mensaje: `Process.sendAfter(self(), { type: "cleanup" }, cleanupIntervalMs)` envía **un** mensaje; vuelve a programarlo al final de cada limpieza.',
          en: 'It is `PriceMonitor`\'s periodic check (exercise 02) with another message: `Process.sendAfter(self(), { type: "cleanup" }, cleanupIntervalMs)` sends **one** message; schedule it again at the end of each cleanup.',
        },
        {
          es: "No uses `setInterval` ni `setTimeout`: un timer de `Process.sendAfter` dirigido a `self()` muere con el proceso, así `stop` no deja timers.",
          en: "Do not use `setInterval` or `setTimeout`: a `Process.sendAfter` timer aimed at `self()` dies with the process, so `stop` leaves no timer.",
        },
        {
          es: "Borra todas las ventanas terminadas (`start + windowMs <= now()`) y solo esas; recorre todas las claves: una clave que abre una ventana nueva no cambia de sitio en el `Map`, así que no pares en la primera ventana abierta, ni a las mil claves.",
          en: "Delete every ended window (`start + windowMs <= now()`) and only those; look at every key: a key that opens a new window keeps its place in the `Map`, so do not stop at the first open window, nor after a thousand keys.",
        },
        {
          es: "Un solo `Process.sendAfter` por limpieza: con dos, las limpiezas pendientes se duplican en cada intervalo (2ⁿ al cabo de n) y el servidor acaba sin responder.",
          en: "One `Process.sendAfter` per cleanup: with two, the pending cleanups double at every interval (2ⁿ after n) and the server ends up not answering.",
        },
      ],
    },
  ],
};
