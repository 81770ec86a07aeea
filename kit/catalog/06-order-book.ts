import type { CatalogExercise } from "../catalog.ts";

export const orderBook: CatalogExercise = {
  id: "06-order-book",
  title: { es: "OrderBook: un libro de órdenes por símbolo", en: "OrderBook: an order book per symbol" },
  file: "order-book.ts",
  tasks: [
    {
      n: 1,
      title: { es: "Un libro por símbolo", en: "One book per symbol" },
      points: 10,
      uses: ["init", "handleCall", "startLink", "start", "callBook", "addOrder", "cancelOrder", "getTopOfBook", "getDepth"],
      hints: [
        {
          es: "Es el `via_tuple` del capítulo: registra cada libro con `Registry.via(ORDER_BOOK_REGISTRY, symbol)`. Si el nombre está tomado, `startLink` ya rechaza con `already_started`.",
          en: "It is the chapter's `via_tuple`: register each book with `Registry.via(ORDER_BOOK_REGISTRY, symbol)`. If the name is taken, `startLink` already rejects with `already_started`.",
        },
        {
          es: "Construye el estado dentro de `init`: un objeto creado fuera, a nivel de módulo, lo compartirían todos los libros.",
          en: "Build the state inside `init`: an object created outside, at module level, would be shared by every book.",
        },
        {
          es: '`GenServer.call` a un nombre via sin proceso rechaza con un `ExitError` (`reason` `"noproc"`) cuyo mensaje ya muestra el nombre via, con el símbolo: dejarlo llegar a quien llama ya cumple la regla 1. También puedes comprobar antes con `GenServer.whereis(via)` y rechazar con un `Error` propio que nombre el símbolo. No respondas un valor (`null`, un error) ni arranques un libro.',
          en: '`GenServer.call` to a via name with no process rejects with an `ExitError` (`reason` `"noproc"`) whose message already shows the via name, symbol included: letting it reach the caller already follows rule 1. You may also check first with `GenServer.whereis(via)` and reject with an `Error` of your own that names the symbol. Do not answer a value (`null`, an error) nor start a book.',
        },
        {
          es: "`startLink` usa `GenServer.startLink` y `start` usa `GenServer.start`: el corrector arranca libros desde otro proceso y lo termina, y comprueba que el de `startLink` cae con él y el de `start` no.",
          en: "`startLink` uses `GenServer.startLink` and `start` uses `GenServer.start`: the grader starts books from another process, ends it, and checks that the one from `startLink` goes with it and the one from `start` does not.",
        },
      ],
    },
    {
      n: 2,
      title: { es: "Agregar órdenes e ids", en: "Adding orders and ids" },
      points: 10,
      uses: ["init", "handleCall", "startLink", "start", "callBook", "addOrder", "cancelOrder", "getTopOfBook", "getDepth"],
      hints: [
        {
          es: "Un contador de ids en el estado, que empieza en 1 y solo sube. No calcules el id a partir de cuántas órdenes hay vivas: después de una cancelación se repetiría.",
          en: "An id counter in the state, starting at 1, that only ever goes up. Do not compute the id from how many orders are alive: after a cancel it would repeat.",
        },
        {
          es: "Guarda un índice de id a orden (lado, precio, cantidad): lo necesitarás para cancelar.",
          en: "Keep an index from id to order (side, price, quantity): cancelling will need it.",
        },
        {
          es: "Por lado, un `Map` de precio a nivel: una orden a un precio que ya existe suma su cantidad y una orden a ese nivel.",
          en: "Per side, a `Map` from price to level: an order at a price that already exists adds its quantity and one order to that level.",
        },
      ],
    },
    {
      n: 3,
      title: { es: "El mejor bid y el mejor ask", en: "The best bid and the best ask" },
      points: 15,
      uses: ["init", "handleCall", "startLink", "start", "callBook", "addOrder", "cancelOrder", "getTopOfBook"],
      hints: [
        {
          es: "Mantén los precios de cada lado ordenados **del mejor al peor**: los bids de mayor a menor, los asks de menor a mayor. El top of book es entonces el primer elemento, sin ordenar ni buscar nada.",
          en: "Keep each side's prices sorted **best first**: bids from highest to lowest, asks from lowest to highest. The top of book is then the first element, without sorting or searching anything.",
        },
        {
          es: "`[100, 99, 9].sort()` da `[100, 9, 99]`: sin comparador, `sort` compara texto.",
          en: "`[100, 99, 9].sort()` gives `[100, 9, 99]`: without a comparator, `sort` compares text.",
        },
        {
          es: "Responde una copia del nivel, no el objeto de tu estado: el runtime no copia los mensajes, y quien llama vería tu nivel cambiar después.",
          en: "Reply with a copy of the level, not the object in your state: the runtime does not copy messages, and the caller would see your level change later.",
        },
      ],
    },
    {
      n: 4,
      title: { es: "La profundidad del libro", en: "The depth of the book" },
      points: 20,
      uses: ["init", "handleCall", "startLink", "start", "callBook", "addOrder", "cancelOrder", "getTopOfBook", "getDepth"],
      hints: [
        {
          es: "Una fila por precio, no por orden: las órdenes al mismo precio se suman en un solo nivel.",
          en: "One row per price, not per order: orders at the same price are summed into one level.",
        },
        {
          es: "`slice(0, levels)` devuelve como mucho `levels` elementos, aunque haya menos (y aunque `levels` sea `Number.MAX_SAFE_INTEGER`). No pongas un tope propio (50, 100…): si piden 80 niveles y hay 80, van los 80.",
          en: "`slice(0, levels)` returns at most `levels` elements even when there are fewer (even when `levels` is `Number.MAX_SAFE_INTEGER`). Do not add a cap of your own (50, 100…): when 80 levels are asked for and there are 80, all 80 go.",
        },
        {
          es: "Devuelve arrays y objetos nuevos: si quien llama vacía o cambia el array, tu libro no debe notarlo.",
          en: "Return new arrays and new objects: if the caller empties or changes the array, your book must not notice.",
        },
      ],
    },
    {
      n: 5,
      title: { es: "Cancelar órdenes", en: "Cancelling orders" },
      points: 20,
      uses: ["init", "handleCall", "startLink", "start", "callBook", "addOrder", "cancelOrder", "getTopOfBook", "getDepth"],
      hints: [
        {
          es: 'Busca la orden en el índice de ids; si no está, la respuesta es `"not_found"`.',
          en: 'Look the order up in the id index; if it is not there, the answer is `"not_found"`.',
        },
        {
          es: 'Sácala del índice **antes** de responder `"ok"`: si no, una segunda cancelación la encuentra y vuelve a restar su cantidad.',
          en: 'Take it out of the index **before** answering `"ok"`: otherwise a second cancel finds it and subtracts its quantity again.',
        },
        {
          es: "Resta su `qty` y una orden a su nivel; si el nivel se queda sin órdenes, bórralo del Map **y** de la lista ordenada de precios. Un nivel con `qty: 0` no debe aparecer ni en el top ni en la profundidad, y si lo dejas en el Map, la próxima orden a ese precio se suma a un nivel que ya no está en la lista.",
          en: "Subtract its `qty` and one order from its level; if the level has no orders left, delete it from the Map **and** from the sorted list of prices. A level with `qty: 0` must not appear in the top or in the depth, and if you leave it in the Map, the next order at that price adds to a level that is no longer in the list.",
        },
        {
          es: "El id de una orden cancelada no se vuelve a dar: si tus ids salen de cuántas órdenes hay vivas, la siguiente orden después de una cancelación repite uno.",
          en: "The id of a cancelled order is not handed out again: if your ids come from the number of live orders, the next order after a cancel repeats one.",
        },
        {
          es: "Guarda el lado de cada orden en el índice de ids y cancela en ese lado: un bid y un ask pueden compartir precio, y buscar el nivel por precio sin mirar el lado resta del nivel equivocado. Y un libro que se queda vacío no es un libro nuevo: el contador sigue donde estaba.",
          en: "Keep each order's side in the id index and cancel on that side: a bid and an ask may share a price, and looking the level up by price without its side takes from the wrong level. And a book left empty is not a new book: the counter goes on where it was.",
        },
      ],
    },
    {
      n: 6,
      title: { es: "Validar la entrada", en: "Validating input" },
      points: 10,
      uses: ["init", "handleCall", "startLink", "start", "callBook", "addOrder", "cancelOrder", "getTopOfBook", "getDepth"],
      hints: [
        {
          es: "Si haces `throw` dentro de `handleCall`, el servidor se cae y pierde todas las órdenes: un error de entrada se *responde* como valor.",
          en: "If you `throw` inside `handleCall`, the server crashes and loses every order: an input error is *answered* as a value.",
        },
        {
          es: '`Number.isSafeInteger(x) && x > 0` descarta a la vez 0, negativos, decimales, `NaN`, `Infinity`, `2 ** 53` y el string `"100"`.',
          en: '`Number.isSafeInteger(x) && x > 0` rules out 0, negatives, fractions, `NaN`, `Infinity`, `2 ** 53` and the string `"100"` at once.',
        },
        {
          es: "Comprueba `side`, luego `price`, luego `qty`, y responde el primer error. Valida **antes** de tomar un id: una orden rechazada no consume ninguno.",
          en: "Check `side`, then `price`, then `qty`, and answer the first error. Validate **before** taking an id: a rejected order does not use one up.",
        },
        {
          es: '`cancelOrder` también recibe valores de cualquier tipo: con un `Map<number, orden>`, `orders.get("3")` no encuentra nada y respondes `"not_found"` sin más. Si tu índice es un objeto o un array, `orders["3"]` **sí** encuentra la orden 3: comprueba antes que el id sea un entero positivo. Nunca hagas `throw` por un id raro.',
          en: '`cancelOrder` gets values of any type too: with a `Map<number, order>`, `orders.get("3")` finds nothing and you answer `"not_found"` as usual. If your index is an object or an array, `orders["3"]` **does** find order 3: check first that the id is a positive integer. Never `throw` over an odd id.',
        },
      ],
    },
    {
      n: 7,
      title: { es: "Escala", en: "Scale" },
      points: 15,
      uses: ["init", "handleCall", "startLink", "start", "callBook", "addOrder", "cancelOrder", "getTopOfBook", "getDepth"],
      hints: [
        {
          es: "Ordenar los precios, o recorrer todos los niveles, en cada consulta cuesta miles de pasos con 10 000 niveles: mantén los precios **ya ordenados** y actualízalos solo cuando aparece o desaparece un nivel.",
          en: "Sorting the prices, or walking every level, on each query costs thousands of steps with 10 000 levels: keep the prices **already sorted** and only update them when a level appears or disappears.",
        },
        {
          es: "Todo lo demás es una búsqueda en un `Map`: precio → nivel e id → orden.",
          en: "Everything else is a `Map` lookup: price → level and id → order.",
        },
        {
          es: "Para colocar un precio nuevo en la lista ordenada, busca su posición con búsqueda binaria (O(log n)) e insértalo ahí con `splice`; igual para quitar un nivel vacío. `splice` desplaza el resto del array como una sola copia de memoria: microsegundos con 10 000 precios.",
          en: "To place a new price in the sorted list, binary-search its position (O(log n)) and insert it there with `splice`; the same to remove an emptied level. `splice` shifts the rest of the array as one memory copy: microseconds with 10 000 prices.",
        },
      ],
    },
  ],
};
