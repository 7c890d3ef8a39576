import { createHash } from 'node:crypto';
import type { Alert } from '@vigil/core';
import { type Rule, ruleVersionOf } from '@vigil/core/rules';
import type { EventRecord } from './condition.ts';
import type { EventRef } from './engine-types.ts';

/** Evidence of a windowed alert lists at most this many events: enough to start an investigation. */
export const MAX_EVIDENCE_EVENTS = 20;

/** What a rule decided; the factory adds identity, timing and the rule's presentation. */
export interface AlertDraft {
  /** `field=value`, e.g. `service=payments`. */
  key: string;
  keyField: string;
  keyValue: string;
  /**
   * What makes this firing unique within rule and key: the window start (ms) for windowed rules, the event
   * identity for per-event rules. Must depend only on the events, never on arrival time or now().
   */
  identity: string;
  value: number;
  threshold: number | null;
  message: string;
  eventTime: number;
  windowStart: number | null;
  windowEnd: number | null;
  /** The triggering event, for service/userId; null when a window has no single trigger (z-score). */
  event: EventRecord | null;
  refs: readonly EventRef[];
  eventIds: readonly (string | undefined)[];
  ingestedAt: number | undefined;
}

/**
 * Deterministic alert id: 32 hex chars of sha256(ruleId, key, identity). Redelivering the same events to a
 * fresh engine yields the same ids, which is what makes persistence idempotent.
 */
export function alertId(ruleId: string, key: string, identity: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${key}\u0000${identity}`).digest('hex').slice(0, 32);
}

/** Identity of one event for per-event rules: its producer id if any, else its bus position. */
export function eventIdentity(eventId: string | undefined, ref: EventRef): string {
  return eventId !== undefined ? `id:${eventId}` : `ref:${ref.topic}/${ref.partition}/${ref.offset}`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function buildAlert(rule: Rule, draft: AlertDraft, detectedAt: number): Alert {
  const fromKey = (field: string) => (draft.keyField === field ? draft.keyValue : text(draft.event?.[field]));
  const refs = draft.refs.slice(0, MAX_EVIDENCE_EVENTS).map(({ topic, partition, offset }) => ({
    topic,
    partition,
    offset,
  }));
  const eventIds = draft.eventIds
    .slice(0, MAX_EVIDENCE_EVENTS)
    .filter((id): id is string => id !== undefined);
  return {
    id: alertId(rule.id, draft.key, draft.identity),
    ruleId: rule.id,
    severity: rule.severity,
    source: rule.source,
    title: rule.title,
    message: draft.message,
    service: fromKey('service'),
    userId: fromKey('userId'),
    key: draft.key,
    value: draft.value,
    threshold: draft.threshold,
    eventTime: iso(draft.eventTime),
    detectedAt: iso(detectedAt),
    status: 'open',
    windowStart: draft.windowStart === null ? null : iso(draft.windowStart),
    windowEnd: draft.windowEnd === null ? null : iso(draft.windowEnd),
    ingestedAt: draft.ingestedAt === undefined ? null : iso(draft.ingestedAt),
    publishedAt: null,
    // archiveKeys are the processor's to fill once the raw events are archived.
    evidence: { refs, eventIds, archiveKeys: [] },
    // The version the rule was loaded at (the rules store's; 1 for a rule from a file): the episode this
    // firing opens keeps it.
    ruleVersion: ruleVersionOf(rule),
  };
}

/** 180000 → `3m`, 125000 → `2m 5s`, 1500 → `1.5s`, 250 → `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  if (hours > 0) parts.push(`${hours}h`);
  if (minutes > 0) parts.push(`${minutes}m`);
  if (seconds > 0) parts.push(`${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`);
  return parts.join(' ');
}
