import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { emptyView } from './alert-view.ts';
import { matchesView } from './match-view.ts';

const now = Date.parse('2026-01-01T12:00:00.000Z');
const alert = makeAlert({
  title: 'Error spike on payments',
  message: 'Payment gateway failed 23 times',
  detectedAt: '2026-01-01T11:50:00.000Z',
  userId: 'u-7',
});

describe('matchesView', () => {
  it('applies the subscription filter as the gateway does (core matchesFilter)', () => {
    expect(matchesView(alert, { ...emptyView(), severity: ['critical'] }, now)).toBe(false);
    expect(matchesView(alert, { ...emptyView(), severity: ['high'], service: [] }, now)).toBe(true);
  });

  it('checks the fields the WebSocket does not filter on', () => {
    expect(matchesView(alert, { ...emptyView(), status: ['resolved'] }, now)).toBe(false);
    expect(matchesView(alert, { ...emptyView(), userId: ['u-7'] }, now)).toBe(true);
    expect(matchesView(alert, { ...emptyView(), key: [alert.key] }, now)).toBe(true);
    expect(matchesView(alert, { ...emptyView(), key: ['ip=10.9.9.9'] }, now)).toBe(false);
  });

  it('applies relative and custom time ranges to detectedAt', () => {
    expect(matchesView(alert, { ...emptyView(), range: '15m' }, now)).toBe(true);
    expect(matchesView(alert, { ...emptyView(), range: '15m' }, now + 10 * 60_000)).toBe(false);
    expect(matchesView(alert, { ...emptyView(), to: '2026-01-01T11:50:00.000Z' }, now)).toBe(false);
    expect(matchesView(alert, { ...emptyView(), from: '2026-01-01T11:50:00.000Z' }, now)).toBe(true);
  });

  it('searches title and message by word prefix, every word required', () => {
    const q = (text: string) => matchesView(alert, { ...emptyView(), q: text }, now);
    expect(q('pay fail')).toBe(true);
    expect(q('PAYMENTS')).toBe(true);
    expect(q('ment')).toBe(false);
    expect(q('payments timeout')).toBe(false);
    expect(q('on')).toBe(true);
    expect(q('o')).toBe(false);
  });
});
