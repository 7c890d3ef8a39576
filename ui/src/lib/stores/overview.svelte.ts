import type { Alert } from '@vigil/core';
import { api } from '../api/api.ts';
import type { FeedItem } from '../feed/feed-list.ts';
import { createLiveStats, type StatsSnapshot } from '../stats/live-stats.ts';
import { createStatusCounts, type StatusCounts } from '../stats/status-counts.ts';
import { alertSocket } from './alert-socket.svelte.ts';

/** Page size of the unresolved listing at load (the REST API's largest page). */
const UNRESOLVED_PAGE = 500;
/**
 * Pages of open and acknowledged episodes listed at load, so an update of one moves the counters from the
 * status it had; past 2,000 unresolved episodes the counters say they are approximate (status-counts.ts).
 */
const UNRESOLVED_PAGES = 4;
/** Newest alerts loaded into the feed before live ones arrive. */
const FEED_SEED = 50;
const MINUTE = 60_000;

/** Open and acknowledged episodes, newest first, as many pages as allowed; `complete` when none is left. */
async function listUnresolved(): Promise<{ items: Alert[]; complete: boolean }> {
  const items: Alert[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < UNRESOLVED_PAGES; page++) {
    const params = new URLSearchParams({ status: 'open,acknowledged', limit: String(UNRESOLVED_PAGE) });
    if (cursor) params.set('cursor', cursor);
    const answer = await api.listAlerts(params);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (cursor === null) return { items, complete: true };
  }
  return { items, complete: false };
}

/**
 * State of the overview page: last-hour statistics and the status counters seeded once over REST, then
 * updated from the WebSocket batches (one snapshot per animation frame): new episodes count in the last hour
 * and in their status, `update` frames move an episode between statuses (never counted in the last hour:
 * the timeline counts episodes). Never polls: the minute roll-over is local.
 */
export function createOverview() {
  const stats = createLiveStats();
  const statuses = createStatusCounts();
  let snapshot = $state.raw<StatsSnapshot>(stats.snapshot(Date.now()));
  let counts = $state.raw<StatusCounts>(statuses.snapshot());
  let exact = $state(true);
  let status = $state<'loading' | 'ready' | 'error'>('loading');
  let error = $state<string | null>(null);
  // Live frames that arrive while REST loads, applied once the seed is in (new alerts first).
  let pending: { alerts: Alert[]; updates: Alert[] } | null = null;
  let loadId = 0;

  const refresh = () => {
    snapshot = stats.snapshot(Date.now());
    counts = statuses.snapshot();
    exact = statuses.exact;
  };

  const apply = (alerts: readonly Alert[], updates: Iterable<Alert>) => {
    stats.add(alerts, Date.now());
    for (const alert of alerts) statuses.add(alert);
    for (const alert of updates) statuses.update(alert);
    refresh();
  };

  const onBatch = (batch: readonly FeedItem[]) => {
    const alerts = batch.map((item) => item.alert);
    if (pending) pending.alerts.push(...alerts);
    else apply(alerts, []);
  };

  const onUpdates = (updates: ReadonlyMap<string, Alert>) => {
    if (pending) pending.updates.push(...updates.values());
    else apply([], updates.values());
  };

  async function load(): Promise<void> {
    const mine = ++loadId;
    status = 'loading';
    error = null;
    pending = { alerts: [], updates: [] };
    const now = Date.now();
    const first = Math.floor(now / MINUTE) * MINUTE - 59 * MINUTE;
    const from = new Date(first).toISOString();
    const to = new Date(Math.floor(now / MINUTE) * MINUTE + MINUTE).toISOString();
    try {
      const [timeline, summary, allTime, recent, unresolved] = await Promise.all([
        api.timeline(from, to, '1m'),
        api.summary(from),
        api.summary(),
        api.listAlerts(new URLSearchParams({ limit: String(FEED_SEED) })),
        listUnresolved(),
      ]);
      if (mine !== loadId) return;
      const known = [...unresolved.items, ...recent.items];
      stats.seed({ at: now, timeline, summary, countedIds: known.map((a) => a.id) }, Date.now());
      statuses.seed({ byStatus: allTime.byStatus, known, unresolvedComplete: unresolved.complete });
      alertSocket.seedFeed(recent.items);
      const buffered = pending ?? { alerts: [], updates: [] };
      pending = null;
      apply(buffered.alerts, buffered.updates);
      status = 'ready';
    } catch (err) {
      if (mine !== loadId) return;
      pending = null;
      status = 'error';
      error = (err as Error).message;
    }
  }

  return {
    get snapshot() {
      return snapshot;
    },
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    /** Open / acknowledged / resolved episodes of all time; null where the gateway does not say. */
    get counts() {
      return counts;
    },
    /** False when an update could not be placed (more unresolved episodes than listed at load). */
    get countsExact() {
      return exact;
    },
    load,
    /** Re-reads the window when the minute changes (the clock ticks locally). */
    tick: refresh,
    /** Starts listening; returns the cleanup for onMount. */
    attach(): () => void {
      alertSocket.setFilter({});
      const offBatch = alertSocket.onBatch(onBatch);
      const offUpdates = alertSocket.onUpdates(onUpdates);
      const offResync = alertSocket.onResync(() => void load());
      void load();
      return () => {
        offBatch();
        offUpdates();
        offResync();
        loadId++;
      };
    },
  };
}
