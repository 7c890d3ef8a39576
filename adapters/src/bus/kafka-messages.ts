import type { BusMessage, MessageBatch, OutgoingMessage } from '@vigil/core';

/** The shape of a fetched kafkajs message, described here so this file needs no kafkajs import. */
export interface FetchedMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** The message shape kafkajs's producer takes. */
export interface ProducedMessage {
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
  timestamp?: string;
  partition?: number;
}

export function toProducedMessage(message: OutgoingMessage): ProducedMessage {
  const { key, value, headers, timestamp, partition } = message;
  return {
    key,
    // A view, not a copy: kafkajs encodes the bytes before send() resolves.
    value: typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    ...(headers ? { headers } : {}),
    ...(timestamp === undefined ? {} : { timestamp: String(timestamp) }),
    ...(partition === undefined ? {} : { partition }),
  };
}

/** A header repeated on the wire arrives as an array; the port has one value per name, so the last wins. */
function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string {
  const last = Array.isArray(value) ? value.at(-1) : value;
  return last === undefined ? '' : last.toString();
}

export function toBusBatch(topic: string, partition: number, messages: FetchedMessage[]): MessageBatch {
  return {
    topic,
    partition,
    messages: messages.map(
      (m): BusMessage => ({
        topic,
        partition,
        offset: m.offset,
        key: m.key === null ? null : m.key.toString('utf8'),
        value: m.value ?? Buffer.alloc(0),
        headers: Object.fromEntries(
          Object.entries(m.headers ?? {}).map(([name, v]) => [name, headerText(v)]),
        ),
        timestamp: Number(m.timestamp),
      }),
    ),
  };
}
