import { api } from '../api/api.ts';
import type { StoredEvent } from '../api/explorer-readers.ts';
import { type EventView, toEventParams, toTailFilter } from '../explorer/event-view.ts';
import { alertTouchesView, mergeTail, newestTs, tailParams } from '../explorer/live-tail.ts';
import type { FeedItem } from '../feed/feed-list.ts';
import { alertSocket } from './alert-socket.svelte.ts';
import { createKeysetPages } from './keyset-pages.svelte.ts';

const PAGE_SIZE = 50;
/** Events one tail re-query asks for; a fuller answer means more arrived than it read (a gap). */
const TAIL_PAGE = 200;

/**
 * The events page: pages of `GET /api/events` (keyset cursor), and a live tail. The tail re-queries when
 * a live alert says events of the view arrived (explorer/live-tail.ts), never on a timer: the WebSocket
 * carries alerts only and the dashboard does not poll. Alerts arriving during a re-query coalesce into
 * one more re-query after it.
 */
export function createEventExplorer() {
  const pages = createKeysetPages<StoredEvent, EventView>({
    fetchPage: (view, cursor, signal) =>
      api.events(toEventParams(view, Date.now(), { limit: PAGE_SIZE, cursor }), signal),
    idOf: (e) => e.id,
  });
  let live = $state.raw<StoredEvent[]>([]);
  let dropped = $state(0);
  let tailing = $state(false);
  let tailError = $state<string | null>(null);
  /** A tail re-query read a full page: events between it and the rows shown may be missing. */
  let gap = $state(false);
  let tailBusy = false;
  let tailAgain = false;

  async function load(next: EventView): Promise<void> {
    live = [];
    dropped = 0;
    gap = false;
    tailError = null;
    if (tailing) alertSocket.setFilter(toTailFilter(next));
    await pages.load(next);
  }

  async function refreshTail(): Promise<void> {
    if (!pages.view || pages.status !== 'ready') return;
    if (tailBusy) {
      tailAgain = true;
      return;
    }
    tailBusy = true;
    const signal = pages.signal;
    try {
      do {
        tailAgain = false;
        const view = pages.view;
        if (!view) return;
        const page = await api.events(
          tailParams(view, Date.now(), newestTs(live, pages.items), TAIL_PAGE),
          signal,
        );
        if (pages.stale(signal) || !tailing) return;
        const merged = mergeTail(live, page.items, pages.known);
        live = merged.live;
        dropped += merged.dropped;
        if (page.nextCursor !== null) gap = true;
        tailError = null;
      } while (tailAgain && tailing && !pages.stale(signal));
    } catch (err) {
      if ((err as Error).name !== 'AbortError') tailError = (err as Error).message;
    } finally {
      tailBusy = false;
    }
  }

  const onBatch = (batch: readonly FeedItem[]) => {
    const view = pages.view;
    if (!tailing || !view) return;
    if (batch.some((item) => alertTouchesView(item.alert, view))) void refreshTail();
  };

  return {
    /** Status, errors and "load more" of the REST pages. */
    pages,
    get rows(): { event: StoredEvent; live: boolean }[] {
      return [
        ...live.map((event) => ({ event, live: true })),
        ...pages.items.map((event) => ({ event, live: false })),
      ];
    },
    get liveCount() {
      return live.length;
    },
    /** Tailed events may be missing (a re-query read a full page) or were pushed out by the cap. */
    get incomplete() {
      return gap || dropped > 0;
    },
    get tailing() {
      return tailing;
    },
    get tailError() {
      return tailError;
    },
    /** Starts or stops the live tail; starting catches up at once (events since the page loaded). */
    setTailing(on: boolean): void {
      tailing = on;
      if (on && pages.view) {
        alertSocket.setFilter(toTailFilter(pages.view));
        void refreshTail();
      }
    },
    /** Re-queries the tail now (the user asked): events indexed after the last alert's re-query. */
    checkNow: () => refreshTail(),
    load,
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
