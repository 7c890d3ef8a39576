import { defaultRules } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { copiesOf, planRepartition } from './repartition-plan.ts';

describe('planRepartition', () => {
  const plan = planRepartition(defaultRules());

  it('keeps per-event rules in stage one and splits windowed rules into one key space per key field', () => {
    expect(plan.perEvent.map((r) => r.kind).every((k) => k === 'match' || k === 'threshold')).toBe(true);
    expect(plan.spaces.security.map((s) => s.id).sort()).toEqual(['security:ip', 'security:userId']);
    const byUser = plan.byId.get('security:userId')!;
    // login-failures keys by [userId, ip]: it lives in both spaces, narrowed to one field in each.
    expect(byUser.rules.map((r) => [r.id, r.keyBy])).toContainEqual(['security.login-failures', ['userId']]);
    expect(plan.byId.get('security:ip')!.rules.map((r) => [r.id, r.keyBy])).toContainEqual([
      'security.login-failures',
      ['ip'],
    ]);
  });

  it('copies an event once per key space it is relevant to, keyed by the space and the value', () => {
    const failure = { ts: '2026-01-01T00:00:00Z', ip: '10.0.0.1', userId: 'u1', action: 'login_failure' };
    expect(
      copiesOf(plan.spaces.security, failure)
        .map((c) => c.key)
        .sort(),
    ).toEqual(['security:ip=10.0.0.1', 'security:userId=u1']);
    // A file access is no windowed rule's business; a failure without a user is copied by ip only.
    expect(copiesOf(plan.spaces.security, { ...failure, action: 'file_access' })).toEqual([]);
    const anonymous = copiesOf(plan.spaces.security, { ...failure, userId: undefined });
    expect(anonymous.map((c) => c.key)).toEqual(['security:ip=10.0.0.1']);
  });

  it('leaves disabled rules out', () => {
    const rules = defaultRules().map((r) => ({ ...r, enabled: r.source !== 'security' }));
    expect(planRepartition(rules).spaces.security).toEqual([]);
  });
});
