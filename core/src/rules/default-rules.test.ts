import { describe, expect, it } from 'vitest';
import { defaultRules } from './default-rules.ts';

const MIN = 60_000;

// processor/RULES.md "Default rules", transcribed: ruleId, severity, and what each row fixes (kind, threshold, window).
const RULES_TABLE = [
  {
    id: 'logs.error-spike',
    severity: 'high',
    kind: 'count',
    keyBy: ['service'],
    threshold: 20,
    windowMs: 3 * MIN,
  },
  { id: 'logs.failed-message', severity: 'low', kind: 'match' },
  {
    id: 'logs.user-error-spike',
    severity: 'medium',
    kind: 'count',
    keyBy: ['userId'],
    threshold: 10,
    windowMs: 3 * MIN,
  },
  {
    id: 'logs.volume-anomaly',
    severity: 'medium',
    kind: 'zscore',
    keyBy: ['service'],
    threshold: 3,
    bucketMs: MIN,
    baselineMs: 30 * MIN,
  },
  {
    id: 'metrics.cpu-sustained',
    severity: 'high',
    kind: 'sustained',
    keyBy: ['host'],
    field: 'cpu',
    op: 'gte',
    threshold: 80,
    durationMs: 2 * MIN,
    minSamples: 3,
  },
  {
    id: 'metrics.latency-high',
    severity: 'medium',
    kind: 'threshold',
    field: 'latencyMs',
    op: 'gt',
    threshold: 1000,
  },
  { id: 'metrics.cpu-and-latency', severity: 'critical', kind: 'match' },
  { id: 'metrics.host-silent', severity: 'high', kind: 'absence', keyBy: ['host'], durationMs: 2 * MIN },
  {
    id: 'transactions.large-amount',
    severity: 'high',
    kind: 'threshold',
    field: 'amount',
    op: 'gt',
    threshold: 10_000,
  },
  {
    id: 'transactions.user-frequency',
    severity: 'medium',
    kind: 'count',
    keyBy: ['userId'],
    threshold: 5,
    windowMs: 5 * MIN,
  },
  {
    id: 'security.login-failures',
    severity: 'high',
    kind: 'count',
    keyBy: ['userId', 'ip'],
    threshold: 5,
    windowMs: MIN,
  },
  {
    id: 'security.password-spray',
    severity: 'high',
    kind: 'distinct',
    keyBy: ['ip'],
    field: 'userId',
    threshold: 10,
    windowMs: 5 * MIN,
  },
  {
    id: 'security.brute-force-success',
    severity: 'critical',
    kind: 'sequence',
    keyBy: ['userId'],
    threshold: 5,
    windowMs: 10 * MIN,
  },
  { id: 'security.unauthorized-access', severity: 'high', kind: 'match' },
  {
    id: 'security.large-transfer',
    severity: 'high',
    kind: 'threshold',
    field: 'bytes',
    op: 'gt',
    threshold: 104_857_600,
  },
];

describe('default-rules.json', () => {
  it("holds exactly the fifteen rules of RULES.md's table, in its order, with its thresholds, windows and severities", () => {
    const rules = defaultRules();
    expect(rules.map((r) => r.id)).toEqual(RULES_TABLE.map((r) => r.id));
    rules.forEach((rule, i) => {
      expect(rule).toMatchObject({ ...RULES_TABLE[i], enabled: true, source: rule.id.split('.')[0] });
    });
  });

  it('spells out the conditions of the match and filtered rules', () => {
    const byId = new Map(defaultRules().map((r) => [r.id, r]));
    expect(byId.get('logs.error-spike')?.where).toEqual({ field: 'level', in: ['ERROR', 'CRITICAL'] });
    expect(byId.get('logs.user-error-spike')?.where).toEqual({ field: 'level', in: ['ERROR', 'CRITICAL'] });
    expect(byId.get('logs.failed-message')?.where).toEqual({
      field: 'message',
      contains: 'failed',
      caseInsensitive: true,
    });
    expect(byId.get('metrics.cpu-and-latency')?.where).toEqual({
      all: [
        { field: 'cpu', gte: 80 },
        { field: 'latencyMs', gt: 1000 },
      ],
    });
    expect(byId.get('security.login-failures')?.where).toEqual({ field: 'action', eq: 'login_failure' });
    expect(byId.get('security.unauthorized-access')?.where).toEqual({
      field: 'action',
      eq: 'unauthorized_access',
    });
    expect(byId.get('security.large-transfer')?.where).toEqual({ field: 'action', eq: 'data_transfer' });
    expect(byId.get('security.password-spray')?.where).toEqual({ field: 'action', eq: 'login_failure' });
    expect(byId.get('security.brute-force-success')).toMatchObject({
      first: { field: 'action', eq: 'login_failure' },
      followedBy: { field: 'action', eq: 'login_success' },
    });
    expect(byId.get('security.brute-force-success')?.where).toBeUndefined();
    expect(byId.get('metrics.host-silent')?.where).toBeUndefined();
    expect(byId.get('transactions.user-frequency')?.where).toBeUndefined();
  });
});
