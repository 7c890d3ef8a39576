import { createHash } from 'node:crypto';

const digest = (...parts: (string | number)[]) =>
  createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);

/** A group is one route, group key and channel: the same three always name the same group. */
export const groupIdOf = (routeIndex: number, groupKey: string, channelId: string): string =>
  `g_${digest(routeIndex, groupKey, channelId)}`;

/** The i-th message of a group's flush number `flushSeq`: a flush retried after a crash writes the same ids. */
export const notificationIdOf = (groupId: string, flushSeq: number, index: number): string =>
  `n_${digest(groupId, flushSeq, index)}`;

/** Rows of `db.execute`: node-postgres answers a QueryResult, PGlite a Results object; both hold `rows`. */
export const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);

/** An instant from a row of `db.execute` (a Date from either driver, text from some paths). */
export const msOf = (value: unknown): number | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.getTime()
      : Date.parse(String(value));
