/** The longest Retry-After honoured: a receiver asking for more is retried after this (and may ask again). */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * A `Retry-After` header in milliseconds from `now`: delay-seconds (`"2"`) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`), at least 0, at most MAX_RETRY_AFTER_MS; null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(Number(text) * 1_000));
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/[a-z]/i.test(text)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}
