import type { ActivityEntry } from '@vigil/core';
import { api } from '../api/api.ts';
import { createKeysetPages } from '../stores/keyset-pages.svelte.ts';
import { activityKey, mergeActivity } from './activity-merge.ts';

/**
 * The alert's activity trail on the detail page (`GET /api/alerts/{id}/activity`, newest first, "Older
 * activity" by cursor): loaded with the page, refreshed when the alert changes (each pushed update of it)
 * or a comment is added, never on a timer. Refreshes coalesce: while one is in flight, any number of
 * further asks make one more afterwards, so a storm of firings costs at most one request at a time.
 */
export function createAlertActivity() {
  const pages = createKeysetPages<ActivityEntry, string>({
    // A 404 (the alert is gone, or a gateway that keeps no trail) is an empty trail: the page says the rest.
    fetchPage: async (id, cursor, signal) =>
      (await api.activity(id, cursor, signal)) ?? { items: [], nextCursor: null },
    idOf: activityKey,
  });
  let inFlight = false;
  let again = false;

  async function refreshOnce(id: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      const page = await api.activity(id, null, signal);
      if (page && !pages.stale(signal)) pages.patch((items) => mergeActivity(page.items, items));
    } catch (err) {
      // The trail shown stays; the next change of the alert asks again.
      if ((err as Error).name !== 'AbortError') console.warn('activity refresh failed', err);
    }
  }

  // The pages themselves (items, hasMore, status, load, loadMore, detach…), plus refresh.
  return Object.assign(pages, {
    async refresh(): Promise<void> {
      if (pages.status !== 'ready' || pages.view === null) return;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        do {
          again = false;
          const id = pages.view;
          if (id !== null) await refreshOnce(id, pages.signal);
        } while (again);
      } finally {
        inFlight = false;
      }
    },
  });
}
