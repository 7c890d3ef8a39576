import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, VigilError } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from './load-rules.ts';

const MIN = 60_000;

// DESIGN.md "Default rules", transcribed: ruleId, severity, and what each row fixes (kind, threshold, window).
const DESIGN_TABLE = [
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
  it("holds exactly DESIGN.md's twelve rules, in its order, with its thresholds, windows and severities", () => {
    const rules = defaultRules();
    expect(rules.map((r) => r.id)).toEqual(DESIGN_TABLE.map((r) => r.id));
    rules.forEach((rule, i) => {
      expect(rule).toMatchObject({ ...DESIGN_TABLE[i], enabled: true, source: rule.id.split('.')[0] });
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
    expect(byId.get('transactions.user-frequency')?.where).toBeUndefined();
  });
});

describe('loadRules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-rules-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the built-in defaults without a path', async () => {
    expect(await loadRules()).toEqual(defaultRules());
  });

  it('reads and validates a rules file', async () => {
    const path = join(dir, 'ok.json');
    const rule = {
      id: 'mine',
      title: 'Mine',
      source: 'logs',
      severity: 'info',
      kind: 'match',
      where: { field: 'level', eq: 'WARN' },
    };
    await writeFile(path, JSON.stringify({ version: 1, rules: [rule] }));
    expect(await loadRules(path)).toEqual([{ ...rule, enabled: true, keyBy: ['service'] }]);
  });

  it('names the file in validation errors', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ rules: [{ id: 'x', kind: 'count' }] }));
    const error = await loadRules(path).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message.startsWith(`${path}: invalid rules`)).toBe(true);
    expect((error as ValidationError).details).toContain('rules[0] "x": windowMs: missing');
  });

  it('reports an unreadable file as a configuration error', async () => {
    const error = await loadRules(join(dir, 'missing.json')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('config_invalid');
    expect((error as VigilError).message).toMatch(/cannot read rules file .*missing\.json: ENOENT/);
  });
});
