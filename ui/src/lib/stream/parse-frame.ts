import type { Alert, ServerFrame } from '@vigil/core';

export type ParsedFrame = { ok: true; frame: ServerFrame } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A light shape check, not the full schema: the gateway already validated the alert, and extra fields
// added later must not make this tab drop alerts.
const looksLikeAlert = (value: unknown): value is Alert =>
  isObject(value) &&
  typeof value.id === 'string' &&
  typeof value.severity === 'string' &&
  typeof value.detectedAt === 'string';

/** Parses one text frame from the gateway; anything unexpected is a reason, never a throw. */
export function parseServerFrame(data: unknown): ParsedFrame {
  if (typeof data !== 'string') return { ok: false, reason: 'binary frame' };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
  if (!isObject(value)) return { ok: false, reason: 'frame is not an object' };
  switch (value.op) {
    case 'alert':
    case 'update':
      if (typeof value.cursor !== 'string' || !looksLikeAlert(value.alert)) {
        return { ok: false, reason: `malformed ${value.op} frame` };
      }
      return { ok: true, frame: { op: value.op, cursor: value.cursor, alert: value.alert } };
    case 'subscribed':
      if (typeof value.cursor !== 'string') return { ok: false, reason: 'subscribed frame without cursor' };
      return { ok: true, frame: value as ServerFrame };
    case 'error':
    case 'pong':
    case 'unsubscribed':
      return { ok: true, frame: value as ServerFrame };
    default:
      return { ok: false, reason: `unknown op ${JSON.stringify(value.op)}` };
  }
}
