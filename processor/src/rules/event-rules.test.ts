import { describe, expect, it } from 'vitest';
import { alertId } from './alert-factory.ts';
import {
  harness,
  iso,
  log,
  MINUTE,
  metric,
  rulesById,
  SECOND,
  security,
  transaction,
} from './rules-test-kit.ts';

describe('per-event rules', () => {
  describe('logs.failed-message (message contains "failed", any case)', () => {
    const setup = () => harness(rulesById('logs.failed-message'));

    it('fires for "failed" in any case, with the message quoted', () => {
      const alerts = setup().feed('logs', [log(0, { message: 'Payment FAILED for order 7', level: 'INFO' })]);
      expect(alerts).toMatchObject([
        {
          ruleId: 'logs.failed-message',
          severity: 'low',
          value: 1,
          threshold: null,
          key: 'service=payments',
        },
      ]);
      expect(alerts[0]?.message).toBe(
        'message "Payment FAILED for order 7" contains (any case) "failed" on service=payments',
      );
    });

    it('does not fire for "fail" or "failure"', () => {
      expect(setup().feed('logs', [log(0, { message: 'fail' }), log(1, { message: 'failure' })])).toEqual([]);
    });

    it('fires once per event, each with its own id', () => {
      const alerts = setup().feed('logs', [log(0, { message: 'failed' }), log(0, { message: 'failed' })]);
      expect(alerts).toHaveLength(2);
      expect(alerts[0]?.id).not.toBe(alerts[1]?.id);
    });

    it('derives the id from the event id when present, else from its bus position', () => {
      const { engine } = setup();
      const event = log(0, { message: 'failed', id: 'evt-1' });
      const ref = (offset: string) => ({ topic: 'events.logs', partition: 3, offset });
      const first = engine.evaluate({ source: 'logs', event, ref: ref('10') }).alerts[0];
      const again = engine.evaluate({ source: 'logs', event, ref: ref('11') }).alerts[0];
      expect(first?.id).toBe(alertId('logs.failed-message', 'service=payments', 'id:evt-1'));
      expect(again?.id).toBe(first?.id);
      expect(first?.evidence?.eventIds).toEqual(['evt-1']);
      const anonymous = { ...event, id: undefined };
      const byRef = engine.evaluate({ source: 'logs', event: anonymous, ref: ref('12') }).alerts[0];
      expect(byRef?.id).toBe(alertId('logs.failed-message', 'service=payments', 'ref:events.logs/3/12'));
    });
  });

  describe('metrics.latency-high (latencyMs > 1000)', () => {
    it('fires above 1000, not at 1000', () => {
      const { feed } = harness(rulesById('metrics.latency-high'));
      expect(feed('metrics', [metric(0, { latencyMs: 1000 })])).toEqual([]);
      const alerts = feed('metrics', [metric(0, { latencyMs: 1001 })]);
      expect(alerts).toMatchObject([
        { value: 1001, threshold: 1000, key: 'host=pay-1', service: 'payments' },
      ]);
      expect(alerts[0]?.message).toBe('latencyMs 1001 > 1000 on host=pay-1');
    });
  });

  describe('metrics.cpu-and-latency (cpu ≥ 80 and latencyMs > 1000 in one sample)', () => {
    const fires = (cpu: number, latencyMs: number) =>
      harness(rulesById('metrics.cpu-and-latency')).feed('metrics', [metric(0, { cpu, latencyMs })]);

    it('fires only when both hold, each at its edge', () => {
      const [alert] = fires(80, 1001);
      expect(alert).toMatchObject({ severity: 'critical', ruleId: 'metrics.cpu-and-latency' });
      expect(alert?.message).toBe('cpu 80 ≥ 80 and latencyMs 1001 > 1000 on host=pay-1');
      expect(fires(79.9, 5000)).toEqual([]);
      expect(fires(100, 1000)).toEqual([]);
    });
  });

  describe('transactions.large-amount (amount > 10000)', () => {
    it('fires above 10000, not at 10000', () => {
      const { feed } = harness(rulesById('transactions.large-amount'));
      expect(feed('transactions', [transaction(0, { amount: 10_000 })])).toEqual([]);
      expect(feed('transactions', [transaction(0, { amount: 10_000.01 })])).toMatchObject([
        {
          value: 10_000.01,
          threshold: 10_000,
          key: 'userId=u1',
          userId: 'u1',
          service: null,
          severity: 'high',
        },
      ]);
    });
  });

  describe('security.unauthorized-access (any unauthorized_access)', () => {
    it('fires for unauthorized_access only', () => {
      const { feed } = harness(rulesById('security.unauthorized-access'));
      const actions = [
        'login_success',
        'login_failure',
        'file_access',
        'data_transfer',
        'unauthorized_access',
      ];
      const alerts = feed(
        'security',
        actions.map((action) => security(0, { action })),
      );
      expect(alerts).toMatchObject([
        { key: 'ip=10.0.0.7', userId: 'u1', message: 'action = "unauthorized_access" on ip=10.0.0.7' },
      ]);
    });
  });

  describe('security.large-transfer (data_transfer with bytes > 100 MiB)', () => {
    const MIB_100 = 104_857_600;
    it('fires above 104857600 bytes, not at it, and only for data_transfer', () => {
      const { feed } = harness(rulesById('security.large-transfer'));
      expect(feed('security', [security(0, { action: 'data_transfer', bytes: MIB_100 })])).toEqual([]);
      expect(feed('security', [security(0, { action: 'file_access', bytes: 10 * MIB_100 })])).toEqual([]);
      const alerts = feed('security', [security(0, { action: 'data_transfer', bytes: MIB_100 + 1 })]);
      expect(alerts).toMatchObject([{ value: MIB_100 + 1, threshold: MIB_100 }]);
      expect(alerts[0]?.message).toBe(
        'bytes 104857601 > 104857600 on ip=10.0.0.7 (action = "data_transfer")',
      );
    });
  });

  it('run for late events too: they have no window to miss', () => {
    const { feed, evaluate } = harness(rulesById('metrics.latency-high', 'metrics.cpu-sustained'));
    feed('metrics', [metric(10 * MINUTE)]);
    const result = evaluate('metrics', metric(SECOND, { latencyMs: 5000 }));
    expect(result.late).toBe(true);
    expect(result.alerts).toMatchObject([{ ruleId: 'metrics.latency-high', eventTime: iso(SECOND) }]);
  });
});
