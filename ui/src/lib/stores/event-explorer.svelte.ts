import { EVENT_STREAM_PATH } from '@vigil/core';
import { api } from '../api/api.ts';
import type { StoredEvent } from '../api/explorer-readers.ts';
import { toLogin } from '../auth/to-login.ts';
import {
  browserEventSource,
  createEventTailStream,
  type EventTailStream,
  fetchStatus,
  type TailConnection,
} from '../explorer/event-stream.ts';
import { type EventView, toEventParams, toStreamParams } from '../explorer/event-view.ts';
import { inViewRange, prependEvent } from '../explorer/live-tail.ts';
import { createKeysetPages } from './keyset-pages.svelte.ts';

const PAGE_SIZE = 50;
const TIMERS = {
  set: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clear: (h: unknown) => clearTimeout(h as number),
};

/**
 * The events page: pages of `GET /api/events` (keyset cursor), and a live tail over the gateway's stream of
 * raw events (`GET /api/stream/events`, server-sent events with the session cookie): matching events are
 * prepended as they arrive on the bus, never on a timer. A new view restarts the stream with its filters.
 */
export function createEventExplorer() {
  const pages = createKeysetPages<StoredEvent, EventView>({
    fetchPage: (view, cursor, signal) =>
      api.events(toEventParams(view, Date.now(), { limit: PAGE_SIZE, cursor }), signal),
    idOf: (e) => e.id,
  });
  let live = $state.raw<StoredEvent[]>([]);
  /** Tailed rows pushed out by the cap. */
  let dropped = $state(0);
  /** Matching events the gateway did not send (its per-stream rate). */
  let skipped = $state(0);
  /** The stream reconnected: events of the time between were not streamed. */
  let gap = $state(false);
  let tailing = $state(false);
  let connection = $state<TailConnection>({ status: 'idle' });
  let stream: EventTailStream | null = null;

  const onEvent = (event: StoredEvent) => {
    const view = pages.view;
    if (!view || !inViewRange(view, event.ts, Date.now())) return;
    const merged = prependEvent(live, event, pages.known);
    if (!merged.added) return;
    live = merged.live;
    dropped += merged.dropped;
  };

  const stopStream = () => {
    stream?.stop();
    stream = null;
  };
  const startStream = (view: EventView) => {
    stopStream();
    const query = toStreamParams(view).toString();
    stream = createEventTailStream({
      url: query ? `${EVENT_STREAM_PATH}?${query}` : EVENT_STREAM_PATH,
      source: browserEventSource,
      probe: fetchStatus,
      timers: TIMERS,
      now: Date.now,
      random: Math.random,
      onEvent,
      onSkipped: (count) => {
        skipped += count;
      },
      onState: (state) => {
        connection = state;
      },
      onResumed: () => {
        gap = true;
      },
      onSignedOut: toLogin,
    });
    stream.start();
  };

  async function load(next: EventView): Promise<void> {
    live = [];
    dropped = 0;
    skipped = 0;
    gap = false;
    if (tailing) startStream(next);
    await pages.load(next);
  }

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
    get skipped() {
      return skipped;
    },
    /** Tailed events may be missing (a reconnect) or were pushed out by the cap: a reload shows them. */
    get incomplete() {
      return gap || dropped > 0;
    },
    get tailing() {
      return tailing;
    },
    get connection() {
      return connection;
    },
    /** Starts or stops the live tail; it streams what arrives from now on (the pages hold what came before). */
    setTailing(on: boolean): void {
      tailing = on;
      if (!on) stopStream();
      else if (pages.view) startStream(pages.view);
    },
    load,
    reload: () => (pages.view ? load(pages.view) : Promise.resolve()),
    attach(): () => void {
      return () => {
        stopStream();
        pages.detach();
      };
    },
  };
}
