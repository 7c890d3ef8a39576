import type { Alert } from '@vigil/core';
import { api } from '../api/api.ts';
import type { FeedItem } from '../feed/feed-list.ts';
import type { AlertView } from '../filters/alert-view.ts';
import { matchesView } from '../filters/match-view.ts';
import { toApiParams, toWsFilter } from '../filters/url-filters.ts';
import { alertSocket } from './alert-socket.svelte.ts';
import { createKeysetPages } from './keyset-pages.svelte.ts';

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
  const pages = createKeysetPages<Alert, AlertView>({
    fetchPage: (view, cursor, signal) =>
      api.listAlerts(toApiParams(view, Date.now(), { limit: PAGE_SIZE, cursor }), signal),
    idOf: (a) => a.id,
  });
  let live = $state.raw<Alert[]>([]);
  let dropped = $state(0);

  async function load(next: AlertView): Promise<void> {
    live = [];
    dropped = 0;
    alertSocket.setFilter(toWsFilter(next));
    await pages.load(next);
  }

  const onBatch = (batch: readonly FeedItem[]) => {
    const view = pages.view;
    if (!view) return;
    const ids = pages.known;
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
        ...pages.items.map((alert) => ({ alert, live: false })),
      ];
    },
    get liveCount() {
      return live.length;
    },
    get dropped() {
      return dropped;
    },
    get hasMore() {
      return pages.hasMore;
    },
    get status() {
      return pages.status;
    },
    get error() {
      return pages.error;
    },
    get loadingMore() {
      return pages.loadingMore;
    },
    get moreError() {
      return pages.moreError;
    },
    load,
    loadMore: () => pages.loadMore(),
    reload: () => (pages.view ? load(pages.view) : Promise.resolve()),
    attach(): () => void {
      const offBatch = alertSocket.onBatch(onBatch);
      const offResync = alertSocket.onResync(() => {
        if (pages.view) void load(pages.view);
      });
      return () => {
        offBatch();
        offResync();
        pages.detach();
      };
    },
  };
}
