import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { insertMatching, newestFirst } from './list-updates.ts';

const at = (id: string, minute: number, extra = {}) =>
  makeAlert({ id, detectedAt: `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`, ...extra });
const ids = (alerts: { id: string }[]) => alerts.map((a) => a.id);

describe('insertMatching', () => {
  const list = [at('c', 30), at('b', 20), at('a', 10)];
  const acknowledged = (a: { status: string }) => a.status === 'acknowledged';

  it('puts a changed episode that now matches at its place by detection time', () => {
    const next = insertMatching(list, [at('x', 25, { status: 'acknowledged' })], {
      known: new Set(ids(list)),
      matches: acknowledged,
      complete: false,
    });
    expect(ids(next)).toEqual(['c', 'x', 'b', 'a']);
  });

  it('leaves out what does not match, what is shown already, and what a later page will bring', () => {
    const candidates = [
      at('y', 25),
      at('b', 20, { status: 'acknowledged' }),
      at('z', 5, { status: 'acknowledged' }),
    ];
    const options = { known: new Set(ids(list)), matches: acknowledged, complete: false };
    expect(insertMatching(list, candidates, options)).toBe(list);
    // With every page loaded, the older one belongs at the end.
    expect(ids(insertMatching(list, candidates, { ...options, complete: true }))).toEqual([
      'c',
      'b',
      'a',
      'z',
    ]);
  });

  it('orders like the REST API: newest detection first, then id descending', () => {
    expect(ids([at('a', 1), at('b', 1), at('c', 2)].sort(newestFirst))).toEqual(['c', 'b', 'a']);
  });
});
