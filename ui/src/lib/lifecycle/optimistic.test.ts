import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { changeable, describeBulk, type PendingChange, withPending } from './optimistic.ts';

const AT = '2026-01-01T00:05:00.000Z';
const pending = (over: Partial<PendingChange> = {}): PendingChange => ({
  from: 'open',
  to: 'acknowledged',
  actor: 'ada',
  at: AT,
  ...over,
});

describe('withPending', () => {
  it('shows the change asked for, with who asked', () => {
    expect(withPending(makeAlert(), pending())).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'ada',
    });
    expect(
      withPending(makeAlert({ status: 'acknowledged' }), pending({ from: 'acknowledged', to: 'resolved' })),
    ).toMatchObject({
      status: 'resolved',
      resolvedBy: 'ada',
      resolvedAt: AT,
    });
    expect(
      withPending(
        makeAlert({ status: 'resolved', resolvedBy: 'bo' }),
        pending({ from: 'resolved', to: 'open' }),
      ),
    ).toMatchObject({ status: 'open', resolvedBy: null, acknowledgedBy: null });
  });

  it('keeps the guess through a firing, drops it once a pushed state shows another status', () => {
    const fired = makeAlert({ revision: 4, occurrences: 9 });
    expect(withPending(fired, pending())).toMatchObject({ status: 'acknowledged', occurrences: 9 });
    const resolvedElsewhere = makeAlert({ revision: 5, status: 'resolved', resolvedBy: 'bo' });
    expect(withPending(resolvedElsewhere, pending())).toBe(resolvedElsewhere);
  });

  it('leaves an alert with no change in flight as it is', () => {
    const alert = makeAlert();
    expect(withPending(alert, undefined)).toBe(alert);
  });
});

describe('changeable', () => {
  it('keeps the alerts the action is offered for', () => {
    const alerts = [
      makeAlert({ id: 'o' }),
      makeAlert({ id: 'k', status: 'acknowledged' }),
      makeAlert({ id: 'r', status: 'resolved' }),
    ];
    expect(changeable(alerts, 'acknowledged').map((a) => a.id)).toEqual(['o']);
    expect(changeable(alerts, 'resolved').map((a) => a.id)).toEqual(['o', 'k']);
    expect(changeable(alerts, 'open').map((a) => a.id)).toEqual(['k', 'r']);
  });
});

describe('describeBulk', () => {
  it('counts what changed, and says why the rest did not', () => {
    expect(describeBulk({ items: [{ id: 'a', ok: true, outcome: 'changed' }] }, 'resolved')).toEqual({
      ok: true,
      message: 'Resolved 1 alert.',
    });
    const mixed = describeBulk(
      {
        items: [
          { id: 'a', ok: true, outcome: 'changed' },
          { id: 'b', ok: true, outcome: 'unchanged' },
          { id: 'c', ok: false, outcome: 'not_found' },
          { id: 'd', ok: false, outcome: 'conflict' },
        ],
      },
      'open',
    );
    expect(mixed).toEqual({
      ok: false,
      message:
        'Reopened 2 alerts; 2 alerts not changed (1 not found; 1 refused: another episode of the same rule and key is open).',
    });
  });
});
