import {
  decodeEvent,
  EVENT_LIMITS,
  type EventBySource,
  type Source,
  unstorableReason,
  ValidationError,
  type ValidationResult,
  validateEvent,
} from '@vigil/core';
import { HttpError } from './http-errors.ts';

/** One item of an ingest body: its JSON bytes (what goes on the bus) and, for the array form, its parsed value. */
export interface IngestItem {
  bytes: Buffer;
  /** Present when the whole body was parsed at once (JSON array); NDJSON lines are parsed one by one. */
  parsed?: unknown;
  /** Why the item was refused while splitting (it could not even be serialized); `bytes` is then empty. */
  refused?: string;
}

const NO_BYTES = Buffer.alloc(0);

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson']);
/**
 * What ingest accepts. Only types a browser may not send cross-site without a CORS preflight: text/plain,
 * forms and multipart would let any web page a user visits inject events.
 */
export const INGEST_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/json', ...NDJSON_TYPES]);

const tooMany = (count: number, max: number) =>
  new HttpError(413, `the body holds ${count} items, more than ${max}`, { details: { count, max } });

const notEvents = (reason: string, cause?: unknown) =>
  new ValidationError(`body must be a JSON array or NDJSON of events: ${reason}`, {
    cause,
    details: { parameter: 'body' },
  });

function splitNdjson(text: string, maxItems: number): IngestItem[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length > maxItems) throw tooMany(lines.length, maxItems);
  return lines.map((line) => ({ bytes: Buffer.from(line.trim(), 'utf8') }));
}

function splitArray(text: string, maxItems: number): IngestItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw notEvents(`invalid JSON (${(err as Error).message})`, err);
  }
  if (!Array.isArray(parsed)) throw notEvents('not an array');
  if (parsed.length > maxItems) throw tooMany(parsed.length, maxItems);
  return parsed.map((value: unknown) => {
    // JSON.stringify recurses: one item nested thousands of levels deep would overflow the stack and fail
    // the whole body with a 500. Core's bound (MAX_EVENT_DEPTH) refuses that item alone, as for NDJSON.
    const refused = unstorableReason(value);
    if (refused !== null) return { bytes: NO_BYTES, parsed: value, refused };
    return { bytes: Buffer.from(JSON.stringify(value), 'utf8'), parsed: value };
  });
}

/**
 * Splits an ingest body into items: NDJSON when the content type says so or the body starts with `{`,
 * a JSON array when it starts with `[`. Blank NDJSON lines are not items. Throws 400 for anything else
 * or an empty body, 413 past `maxItems`.
 */
export function splitIngestBody(
  body: Buffer,
  contentType: string | undefined,
  maxItems: number,
): IngestItem[] {
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) throw notEvents('the body is empty');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (NDJSON_TYPES.has(mediaType) || first === '{') return splitNdjson(text, maxItems);
  if (first === '[') return splitArray(text, maxItems);
  throw notEvents(`unexpected "${first}" at the start`);
}

/** Validates one item with core's rules; the same reasons as the processor gives for a dead-lettered event. */
export function checkItem<S extends Source>(source: S, item: IngestItem): ValidationResult<EventBySource[S]> {
  if (item.refused !== undefined) return { ok: false, error: item.refused };
  if (item.parsed === undefined) return decodeEvent(source, item.bytes);
  const size = item.bytes.byteLength;
  if (size > EVENT_LIMITS.maxEventBytes) {
    return { ok: false, error: `event too large: ${size} bytes > ${EVENT_LIMITS.maxEventBytes}` };
  }
  const value = item.parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'event must be a JSON object' };
  }
  return validateEvent(source, value);
}
