import { type Alert, alertError, type Source, ValidationError, VigilError } from '@vigil/core';
import { defaultRules, parseRules } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from './condition.ts';
import { createRuleEngine } from './rule-engine.ts';
import {
  harness,
  iso,
  log,
  MINUTE,
  metric,
  rulesById,
  SECOND,
  security,
  T0,
  transaction,
} from './rules-test-kit.ts';

/** A stream that trips every default rule at least once, as (source, event) pairs in time order per source. */
function everyRuleStream(): [Source, EventRecord][] {
  const out: [Source, EventRecord][] = [];
  for (let m = 0; m < 15; m++)
    for (let i = 0; i < 10; i++)
      out.push(['logs', log(m * MINUTE + i * 5 * SECOND, { service: 'search', level: 'INFO' })]);
  for (let i = 0; i < 40; i++)
    out.push([
      'logs',
      log(15 * MINUTE + i * SECOND, { service: 'search', message: i ? 'oops' : 'Job failed', id: `l${i}` }),
    ]);
  out.push(['logs', log(16 * MINUTE + 10 * SECOND, { level: 'INFO' })]);
  for (const t of [0, MINUTE, 2 * MINUTE]) out.push(['metrics', metric(t, { cpu: 90, latencyMs: 1500 })]);
  // pay-1 then goes silent: another host's sample moves event time 2 min past its last one.
  out.push(['metrics', metric(4 * MINUTE + 10 * SECOND, { host: 'pay-2' })]);
  for (let i = 0; i < 5; i++) out.push(['transactions', transaction(i * SECOND, { amount: 20_000 })]);
  for (let i = 0; i < 5; i++) out.push(['security', security(i * SECOND)]);
  out.push(['security', security(6 * SECOND, { action: 'unauthorized_access' })]);
  out.push(['security', security(7 * SECOND, { action: 'data_transfer', bytes: 200 * 1024 * 1024 })]);
  // Nine more users from the same ip make ten (a spray), then u1 gets in after its five failures.
  for (let i = 2; i <= 10; i++)
    out.push(['security', security(6 * SECOND + i * SECOND, { userId: `u${i}` })]);
  out.push(['security', security(20 * SECOND, { action: 'login_success' })]);
  return out;
}

function run(stream: [Source, EventRecord][], now = T0 + 24 * 60 * MINUTE): Alert[] {
  const engine = createRuleEngine({ rules: defaultRules(), now: () => now });
  return stream.flatMap(
    ([source, event], offset) =>
      engine.evaluate({
        source,
        event,
        ref: { topic: `events.${source}`, partition: 0, offset: String(offset) },
        ingestedAt: T0,
      }).alerts,
  );
}

