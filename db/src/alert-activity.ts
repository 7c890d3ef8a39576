import {
  type ActivityAction,
  type ActivityEntry,
  type ActivityPage,
  DEFAULT_ACTIVITY_PAGE,
  MAX_ACTIVITY_PAGE,
  SYSTEM_ACTOR,
  ValidationError,
} from '@vigil/core';
import { and, desc, eq, ne, type SQL, sql } from 'drizzle-orm';
import { alertColumns, fromRow } from './alert-row.ts';
import type { ActivityQuery } from './alert-store-port.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { VigilDatabase } from './database.ts';
import { isLookupKey } from './identity-input.ts';
import { alertActivity, alertFirings, alerts } from './schema.ts';

/**
 * `fired` entries list only an episode's latest this many firings: an episode of a host breaching for a day
 * has tens of thousands, which `occurrences` counts; the trail shows the recent ones.
 */
export const MAX_FIRED_ENTRIES = 100;

/**
 * The trail's order is newest first on (at, rank, then each source's own order); at one instant a person's
 * entry comes before the system's. The rank is the first part of a cursor's key (`<rank>:<source key>`).
 */
const RANK = { stored: 3, resolved: 2, fired: 1, opened: 0 } as const;

interface Ranked {
  entry: ActivityEntry;
  atMs: number;
  rank: number;
  /** The entry's key inside its source (activity id, firing id); with `at` and `rank` it makes the cursor. */
  key: string;
  /** Position inside its source's result, which is already in trail order. */
  order: number;
}

function parseLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_ACTIVITY_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ACTIVITY_PAGE) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_ACTIVITY_PAGE}`, {
      details: { limit },
    });
  }
  return limit;
}

interface Position {
  at: Date;
  rank: number;
  key: string;
}

function parseCursor(cursor: string | undefined): Position | null {
  if (cursor === undefined) return null;
  const { detectedAt: at, id } = decodeCursor(cursor);
  const match = /^([0-3]):(.*)$/s.exec(id);
  // A stored entry's key is its bigint id: anything else was not made here.
  if (!match || (match[1] === '3' && !/^\d{1,19}$/.test(match[2]!)))
    throw new ValidationError('invalid cursor', { details: { cursor: cursor.slice(0, 64) } });
  return { at, rank: Number(match[1]), key: match[2]! };
}

/**
 * The condition for a source's rows after the cursor: rows at an earlier instant; at the cursor's instant,
 * the rows of lower rank, and of the cursor's own rank those after its key in the source's order.
 */
function after(position: Position | null, rank: number, time: SQL, key: (k: string) => SQL): SQL | undefined {
  if (!position) return undefined;
  const at = sql`${position.at.toISOString()}::timestamptz`;
  if (rank < position.rank) return sql`${time} <= ${at}`;
  if (rank > position.rank) return sql`${time} < ${at}`;
  return sql`(${time} < ${at} or (${time} = ${at} and ${key(position.key)}))`;
}

const inWindow = (position: Position | null, atMs: number, rank: number) =>
  !position || atMs < position.at.getTime() || (atMs === position.at.getTime() && rank < position.rank);

/**
 * An alert's trail (AlertStore.activity): the stored entries (people's changes and comments, auto-resolves
 * a reopen overwrote) merged with those derived when read: `opened` (at detectedAt, by "system"), `fired`
 * (each later firing folded into the episode, its latest MAX_FIRED_ENTRIES, when it was folded) and
 * `resolved` by "system" while the episode stands auto-resolved. Every `at` is wall-clock time, so people's
 * entries and the system's interleave as they happened even when old events are replayed (event times are
 * on the alert: firstSeenAt, lastSeenAt). Null when the alert does not exist.
 */
export async function activity(
  db: VigilDatabase,
  id: string,
  query: ActivityQuery = {},
): Promise<ActivityPage | null> {
  const limit = parseLimit(query.limit);
  const position = parseCursor(query.cursor);
  if (!isLookupKey(id)) return null;
  const [row] = await db.select(alertColumns).from(alerts).where(eq(alerts.id, id)).limit(1);
  if (!row) return null;
  const alert = fromRow(row);

  const storedAfter = after(
    position,
    RANK.stored,
    sql`${alertActivity.at}`,
    (key) => sql`${alertActivity.id} < ${key}::bigint`,
  );
  const stored = await db
    .select({
      id: alertActivity.id,
      at: alertActivity.at,
      actor: alertActivity.actor,
      action: alertActivity.action,
      note: alertActivity.note,
    })
    .from(alertActivity)
    .where(and(eq(alertActivity.alertId, id), storedAfter))
    .orderBy(desc(alertActivity.at), desc(alertActivity.id))
    .limit(limit + 1);

  const foldedAtMs = sql<Date>`date_trunc('milliseconds', ${alertFirings.foldedAt})`.mapWith(
    alertFirings.foldedAt,
  );
  const latest = db
    // folded_at is the database's now(), in microseconds on PostgreSQL: cut to the milliseconds a cursor holds.
    .select({ at: foldedAtMs.as('at'), firingId: alertFirings.firingId })
    .from(alertFirings)
    // The opening firing has the episode's id: it is the `opened` entry.
    .where(and(eq(alertFirings.episodeId, id), ne(alertFirings.firingId, id)))
    .orderBy(desc(foldedAtMs), desc(alertFirings.firingId))
    .limit(MAX_FIRED_ENTRIES)
    .as('latest');
  const fired = await db
    .select()
    .from(latest)
    .where(after(position, RANK.fired, sql`${latest.at}`, (key) => sql`${latest.firingId} < ${key}`))
    .orderBy(desc(latest.at), desc(latest.firingId))
    .limit(limit + 1);

  const ranked: Ranked[] = [
    ...stored.map((r, order) => ({
      entry: {
        at: r.at.toISOString(),
        actor: r.actor,
        action: r.action as ActivityAction,
        ...(r.note === null ? {} : { note: r.note }),
      },
      atMs: r.at.getTime(),
      rank: RANK.stored,
      key: String(r.id),
      order,
    })),
    ...fired.map((r, order) => ({
      entry: { at: r.at.toISOString(), actor: SYSTEM_ACTOR, action: 'fired' as const },
      atMs: r.at.getTime(),
      rank: RANK.fired,
      key: r.firingId,
      order,
    })),
  ];
  const derived: Ranked[] = [];
  const opened = Date.parse(alert.detectedAt);
  derived.push({
    entry: { at: new Date(opened).toISOString(), actor: SYSTEM_ACTOR, action: 'opened' },
    atMs: opened,
    rank: RANK.opened,
    key: '',
    order: 0,
  });
  if (alert.status === 'resolved' && alert.resolvedBy === SYSTEM_ACTOR && alert.resolvedAt) {
    const at = Date.parse(alert.resolvedAt);
    derived.push({
      entry: { at: alert.resolvedAt, actor: SYSTEM_ACTOR, action: 'resolved' },
      atMs: at,
      rank: RANK.resolved,
      key: '',
      order: 0,
    });
  }
  ranked.push(...derived.filter((d) => inWindow(position, d.atMs, d.rank)));
  ranked.sort((a, b) => b.atMs - a.atMs || b.rank - a.rank || a.order - b.order);

  const page = ranked.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    ranked.length > limit && last
      ? encodeCursor({ detectedAt: new Date(last.atMs), id: `${last.rank}:${last.key}` })
      : null;
  return { items: page.map((r) => r.entry), nextCursor };
}
