import { type ParsedRawBatchKey, parseRawBatchKey } from '@vigil/adapters';
import type { Alert, Archive } from '@vigil/core';
import type { Logger } from 'pino';
import { createSemaphore } from '../feed/semaphore.ts';
import { decodeObject } from './archive-object.ts';
import { DEFAULT_EVIDENCE_LIMITS, type EvidenceLimits } from './evidence-limits.ts';
import type { AlertEvents, EventRef } from './evidence-types.ts';
import { locateObjects } from './locate-objects.ts';
import { covers } from './object-range.ts';
import { type Picked, pickEvents } from './pick-events.ts';

const DECIMAL = /^\d{1,20}$/;

export interface EvidenceReaderOptions {
  /** Only read: the processor writes it. */
  archive: Pick<Archive, 'get' | 'list'>;
  logger: Logger;
  limits?: Partial<EvidenceLimits>;
}

export interface EvidenceReader {
  /** The raw events behind an alert, read from the archive by its evidence; archive outages throw. */
  read(alert: Alert): Promise<AlertEvents>;
}

/**
 * Ids paired with their refs when the evidence lists both in step: the processor records them side by side
 * and drops the ids of events that had none, so equal lengths mean every ref has its id at the same index.
 */
function idsOf(refs: readonly EventRef[], eventIds: readonly string[]): Map<string, EventRef | null> {
  const paired = refs.length === eventIds.length;
  return new Map(eventIds.map((id, i) => [id, paired ? refs[i]! : null]));
}

export function createEvidenceReader(options: EvidenceReaderOptions): EvidenceReader {
  const limits = { ...DEFAULT_EVIDENCE_LIMITS, ...options.limits };
  const logger = options.logger.child({ module: 'evidence' });
  const { archive } = options;
  const slots = createSemaphore(limits.maxConcurrentReads);

  async function read(alert: Alert): Promise<AlertEvents> {
    // A stored ref with a non-decimal offset names no position (the processor writes decimal strings).
    const refs = (alert.evidence?.refs ?? []).filter((ref) => DECIMAL.test(ref.offset));
    const wanted = { refs, ids: idsOf(refs, alert.evidence?.eventIds ?? []) };
    // Keys outside the archive's layout name no object the processor wrote: they are not read.
    const objects = new Map<string, ParsedRawBatchKey>();
    for (const key of alert.evidence?.archiveKeys ?? []) {
      const parsed = parseRawBatchKey(key);
      if (parsed) objects.set(key, parsed);
    }
    const inObjects = (ref: EventRef) => [...objects.values()].some((object) => covers(object, ref));
    const unlinked = refs.filter((ref) => !inObjects(ref));
    if (unlinked.length > 0) {
      const to = Date.parse(alert.eventTime);
      const from = alert.windowStart ? Date.parse(alert.windowStart) : to;
      const located = await locateObjects(unlinked, {
        archive,
        source: alert.source,
        from,
        to,
        maxListings: limits.maxListings,
      });
      for (const [key, parsed] of located) objects.set(key, parsed);
    }
    const pending = refs.filter((ref) => !inObjects(ref));

    // The objects holding the evidence's first refs are read first; those holding none (id-only evidence) last.
    const rankOf = (object: ParsedRawBatchKey) => {
      const i = refs.findIndex((ref) => covers(object, ref));
      return i === -1 ? refs.length : i;
    };
    const ordered = [...objects].sort(([, a], [, b]) => rankOf(a) - rankOf(b));
    const answer: AlertEvents = {
      items: [],
      pending,
      unreadable: [],
      truncated: ordered.length > limits.maxObjects,
    };
    const picked: Picked[] = [];
    // One object at a time: memory stays at one decompressed object per read.
    for (const [key, object] of ordered.slice(0, limits.maxObjects)) {
      const body = await archive.get(key);
      const decoded =
        body === null
          ? ({ ok: false, reason: 'missing' } as const)
          : await decodeObject(body, limits.maxObjectBytes);
      if (!decoded.ok) {
        logger.warn({ alertId: alert.id, key, reason: decoded.reason }, 'evidence object unreadable');
        answer.unreadable.push({ key, reason: decoded.reason });
        continue;
      }
      picked.push(...pickEvents(key, object, decoded.lines, wanted));
    }
    picked.sort((a, b) => a.rank - b.rank); // stable: events found by id keep their object's order
    // Overlapping objects (a partition re-archived after a restart) may hold one event twice: kept once.
    const seen = new Set<string>();
    const items = picked
      .map((p) => p.item)
      .filter((item) => {
        const id = `${item.topic}\u0000${item.partition}\u0000${item.offset ?? `id:${String(item.event.id)}`}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
    if (items.length > limits.maxEvents) answer.truncated = true;
    answer.items = items.slice(0, limits.maxEvents);
    return answer;
  }

  return { read: (alert) => slots.run(() => read(alert)) };
}
