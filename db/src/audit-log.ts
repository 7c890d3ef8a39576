import { ValidationError } from '@vigil/core';
import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import { parseInstant, parseLimit } from './alert-filters.ts';
import { auditEntryRow, fromAuditRow } from './audit-entry-row.ts';
import type { AuditEntry, AuditLog, AuditQuery } from './audit-log-port.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { VigilDatabase } from './database.ts';
import { guardOutage } from './db-errors.ts';
import { isLookupKey } from './identity-input.ts';
import { auditLog } from './schema.ts';

export interface AuditLogOptions {
  db: VigilDatabase;
  /** Named in UnavailableError messages; never a URL with a password. */
  target?: string;
}

const OUTCOMES = ['success', 'failure'];
// Identity ids count up from 1; 19 digits hold every bigint.
const AUDIT_ID = /^[1-9]\d{0,18}$/;

const checkKey = (name: string, value: unknown): string => {
  if (isLookupKey(value)) return value;
  throw new ValidationError(`${name} must be a string of 1–200 characters without U+0000`, {
    details: { [name]: typeof value === 'string' ? value.slice(0, 80) : value },
  });
};

// LIKE's wildcards are literal in an action prefix (`auth.login_` must not match `auth.loginX`).
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/** WHERE conditions for an AuditQuery (cursor included); validates everything before any query runs. */
function conditionsOf(query: AuditQuery): SQL[] {
  const conditions: SQL[] = [];
  if (query.action !== undefined) {
    const action = checkKey('action', query.action);
    // A prefix ends in "."; the LIKE is served by the text_pattern_ops index on action.
    conditions.push(
      action.endsWith('.') ? sql`${auditLog.action} like ${likePrefix(action)}` : eq(auditLog.action, action),
    );
  }
  if (query.actorName !== undefined)
    conditions.push(eq(auditLog.actorName, checkKey('actorName', query.actorName)));
  if (query.targetType !== undefined) {
    conditions.push(eq(auditLog.targetType, checkKey('targetType', query.targetType)));
  }
  if (query.targetId !== undefined)
    conditions.push(eq(auditLog.targetId, checkKey('targetId', query.targetId)));
  if (query.outcome !== undefined) {
    if (!OUTCOMES.includes(query.outcome)) {
      throw new ValidationError('outcome must be success or failure', {
        details: { outcome: query.outcome },
      });
    }
    conditions.push(eq(auditLog.outcome, query.outcome));
  }
  const from = query.from === undefined ? null : parseInstant(query.from, 'from');
  const to = query.to === undefined ? null : parseInstant(query.to, 'to');
  if (from && to && from > to) throw new ValidationError('from is after to', { details: { from, to } });
  if (from) conditions.push(gte(auditLog.at, from));
  if (to) conditions.push(lt(auditLog.at, to));
  if (query.cursor !== undefined) {
    // The alerts' cursor format: [instant, id], here the entry's `at` and its numeric id.
    const after = decodeCursor(query.cursor);
    if (!AUDIT_ID.test(after.id))
      throw new ValidationError('invalid cursor', { details: { cursor: query.cursor } });
    conditions.push(
      sql`(${auditLog.at}, ${auditLog.id}) < (${after.detectedAt.toISOString()}::timestamptz, ${after.id}::bigint)`,
    );
  }
  return conditions;
}

/** The audit trail over Drizzle. It only inserts and reads; the table's trigger refuses anything else. */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { db } = options;
  const target = options.target ?? 'the database';

  return {
    record: async (entry) => {
      const row = auditEntryRow(entry);
      await guardOutage('record audit entry', target, async () => {
        await db.insert(auditLog).values(row);
      });
    },

    list: async (query = {}) => {
      const limit = parseLimit(query.limit);
      const conditions = conditionsOf(query);
      return guardOutage('list audit entries', target, async () => {
        const rows = await db
          .select()
          .from(auditLog)
          .where(and(...conditions))
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(limit + 1);
        const items: AuditEntry[] = rows.slice(0, limit).map(fromAuditRow);
        const last = items.at(-1);
        const nextCursor =
          rows.length > limit && last ? encodeCursor({ detectedAt: last.at, id: last.id }) : null;
        return { items, nextCursor };
      });
    },
  };
}
