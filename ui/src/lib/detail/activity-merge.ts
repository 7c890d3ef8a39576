import type { ActivityEntry } from '@vigil/core';

/** An entry's identity (entries have no id): the same moment, action, actor and note. */
export const activityKey = (e: ActivityEntry): string =>
  `${e.at}\u0000${e.action}\u0000${e.actor}\u0000${e.note ?? ''}`;

/**
 * A refreshed first page of the trail over the entries shown (newest first): the new page, then the older
 * entries already loaded past it ("Load more"), none twice.
 */
export function mergeActivity(
  first: readonly ActivityEntry[],
  shown: readonly ActivityEntry[],
): ActivityEntry[] {
  const keys = new Set(first.map(activityKey));
  const oldest = first.at(-1)?.at;
  const older = shown.filter((e) => !keys.has(activityKey(e)) && oldest !== undefined && e.at <= oldest);
  return [...first, ...older];
}
