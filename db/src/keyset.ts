import { type Column, type SQL, sql } from 'drizzle-orm';
import { decodeCursor, encodeCursor } from './cursor.ts';

/**
 * Keyset pagination newest first on (time, id): the condition for the rows after a cursor (a row comparison
 * is one index condition on (time DESC, id DESC), unlike the OR-expanded form). Throws ValidationError.
 */
export function afterCursor(time: Column, id: Column, cursor: string): SQL {
  const after = decodeCursor(cursor);
  return sql`(${time}, ${id}) < (${after.detectedAt.toISOString()}::timestamptz, ${after.id})`;
}

/** A page from `limit + 1` rows: the first `limit`, and a cursor after the last when more exist. */
export function keysetPage<R, T>(
  rows: readonly R[],
  limit: number,
  positionOf: (row: R) => { detectedAt: Date; id: string },
  toItem: (row: R) => T,
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(positionOf(last)) : null;
  return { items: page.map(toItem), nextCursor };
}
