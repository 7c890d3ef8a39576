import { DATE_TIME_RANGE_MS, ValidationError } from '@vigil/core';

/** Position after the last row of a page: alerts strictly older in (detectedAt, id) order come next. */
export interface CursorPosition {
  detectedAt: Date;
  id: string;
}

// Longer than any cursor this module makes (an ISO date plus an id); bounds the work spent on junk input.
const MAX_CURSOR_LENGTH = 2048;

/** Opaque to clients: base64url of `["<detectedAt ISO>","<id>"]`. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.detectedAt.toISOString(), position.id])).toString('base64url');
}

/** The position a cursor names; throws ValidationError for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): CursorPosition {
  const invalid = () => new ValidationError('invalid cursor', { details: { cursor: cursor.slice(0, 64) } });
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[\w-]+$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new ValidationError('invalid cursor', { cause: err, details: { cursor: cursor.slice(0, 64) } });
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid();
  const [iso, id] = decoded as unknown[];
  // PostgreSQL refuses U+0000 in text: a crafted id would otherwise fail the query (a 500), not the input.
  if (typeof iso !== 'string' || typeof id !== 'string' || id.length === 0 || id.includes('\u0000')) {
    throw invalid();
  }
  const detectedAt = new Date(iso);
  const ms = detectedAt.getTime();
  if (Number.isNaN(ms) || detectedAt.toISOString() !== iso) throw invalid();
  // Only instants an alert can have (core's date-time range): year 0000, negative or six-digit years parse
  // in JavaScript but PostgreSQL refuses or misreads them.
  if (ms < DATE_TIME_RANGE_MS.min || ms > DATE_TIME_RANGE_MS.max) throw invalid();
  return { detectedAt, id };
}
