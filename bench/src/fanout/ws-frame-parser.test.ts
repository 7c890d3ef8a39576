import { describe, expect, it } from 'vitest';
import { createFrameParser, OPCODE } from './ws-frame-parser.ts';

/** An unmasked server frame. */
function frame(opcode: number, payload: string | Buffer, fin = true): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const first = (fin ? 0x80 : 0) | opcode;
  if (body.length < 126) return Buffer.concat([Buffer.from([first, body.length]), body]);
  if (body.length < 65536) {
    const head = Buffer.from([first, 126, 0, 0]);
    head.writeUInt16BE(body.length, 2);
    return Buffer.concat([head, body]);
  }
  const head = Buffer.alloc(10);
  head[0] = first;
  head[1] = 127;
  head.writeBigUInt64BE(BigInt(body.length), 2);
  return Buffer.concat([head, body]);
}

function collect(want: (n: number) => boolean) {
  const messages: (string | null)[] = [];
  const controls: [number, string][] = [];
  let n = 0;
  const parser = createFrameParser({
    message: (payload) => messages.push(payload ? payload.toString() : null),
    wantPayload: () => want(n++),
    control: (opcode, payload) => controls.push([opcode, payload.toString('hex')]),
  });
  return { parser, messages, controls };
}

describe('WebSocket frame parser', () => {
  it('counts every message and reads only the wanted payloads', () => {
    const { parser, messages } = collect((n) => n % 2 === 0);
    parser.push(Buffer.concat([frame(OPCODE.text, 'a'), frame(OPCODE.text, 'b'), frame(OPCODE.text, 'c')]));
    expect(messages).toEqual(['a', null, 'c']);
  });

  it('handles frames and headers split anywhere across chunks, with 16- and 64-bit lengths', () => {
    const big = 'x'.repeat(70_000);
    const mid = 'y'.repeat(300);
    const bytes = Buffer.concat([frame(OPCODE.text, mid), frame(OPCODE.text, big), frame(OPCODE.text, 'z')]);
    for (const size of [1, 2, 3, 7, 1000]) {
      const { parser, messages } = collect(() => true);
      for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
      expect(messages).toEqual([mid, big, 'z']);
    }
  });

  it('joins a fragmented message and reports control frames in between', () => {
    const { parser, messages, controls } = collect(() => true);
    parser.push(
      Buffer.concat([
        frame(OPCODE.text, 'he', false),
        frame(OPCODE.ping, 'p'),
        frame(OPCODE.continuation, 'llo'),
        frame(OPCODE.close, Buffer.from([0x0f, 0xa8])),
      ]),
    );
    expect(messages).toEqual(['hello']);
    expect(controls).toEqual([
      [OPCODE.ping, '70'],
      [OPCODE.close, '0fa8'],
    ]);
  });

  it('keeps nothing that points into a pushed chunk, so one read buffer can serve every push', () => {
    const bytes = Buffer.concat([
      frame(OPCODE.text, 'he', false),
      frame(OPCODE.close, Buffer.from([0x0f, 0xa8])),
      frame(OPCODE.continuation, 'llo'),
      frame(OPCODE.text, 'world'),
    ]);
    for (const size of [1, 3, 5]) {
      const { parser, messages, controls } = collect(() => true);
      const shared = Buffer.alloc(size);
      for (let i = 0; i < bytes.length; i += size) {
        const piece = bytes.subarray(i, i + size);
        piece.copy(shared);
        parser.push(shared.subarray(0, piece.length));
        shared.fill(0xee); // the next read overwrites it
      }
      expect(messages).toEqual(['hello', 'world']);
      expect(controls).toEqual([[OPCODE.close, '0fa8']]);
    }
  });

  it('rejects a masked server frame', () => {
    const { parser } = collect(() => true);
    expect(() => parser.push(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 5]))).toThrow(/masked/);
  });
});
