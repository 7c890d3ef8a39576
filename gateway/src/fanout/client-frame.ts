import {
  type AlertFilter,
  type ClientFrame,
  FILTER_FIELDS,
  SEVERITIES,
  SOURCES,
  WS_ERROR_CODES,
  type WsErrorCode,
} from '@vigil/core';
import { MAX_CURSOR_LENGTH } from '../live/live-types.ts';

/** Values one filter field may list: far more than any UI offers; bounds the per-alert match cost. */
export const MAX_VALUES_PER_FIELD = 50;
/** Values over all fields of one filter. */
export const MAX_VALUES_TOTAL = 200;
/** Longest token an `auth` frame may carry (Vigil's are 48 characters, VIGIL_ADMIN_TOKEN at most 128). */
export const MAX_TOKEN_LENGTH = 256;
/** Longest service or ruleId value: names, not documents. */
export const MAX_VALUE_LENGTH = 200;

export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: WsErrorCode; message: string };

const fail = (code: WsErrorCode, message: string): ParsedFrame => ({ ok: false, code, message });
const bad = (message: string) => fail(WS_ERROR_CODES.badRequest, message);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const ALLOWED: Record<string, readonly string[] | undefined> = { severity: SEVERITIES, source: SOURCES };

function parseFilter(raw: unknown): { ok: true; filter: AlertFilter } | Extract<ParsedFrame, { ok: false }> {
  if (!isObject(raw))
    return { ok: false, code: WS_ERROR_CODES.badRequest, message: 'filter must be an object' };
  const filter: Record<string, string[]> = {};
  let total = 0;
  for (const [field, values] of Object.entries(raw)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
      return { ok: false, code: WS_ERROR_CODES.badRequest, message: `unknown filter field "${field}"` };
    }
    if (values === undefined || values === null) continue;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      return {
        ok: false,
        code: WS_ERROR_CODES.badRequest,
        message: `filter.${field} must be an array of strings`,
      };
    }
    total += values.length;
    if (values.length > MAX_VALUES_PER_FIELD || total > MAX_VALUES_TOTAL) {
      return {
        ok: false,
        code: WS_ERROR_CODES.tooManyValues,
        message: `at most ${MAX_VALUES_PER_FIELD} values per filter field and ${MAX_VALUES_TOTAL} in all`,
      };
    }
    const allowed = ALLOWED[field];
    for (const value of values as string[]) {
      if (allowed ? !allowed.includes(value) : value.length === 0 || value.length > MAX_VALUE_LENGTH) {
        const expected = allowed ? `one of ${allowed.join(', ')}` : `1–${MAX_VALUE_LENGTH} characters`;
        return {
          ok: false,
          code: WS_ERROR_CODES.badRequest,
          message: `filter.${field}: ${JSON.stringify(value.slice(0, 50))} is not ${expected}`,
        };
      }
    }
    filter[field] = values as string[];
  }
  return { ok: true, filter: filter as AlertFilter };
}

/**
 * Parses one client text frame. Every failure is a code and a message for an `error` frame; the
 * connection stays open. Unknown top-level fields are ignored (room for e.g. a client request id);
 * unknown filter fields are rejected (a typo there would silently widen the subscription).
 */
export function parseClientFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's message is about our input, not a fault: the answer is the error frame.
    return bad('frame is not valid JSON');
  }
  if (!isObject(raw)) return bad('frame must be a JSON object');
  switch (raw.op) {
    case 'ping':
      return { ok: true, frame: { op: 'ping' } };
    case 'unsubscribe':
      return { ok: true, frame: { op: 'unsubscribe' } };
    case 'auth':
      if (typeof raw.token !== 'string' || raw.token.length === 0 || raw.token.length > MAX_TOKEN_LENGTH) {
        return bad(`auth needs "token": an API token (1–${MAX_TOKEN_LENGTH} characters)`);
      }
      return { ok: true, frame: { op: 'auth', token: raw.token } };
    case 'subscribe': {
      let filter: AlertFilter | undefined;
      if (raw.filter !== undefined && raw.filter !== null) {
        const parsed = parseFilter(raw.filter);
        if (!parsed.ok) return parsed;
        filter = parsed.filter;
      }
      const since = raw.since;
      if (since !== undefined && since !== null) {
        if (typeof since !== 'string' || since.length === 0 || since.length > MAX_CURSOR_LENGTH) {
          return bad('since must be a cursor string from an alert or subscribed frame');
        }
        return { ok: true, frame: { op: 'subscribe', filter, since } };
      }
      return { ok: true, frame: { op: 'subscribe', filter } };
    }
    case undefined:
      return bad('frame has no op');
    default:
      return bad(`unknown op ${JSON.stringify(String(raw.op).slice(0, 50))}`);
  }
}
