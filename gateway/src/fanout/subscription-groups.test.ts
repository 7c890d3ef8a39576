import { describe, expect, it } from 'vitest';
import { canonicalFilter } from './filter.ts';
import { createSubscriptionGroups } from './subscription-groups.ts';
import { fakeConnection } from './testing/fake-connection.ts';

const high = canonicalFilter({ severity: ['high'] });
const all = canonicalFilter({});
const keys = { severity: 'high', source: 'logs', service: 'payments', ruleId: 'r' } as const;

describe('subscription groups', () => {
  it('put connections with equal filters in one group with one topic', () => {
    const groups = createSubscriptionGroups();
    const [a, b, c] = [fakeConnection(), fakeConnection(), fakeConnection()];
    const ga = groups.join(a, high);
    const gb = groups.join(b, canonicalFilter({ severity: ['high', 'high'] }));
    const gc = groups.join(c, all);
    expect(gb).toBe(ga);
    expect(gc.topic).not.toBe(ga.topic);
    expect(groups.size).toBe(2);
    expect([...a.topics]).toEqual([ga.topic]);
    expect(ga.members.size).toBe(2);
  });

  it('refcount members and remove a group with its last member', () => {
    const groups = createSubscriptionGroups();
    const [a, b] = [fakeConnection(), fakeConnection()];
    const group = groups.join(a, high);
    groups.join(b, high);
    groups.leave(a, group, false);
    expect(a.topics.size).toBe(0);
    expect(groups.size).toBe(1);
    groups.leave(b, group, true);
    expect(groups.size).toBe(0);
    groups.leave(b, group, false); // twice: no effect
    expect(groups.size).toBe(0);
  });

  it('give a new topic to a filter whose group was removed, so late publishes to the old one reach no one', () => {
    const groups = createSubscriptionGroups();
    const a = fakeConnection();
    const first = groups.join(a, high);
    groups.leave(a, first, false);
    expect(groups.join(a, high).topic).not.toBe(first.topic);
  });

  it('match an alert against each distinct filter once', () => {
    const groups = createSubscriptionGroups();
    for (let i = 0; i < 50; i += 1) groups.join(fakeConnection(), high);
    groups.join(fakeConnection(), canonicalFilter({ severity: ['low'] }));
    groups.join(fakeConnection(), all);
    const matched = groups.matching(keys);
    expect(matched.map((g) => g.filter)).toEqual([high, all]);
  });
});
