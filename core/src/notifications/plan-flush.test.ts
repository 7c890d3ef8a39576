import { describe, expect, it } from 'vitest';
import type { Alert } from '../alerts/alert.ts';
import { ROUTE_DEFAULTS } from './notification-policy.ts';
import { dueAfterChange, type GroupAlert, owedNotices, planFlush, type SentState } from './plan-flush.ts';
import { testAlert } from './testing-alert.ts';

const settings = { ...ROUTE_DEFAULTS };
const item = (sent: SentState | null, overrides: Partial<Alert> = {}): GroupAlert => ({
  alert: testAlert({ id: `al-${Math.random().toString(36).slice(2, 8)}`, ...overrides }),
  sent,
});
const NOW = 1_000_000_000;

describe('owedNotices', () => {
  it('owes a new firing alert its first notice', () => {
    expect(owedNotices(item(null), settings, false)).toEqual(['firing']);
  });
  it('owes a silenced alert that was never announced nothing', () => {
    expect(owedNotices(item(null, { silencedBy: ['s1'] }), settings, false)).toEqual([]);
  });
  it('owes the resolve of an announced alert even when it is silenced now', () => {
    expect(owedNotices(item('firing', { status: 'resolved', silencedBy: ['s1'] }), settings, false)).toEqual([
      'resolved',
    ]);
  });
  it('owes no resolve with sendResolved off, nor for an alert never announced', () => {
    expect(owedNotices(item('firing', { status: 'resolved' }), { sendResolved: false }, false)).toEqual([]);
    expect(owedNotices(item(null, { status: 'resolved' }), settings, false)).toEqual([]);
  });
  it('mirrors acknowledge on per-alert channels only', () => {
    expect(owedNotices(item('firing', { status: 'acknowledged' }), settings, true)).toEqual(['acknowledged']);
    expect(owedNotices(item('firing', { status: 'acknowledged' }), settings, false)).toEqual([]);
    expect(owedNotices(item(null, { status: 'acknowledged' }), settings, true)).toEqual([
      'firing',
      'acknowledged',
    ]);
  });
  it('owes nothing once the resolve was sent', () => {
    expect(owedNotices(item('resolved', { status: 'resolved' }), settings, true)).toEqual([]);
  });
});

describe('planFlush, grouped channels (webhook, slack, email)', () => {
  const plan = (alerts: GroupAlert[], lastSentAt: number | null = null, now = NOW) =>
    planFlush({ alerts, settings, channelType: 'slack', lastSentAt, now });

  it('sends one message for all new alerts of the group', () => {
    const alerts = [item(null), item(null), item(null)];
    const result = plan(alerts);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({ kind: 'firing', status: 'firing', truncatedAlerts: 0 });
    expect(result.messages[0]?.alerts.map((a) => a.id)).toEqual(alerts.map((a) => a.alert.id));
    expect([...result.sent.values()]).toEqual(['firing', 'firing', 'firing']);
    expect(result.nextFlushAt).toBe(NOW + settings.repeatIntervalMs);
  });
  it('lists firing alerts beside the newly resolved one, and says resolved once none fires', () => {
    const firing = item('firing');
    const resolved = item('firing', { status: 'resolved' });
    const both = plan([firing, resolved], NOW - 1);
    expect(both.messages[0]).toMatchObject({ kind: 'firing', status: 'firing' });
    expect(both.messages[0]?.alerts).toHaveLength(2);
    expect(both.sent.get(resolved.alert.id)).toBe('resolved');
    const last = plan([resolved], NOW - 1);
    expect(last.messages[0]).toMatchObject({ kind: 'resolved', status: 'resolved' });
    expect(last.nextFlushAt).toBeNull();
  });
  it('sends nothing when nothing changed and the repeat is not due', () => {
    expect(plan([item('firing')], NOW - 1_000).messages).toEqual([]);
  });
  it('repeats unchanged firing alerts after repeatIntervalMs, leaving silenced ones out', () => {
    const silenced = item('firing', { silencedBy: ['s'] });
    const result = plan([item('firing'), silenced], NOW - settings.repeatIntervalMs);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]?.alerts.map((a) => a.id)).not.toContain(silenced.alert.id);
  });
  it('marks a resolved alert never announced done, sending nothing', () => {
    const quiet = item(null, { status: 'resolved' });
    const result = plan([quiet]);
    expect(result.messages).toEqual([]);
    expect(result.sent.get(quiet.alert.id)).toBe('resolved');
  });
  it('counts alerts past the message bound in truncatedAlerts', () => {
    const result = plan(Array.from({ length: 130 }, () => item(null)));
    expect(result.messages[0]?.alerts).toHaveLength(100);
    expect(result.messages[0]?.truncatedAlerts).toBe(30);
  });
});

describe('planFlush, per-alert channels (discord, pagerduty)', () => {
  const plan = (alerts: GroupAlert[]) =>
    planFlush({ alerts, settings, channelType: 'discord', lastSentAt: NOW - 5, now: NOW });
  it('sends one message per owed notice, in order', () => {
    const a = item(null);
    const b = item('firing', { status: 'acknowledged' });
    const c = item('acknowledged', { status: 'resolved' });
    const result = plan([a, b, c]);
    expect(result.messages.map((m) => [m.kind, m.alerts[0]?.id])).toEqual([
      ['firing', a.alert.id],
      ['acknowledged', b.alert.id],
      ['resolved', c.alert.id],
    ]);
    expect(result.nextFlushAt).toBeNull();
  });
  it('never repeats', () => {
    expect(
      planFlush({ alerts: [item('firing')], settings, channelType: 'pagerduty', lastSentAt: 0, now: NOW })
        .messages,
    ).toEqual([]);
  });
});

describe('dueAfterChange', () => {
  const due = (group: GroupAlert, lastSentAt: number | null, nextFlushAt: number | null = null) =>
    dueAfterChange({ item: group, settings, channelType: 'webhook', lastSentAt, nextFlushAt, now: NOW });
  it('waits groupWaitMs before a new group first sends', () => {
    expect(due(item(null), null)).toBe(NOW + 30_000);
  });
  it('sends at once for an alert at or above bypassGroupWaitAtLeast', () => {
    expect(due(item(null, { severity: 'critical' }), null, NOW + 30_000)).toBe(NOW);
    expect(
      dueAfterChange({
        item: item(null, { severity: 'critical' }),
        settings: { ...settings, bypassGroupWaitAtLeast: null },
        channelType: 'webhook',
        lastSentAt: null,
        nextFlushAt: null,
        now: NOW,
      }),
    ).toBe(NOW + 30_000);
  });
  it('waits until groupIntervalMs after the last message of a group that sent', () => {
    expect(due(item(null), NOW - 100_000)).toBe(NOW + 200_000);
    expect(due(item(null), NOW - 400_000)).toBe(NOW);
  });
  it('keeps an earlier due time, and changes nothing for a change owed nothing', () => {
    expect(due(item(null), null, NOW + 5)).toBe(NOW + 5);
    expect(due(item('firing', { occurrences: 7 }), NOW - 1, NOW + 99)).toBe(NOW + 99);
    expect(due(item('firing', { occurrences: 7 }), NOW - 1, null)).toBeNull();
  });
});
