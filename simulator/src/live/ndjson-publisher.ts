import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type OutgoingMessage, sourceOfTopic, ValidationError } from '@vigil/core';
import type { Publisher } from './publisher.ts';

export interface NdjsonPublisherOptions {
  out: Writable;
  /**
   * true: one bare event per line, ready for `POST /api/events/{source}` (use with a single source).
   * false: `{"source":"logs","event":{…}}` per line, so several sources can share one stream.
   */
  bare: boolean;
}

const decoder = new TextDecoder();

/** Writes events as NDJSON instead of publishing them, waiting for the stream to drain (backpressure). */
export function createNdjsonPublisher({ out, bare }: NdjsonPublisherOptions): Publisher {
  return {
    async publish(topic: string, messages: OutgoingMessage[]) {
      const source = sourceOfTopic(topic);
      if (!source) throw new ValidationError(`not an event topic: ${topic}`);
      let chunk = '';
      for (const { value } of messages) {
        const json = typeof value === 'string' ? value : decoder.decode(value);
        chunk += bare ? `${json}\n` : `{"source":"${source}","event":${json}}\n`;
      }
      if (!out.write(chunk)) await once(out, 'drain');
    },
  };
}
