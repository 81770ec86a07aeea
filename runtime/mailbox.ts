/** Mailbox entry kinds. */
export const CALL = 0;
export const CAST = 1;
export const INFO = 2;
export const SYSTEM = 3;
export const CONTINUE = 4;
export type MessageKind = typeof CALL | typeof CAST | typeof INFO | typeof SYSTEM | typeof CONTINUE;

/** Slots per segment: `kind, payload` pairs, so half as many messages. */
const SEGMENT_SLOTS = 1024;
/** Empty segments kept for reuse, shared by every mailbox. */
const POOL_LIMIT = 64;

class Segment {
  readonly slots: unknown[] = new Array<unknown>(SEGMENT_SLOTS).fill(undefined);
  /** Next slot to read. */
  head = 0;
  /** Next slot to write. */
  tail = 0;
  next: Segment | null = null;
}

const pool: Segment[] = [];

function acquire(): Segment {
  return pool.pop() ?? new Segment();
}

function release(segment: Segment): void {
  segment.head = segment.tail = 0;
  segment.next = null;
  if (pool.length < POOL_LIMIT) pool.push(segment);
}

const NOTHING: readonly unknown[] = Object.freeze([]);

/**
 * A process's FIFO of messages, as linked fixed-size segments of `kind, payload` pairs (the shape of Node's own
 * nextTick queue). A burst of a million casts appends segments instead of copying an ever larger array, and an
 * idle process holds no segment at all: drained segments go back to a shared pool.
 */
export class Mailbox {
  private first: Segment | null = null;
  private last: Segment | null = null;

  push(kind: MessageKind, payload: unknown): void {
    let last = this.last;
    if (last === null) {
      last = acquire();
      this.first = this.last = last;
    } else if (last.tail === SEGMENT_SLOTS) {
      const next = acquire();
      last.next = next;
      this.last = last = next;
    }
    last.slots[last.tail] = kind;
    last.slots[last.tail + 1] = payload;
    last.tail += 2;
  }

  /** Puts a message before every queued one. */
  pushFront(kind: MessageKind, payload: unknown): void {
    const first = this.first;
    if (first !== null && first.head >= 2) {
      first.head -= 2;
      first.slots[first.head] = kind;
      first.slots[first.head + 1] = payload;
      return;
    }
    const segment = acquire();
    // Written at the end of its slots, so that later pushFronts find room before it.
    segment.head = SEGMENT_SLOTS - 2;
    segment.tail = SEGMENT_SLOTS;
    segment.slots[segment.head] = kind;
    segment.slots[segment.head + 1] = payload;
    segment.next = first;
    this.first = segment;
    if (this.last === null) this.last = segment;
  }

  isEmpty(): boolean {
    return this.first === null;
  }

  /** Whether a message of another kind than `kind` is queued. A scan, for rare paths (a callback returned a timeout). */
  hasOtherThan(kind: MessageKind): boolean {
    for (let segment = this.first; segment !== null; segment = segment.next) {
      for (let i = segment.head; i < segment.tail; i += 2) if (segment.slots[i] !== kind) return true;
    }
    return false;
  }

  /** The kind of the first message; call `takePayload` next. Only when not empty. */
  peekKind(): MessageKind {
    const first = this.first as Segment;
    return first.slots[first.head] as MessageKind;
  }

  /** Removes the first message and returns its payload. Only when not empty. */
  takePayload(): unknown {
    const first = this.first as Segment;
    const slots = first.slots;
    const payload = slots[first.head + 1];
    slots[first.head] = slots[first.head + 1] = undefined;
    first.head += 2;
    if (first.head === first.tail) this.dropFirst(first);
    return payload;
  }

  /** Removes the first message of `kind` whose payload matches; returns whether one was found, and it. */
  takeFirst(kind: MessageKind, match: (payload: unknown) => boolean): { found: boolean; payload: unknown } {
    const left = this.clear();
    let found = false;
    let taken: unknown;
    for (let i = 0; i < left.length; i += 2) {
      if (!found && left[i] === kind && match(left[i + 1])) {
        found = true;
        taken = left[i + 1];
      } else {
        this.push(left[i] as MessageKind, left[i + 1]);
      }
    }
    return { found, payload: taken };
  }

  /** Empties the mailbox; returns what was left, as `kind, payload` pairs in order. */
  clear(): readonly unknown[] {
    if (this.first === null) return NOTHING;
    const left: unknown[] = [];
    for (let segment: Segment | null = this.first; segment !== null; ) {
      for (let i = segment.head; i < segment.tail; i++) left.push(segment.slots[i]);
      segment.slots.fill(undefined, segment.head, segment.tail);
      const next: Segment | null = segment.next;
      release(segment);
      segment = next;
    }
    this.first = this.last = null;
    return left;
  }

  private dropFirst(first: Segment): void {
    this.first = first.next;
    if (this.first === null) this.last = null;
    release(first);
  }
}
