import type { Alert } from '@vigil/core';
import { replaceNewer } from '../lifecycle/revisions.ts';

export interface FeedItem {
  alert: Alert;
  /** Local time it arrived (epoch ms), or null for items loaded over REST. */
  receivedAt: number | null;
}

/** Longest live feed: enough for the last minutes of a storm; more only costs DOM. */
export const FEED_CAP = 200;

/**
 * Puts a batch (oldest first) on top of the feed (newest first), skipping ids already shown and
 * keeping at most `cap` items. One new array per batch, so a burst is one DOM update.
 */
export function prependBatch(
  feed: readonly FeedItem[],
  batch: readonly FeedItem[],
  cap = FEED_CAP,
): FeedItem[] {
  const seen = new Set(feed.map((item) => item.alert.id));
  const fresh: FeedItem[] = [];
  // Newest first; in a burst bigger than the cap only the newest `cap` can ever be shown.
  for (let i = batch.length - 1; i >= 0 && fresh.length < cap; i--) {
    const item = batch[i]!;
    if (seen.has(item.alert.id)) continue;
    seen.add(item.alert.id);
    fresh.push(item);
  }
  if (fresh.length === 0) return feed as FeedItem[];
  return fresh.concat(feed.slice(0, Math.max(0, cap - fresh.length)));
}

/** Merges REST-loaded alerts (newest first) under a feed, without duplicates, by detection time. */
export function mergeLoaded(feed: readonly FeedItem[], loaded: readonly Alert[], cap = FEED_CAP): FeedItem[] {
  const seen = new Set(feed.map((item) => item.alert.id));
  const merged = [
    ...feed,
    ...loaded.filter((a) => !seen.has(a.id)).map((alert) => ({ alert, receivedAt: null })),
  ];
  merged.sort((a, b) => Date.parse(b.alert.detectedAt) - Date.parse(a.alert.detectedAt));
  return merged.slice(0, cap);
}

/**
 * Applies `update` frames (latest state by id) to the feed: an alert shown is replaced where it is when the
 * revision is higher; an update of an alert not in the feed is ignored (the feed lists new episodes as they
 * open, not every change). The same array when nothing changed.
 */
export const applyUpdates = (feed: readonly FeedItem[], updates: ReadonlyMap<string, Alert>): FeedItem[] =>
  replaceNewer(
    feed,
    updates,
    (item) => item.alert,
    (item, alert) => ({ ...item, alert }),
  );
