import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../api/explorer-readers.ts';
import { type EventView, parseEventView } from './event-view.ts';
import { inViewRange, prependEvent, TAIL_CAP } from './live-tail.ts';

const view = (query: string): EventView => parseEventView(new URLSearchParams(query));
const ev = (id: string, ts = '2026-03-01T12:00:00.000Z'): StoredEvent => ({
  id,
  source: 'logs',
  ts,
  position: { partition: 0, offset: id },
  event: { ts },
});
const now = Date.parse('2026-03-01T12:00:00.000Z');

describe("inViewRange (streamed events against the view's time range)", () => {
  it('takes every event when the view has no range', () => {
    expect(inViewRange(view(''), '1999-01-01T00:00:00.000Z', now)).toBe(true);
    expect(inViewRange(view(''), null, now)).toBe(true);
  });

  it('measures a relative range back from now', () => {
    expect(inViewRange(view('range=15m'), '2026-03-01T11:50:00.000Z', now)).toBe(true);
    expect(inViewRange(view('range=15m'), '2026-03-01T11:40:00.000Z', now)).toBe(false);
  });

  it('keeps a custom range: from inclusive, to exclusive', () => {
    const custom = view('from=2026-03-01T11:00:00Z&to=2026-03-01T12:00:00Z');
    expect(inViewRange(custom, '2026-03-01T11:00:00.000Z', now)).toBe(true);
    expect(inViewRange(custom, '2026-03-01T12:00:00.000Z', now)).toBe(false);
  });
});

describe('prependEvent', () => {
  it('puts a new event on top and remembers its id', () => {
    const known = new Set(['a']);
    const merged = prependEvent([ev('a')], ev('b'), known);
    expect(merged).toMatchObject({ added: true, dropped: 0 });
    expect(merged.live.map((e) => e.id)).toEqual(['b', 'a']);
    expect(known.has('b')).toBe(true);
  });

  it('skips an event already shown (by the pages or the tail)', () => {
    const live = [ev('a')];
    const merged = prependEvent(live, ev('a'), new Set(['a']));
    expect(merged).toMatchObject({ added: false, dropped: 0 });
    expect(merged.live).toBe(live);
  });

  it('keeps at most TAIL_CAP rows and counts the one pushed out', () => {
    const known = new Set<string>();
    let live: StoredEvent[] = [];
    for (let i = 0; i < TAIL_CAP; i += 1) live = prependEvent(live, ev(`e${i}`), known).live;
    const merged = prependEvent(live, ev('last'), known);
    expect(merged.live).toHaveLength(TAIL_CAP);
    expect(merged.dropped).toBe(1);
    expect(merged.live[0]?.id).toBe('last');
    expect(merged.live.at(-1)?.id).toBe('e1');
  });
});
