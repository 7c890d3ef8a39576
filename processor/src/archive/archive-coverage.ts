import { parseRawBatchKey, rawBatchPrefix } from '@vigil/adapters';
import type { Archive, Source } from '@vigil/core';

const HOUR_MS = 3_600_000;

/**
 * How far a partition is already archived, looking at the hour folders from one hour before `eventTime`
 * up to `now`. After a restart the processor replays from its committed offset, which may lie before the
 * last archived object (commits are held back to rebuild window state): events up to the returned offset
 * are already in the archive and are not written again. Returns -1 when nothing is archived there.
 */
export async function archivedThrough(
  archive: Archive,
  where: { source: Source; topic: string; partition: number; eventTime: number; now: number },
): Promise<number> {
  const first = Math.floor(where.eventTime / HOUR_MS) - 1;
  // Bounded look-back: replays span minutes, not days; a far-future event time must not explode the loop.
  const last = Math.min(Math.floor(Math.max(where.now, where.eventTime) / HOUR_MS), first + 48);
  let through = -1;
  for (let hour = first; hour <= last; hour++) {
    const keys = await archive.list(
      `${rawBatchPrefix(where.source, hour * HOUR_MS)}${where.topic}-p${where.partition}-`,
    );
    for (const key of keys) {
      const parsed = parseRawBatchKey(key);
      if (parsed && parsed.topic === where.topic && parsed.partition === where.partition) {
        through = Math.max(through, Number(parsed.lastOffset));
      }
    }
  }
  return through;
}
