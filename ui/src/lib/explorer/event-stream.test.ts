import { EVENT_STREAM_FRAMES, type EventStreamFrame } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../api/explorer-readers.ts';
import { FakeTimers } from '../stream/stream-test-kit.ts';
import {
  createEventTailStream,
  type EventSourceHandlers,
  type EventTailStreamOptions,
  type TailConnection,
} from './event-stream.ts';

/** Fake EventSources the client opens, each played by the test as the server would. */
function fakeSources() {
  const opened: { url: string; handlers: EventSourceHandlers; closed: boolean }[] = [];
  return {
    opened,
    factory: (url: string, handlers: EventSourceHandlers) => {
      const entry = { url, handlers, closed: false };
      opened.push(entry);
      return {
        close: () => {
          entry.closed = true;
        },
      };
    },
    last: () => opened.at(-1)!,
    send(name: EventStreamFrame, data: unknown) {
      opened.at(-1)!.handlers.frame(name, JSON.stringify(data));
    },
  };
}

function setup(probeStatus: number | null = 200, options: Partial<EventTailStreamOptions> = {}) {
  const timers = new FakeTimers();
  const sources = fakeSources();
  const events: StoredEvent[] = [];
  const states: TailConnection[] = [];
  const seen = { skipped: 0, resumed: 0, signedOut: 0, probes: [] as string[] };
  const stream = createEventTailStream({
    url: '/api/stream/events?service=payments',
    source: sources.factory,
    probe: async (url) => {
      seen.probes.push(url);
      return probeStatus;
    },
    timers,
    now: timers.now,
    random: () => 0,
    onEvent: (e) => events.push(e),
    onSkipped: (n) => {
      seen.skipped += n;
    },
    onState: (s) => states.push(s),
    onResumed: () => {
      seen.resumed += 1;
    },
    onSignedOut: () => {
      seen.signedOut += 1;
    },
    ...options,
  });
  return { stream, timers, sources, events, states, seen };
}

const item = (offset: number) => ({
  id: `logs:0:${offset}@1`,
  source: 'logs',
  ts: '2030-01-01T00:00:00.000Z',
  position: { topic: 'events.logs', partition: 0, offset: String(offset) },
  event: { ts: '2030-01-01T00:00:00Z', service: 'payments', level: 'ERROR', message: 'x' },
});
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the live tail stream client', () => {
  it('connects to the URL, is live on ready, and hands over events and skipped counts', () => {
    const { stream, sources, events, seen } = setup();
    stream.start();
    expect(sources.last().url).toBe('/api/stream/events?service=payments');
    expect(stream.state).toEqual({ status: 'connecting' });
    sources.send(EVENT_STREAM_FRAMES.ready, { maxPerSecond: 100 });
    expect(stream.state).toEqual({ status: 'live' });
    sources.send(EVENT_STREAM_FRAMES.event, item(1));
    sources.send(EVENT_STREAM_FRAMES.event, { not: 'an event' });
    sources.send(EVENT_STREAM_FRAMES.skipped, { skipped: 40 });
    sources.send(EVENT_STREAM_FRAMES.skipped, { skipped: 2 });
    expect(events.map((e) => e.id)).toEqual(['logs:0:1@1']);
    expect(events[0]?.position).toEqual({ partition: 0, offset: '1' });
    expect(seen.skipped).toBe(42);
  });

  it('reconnects with growing backoff after the connection drops, and says when it is live again', () => {
    const { stream, sources, timers, seen } = setup();
    stream.start();
    sources.send(EVENT_STREAM_FRAMES.ready, {});
    sources.last().handlers.error(false);
    expect(sources.last().closed).toBe(true); // not the browser's own fixed retry
    expect(stream.state).toMatchObject({ status: 'reconnecting', attempt: 1 });
    timers.advance(249);
    expect(sources.opened).toHaveLength(1);
    timers.advance(1);
    expect(sources.opened).toHaveLength(2);
    sources.last().handlers.error(false);
    expect(stream.state).toMatchObject({ status: 'reconnecting', attempt: 2 });
    timers.advance(499);
    expect(sources.opened).toHaveLength(2);
    timers.advance(1);
    sources.send(EVENT_STREAM_FRAMES.ready, {});
    expect(stream.state).toEqual({ status: 'live' });
    expect(seen.resumed).toBe(1);
    // Live again: the next drop starts the backoff from the beginning.
    sources.last().handlers.error(false);
    expect(stream.state).toMatchObject({ status: 'reconnecting', attempt: 1 });
  });

  it('stops for good on 401 (signed out) and 403, told apart by one probe', async () => {
    for (const [status, reason] of [
      [401, 'signed-out'],
      [403, 'forbidden'],
    ] as const) {
      const { stream, sources, timers, seen } = setup(status);
      stream.start();
      sources.last().handlers.error(true);
      await flush();
      expect(seen.probes).toEqual(['/api/stream/events?service=payments']);
      expect(stream.state).toEqual({ status: 'stopped', reason });
      expect(seen.signedOut).toBe(status === 401 ? 1 : 0);
      timers.advance(60_000);
      expect(sources.opened).toHaveLength(1);
    }
  });

  it('backs off after a refusal that may pass (429, 503) or a probe that gets no answer', async () => {
    for (const status of [429, 503, null]) {
      const { stream, sources, timers } = setup(status);
      stream.start();
      sources.last().handlers.error(true);
      await flush();
      expect(stream.state, String(status)).toMatchObject({ status: 'reconnecting', attempt: 1 });
      timers.advance(250);
      expect(sources.opened).toHaveLength(2);
    }
  });

  it('stops on an unauthorized end frame and reconnects after going_away or unavailable', () => {
    const { stream, sources, seen } = setup();
    stream.start();
    sources.send(EVENT_STREAM_FRAMES.end, { code: 'going_away', message: 'bye' });
    expect(stream.state).toMatchObject({ status: 'reconnecting' });
    const again = setup();
    again.stream.start();
    again.sources.send(EVENT_STREAM_FRAMES.end, { code: 'unauthorized', message: 'revoked' });
    expect(again.stream.state).toEqual({ status: 'stopped', reason: 'signed-out' });
    expect(again.seen.signedOut).toBe(1);
    expect(seen.signedOut).toBe(0);
  });

  it('ignores a closed source and a pending retry once stopped', async () => {
    const { stream, sources, timers, events } = setup();
    stream.start();
    const first = sources.last();
    first.handlers.error(false);
    stream.stop();
    expect(stream.state).toEqual({ status: 'idle' });
    timers.advance(60_000);
    expect(sources.opened).toHaveLength(1);
    first.handlers.frame(EVENT_STREAM_FRAMES.event, JSON.stringify(item(9)));
    expect(events).toEqual([]);
    expect(timers.pendingCount).toBe(0);
  });
});
