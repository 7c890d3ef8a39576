import { withRuleVersion } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { planRepartition } from './repartition-plan.ts';
import { harness, log, rulesById, SECOND } from './rules-test-kit.ts';

describe('ruleVersion on alerts', () => {
  it('is 1 for a rule loaded from a file (it carries no version)', () => {
    const alerts = harness(rulesById('logs.failed-message')).feed('logs', [log(0, { message: 'failed' })]);
    expect(alerts.map((a) => a.ruleVersion)).toEqual([1]);
  });

  it('is the version the rule was loaded at, per-event and windowed (a keyed copy keeps it)', () => {
    const [perEvent, windowed] = rulesById('logs.failed-message', 'logs.error-spike');
    const { feed } = harness([withRuleVersion(perEvent!, 3), withRuleVersion(windowed!, 7)]);
    const alerts = feed(
      'logs',
      Array.from({ length: 20 }, (_, i) => log(i * SECOND, { message: i === 0 ? 'failed' : 'boom' })),
    );
    expect(alerts.map((a) => [a.ruleId, a.ruleVersion])).toEqual([
      ['logs.failed-message', 3],
      ['logs.error-spike', 7],
    ]);
  });

  it('survives the split into key spaces (stage two evaluates copies keyed by one field)', () => {
    const [rule] = rulesById('security.login-failures');
    const plan = planRepartition([withRuleVersion(rule!, 4)]);
    const copies = Object.values(plan.spaces).flatMap((spaces) => spaces.flatMap((space) => space.rules));
    expect(copies.length).toBe(2);
    for (const copy of copies) expect(copy).toMatchObject({ id: 'security.login-failures', version: 4 });
  });
});
