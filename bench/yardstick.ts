/**
 * The yardstick the issues give: a bare promise mailbox (a queue drained by one promise job, each request
 * answered by resolving its promise) does about 5.5 M round trips/s on the reference machine. Measured beside
 * a figure, in the same process before each of its runs, it turns the figure into a ratio that the machine's
 * load at that time mostly cancels out.
 */
import { median } from "./harness.ts";

/** Round trips per second of the bare mailbox on the machine the issues' goals were set on. */
export const BARE_MAILBOX_REFERENCE = 5_500_000;

export function bareMailbox(): (request: unknown) => Promise<unknown> {
  const queue: { request: unknown; resolve: (value: unknown) => void }[] = [];
  let scheduled = false;
  const drain = (): void => {
    scheduled = false;
    for (const item of queue.splice(0)) item.resolve(item.request);
  };
  return (request) =>
    new Promise((resolve) => {
      queue.push({ request, resolve });
      if (!scheduled) {
        scheduled = true;
        void Promise.resolve().then(drain);
      }
    });
}

const REQUEST = { type: "get" } as const;

/** The bare mailbox's round trips per second right now: the median of `runs` runs of `roundTrips` each. */
export async function measureYardstick(roundTrips: number, runs: number): Promise<number> {
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const send = bareMailbox();
    const started = performance.now();
    for (let i = 0; i < roundTrips; i++) await send(REQUEST);
    rates.push((roundTrips / (performance.now() - started)) * 1000);
  }
  return Math.round(median(rates));
}
