import { crc32 } from 'node:zlib';

/**
 * One message as the durable memory bus writes it to a partition's segment file:
 *
 *   u32 bodyLength | u32 crc32(body) | body
 *   body = u32 metaLength | meta (JSON: key, timestamp, headers) | value bytes
 *
 * Offsets are not stored: a segment's file name is its first offset and frames follow in order, as in
 * Kafka's log. The checksum finds a frame torn by a crash (a partial write at the tail), which replay
 * then cuts off: that frame's publish had not been acknowledged, since acknowledgement waits for fsync.
 */
export interface LoggedMessage {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

const PREFIX = 8;

export function encodeFrame(message: LoggedMessage): Buffer {
  const meta = Buffer.from(JSON.stringify([message.key, message.timestamp, message.headers]), 'utf8');
  const frame = Buffer.allocUnsafe(PREFIX + 4 + meta.byteLength + message.value.byteLength);
  frame.writeUInt32BE(4 + meta.byteLength + message.value.byteLength, 0);
  frame.writeUInt32BE(meta.byteLength, PREFIX);
  meta.copy(frame, PREFIX + 4);
  message.value.copy(frame, PREFIX + 4 + meta.byteLength);
  frame.writeUInt32BE(crc32(frame.subarray(PREFIX)), 4);
  return frame;
}

export type DecodedFrames = {
  messages: LoggedMessage[];
  /** Bytes of `data` holding whole, intact frames; anything after is a torn or corrupt tail. */
  validBytes: number;
};

/** Decodes frames from the start of `data`, stopping at the first incomplete or corrupt one. */
export function decodeFrames(data: Buffer): DecodedFrames {
  const messages: LoggedMessage[] = [];
  let at = 0;
  while (at + PREFIX <= data.byteLength) {
    const length = data.readUInt32BE(at);
    const end = at + PREFIX + length;
    if (length < 4 || end > data.byteLength) break;
    const body = data.subarray(at + PREFIX, end);
    if (crc32(body) !== data.readUInt32BE(at + 4)) break;
    const metaLength = body.readUInt32BE(0);
    if (4 + metaLength > body.byteLength) break;
    let meta: unknown;
    try {
      meta = JSON.parse(body.subarray(4, 4 + metaLength).toString('utf8'));
    } catch {
      break; // a checksum collision on garbage: treat as the torn tail it must be
    }
    const [key, timestamp, headers] = meta as [string | null, number, Record<string, string>];
    // A copy: `data` is the whole segment file, which must not stay alive through one retained message.
    messages.push({ key, timestamp, headers, value: Buffer.from(body.subarray(4 + metaLength)) });
    at = end;
  }
  return { messages, validBytes: at };
}
