import type { Alert } from '@vigil/core';
import { api } from '../api/api.ts';
import type { FeedItem } from '../feed/feed-list.ts';
import type { AlertView } from '../filters/alert-view.ts';
import { matchesView } from '../filters/match-view.ts';
import { toApiParams, toWsFilter } from '../filters/url-filters.ts';
import { insertMatching } from '../lifecycle/list-updates.ts';
import { replaceAlerts } from '../lifecycle/revisions.ts';
import { alertSocket } from './alert-socket.svelte.ts';
import { createKeysetPages } from './keyset-pages.svelte.ts';

const PAGE_SIZE = 50;
/** Live rows kept above the loaded pages; past this the oldest live rows are dropped (and counted). */
const LIVE_CAP = 500;

export interface HistoryRow {
  alert: Alert;
  /** True for rows that arrived over the WebSocket after the view loaded (highlighted). */
  live: boolean;
  /** False for a row whose later state no longer matches the filters: kept (dimmed) until the view reloads. */
  matches: boolean;
}

// Rows once in the view's range stay in it (a change never moves detectedAt), and a relative range slides
// with the clock; whether a row still matches is asked of its other filters only.
const withoutRange = (view: AlertView): AlertView => ({ ...view, range: null, from: null, to: null });

/**
 * The alerts page: pages of history over REST (keyset cursor), with matching live alerts prepended
 * from the shared WebSocket. A view change reloads the first page and re-subscribes.
 *
 * `update` frames: a row shown is replaced in place when the revision is higher, and stays even when its
 * new state no longer matches the filters (marked, so it does not vanish under the operator's pointer); an
 * episode not shown is added at its place by detection time when its new state matches the filters and the
 * range and it is within the loaded pages, otherwise ignored (a later page or a reload brings it).
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

  const onUpdates = (updates: ReadonlyMap<string, Alert>) => {
    const view = pages.view;
    if (!view || pages.status !== 'ready') return;
    live = replaceAlerts(live, updates);
    const now = Date.now();
    pages.patch((items) =>
      insertMatching(replaceAlerts(items, updates), updates.values(), {
        known: pages.known,
        matches: (alert) => matchesView(alert, view, now),
        complete: !pages.hasMore,
      }),
    );
  };

  const rows = $derived.by((): HistoryRow[] => {
    const view = pages.view;
    const still = view ? withoutRange(view) : null;
    const now = Date.now();
    const row = (alert: Alert, isLive: boolean): HistoryRow => ({
      alert,
      live: isLive,
      matches: still === null || matchesView(alert, still, now),
    });
    return [...live.map((a) => row(a, true)), ...pages.items.map((a) => row(a, false))];
  });

  return {
    get rows(): HistoryRow[] {
      return rows;
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
      const offUpdates = alertSocket.onUpdates(onUpdates);
      const offResync = alertSocket.onResync(() => {
        if (pages.view) void load(pages.view);
      });
      return () => {
        offBatch();
        offUpdates();
        offResync();
        pages.detach();
      };
    },
  };
}
