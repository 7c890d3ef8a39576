import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { EVENT_LIMITS, EVENT_SCHEMAS, type EventBySource } from './event-schemas.ts';
import type { Source } from './sources.ts';
import { unstorableReason } from './storable.ts';

// Compiled once, on first use: validation runs per event on the hot path (see bench/src/validation.ts). Not
// at import: compiling builds code with `new Function`, which the dashboard's CSP (no 'unsafe-eval') forbids,
// and the dashboard imports core without ever validating an event.
const CHECKERS: { [S in Source]?: TypeCheck<(typeof EVENT_SCHEMAS)[S]> } = {};
function checkerOf<S extends Source>(source: S): TypeCheck<(typeof EVENT_SCHEMAS)[S]> {
  const checker = CHECKERS[source] ?? TypeCompiler.Compile(EVENT_SCHEMAS[source]);
  CHECKERS[source] = checker as never;
  return checker as TypeCheck<(typeof EVENT_SCHEMAS)[S]>;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Checks one parsed event against its source's contract, then that every store downstream accepts it
 * (no U+0000 anywhere, bounded nesting: see storable.ts), so nothing valid here is refused later.
 * The error names the first offending field, e.g. `/cpu: Expected number to be less or equal to 100`.
 */
export function validateEvent<S extends Source>(
  source: S,
  value: unknown,
): ValidationResult<EventBySource[S]> {
  const checker = checkerOf(source);
  if (!checker.Check(value)) return { ok: false, error: describeFirstError(checker.Errors(value).First()) };
  const unstorable = unstorableReason(value);
  if (unstorable !== null) return { ok: false, error: unstorable };
  return { ok: true, value: value as EventBySource[S] };
}

function describeFirstError(error: { path: string; message: string } | undefined): string {
  if (!error) return 'invalid event';
  return error.path ? `${error.path}: ${error.message}` : error.message;
}

/**
 * Decodes and validates one raw event (UTF-8 JSON bytes or text), as it arrives from the bus or an ingest body.
 * Size, JSON syntax and shape are checked in that order, so the reason says what is wrong first.
 */
export function decodeEvent<S extends Source>(
  source: S,
  raw: Uint8Array | string,
): ValidationResult<EventBySource[S]> {
  const size = typeof raw === 'string' ? raw.length : raw.byteLength;
  if (size > EVENT_LIMITS.maxEventBytes) return tooLarge(size);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === 'string' ? raw : textDecoder.decode(raw));
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, error: 'event must be a JSON object' };
  }
  return validateEvent(source, parsed);
}

/**
 * decodeEvent of bus bytes that also hands back their text, for a caller that stores the event as it came
 * (the event indexer) rather than serializing the parsed value again. The size is checked on the bytes.
 */
export function decodeEventJson<S extends Source>(
  source: S,
  raw: Uint8Array,
): { ok: true; value: EventBySource[S]; json: string } | { ok: false; error: string } {
  if (raw.byteLength > EVENT_LIMITS.maxEventBytes) return tooLarge(raw.byteLength);
  const json = textDecoder.decode(raw);
  // A text is never longer in UTF-16 units than its UTF-8 bytes, so decodeEvent's own size check passes.
  const decoded = decodeEvent(source, json);
  return decoded.ok ? { ok: true, value: decoded.value, json } : decoded;
}

const tooLarge = (size: number) =>
  ({ ok: false, error: `event too large: ${size} bytes > ${EVENT_LIMITS.maxEventBytes}` }) as const;

const textDecoder = new TextDecoder('utf-8', { fatal: false });
