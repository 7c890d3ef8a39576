import { isSource, type Source } from '@vigil/core';

// GET /api/alerts/{id}/events (gateway/README.md, "Evidence"), read leniently like normalize.ts: an item
// without an event object is dropped, missing lists are empty.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface EventRef {
  topic: string;
  partition: number;
  offset: string;
}

export interface EvidenceEvent {
  source: Source | null;
  topic: string;
  partition: number;
  /** Null when the gateway could not tell the event's offset (see the gateway README). */
  offset: string | null;
  archiveKey: string;
  event: Json;
}

export interface AlertEvents {
  items: EvidenceEvent[];
  /** Positions not archived yet: the processor writes them within seconds. */
  pending: EventRef[];
  unreadable: { key: string; reason: string }[];
  truncated: boolean;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

export function readAlertEvents(body: unknown): AlertEvents {
  const b = isObject(body) ? body : {};
  return {
    items: list(b.items)
      .filter((i) => isObject(i.event))
      .map((i) => ({
        source: isSource(i.source) ? i.source : null,
        topic: text(i.topic),
        partition: int(i.partition),
        offset: typeof i.offset === 'string' ? i.offset : null,
        archiveKey: text(i.archiveKey),
        event: i.event as Json,
      })),
    pending: list(b.pending).map((r) => ({
      topic: text(r.topic),
      partition: int(r.partition),
      offset: text(r.offset),
    })),
    unreadable: list(b.unreadable).map((u) => ({ key: text(u.key), reason: text(u.reason) })),
    truncated: b.truncated === true,
  };
}
