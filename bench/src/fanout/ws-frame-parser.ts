/** WebSocket opcodes (RFC 6455 §5.2). */
export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface FrameEvents {
  /** A complete data message; its payload only if `wantPayload()` said yes when it began, else null. */
  message(payload: Buffer | null): void;
  /** Asked once at the start of each data message. */
  wantPayload(): boolean;
  /** A complete control frame (close, ping, pong) with its payload. */
  control(opcode: number, payload: Buffer): void;
}

/**
 * Incremental parser of server-to-client WebSocket frames (never masked), fed with socket chunks as they
 * come. It only walks frame headers and skips payloads, copying bytes solely for the messages the caller
 * wants to read: counting a frame costs a few integer operations, so a client process can count millions
 * of frames per second and the bench measures the server, not its clients. Nothing it keeps points into
 * a pushed chunk (everything kept is copied): callers may reuse one read buffer for every push.
 */
export function createFrameParser(events: FrameEvents) {
  let pending: Buffer | null = null; // an incomplete header carried over to the next chunk
  let skip = 0; // payload bytes of the current frame still to come
  let opcode = 0;
  let fin = false;
  let inFrame = false;
  let dataPieces: Buffer[] | null = null; // payload of the current data message, when wanted
  let controlPieces: Buffer[] = [];

  const endFrame = () => {
    inFrame = false;
    if (opcode >= OPCODE.close) {
      const payload = Buffer.concat(controlPieces);
      controlPieces = [];
      events.control(opcode, payload);
      return;
    }
    if (!fin) return; // a fragment: the message goes on in continuation frames
    const payload = dataPieces ? Buffer.concat(dataPieces) : null;
    dataPieces = null;
    events.message(payload);
  };

  return {
    push(chunk: Buffer): void {
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      let i = 0;
      while (i < buf.length) {
        if (inFrame) {
          const n = Math.min(skip, buf.length - i);
          if (opcode >= OPCODE.close) controlPieces.push(Buffer.from(buf.subarray(i, i + n)));
          else if (dataPieces) dataPieces.push(Buffer.from(buf.subarray(i, i + n)));
          skip -= n;
          i += n;
          if (skip === 0) endFrame();
          continue;
        }
        const available = buf.length - i;
        if (available < 2) {
          pending = Buffer.from(buf.subarray(i));
          return;
        }
        const b0 = buf[i]!;
        const b1 = buf[i + 1]!;
        if (b1 & 0x80) throw new Error('masked frame from the server (RFC 6455 forbids it)');
        let length = b1 & 0x7f;
        let header = 2;
        if (length === 126) {
          if (available < 4) {
            pending = Buffer.from(buf.subarray(i));
            return;
          }
          length = buf.readUInt16BE(i + 2);
          header = 4;
        } else if (length === 127) {
          if (available < 10) {
            pending = Buffer.from(buf.subarray(i));
            return;
          }
          length = Number(buf.readBigUInt64BE(i + 2));
          header = 10;
        }
        fin = (b0 & 0x80) !== 0;
        opcode = b0 & 0x0f;
        if (opcode === OPCODE.text || opcode === OPCODE.binary) dataPieces = events.wantPayload() ? [] : null;
        i += header;
        skip = length;
        inFrame = true;
        if (skip === 0) endFrame();
      }
    },
  };
}
