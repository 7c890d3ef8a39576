import type { Alert } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../api/explorer-readers.ts';
import { type EventView, emptyEventView, parseEventView } from './event-view.ts';
import { alertTouchesView, mergeTail, newestTs, TAIL_CAP, tailParams } from './live-tail.ts';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'a1',
  ruleId: 'security.login-failures',
  severity: 'high',
  source: 'security',
  title: 't',
  message: 'm',
  service: null,
  userId: null,
  key: 'ip=10.0.0.5',
  value: 5,
  threshold: 5,
  eventTime: '2026-03-01T12:00:00.000Z',
  detectedAt: '2026-03-01T12:00:01.000Z',
  status: 'open',
  ...over,
});
const view = (query: string): EventView => parseEventView(new URLSearchParams(query));
const ev = (id: string, ts: string): StoredEvent => ({
  id,
  source: 'logs',
  ts,
  position: { partition: 0, offset: id },
  event: { ts },
});

describe('alertTouchesView (when the live tail re-queries)', () => {
  it('refreshes an unfiltered view on any alert', () => {
    expect(alertTouchesView(alert(), emptyEventView())).toBe(true);
  });

  it('matches the source', () => {
    expect(alertTouchesView(alert(), view('source=security,logs'))).toBe(true);
    expect(alertTouchesView(alert(), view('source=metrics'))).toBe(false);
  });

  it("reads service and userId from the alert's fields, host and ip from its key", () => {
    expect(alertTouchesView(alert({ service: 'payments' }), view('service=payments'))).toBe(true);
    expect(alertTouchesView(alert({ service: 'search' }), view('service=payments'))).toBe(false);
    expect(alertTouchesView(alert({ userId: 'alice' }), view('userId=alice'))).toBe(true);
    expect(alertTouchesView(alert({ key: 'userId=alice' }), view('userId=alice'))).toBe(true);
    expect(alertTouchesView(alert(), view('ip=10.0.0.5'))).toBe(true);
    expect(alertTouchesView(alert(), view('ip=10.0.0.6'))).toBe(false);
    expect(alertTouchesView(alert({ key: 'host=web-1' }), view('host=web-1'))).toBe(true);
  });

  it('does not refresh a view on a field the alert does not name', () => {
    expect(alertTouchesView(alert({ key: 'service=payments' }), view('host=web-1'))).toBe(false);
    // "ip" is not a prefix match on the key: a key "ipv6=…" names another field.
    expect(alertTouchesView(alert({ key: 'ipv6=10.0.0.5' }), view('ip=10.0.0.5'))).toBe(false);
  });

  it('ignores level, action and text, which the re-query applies', () => {
    expect(alertTouchesView(alert(), view('level=ERROR&action=login_failure&q=denied'))).toBe(true);
  });

  it('does not refresh a custom range that ends before the alert', () => {
    expect(alertTouchesView(alert(), view('to=2026-03-01T11:00:00Z'))).toBe(false);
    expect(alertTouchesView(alert(), view('to=2026-03-01T13:00:00Z'))).toBe(true);
  });
});

describe('tailParams', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('asks from the newest event shown, inclusive', () => {
    const params = tailParams(view('level=ERROR'), now, '2026-03-01T11:59:00.000Z', 200);
    expect(Object.fromEntries(params)).toEqual({
      level: 'ERROR',
      from: '2026-03-01T11:59:00.000Z',
      limit: '200',
    });
  });

  it("keeps the view's own start when it is later, and its start when nothing is shown", () => {
    const later = tailParams(view('range=15m'), now, '2026-03-01T10:00:00.000Z', 200);
    expect(later.get('from')).toBe('2026-03-01T11:45:00.000Z');
    expect(tailParams(view('range=15m'), now, null, 200).get('from')).toBe('2026-03-01T11:45:00.000Z');
    expect(tailParams(emptyEventView(), now, null, 200).has('from')).toBe(false);
  });
});

describe('mergeTail', () => {
  it('prepends only events not shown yet, newest first, and remembers them', () => {
    const known = new Set(['1']);
    const shown = [ev('1', '2026-03-01T12:00:00Z')];
    const merged = mergeTail(
      shown,
      [ev('3', '2026-03-01T12:00:02Z'), ev('2', '2026-03-01T12:00:01Z'), ev('1', '2026-03-01T12:00:00Z')],
      known,
    );
    expect(merged.live.map((e) => e.id)).toEqual(['3', '2', '1']);
    expect(merged.added).toBe(2);
    expect([...known].sort()).toEqual(['1', '2', '3']);
    expect(mergeTail(merged.live, [ev('3', '2026-03-01T12:00:02Z')], known).added).toBe(0);
  });

  it('caps the tailed rows and counts what it dropped', () => {
    const fresh = Array.from({ length: TAIL_CAP + 3 }, (_, i) => ev(String(i), '2026-03-01T12:00:00Z'));
    const merged = mergeTail([], fresh, new Set());
    expect(merged.live).toHaveLength(TAIL_CAP);
    expect(merged.dropped).toBe(3);
  });
});

describe('newestTs', () => {
  it('takes the first row of the first non-empty list', () => {
    expect(newestTs([], [ev('1', 'b'), ev('2', 'a')])).toBe('b');
    expect(newestTs([ev('3', 'c')], [ev('1', 'b')])).toBe('c');
    expect(newestTs([], [])).toBeNull();
  });
});
