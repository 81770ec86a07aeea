import { expireReading, hostClearTimeout, hostSetTimeout, now } from "./clock.ts";

/**
 * One deadline kept by the timer service: a call timeout, a `sendAfter`, an idle timeout or a start timeout.
 * Subclasses say what firing means; `active` turns false when the entry fires or is cancelled.
 */
export abstract class TimerEntry {
  deadline = 0;
  seq = 0;
  active = false;
  abstract fire(): void;

  /**
   * Whether this deadline alone keeps Node running, as a setTimeout would. Call timeouts do not: a script
   * whose last call was answered exits at once instead of waiting for that call's deadline. (A getter on the
   * prototype, not a field: one field less on every call.)
   */
  get keepsAlive(): boolean {
    return true;
  }
}

interface HostHandle {
  ref?(): unknown;
  unref?(): unknown;
}

/**
 * All runtime deadlines share one host timer, armed for the earliest of them. Entries live in FIFO lanes keyed
 * by their duration: within a lane deadlines only grow, so arming a call timeout is an array push, not a
 * heap insert and not a host timer of its own. Settled entries are dropped lazily from lane heads, and the
 * host timer is left armed while processes live (a timer that fires with nothing due costs nothing), then
 * cleared when a process exit leaves nothing pending, so a test that stopped everything sees no timer.
 */
class TimerService {
  private readonly lanes = new Map<number, Lane>();
  private live = 0;
  private liveKeepingAlive = 0;
  private seq = 0;
  private handle: HostHandle | null = null;
  private referenced = true;
  private armedDeadline = Number.POSITIVE_INFINITY;
  private armedWith: unknown = null;
  private armedClear: ((handle: unknown) => void) | null = null;
  private readonly onHostTimer = (): void => this.fireDue();
  private lastMs = -1;
  private lastLane: Lane | undefined = undefined;

  /**
   * Arms `entry` to fire in `ms`. An entry is armed once: a cancelled entry stays in its lane until it reaches the
   * head, and armed again it would hold the lane's later deadlines back behind its new one.
   */
  schedule(entry: TimerEntry, ms: number): void {
    // Most deadlines share a duration (5000 ms calls): remember the last lane used.
    let lane = ms === this.lastMs ? this.lastLane : this.lanes.get(ms);
    if (lane === undefined) {
      lane = new Lane();
      this.lanes.set(ms, lane);
    }
    this.lastMs = ms;
    this.lastLane = lane;
    entry.deadline = now() + ms;
    entry.seq = ++this.seq;
    entry.active = true;
    lane.push(entry);
    this.live++;
    if (entry.keepsAlive && this.liveKeepingAlive++ === 0) this.reference(true);
    if (hostSetTimeout() !== this.armedWith) this.arm(Math.min(entry.deadline, this.armedDeadline));
    else if (entry.deadline < this.armedDeadline) this.arm(entry.deadline);
  }

  cancel(entry: TimerEntry): void {
    if (!entry.active) return;
    entry.active = false;
    this.settleOne(entry);
  }

  /** Remaining ms of an active entry, else false. */
  remaining(entry: TimerEntry): number | false {
    return entry.active ? Math.max(0, entry.deadline - now()) : false;
  }

  /** Clears the host timer when nothing is pending; called when a process exits. */
  disarmIfIdle(): void {
    if (this.live !== 0 || this.handle === null) return;
    this.lanes.clear();
    this.lastMs = -1;
    this.lastLane = undefined;
    this.disarm();
  }

  private settleOne(entry: TimerEntry): void {
    this.live--;
    if (entry.keepsAlive && --this.liveKeepingAlive === 0) this.reference(false);
  }

  private reference(on: boolean): void {
    this.referenced = on;
    if (this.handle !== null) {
      if (on) this.handle.ref?.();
      else this.handle.unref?.();
    }
  }

  private arm(deadline: number): void {
    this.disarm();
    const setTimer = hostSetTimeout();
    this.armedWith = setTimer;
    this.armedClear = hostClearTimeout();
    this.armedDeadline = deadline;
    this.handle = setTimer(this.onHostTimer, Math.max(0, deadline - now())) as HostHandle;
    if (!this.referenced) this.handle.unref?.();
  }

  private disarm(): void {
    if (this.handle !== null && this.armedClear !== null) this.armedClear(this.handle);
    this.handle = null;
    this.armedWith = null;
    this.armedClear = null;
    this.armedDeadline = Number.POSITIVE_INFINITY;
  }

  private fireDue(): void {
    this.handle = null;
    this.armedWith = null;
    this.armedDeadline = Number.POSITIVE_INFINITY;
    expireReading();
    const t = now();
    for (;;) {
      const next = this.earliest();
      if (next === null) return;
      if (next.entry.deadline > t) {
        this.arm(next.entry.deadline);
        return;
      }
      next.lane.shift();
      next.entry.active = false;
      this.settleOne(next.entry);
      next.entry.fire();
    }
  }

  private earliest(): { lane: Lane; entry: TimerEntry } | null {
    let best: TimerEntry | null = null;
    let bestLane: Lane | null = null;
    for (const [ms, lane] of this.lanes) {
      const head = lane.firstActive();
      if (head === null) {
        if (lane.isEmpty()) {
          this.lanes.delete(ms);
          if (lane === this.lastLane) this.lastMs = -1;
        }
        continue;
      }
      if (best === null || head.deadline < best.deadline || (head.deadline === best.deadline && head.seq < best.seq)) {
        best = head;
        bestLane = lane;
      }
    }
    return best === null || bestLane === null ? null : { lane: bestLane, entry: best };
  }
}

/** A FIFO of entries with a head and a tail index; slots are reused once it empties. */
class Lane {
  private items: (TimerEntry | undefined)[] = [];
  private head = 0;
  private tail = 0;

  push(entry: TimerEntry): void {
    this.dropInactiveHead();
    this.items[this.tail++] = entry;
  }

  firstActive(): TimerEntry | null {
    this.dropInactiveHead();
    return this.head < this.tail ? (this.items[this.head] as TimerEntry) : null;
  }

  shift(): void {
    this.items[this.head++] = undefined;
    if (this.head === this.tail) this.reset();
  }

  isEmpty(): boolean {
    return this.head === this.tail;
  }

  private dropInactiveHead(): void {
    const items = this.items;
    while (this.head < this.tail && !(items[this.head] as TimerEntry).active) items[this.head++] = undefined;
    if (this.head === this.tail) this.reset();
    else if (this.head > 1024 && this.head * 2 > this.tail) {
      // A long-lived entry at the head: compact the settled prefix away.
      this.items = items.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  private reset(): void {
    this.head = this.tail = 0;
    if (this.items.length > 1024) this.items = [];
  }
}

export const timers = new TimerService();

class Sleep extends TimerEntry {
  readonly wake: () => void;
  constructor(wake: () => void) {
    super();
    this.wake = wake;
  }
  fire(): void {
    this.wake();
  }
}

/** Waits `ms` on the runtime's clock (so fake timers control it); for the runtime's own waits, like a shutdown. */
export function sleep(ms: number): { readonly done: Promise<void>; cancel(): void } {
  let entry: Sleep | null = null;
  const done = new Promise<void>((resolve) => {
    entry = new Sleep(resolve);
    timers.schedule(entry, ms);
  });
  return {
    done,
    cancel: () => {
      if (entry !== null) timers.cancel(entry);
    },
  };
}
