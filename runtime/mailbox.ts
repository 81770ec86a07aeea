/** Mailbox entry kinds. */
export const CALL = 0;
export const CAST = 1;
export const INFO = 2;
export const SYSTEM = 3;
export const CONTINUE = 4;
export type MessageKind = typeof CALL | typeof CAST | typeof INFO | typeof SYSTEM | typeof CONTINUE;

/** A drained mailbox larger than this gives its array back, so one burst does not pin memory forever. */
const KEEP_SLOTS = 1024;
const NOTHING: readonly unknown[] = Object.freeze([]);

/**
 * A process's FIFO of messages: `kind, payload` pairs in one array with a head and a tail index. A cast costs
 * two slot writes and no allocation; slots are reused once the mailbox is drained, instead of truncating the
 * array (which would make the next message reallocate it).
 */
export class Mailbox {
  private slots: unknown[] = [];
  private head = 0;
  private tail = 0;

  push(kind: MessageKind, payload: unknown): void {
    this.slots[this.tail] = kind;
    this.slots[this.tail + 1] = payload;
    this.tail += 2;
  }

  /** Puts a message before every queued one. */
  pushFront(kind: MessageKind, payload: unknown): void {
    if (this.head >= 2) {
      this.head -= 2;
      this.slots[this.head] = kind;
      this.slots[this.head + 1] = payload;
    } else {
      this.slots.splice(this.head, 0, kind, payload);
      this.tail += 2;
    }
  }

  isEmpty(): boolean {
    return this.head === this.tail;
  }

  /** The kind of the first message; call `takePayload` next. */
  peekKind(): MessageKind {
    return this.slots[this.head] as MessageKind;
  }

  /** Removes the first message and returns its payload. */
  takePayload(): unknown {
    const payload = this.slots[this.head + 1];
    this.slots[this.head] = this.slots[this.head + 1] = undefined;
    this.head += 2;
    if (this.head === this.tail) this.reset();
    return payload;
  }

  /** Removes the first message of `kind` whose payload matches; returns whether one was found, and it. */
  takeFirst(kind: MessageKind, match: (payload: unknown) => boolean): { found: boolean; payload: unknown } {
    for (let i = this.head; i < this.tail; i += 2) {
      if (this.slots[i] === kind && match(this.slots[i + 1])) {
        const payload = this.slots[i + 1];
        this.slots.splice(i, 2);
        this.tail -= 2;
        if (this.head === this.tail) this.reset();
        return { found: true, payload };
      }
    }
    return { found: false, payload: undefined };
  }

  /** Empties the mailbox; returns what was left, as `kind, payload` pairs in order. */
  clear(): readonly unknown[] {
    const left = this.head === this.tail ? NOTHING : this.slots.slice(this.head, this.tail);
    this.slots = [];
    this.head = this.tail = 0;
    return left;
  }

  private reset(): void {
    this.head = this.tail = 0;
    if (this.slots.length > KEEP_SLOTS) this.slots = [];
  }
}
