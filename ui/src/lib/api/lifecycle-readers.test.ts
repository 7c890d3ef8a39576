import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { readActivityPage, readBulkResult } from './lifecycle-readers.ts';

describe('lifecycle readers', () => {
  it('reads an activity page, leaving out entries it cannot show', () => {
    const page = readActivityPage({
      items: [
        { at: '2026-01-01T00:00:02.000Z', actor: 'ada', action: 'acknowledged', note: 'on it' },
        { at: '2026-01-01T00:00:01.000Z', actor: 'system', action: 'opened', note: '' },
        { at: '2026-01-01T00:00:00.000Z', actor: 'ada', action: 'teleported' },
        'junk',
      ],
      nextCursor: 'c2',
    });
    expect(page).toEqual({
      items: [
        { at: '2026-01-01T00:00:02.000Z', actor: 'ada', action: 'acknowledged', note: 'on it' },
        { at: '2026-01-01T00:00:01.000Z', actor: 'system', action: 'opened' },
      ],
      nextCursor: 'c2',
    });
    expect(readActivityPage(null)).toEqual({ items: [], nextCursor: null });
  });

  it('reads a bulk result with each outcome and the changed alert', () => {
    const alert = makeAlert({ id: 'a', status: 'resolved', revision: 3 });
    expect(
      readBulkResult({
        items: [
          { id: 'a', ok: true, outcome: 'changed', alert },
          { id: 'b', ok: false, outcome: 'conflict' },
          { id: 'c', ok: false },
          { ok: true },
        ],
      }).items,
    ).toEqual([
      { id: 'a', ok: true, outcome: 'changed', alert },
      { id: 'b', ok: false, outcome: 'conflict' },
      { id: 'c', ok: false, outcome: 'not_found' },
    ]);
  });
});
