import { parseRules, type Rule } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { describeCondition, formatRuleValue, ruleParams, ruleSummary } from './rule-view.ts';

/** One rule as GET /api/rules serves it: core's parser fills the defaults in. */
const rule = (fields: Record<string, unknown>): Rule =>
  parseRules({ rules: [{ id: 'r', title: 'A rule', severity: 'high', ...fields }] })[0]!;

const countRule = rule({
  source: 'logs',
  kind: 'count',
  where: { field: 'level', in: ['ERROR', 'CRITICAL'] },
  keyBy: ['service'],
  threshold: 20,
  windowMs: 180000,
});

describe('rule view', () => {
  it('summarizes each kind of rule from its fields', () => {
    expect(ruleSummary(countRule)).toBe('≥ 20 events with level in ERROR, CRITICAL per service within 3 min');
    expect(
      ruleSummary(
        rule({ source: 'metrics', kind: 'threshold', field: 'latencyMs', op: 'gt', threshold: 1000 }),
      ),
    ).toBe('latencyMs > 1000');
    expect(
      ruleSummary(
        rule({
          source: 'metrics',
          kind: 'sustained',
          field: 'cpu',
          op: 'gte',
          threshold: 80,
          durationMs: 120000,
          minSamples: 3,
          keyBy: ['host'],
        }),
      ),
    ).toBe('cpu ≥ 80 for ≥ 2 min (≥ 3 samples) per host');
    // bucketMs left out: the parser's default (one minute) is what the summary shows.
    expect(
      ruleSummary(
        rule({ source: 'logs', kind: 'zscore', threshold: 3, keyBy: ['service'], baselineMs: 1800000 }),
      ),
    ).toBe('volume z-score > 3 per service, per 1 min against the last 30 min');
    expect(
      ruleSummary(
        rule({
          source: 'security',
          kind: 'distinct',
          where: { field: 'action', eq: 'login_failure' },
          keyBy: ['ip'],
          field: 'userId',
          threshold: 10,
          windowMs: 300000,
        }),
      ),
    ).toBe('≥ 10 distinct userId with action = login_failure per ip within 5 min');
    expect(
      ruleSummary(
        rule({
          source: 'security',
          kind: 'sequence',
          keyBy: ['userId'],
          first: { field: 'action', eq: 'login_failure' },
          threshold: 5,
          followedBy: { field: 'action', eq: 'login_success' },
          windowMs: 600000,
        }),
      ),
    ).toBe('≥ 5 × action = login_failure, then action = login_success per userId within 10 min');
    expect(
      ruleSummary(rule({ source: 'metrics', kind: 'absence', keyBy: ['host'], durationMs: 120000 })),
    ).toBe('no events per host for 2 min after it was seen');
  });

  it('lists the parameters generically, leaving out the header fields', () => {
    expect(ruleParams(countRule)).toEqual([
      { key: 'keyBy', label: 'Per', value: 'service' },
      { key: 'threshold', label: 'Threshold', value: '20' },
      { key: 'windowMs', label: 'Window', value: '3 min' },
      // An episode resolves after this long without a firing (core's default: the window, at least 5 min).
      { key: 'resolveAfterMs', label: 'Resolves after', value: '5 min' },
    ]);
  });

  it('describes nested conditions', () => {
    expect(
      describeCondition({
        all: [
          { field: 'cpu', gte: 80 },
          {
            any: [
              { field: 'message', contains: 'failed', caseInsensitive: true },
              { not: { field: 'host', exists: true } },
            ],
          },
        ],
      }),
    ).toBe('cpu ≥ 80 and (message contains "failed" (any case) or not (host is present))');
  });

  it('formats values by their key', () => {
    expect(formatRuleValue('baselineMs', 1800000)).toBe('30 min');
    expect(formatRuleValue('op', 'lte')).toBe('≤');
    expect(formatRuleValue('keyBy', ['userId', 'ip'])).toBe('userId, ip');
    expect(formatRuleValue('threshold', 104857600)).toBe('104,857,600');
  });
});