describe('createRuleEngine', () => {
  it('produces alerts that satisfy the alert contract, from every default rule', () => {
    const alerts = run(everyRuleStream());
    expect(new Set(alerts.map((a) => a.ruleId))).toEqual(new Set(defaultRules().map((r) => r.id)));
    for (const alert of alerts) expect(alertError(alert)).toBeNull();
  });

  it('fills timing from the event and the clock', () => {
    const [alert] = run(everyRuleStream(), T0 + 42 * MINUTE).filter(
      (a) => a.ruleId === 'metrics.latency-high',
    );
    expect(alert).toMatchObject({
      eventTime: iso(0),
      detectedAt: iso(42 * MINUTE),
      ingestedAt: iso(0),
      status: 'open',
    });
    expect(alert?.evidence?.archiveKeys).toEqual([]);
  });

  it('gives the same alert ids when a fresh engine sees the same events again (redelivery)', () => {
    const first = run(everyRuleStream());
    const again = run(everyRuleStream(), T0 + 48 * 60 * MINUTE);
    expect(again.map((a) => a.id)).toEqual(first.map((a) => a.id));
    expect(new Set(first.map((a) => a.id)).size).toBe(first.length);
  });

  it('skips disabled rules and rules of other sources', () => {
    const rules = parseRules({
      rules: [
        {
          id: 'off',
          title: 'Off',
          source: 'logs',
          severity: 'low',
          kind: 'match',
          enabled: false,
          where: { field: 'level', eq: 'ERROR' },
        },
        {
          id: 'on',
          title: 'On',
          source: 'metrics',
          severity: 'low',
          kind: 'match',
          where: { field: 'cpu', gte: 0 },
        },
      ],
    });
    const { feed, engine } = harness(rules);
    expect(feed('logs', [log(0)])).toEqual([]);
    expect(feed('metrics', [metric(0)]).map((a) => a.ruleId)).toEqual(['on']);
    expect(engine.stats().rules.map((r) => r.ruleId)).toEqual(['on']);
    expect(engine.rules).toBe(rules);
  });

  it('caps evidence at 20 events', () => {
    const rules = parseRules({
      rules: [
        {
          id: 'many',
          title: 'Many',
          source: 'logs',
          severity: 'low',
          kind: 'count',
          keyBy: ['service'],
          threshold: 50,
          windowMs: MINUTE,
        },
      ],
    });
    const [alert] = harness(rules).feed(
      'logs',
      Array.from({ length: 50 }, (_, i) => log(i * 100, { id: `e${i}` })),
    );
    expect(alert?.value).toBe(50);
    expect(alert?.evidence?.refs).toHaveLength(20);
    expect(alert?.evidence?.eventIds).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
  });

  describe('event time and watermarks', () => {
    it('tracks one watermark per source: newest event time minus the allowed lateness', () => {
      const { engine, feed } = harness(rulesById('logs.error-spike', 'metrics.cpu-sustained'));
      feed('logs', [log(MINUTE)]);
      expect(engine.stats().watermarks).toEqual({
        logs: T0 + 50 * SECOND,
        metrics: null,
        transactions: null,
        security: null,
      });
    });

    it('ignores events further ahead of now() than the skew for windowed rules, but not for per-event rules', () => {
      const { engine, clock, evaluate } = harness(rulesById('logs.error-spike', 'logs.failed-message'));
      clock.now = T0;
      const result = evaluate('logs', log(2 * MINUTE, { message: 'failed' }));
      expect(result).toMatchObject({
        tooNew: true,
        late: false,
        alerts: [{ ruleId: 'logs.failed-message' }],
      });
      expect(engine.stats()).toMatchObject({
        tooNewEvents: 1,
        watermarks: { logs: null },
        rules: [{ keys: 0 }, {}],
      });
    });

    it('does not let a producer with a fast clock make everyone else late', () => {
      const { clock, evaluate } = harness(rulesById('logs.error-spike'));
      clock.now = T0;
      expect(evaluate('logs', log(50 * SECOND)).tooNew).toBe(false); // 50 s ahead, within the 60 s skew
      // The watermark is held at now − lateness, so an on-time event is still on time.
      expect(evaluate('logs', log(-5 * SECOND)).late).toBe(false);
      expect(evaluate('logs', log(-11 * SECOND)).late).toBe(true);
    });

    it('rejects an event without a usable ts', () => {
      const { evaluate } = harness(rulesById('logs.error-spike'));
      expect(() => evaluate('logs', { ...log(0), ts: 'yesterday' })).toThrow(ValidationError);
    });

    it("takes the caller's parsed event time instead of parsing ts again", () => {
      const engine = createRuleEngine({ rules: rulesById('logs.error-spike'), now: () => T0 });
      const ref = { topic: 'events.logs', partition: 0, offset: '0' };
      // ts is not even read when eventTime is given: the processor parsed it once, during validation.
      const result = engine.evaluate({
        source: 'logs',
        event: { ...log(0), ts: 'unparsed' },
        ref,
        eventTime: T0,
      });
      expect(result.late).toBe(false);
    });
  });

  it('rejects nonsensical options', () => {
    const make = (options: object) => () => createRuleEngine({ rules: [], now: Date.now, ...options });
    expect(make({ maxKeysPerRule: 0 })).toThrow(VigilError);
    expect(make({ allowedLatenessMs: -1 })).toThrow(/allowedLatenessMs must be an integer ≥ 0/);
    expect(make({ maxFutureSkewMs: 1.5 })).toThrow(VigilError);
  });
});
