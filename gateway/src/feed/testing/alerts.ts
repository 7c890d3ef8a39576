import type { Alert, BusMessage } from '@vigil/core';

/** A valid alert; `n` makes the id and times distinct. */
export function makeAlert(n: number, overrides: Partial<Alert> = {}): Alert {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n % 60, n % 1000)).toISOString();
  return {
    id: `alert-${n}`,
    ruleId: 'logs.error-spike',
    severity: 'high',
    source: 'logs',
    title: `Error spike ${n}`,
    message: `service payments logged ${n} errors`,
    service: 'payments',
    userId: null,
    key: 'service=payments',
    value: 20 + n,
    threshold: 20,
    eventTime: at,
    detectedAt: at,
    status: 'open',
    publishedAt: at,
    ...overrides,
  };
}

/** A bus record carrying `value` (an alert, or anything for bad-record tests) at `offset`. */
export function busRecord(offset: number, value: unknown, topic = 'alerts'): BusMessage {
  return {
    topic,
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: {},
    timestamp: 1_767_225_600_000 + offset,
  };
}
