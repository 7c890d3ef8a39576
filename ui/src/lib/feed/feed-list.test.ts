import { describe, expect, it } from 'vitest';
import { latestById } from '../lifecycle/revisions.ts';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { applyUpdates, type FeedItem, mergeLoaded, prependBatch } from './feed-list.ts';

const item = (id: string, detectedAt = '2026-01-01T00:00:00.000Z'): FeedItem => ({
  alert: makeAlert({ id, detectedAt }),
  receivedAt: 1,
});
const ids = (feed: FeedItem[]) => feed.map((i) => i.alert.id);

describe('prependBatch', () => {
  it('puts the newest alert on top', () => {
    expect(ids(prependBatch([item('old')], [item('a'), item('b')]))).toEqual(['b', 'a', 'old']);
  });

  it('skips alerts already in the feed or repeated in the batch', () => {
    expect(ids(prependBatch([item('a')], [item('a'), item('b'), item('b')]))).toEqual(['b', 'a']);
  });

  it('caps the feed, dropping the oldest, even for a burst of 1,000', () => {
    const burst = Array.from({ length: 1_000 }, (_, i) => item(`n${i}`));
    const feed = prependBatch([item('old')], burst, 200);
    expect(feed).toHaveLength(200);
    expect(feed[0]?.alert.id).toBe('n999');
    expect(feed.at(-1)?.alert.id).toBe('n800');
  });

  it('returns the same array when nothing is new (no re-render)', () => {
    const feed = [item('a')];
    expect(prependBatch(feed, [item('a')])).toBe(feed);
  });
});

describe('mergeLoaded', () => {
  it('merges REST alerts by detection time without duplicates', () => {
    const live = [item('live', '2026-01-01T00:00:03.000Z')];
    const loaded = [
      makeAlert({ id: 'live', detectedAt: '2026-01-01T00:00:03.000Z' }),
      makeAlert({ id: 'r2', detectedAt: '2026-01-01T00:00:02.000Z' }),
      makeAlert({ id: 'r1', detectedAt: '2026-01-01T00:00:01.000Z' }),
    ];
    const merged = mergeLoaded(live, loaded);
    expect(ids(merged)).toEqual(['live', 'r2', 'r1']);
    expect(merged[1]?.receivedAt).toBeNull();
  });
});

describe('applyUpdates', () => {
  it('replaces a shown alert in place when the revision is higher, keeping when it arrived', () => {
    const feed = [item('a'), { alert: makeAlert({ id: 'b', revision: 2 }), receivedAt: 7 }];
    const next = applyUpdates(
      feed,
      latestById([makeAlert({ id: 'b', revision: 3, status: 'acknowledged', occurrences: 4 })]),
    );
    expect(ids(next)).toEqual(['a', 'b']);
    expect(next[1]).toMatchObject({ receivedAt: 7, alert: { status: 'acknowledged', occurrences: 4 } });
  });

  it('never adds an alert the feed does not show, nor re-renders for an old revision', () => {
    const feed = [{ alert: makeAlert({ id: 'a', revision: 2 }), receivedAt: 1 }];
    expect(
      applyUpdates(feed, latestById([makeAlert({ id: 'x', revision: 2 }), makeAlert({ id: 'a' })])),
    ).toBe(feed);
  });
});
