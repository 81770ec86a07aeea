import type { Text } from "#protocol";

/** A numbered task of an exercise statement and the points it is worth. */
export interface CatalogTask {
  readonly n: number;
  readonly title: Text;
  readonly points: number;
}

/** One exercise: its folder id (course order), its title, its main file and its tasks (points summing to 100). */
export interface CatalogExercise {
  readonly id: string;
  readonly title: Text;
  readonly file: string;
  readonly tasks: readonly CatalogTask[];
}

/** The one catalog of the kit's exercises, in course order. */
export const catalog: readonly CatalogExercise[] = [
  {
    id: "01-price-cache",
    title: { es: "PriceCache: una caché de precios", en: "PriceCache: a price cache" },
    file: "price-cache.ts",
    tasks: [
      { n: 1, title: { es: "Arrancar el servidor", en: "Start the server" }, points: 15 },
      { n: 2, title: { es: "Leer y guardar precios", en: "Read and store prices" }, points: 30 },
      { n: 3, title: { es: "Un símbolo desconocido", en: "An unknown symbol" }, points: 15 },
      { n: 4, title: { es: "Un servidor con nombre", en: "A named server" }, points: 20 },
      { n: 5, title: { es: "El orden de los mensajes y muchos símbolos", en: "Message order and many symbols" }, points: 20 },
    ],
  },
  {
    id: "02-price-monitor",
    title: { es: "PriceMonitor: mensajes con handleInfo", en: "PriceMonitor: messages with handleInfo" },
    file: "price-monitor.ts",
    tasks: [
      { n: 1, title: { es: "Arrancar y consultar el estado", en: "Start and query the state" }, points: 15 },
      { n: 2, title: { es: "Un check cada 5 segundos", en: "A check every 5 seconds" }, points: 35 },
      { n: 3, title: { es: "Mensajes de precio", en: "Price messages" }, points: 25 },
      { n: 4, title: { es: "Mensajes desconocidos", en: "Unknown messages" }, points: 25 },
    ],
  },
  {
    id: "03-price-worker",
    title: { es: "PriceWorker: un worker por símbolo con Registry", en: "PriceWorker: one worker per symbol with Registry" },
    file: "price-worker.ts",
    tasks: [
      { n: 1, title: { es: "Un worker registrado por símbolo", en: "A worker registered per symbol" }, points: 20 },
      { n: 2, title: { es: "Precios por símbolo", en: "Prices by symbol" }, points: 25 },
      { n: 3, title: { es: "Un solo worker por símbolo", en: "One worker per symbol" }, points: 15 },
      { n: 4, title: { es: "El nombre de un worker caído", en: "The name of a crashed worker" }, points: 15 },
      { n: 5, title: { es: "Bajo un DynamicSupervisor", en: "Under a DynamicSupervisor" }, points: 25 },
    ],
  },
  {
    id: "04-price-feed-handler",
    title: { es: "PriceFeedHandler: suscriptores, monitores y heartbeat", en: "PriceFeedHandler: subscribers, monitors and heartbeat" },
    file: "price-feed-handler.ts",
    tasks: [
      { n: 1, title: { es: "Arrancar y consultar el estado", en: "Start and query the state" }, points: 15 },
      { n: 2, title: { es: "Suscribirse y recibir ticks", en: "Subscribe and receive ticks" }, points: 25 },
      { n: 3, title: { es: "Suscriptores caídos", en: "Dead subscribers" }, points: 20 },
      { n: 4, title: { es: "El heartbeat", en: "The heartbeat" }, points: 25 },
      { n: 5, title: { es: "Eventos en cualquier orden", en: "Events in any order" }, points: 15 },
    ],
  },
  {
    id: "05-rate-limiter",
    title: { es: "RateLimiter: un rate limiter con GenServer", en: "RateLimiter: a rate limiter GenServer" },
    file: "rate-limiter.ts",
    tasks: [
      { n: 1, title: { es: "Arrancar, validar y parar", en: "Start, validate and stop" }, points: 15 },
      { n: 2, title: { es: "Contar dentro de la ventana", en: "Count within a window" }, points: 20 },
      { n: 3, title: { es: "El fin de la ventana", en: "The end of the window" }, points: 20 },
      { n: 4, title: { es: "Claves independientes", en: "Independent keys" }, points: 10 },
      { n: 5, title: { es: "inspect y trackedKeys", en: "inspect and trackedKeys" }, points: 15 },
      { n: 6, title: { es: "Limpieza con handleInfo", en: "Cleanup with handleInfo" }, points: 20 },
    ],
  },
  {
    id: "06-order-book",
    title: { es: "OrderBook: un libro de órdenes por símbolo", en: "OrderBook: an order book per symbol" },
    file: "order-book.ts",
    tasks: [
      { n: 1, title: { es: "Un libro por símbolo", en: "One book per symbol" }, points: 10 },
      { n: 2, title: { es: "Agregar órdenes e ids", en: "Adding orders and ids" }, points: 10 },
      { n: 3, title: { es: "El mejor bid y el mejor ask", en: "The best bid and the best ask" }, points: 15 },
      { n: 4, title: { es: "La profundidad del libro", en: "The depth of the book" }, points: 20 },
      { n: 5, title: { es: "Cancelar órdenes", en: "Cancelling orders" }, points: 20 },
      { n: 6, title: { es: "Validar la entrada", en: "Validating input" }, points: 10 },
      { n: 7, title: { es: "Escala", en: "Scale" }, points: 15 },
    ],
  },
];

export function findExercise(id: string): CatalogExercise | undefined {
  return catalog.find((exercise) => exercise.id === id);
}
