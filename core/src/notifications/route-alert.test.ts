import { describe, expect, it } from 'vitest';
import { parsePolicy } from './notification-policy.ts';
import { groupOf, matchesRoute, routeAlert } from './route-alert.ts';
import { testAlert } from './testing-alert.ts';

describe('matchesRoute', () => {
  it('matches every alert without matchers', () => {
    expect(matchesRoute({}, testAlert())).toBe(true);
  });
  it('takes minSeverity as "at least"', () => {
    expect(matchesRoute({ minSeverity: 'high' }, testAlert({ severity: 'critical' }))).toBe(true);
    expect(matchesRoute({ minSeverity: 'high' }, testAlert({ severity: 'high' }))).toBe(true);
    expect(matchesRoute({ minSeverity: 'high' }, testAlert({ severity: 'medium' }))).toBe(false);
  });
  it('ANDs the fields and ORs the values of one field', () => {
    const matchers = { source: ['logs' as const, 'metrics' as const], service: ['payments'] };
    expect(matchesRoute(matchers, testAlert())).toBe(true);
    expect(matchesRoute(matchers, testAlert({ source: 'security' }))).toBe(false);
    expect(matchesRoute(matchers, testAlert({ service: 'search' }))).toBe(false);
  });
  it('never matches a service or userId list for an alert without one; an empty list matches all', () => {
    expect(matchesRoute({ service: ['payments'] }, testAlert({ service: null }))).toBe(false);
    expect(matchesRoute({ userId: ['u1'] }, testAlert())).toBe(false);
    expect(matchesRoute({ service: [] }, testAlert({ service: null }))).toBe(true);
  });
  it('matches ruleId and key exactly', () => {
    expect(matchesRoute({ ruleId: ['logs.error-spike'], key: ['service=payments'] }, testAlert())).toBe(true);
    expect(matchesRoute({ key: ['service=pay'] }, testAlert())).toBe(false);
  });
});

describe('groupOf', () => {
  it('keys a group by route index and the groupBy labels in order', () => {
    expect(groupOf(2, ['ruleId', 'key'], testAlert())).toEqual({
      groupKey: '2:{ruleId="logs.error-spike",key="service=payments"}',
      groupLabels: { ruleId: 'logs.error-spike', key: 'service=payments' },
    });
  });
  it('puts a missing field in as "" and quotes values so no label can forge another', () => {
    expect(groupOf(0, ['userId'], testAlert()).groupKey).toBe('0:{userId=""}');
    expect(groupOf(0, ['service'], testAlert({ service: 'a",key="b' })).groupKey).toBe(
      '0:{service="a\\",key=\\"b"}',
    );
  });
  it('puts every alert of a route in one group with groupBy []', () => {
    expect(groupOf(1, [], testAlert()).groupKey).toBe('1:{}');
    expect(groupOf(1, [], testAlert({ ruleId: 'x' })).groupKey).toBe('1:{}');
  });
  it('treats a label called constructor like any other', () => {
    expect(groupOf(0, ['service'], testAlert({ service: 'constructor' })).groupLabels).toEqual({
      service: 'constructor',
    });
  });
});

describe('routeAlert', () => {
  const policy = parsePolicy({
    routes: [
      { matchers: { minSeverity: 'critical' }, channels: ['pager'], continue: true },
      { matchers: { source: ['security'] }, channels: ['sec-slack'] },
      { matchers: { minSeverity: 'high' }, channels: ['ops-slack', 'ops-mail'], groupBy: ['service'] },
      { channels: ['catch-all'] },
    ],
  });
  const channels = (alert = testAlert()) => routeAlert(policy, alert).flatMap((m) => m.route.channels);

  it('stops at the first route that matches', () => {
    expect(channels(testAlert({ severity: 'high' }))).toEqual(['ops-slack', 'ops-mail']);
    expect(channels(testAlert({ severity: 'low' }))).toEqual(['catch-all']);
  });
  it('goes on past a route with continue', () => {
    expect(channels(testAlert({ severity: 'critical' }))).toEqual(['pager', 'ops-slack', 'ops-mail']);
    expect(channels(testAlert({ severity: 'critical', source: 'security' }))).toEqual(['pager', 'sec-slack']);
  });
  it('gives each match its route index and group', () => {
    const [match] = routeAlert(policy, testAlert());
    expect(match).toMatchObject({ routeIndex: 2, groupKey: '2:{service="payments"}' });
  });
  it('routes nowhere under the empty policy', () => {
    expect(routeAlert({ routes: [] }, testAlert())).toEqual([]);
  });
});
