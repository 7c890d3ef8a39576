import { EVENT_STREAM_FRAMES, type EventStreamItem } from '@vigil/core';
import { waitFor } from '@vigil/harness';
import { parseSse, type SseFrame } from './fake-stream.ts';

/** A real HTTP client of `GET /api/stream/events` that records every frame, for integration tests. */
export interface SseClient {
  readonly status: number;
  readonly headers: Headers;
  /** The body of a refused request (JSON), else null. */
  readonly refusal: unknown;
  frames(): SseFrame[];
  events(): EventStreamItem[];
  named(name: string): SseFrame[];
  /** Resolves when the server ended the body. */
  readonly ended: Promise<void>;
  until(predicate: (client: SseClient) => boolean, message: string, timeoutMs?: number): Promise<void>;
  /** The client leaves (aborts the request). */
  close(): void;
}

/** Opens a stream at `base` + `path` with `headers`; a 200 is read in the background until closed or ended. */
export async function openSse(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(`${base}${path}`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  let text = '';
  let refusal: unknown = null;
  let ended: Promise<void> = Promise.resolve();
  if (response.status === 200 && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    ended = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += value;
        }
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
      }
    })();
  } else {
    refusal = await response.json();
  }
  const client: SseClient = {
    status: response.status,
    headers: response.headers,
    refusal,
    ended,
    frames: () => parseSse(text),
    events: () =>
      parseSse(text)
        .filter((f) => f.event === EVENT_STREAM_FRAMES.event)
        .map((f) => f.data as EventStreamItem),
    named: (name) => parseSse(text).filter((f) => f.event === name),
    until: async (predicate, message, timeoutMs = 20_000) => {
      await waitFor(() => predicate(client), { message, timeoutMs });
    },
    close: () => abort.abort(),
  };
  return client;
}
