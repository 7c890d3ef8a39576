import type { Alert } from '@vigil/core';
import { api } from '../api/api.ts';
import type { FeedItem } from '../feed/feed-list.ts';
import { createLiveStats, type StatsSnapshot } from '../stats/live-stats.ts';
import { alertSocket } from './alert-socket.svelte.ts';

/**
 * Open alerts listed over REST at load: their ids keep a live copy from being counted twice. The count
 * itself comes from the all-time summary's `byStatus`; a gateway without it gets this many, shown "N+".
 */
const OPEN_COUNT_LIMIT = 200;
/** Newest alerts loaded into the feed before live ones arrive. */
const FEED_SEED = 50;
const MINUTE = 60_000;

/**
 * State of the overview page: last-hour statistics seeded once over REST, then updated from the
 * WebSocket batches (one snapshot per animation frame). Never polls: the minute roll-over is local.
 */
export function createOverview() {
  const stats = createLiveStats();
  let snapshot = $state.raw<StatsSnapshot>(stats.snapshot(Date.now()));
  let status = $state<'loading' | 'ready' | 'error'>('loading');
  let error = $state<string | null>(null);
  let openCapped = $state(false);
  let pending: Alert[] | null = null; // live alerts that arrive while REST loads
  let loadId = 0;

  const refresh = () => {
    snapshot = stats.snapshot(Date.now());
  };

  const onBatch = (batch: readonly FeedItem[]) => {
    const alerts = batch.map((item) => item.alert);
    if (pending) {
      pending.push(...alerts);
      return;
    }
    stats.add(alerts, Date.now());
    refresh();
  };

  async function load(): Promise<void> {
    const mine = ++loadId;
    status = 'loading';
    error = null;
    pending = [];
    const now = Date.now();
    const first = Math.floor(now / MINUTE) * MINUTE - 59 * MINUTE;
    const from = new Date(first).toISOString();
    const to = new Date(Math.floor(now / MINUTE) * MINUTE + MINUTE).toISOString();
    try {
      const [timeline, summary, allTime, recent, open] = await Promise.all([
        api.timeline(from, to, '1m'),
        api.summary(from),
        api.summary(),
        api.listAlerts(new URLSearchParams({ limit: String(FEED_SEED) })),
        api.listAlerts(new URLSearchParams({ status: 'open', limit: String(OPEN_COUNT_LIMIT) })),
      ]);
      if (mine !== loadId) return;
      const openCount = allTime.byStatus?.open;
      openCapped = openCount === undefined && open.nextCursor !== null;
      stats.seed(
        {
          at: now,
          timeline,
          summary,
          open: openCount ?? open.items.length,
          countedIds: [...recent.items, ...open.items].map((a) => a.id),
        },
        Date.now(),
      );
      alertSocket.seedFeed(recent.items);
      const buffered = pending ?? [];
      pending = null;
      stats.add(buffered, Date.now());
      refresh();
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
    get openCapped() {
      return openCapped;
    },
    load,
    /** Re-reads the window when the minute changes (the clock ticks locally). */
    tick: refresh,
    /** Starts listening; returns the cleanup for onMount. */
    attach(): () => void {
      alertSocket.setFilter({});
      const offBatch = alertSocket.onBatch(onBatch);
      const offResync = alertSocket.onResync(() => void load());
      void load();
      return () => {
        offBatch();
        offResync();
        loadId++;
      };
    },
  };
}
