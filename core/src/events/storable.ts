/**
 * How deeply one event may nest, counting the event object as level 1. Real events are flat (a few
 * producers nest a `labels` or `context` object two or three levels); 32 leaves room for any of them
 * while staying far below the ~4,000 levels where `JSON.stringify` (ingest, archive) exhausts the stack.
 */
export const MAX_EVENT_DEPTH = 32;

const NUL = '\u0000';
// Enough of a key to recognise it in an error, without echoing a long one back.
const MAX_KEY_ECHO = 64;

/** A JSON Pointer segment, printable: NUL spelled out so the reason itself can be stored anywhere. */
const segment = (key: string): string =>
  key.slice(0, MAX_KEY_ECHO).replaceAll('~', '~0').replaceAll('/', '~1').replaceAll(NUL, '\\u0000');

interface Found {
  /** Path segments from the offending value up to the root (built while unwinding: no work on success). */
  reversed: string[];
  reason: string;
}

function scan(value: unknown, depth: number): Found | null {
  if (typeof value === 'string') {
    return value.includes(NUL) ? { reversed: [], reason: 'must not contain U+0000 (NUL)' } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth > MAX_EVENT_DEPTH)
    return { reversed: [], reason: `nested deeper than ${MAX_EVENT_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = scan(value[i], depth + 1);
      if (found) {
        found.reversed.push(String(i));
        return found;
      }
    }
    return null;
  }
  for (const key in value) {
    if (key.includes(NUL)) return { reversed: [key], reason: 'a field name must not contain U+0000 (NUL)' };
    const found = scan((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.reversed.push(key);
      return found;
    }
  }
  return null;
}

/**
 * Why a parsed JSON value cannot be stored as an event, or null if it can: U+0000 in any string or field
 * name, known fields and unknown extra ones alike (PostgreSQL text and jsonb refuse it, and extra fields are
 * archived and may be indexed later), or nesting deeper than MAX_EVENT_DEPTH. The reason starts with the
 * JSON Pointer of the offending value, like a schema error: `/service: must not contain U+0000 (NUL)`.
 */
export function unstorableReason(value: unknown, depth = 1): string | null {
  const found = scan(value, depth);
  if (!found) return null;
  const path = found.reversed.reverse().map(segment).join('/');
  return path === '' ? found.reason : `/${path}: ${found.reason}`;
}
