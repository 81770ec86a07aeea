/**
 * The channel's frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. A frame over the limit is
 * skipped as it streams by, never held, and reported once; so is a frame that is not a well-formed message.
 * Both ends use it: the grader reads what its subject sends, the subject reads the grader's requests.
 */
import type { Writable } from "node:stream";
import type { Encoded, Outcome, SubjectMessage } from "#protocol";
import { MAX_FRAME_BYTES } from "#protocol";
import { MalformedValue } from "./codec.ts";

// Taken when this module loads, before any code under grading does: the subject's host writes with these.
const stringify = JSON.stringify;
const parse = JSON.parse;

/** Reads a frame's text (the host's reader of the grader's requests uses it too). */
export const parseFrame = (text: string): unknown => parse(text);

/** Writes one message as a frame. */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(stringify(message), "utf8");
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/**
 * Writes frames to `stream`, several written in one go when they are sent in the same tick: a model run sends
 * hundreds of small requests, and a write per frame would cost a system call each.
 */
export function frameWriter(stream: Writable): (message: unknown) => void {
  // The stream's methods as they are now: the subject's host makes its writer before the code under grading loads.
  const [write, cork, uncorkStream] = [stream.write.bind(stream), stream.cork.bind(stream), stream.uncork.bind(stream)];
  let corked = false;
  const uncork = (): void => {
    corked = false;
    uncorkStream();
  };
  return (message) => {
    if (!corked) {
      corked = true;
      cork();
      process.nextTick(uncork);
    }
    write(encodeFrame(message));
  };
}

/** What the reader hands on: a frame's text, or a frame it skipped because it was over the limit. */
export type FrameEvent = { readonly kind: "frame"; readonly text: string } | { readonly kind: "oversize"; readonly bytes: number };

/** Cuts a byte stream into frames, holding at most one frame of `maxBytes`. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of an oversize frame still to skip. */
  private skipping = 0;

  private readonly onEvent: (event: FrameEvent) => void;
  private readonly maxBytes: number;

  constructor(onEvent: (event: FrameEvent) => void, maxBytes = MAX_FRAME_BYTES) {
    this.onEvent = onEvent;
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.skipping > 0) {
        const skipped = Math.min(this.skipping, data.length);
        this.skipping -= skipped;
        data = data.subarray(skipped);
        continue;
      }
      this.pending.push(data);
      this.pendingBytes += data.length;
      data = Buffer.alloc(0);
      if (this.pendingBytes < 4) return;
      const buffered = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
      const length = buffered.readUInt32BE(0);
      if (length > this.maxBytes) {
        this.pending = [];
        this.pendingBytes = 0;
        this.skipping = length;
        data = buffered.subarray(4);
        this.onEvent({ kind: "oversize", bytes: length });
        continue;
      }
      if (buffered.length < 4 + length) {
        this.pending = [buffered];
        return;
      }
      const text = buffered.toString("utf8", 4, 4 + length);
      this.pending = [];
      this.pendingBytes = 0;
      data = buffered.subarray(4 + length);
      this.onEvent({ kind: "frame", text });
    }
  }
}

/**
 * Reads a subject's frame as a message, checking its shape (the values inside are checked when decoded); throws
 * {@link MalformedValue} for anything else.
 */
export function parseSubjectMessage(text: string): SubjectMessage {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    throw new MalformedValue("a frame that is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new MalformedValue("a frame that is not an object");
  const message = parsed as Record<string, unknown>;
  const id = (): number => {
    if (typeof message.id === "number" && Number.isSafeInteger(message.id)) return message.id;
    throw new MalformedValue("a reply without an id");
  };
  switch (message.type) {
    case "ready":
      return { type: "ready" };
    case "reply":
      return { type: "reply", id: id(), ...outcome(message) };
    case "batch":
      if (!Array.isArray(message.outcomes)) throw new MalformedValue("a batch reply without outcomes");
      return { type: "batch", id: id(), outcomes: message.outcomes.map((item: unknown) => outcome(item)) };
    case "output":
      if ((message.stream !== "out" && message.stream !== "err") || typeof message.text !== "string")
        throw new MalformedValue("an output without a stream or a text");
      return { type: "output", stream: message.stream, text: message.text };
  }
  throw new MalformedValue("a frame of an unknown type");
}

function outcome(item: unknown): Outcome {
  if (typeof item !== "object" || item === null) throw new MalformedValue("an outcome that is not an object");
  const fields = item as Record<string, unknown>;
  const sync = fields.sync === true;
  // The values themselves are checked when decoded.
  if (fields.ok === true && "value" in fields) {
    const held = fields.held;
    if (held === undefined) return { ok: true, value: fields.value as Encoded, sync };
    if (typeof held === "number" && Number.isSafeInteger(held) && held > 0) return { ok: true, value: fields.value as Encoded, sync, held };
    throw new MalformedValue("a held handle that is not a positive integer");
  }
  if (fields.ok === false && "error" in fields) return { ok: false, error: fields.error as Encoded, sync };
  throw new MalformedValue("an outcome without a value or an error");
}
