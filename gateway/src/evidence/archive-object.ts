import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
const NEWLINE = 0x0a;

/** One raw-event object of the archive as lines (one event each), or why it could not be read. */
export type DecodedObject = { ok: true; lines: Buffer[] } | { ok: false; reason: 'too_large' | 'corrupt' };

/**
 * Decompresses a gzipped NDJSON object (processor/src/archive/raw-archiver.ts writes them) into its lines,
 * refusing to inflate past `maxBytes`: a small object may expand a thousandfold, so the bound is checked by
 * zlib while inflating, not after.
 */
export async function decodeObject(body: Uint8Array, maxBytes: number): Promise<DecodedObject> {
  let text: Buffer;
  try {
    text = await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, reason: code === 'ERR_BUFFER_TOO_LARGE' ? 'too_large' : 'corrupt' };
  }
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = text.indexOf(NEWLINE); i !== -1; i = text.indexOf(NEWLINE, start)) {
    lines.push(text.subarray(start, i));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.subarray(start)); // a last line without its newline
  return { ok: true, lines };
}

/** A line as a JSON object, or null (not JSON, or not an object). */
export function parseLine(line: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    // Not an event: the caller treats the object as one whose lines it cannot count on (see evidence-reader).
    return null;
  }
}
