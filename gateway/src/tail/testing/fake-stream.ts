import { EVENT_STREAM_FRAMES, type EventStreamItem } from '@vigil/core';
import type { ResponseStream } from '../../http/http-types.ts';

export interface SseFrame {
  event: string | null;
  data: unknown;
  comment: string | null;
}

/**
 * Parses server-sent events text into frames (comment-only blocks become frames with a comment); a block
 * still arriving (after the last blank line) is left out.
 */
export function parseSse(text: string): SseFrame[] {
  return text
    .slice(0, text.lastIndexOf('\n\n') + 2)
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event: string | null = null;
      let data: string | null = null;
      let comment: string | null = null;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      return { event, data: data === null ? null : JSON.parse(data), comment };
    });
}

/** A stream as the transport would give it, recording what is written; `buffered` plays a client that reads slowly. */
export function fakeStream() {
  let closed = false;
  let ended: 'end' | 'destroy' | null = null;
  let text = '';
  const listeners: (() => void)[] = [];
  const close = (how: 'end' | 'destroy') => {
    if (closed) return;
    closed = true;
    ended = how;
    for (const l of listeners.splice(0)) l();
  };
  const state = { buffered: 0 };
  const stream: ResponseStream = {
    get closed() {
      return closed;
    },
    write(chunk) {
      if (closed) return false;
      text += chunk;
      return state.buffered === 0;
    },
    bufferedBytes: () => state.buffered,
    end: () => close('end'),
    destroy: () => close('destroy'),
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
  return {
    stream,
    state,
    /** The client leaves (uWS onAborted). */
    abort: () => close('destroy'),
    get ended() {
      return ended;
    },
    frames: () => parseSse(text),
    /** The data of the `event` frames, in order. */
    events: () =>
      parseSse(text)
        .filter((f) => f.event === EVENT_STREAM_FRAMES.event)
        .map((f) => f.data as EventStreamItem),
    named: (name: string) => parseSse(text).filter((f) => f.event === name),
  };
}
