import type { Alert } from '../alerts/alert.ts';

/** An open episode for notification tests; override what a test is about. */
export const testAlert = (overrides: Partial<Alert> = {}): Alert => ({
  id: 'al-1',
  ruleId: 'logs.error-spike',
  severity: 'high',
  source: 'logs',
  title: 'Error spike in payments',
  message: '23 ERROR logs in 3 min',
  service: 'payments',
  userId: null,
  key: 'service=payments',
  value: 23,
  threshold: 20,
  eventTime: '2031-05-01T12:00:00.000Z',
  detectedAt: '2031-05-01T12:00:01.000Z',
  status: 'open',
  occurrences: 1,
  firstSeenAt: '2031-05-01T12:00:00.000Z',
  lastSeenAt: '2031-05-01T12:00:00.000Z',
  revision: 1,
  resolvedAt: null,
  resolvedBy: null,
  acknowledgedBy: null,
  silencedBy: [],
  ...overrides,
});
