import { describe, expect, it } from "vitest";
import { encodeFrame, type FrameEvent, FrameReader, parseSubjectMessage } from "../channel.ts";
import { MalformedValue } from "../codec.ts";

function read(chunks: readonly Buffer[], max?: number): FrameEvent[] {
  const events: FrameEvent[] = [];
  const reader = new FrameReader((event) => events.push(event), max);
  for (const chunk of chunks) reader.push(chunk);
  return events;
}

describe("FrameReader", () => {
  it("should cut a stream into the frames written, however it is split", () => {
    const stream = Buffer.concat([encodeFrame({ type: "ready" }), encodeFrame({ type: "output", stream: "out", text: "héllo" })]);
    for (let size = 1; size <= stream.length; size++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      expect(read(chunks).map((event) => (event.kind === "frame" ? JSON.parse(event.text) : event))).toEqual([
        { type: "ready" },
        { type: "output", stream: "out", text: "héllo" },
      ]);
    }
  });

  it("should skip a frame over the limit as it streams by, report it once, and read the next one", () => {
    const big = encodeFrame({ text: "x".repeat(1_000) });
    const after = encodeFrame({ type: "ready" });
    const chunks = [big.subarray(0, 10), big.subarray(10, 500), big.subarray(500), after];
    expect(read(chunks, 100)).toEqual([{ kind: "oversize", bytes: big.length - 4 }, { kind: "frame", text: '{"type":"ready"}' }]);
  });

  it("should not hold a frame that announces more than the limit", () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0xffffffff, 0);
    expect(read([header, Buffer.alloc(64)], 1024)).toEqual([{ kind: "oversize", bytes: 0xffffffff }]);
  });
});

describe("parseSubjectMessage", () => {
  it("should read each kind of message", () => {
    expect(parseSubjectMessage('{"type":"reply","id":3,"ok":true,"value":1,"sync":true}')).toEqual({
      type: "reply",
      id: 3,
      ok: true,
      value: 1,
      sync: true,
    });
    expect(parseSubjectMessage('{"type":"batch","id":4,"outcomes":[{"ok":false,"error":"x","sync":false}]}')).toEqual({
      type: "batch",
      id: 4,
      outcomes: [{ ok: false, error: "x", sync: false }],
    });
  });

  it.each([
    ["not JSON", "{"],
    ["not an object", "[1]"],
    ["an unknown type", '{"type":"verdict","passed":true}'],
    ["a reply without an id", '{"type":"reply","ok":true,"value":1}'],
    ["a reply without a value", '{"type":"reply","id":1,"ok":true}'],
    ["an output without a text", '{"type":"output","stream":"out"}'],
  ])("should refuse %s", (_name, text) => {
    expect(() => parseSubjectMessage(text)).toThrow(MalformedValue);
  });
});
