import type { Alert } from '@vigil/core';
import { api } from '../api/api.ts';
import type { FeedItem } from '../feed/feed-list.ts';
import type { AlertView } from '../filters/alert-view.ts';
import { matchesView } from '../filters/match-view.ts';
import { toApiParams, toWsFilter } from '../filters/url-filters.ts';
import { alertSocket } from './alert-socket.svelte.ts';

const PAGE_SIZE = 50;
/** Live rows kept above the loaded pages; past this the oldest live rows are dropped (and counted). */
const LIVE_CAP = 500;

export interface HistoryRow {
  alert: Alert;
  /** True for rows that arrived over the WebSocket after the view loaded (highlighted). */
  live: boolean;
}

/**
 * The alerts page: pages of history over REST (keyset cursor), with matching live alerts prepended
 * from the shared WebSocket. A view change reloads the first page and re-subscribes.
 */
export function createAlertHistory() {
  let pages = $state.raw<Alert[]>([]);
  let live = $state.raw<Alert[]>([]);
  let dropped = $state(0);
  let nextCursor = $state<string | null>(null);
  let status = $state<'loading' | 'ready' | 'error'>('loading');
  let error = $state<string | null>(null);
  let loadingMore = $state(false);
  let moreError = $state<string | null>(null);
  let view: AlertView | null = null;
  let ids = new Set<string>();
  let controller: AbortController | null = null;

  async function load(next: AlertView): Promise<void> {
    view = next;
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    status = 'loading';
    error = null;
    moreError = null;
    pages = [];
    live = [];
    dropped = 0;
    nextCursor = null;
    ids = new Set();
    alertSocket.setFilter(toWsFilter(next));
    try {
      const page = await api.listAlerts(toApiParams(next, Date.now(), { limit: PAGE_SIZE }), mine.signal);
      if (controller !== mine) return;
      // Live rows that raced the request stay on top; the page skips them.
      pages = page.items.filter((a) => !ids.has(a.id));
      for (const a of pages) ids.add(a.id);
      nextCursor = page.nextCursor;
      status = 'ready';
    } catch (err) {
      if (controller !== mine || (err as Error).name === 'AbortError') return;
      status = 'error';
      error = (err as Error).message;
    }
  }

  async function loadMore(): Promise<void> {
    if (!view || !nextCursor || loadingMore || status !== 'ready') return;
    const mine = controller;
    loadingMore = true;
    moreError = null;
    try {
      const page = await api.listAlerts(
        toApiParams(view, Date.now(), { limit: PAGE_SIZE, cursor: nextCursor }),
        mine?.signal,
      );
      if (controller !== mine) return;
      const fresh = page.items.filter((a) => !ids.has(a.id));
      for (const a of fresh) ids.add(a.id);
      pages = [...pages, ...fresh];
      nextCursor = page.nextCursor;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') moreError = (err as Error).message;
    } finally {
      loadingMore = false;
    }
  }

  const onBatch = (batch: readonly FeedItem[]) => {
    if (!view) return;
    const now = Date.now();
    const fresh: Alert[] = [];
    for (let i = batch.length - 1; i >= 0; i--) {
      const alert = batch[i]!.alert;
      if (ids.has(alert.id) || !matchesView(alert, view, now)) continue;
      ids.add(alert.id);
      fresh.push(alert);
    }
    if (fresh.length === 0) return;
    const merged = [...fresh, ...live];
    dropped += Math.max(0, merged.length - LIVE_CAP);
    live = merged.slice(0, LIVE_CAP);
  };

  return {
    get rows(): HistoryRow[] {
      return [
        ...live.map((alert) => ({ alert, live: true })),
        ...pages.map((alert) => ({ alert, live: false })),
      ];
    },
    get liveCount() {
      return live.length;
    },
    get dropped() {
      return dropped;
    },
    get hasMore() {
      return nextCursor !== null;
    },
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    get loadingMore() {
      return loadingMore;
    },
    get moreError() {
      return moreError;
    },
    load,
    loadMore,
    reload: () => (view ? load(view) : Promise.resolve()),
    attach(): () => void {
      const offBatch = alertSocket.onBatch(onBatch);
      const offResync = alertSocket.onResync(() => {
        if (view) void load(view);
      });
      return () => {
        offBatch();
        offResync();
        controller?.abort();
        view = null;
      };
    },
  };
}
