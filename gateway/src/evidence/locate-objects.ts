import { type ParsedRawBatchKey, parseRawBatchKey, rawBatchPrefix } from '@vigil/adapters';
import type { Archive, Source } from '@vigil/core';
import type { EventRef } from './evidence-types.ts';
import { covers } from './object-range.ts';

const HOUR_MS = 3_600_000;

export interface LocateOptions {
  archive: Pick<Archive, 'list'>;
  source: Source;
  /** Event times the refs lie between (the alert's window, or its event time): picks the hour folders. */
  from: number;
  to: number;
  /** List calls at most; folders past it are not looked at. */
  maxListings: number;
}

/**
 * Finds the archive objects holding refs whose keys an alert does not carry: the processor links keys after
 * the alert is stored (evidence-linker.ts), and a restarted processor never links objects an earlier one
 * wrote. Objects are filed by source, event hour, topic and partition, so the folders of the window's hours
 * are listed, narrowed to each ref's topic-partition, newest hour first (the newest events are the likeliest
 * to be unlinked).
 */
export async function locateObjects(
  refs: readonly EventRef[],
  options: LocateOptions,
): Promise<Map<string, ParsedRawBatchKey>> {
  const found = new Map<string, ParsedRawBatchKey>();
  if (!Number.isFinite(options.from) || !Number.isFinite(options.to)) return found;
  const partitions = new Map<string, { topic: string; partition: number }>();
  for (const ref of refs) partitions.set(`${ref.topic}\u0000${ref.partition}`, ref);
  const first = Math.floor(Math.min(options.from, options.to) / HOUR_MS);
  const last = Math.floor(options.to / HOUR_MS);
  let listings = 0;
  for (let hour = last; hour >= first; hour--) {
    for (const { topic, partition } of partitions.values()) {
      if (listings++ >= options.maxListings) return found;
      const prefix = `${rawBatchPrefix(options.source, hour * HOUR_MS)}${topic}-p${partition}-`;
      for (const key of await options.archive.list(prefix)) {
        const parsed = parseRawBatchKey(key);
        if (parsed && refs.some((ref) => covers(parsed, ref))) found.set(key, parsed);
      }
    }
  }
  return found;
}
