import {
  EVENT_STREAM_FRAMES,
  type EventStreamEnd,
  type EventStreamItem,
  type EventStreamReady,
  type EventStreamSkipped,
} from '@vigil/core';

// Server-sent-events framing (WHATWG HTML, "Server-sent events"). Every chunk written is whole frames, so a
// chunk boundary is always a frame boundary. JSON.stringify never emits a raw line break, so each frame's
// data is one `data:` line.

const frame = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** The first chunk: the browser's own reconnect delay, and a comment so the client sees the stream open. */
export const openingFrame = (retryMs: number) => `retry: ${retryMs}\n: vigil live tail\n\n`;

/** A comment line: readers ignore it; proxies see traffic. */
export const HEARTBEAT_FRAME = ': keep-alive\n\n';

export const readyFrame = (data: EventStreamReady) => frame(EVENT_STREAM_FRAMES.ready, data);
export const eventFrame = (data: EventStreamItem) => frame(EVENT_STREAM_FRAMES.event, data);
export const skippedFrame = (data: EventStreamSkipped) => frame(EVENT_STREAM_FRAMES.skipped, data);
export const endFrame = (data: EventStreamEnd) => frame(EVENT_STREAM_FRAMES.end, data);
