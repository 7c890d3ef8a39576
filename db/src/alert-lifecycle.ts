import {
  ALERT_STATUSES,
  type AlertStatus,
  ERROR_CODES,
  MAX_BULK_IDS,
  MAX_NOTE_LENGTH,
  type RecordedAction,
  SYSTEM_ACTOR,
  ValidationError,
  VigilError,
} from '@vigil/core';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { alertColumns, fromRow } from './alert-row.ts';
import type { TransitionOptions, TransitionResult } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { isConstraintViolation } from './db-errors.ts';
import { arrayLiteral } from './event-insert.ts';
import { isLookupKey, optionalText } from './identity-input.ts';
import { ACTOR_MAX_CHARS, alertActivity, alerts } from './schema.ts';

const NUL = '\u0000';

/** The activity action a change to `status` records. */
const actionOf = (status: AlertStatus): RecordedAction =>
  status === 'acknowledged' ? 'acknowledged' : status === 'resolved' ? 'resolved' : 'reopened';

export function checkStatus(status: AlertStatus): void {
  if (!ALERT_STATUSES.includes(status)) {
    throw new ValidationError(`status must be one of ${ALERT_STATUSES.join(', ')}`, { details: { status } });
  }
}

/** A note as stored: absent stays null; otherwise 1–MAX_NOTE_LENGTH characters without U+0000. */
export function checkNote(note: string | undefined | null, required = false): string | null {
  if (note == null && !required) return null;
  if (typeof note !== 'string' || note.length === 0 || note.length > MAX_NOTE_LENGTH || note.includes(NUL)) {
    throw new ValidationError(`note must be a string of 1–${MAX_NOTE_LENGTH} characters without U+0000`, {
      details: { note: typeof note === 'string' ? note.length : note },
    });
  }
  return note;
}

/** Who, as stored: cut to ACTOR_MAX_CHARS, NUL replaced; an empty name is refused (a bug upstream). */
export function checkActor(actor: string): string {
  const stored = optionalText(actor, ACTOR_MAX_CHARS);
  if (stored === null) throw new ValidationError('actor must be a non-empty string', { details: { actor } });
  return stored;
}

/** The columns a status change sets (transition, and the store's updateStatus): revision + 1, who, when. */
export const statusChange = (status: AlertStatus, actor: string | null, at: Date) => ({
  status,
  revision: sql`${alerts.revision} + 1`,
  changedAt: at,
  resolvedAt: status === 'resolved' ? at : null,
  resolvedBy: status === 'resolved' ? actor : null,
  // Who acknowledged stays on resolve (it is history); a reopen clears it with the rest.
  ...(status === 'open' ? { acknowledgedBy: null } : {}),
  ...(status === 'acknowledged' ? { acknowledgedBy: actor } : {}),
});

const ruleAndKey = (row: { ruleId: string; key: string }) => `${row.ruleId}\u0000${row.key}`;

const conflictError = (ids: readonly string[], cause?: unknown) =>
  new VigilError(
    ERROR_CODES.conflict,
    ids.length === 1
      ? `alert ${ids[0]}: another episode of its rule and key is unresolved`
      : `${ids.length} alerts: a concurrent change left another episode of a rule and key unresolved; nothing changed`,
    { cause, details: { ids } },
  );

/**
 * Sets one status on many alerts in one transaction (AlertStore.transition). The rows are locked in id order
 * (two bulk changes never deadlock); those already in the status are left alone and record nothing. A change
 * that makes a resolved episode unresolved again is refused (`conflict`) when another unresolved episode of
 * its rule and key takes the firings, since the unique index allows one; an auto-resolve it overwrites is
 * first recorded in the trail (by "system", at its resolvedAt), so the trail keeps it.
 */
export async function transition(
  db: VigilDatabase,
  change: TransitionOptions & {
    ids: readonly string[];
    status: AlertStatus;
    actor: string;
    note: string | null;
  },
): Promise<TransitionResult[]> {
  const { ids, status, note, only } = change;
  checkStatus(status);
  const actor = checkActor(change.actor);
  if (ids.length > MAX_BULK_IDS) {
    throw new ValidationError(`at most ${MAX_BULK_IDS} ids per change`, { details: { ids: ids.length } });
  }
  const unique = [...new Set(ids)];
  const lookup = unique.filter(isLookupKey).sort();
  const at = new Date(change.now ?? Date.now());

  const state = await db.transaction(async (tx) => {
    const locked =
      lookup.length === 0
        ? []
        : await tx
            .select({ ...alertColumns, takesFirings: alerts.takesFirings })
            .from(alerts)
            .where(inArray(alerts.id, lookup))
            .orderBy(alerts.id)
            .for('update');
    // Out of the caller's reach: as if absent (its lock is released with the transaction).
    const rows = only ? locked.filter(({ takesFirings: _, ...row }) => only(fromRow(row))) : locked;
    const changing = rows.filter((row) => row.status !== status);

    const conflicts = new Set<string>();
    const reopening = changing.filter((row) => row.status === 'resolved' && row.takesFirings);
    if (status !== 'resolved' && reopening.length > 0) {
      const taken = await tx
        .select({ ruleId: alerts.ruleId, key: alerts.key })
        .from(alerts)
        .where(
          and(
            ne(alerts.status, 'resolved'),
            eq(alerts.takesFirings, true),
            sql`(${alerts.ruleId}, ${alerts.key}) in (select * from unnest(${arrayLiteral(
              reopening.map((r) => r.ruleId),
            )}::text[], ${arrayLiteral(reopening.map((r) => r.key))}::text[]))`,
          ),
        );
      const unresolved = new Set(taken.map(ruleAndKey));
      // Two resolved episodes of one rule and key in the same request: the first (in id order) is reopened.
      for (const row of reopening) {
        if (unresolved.has(ruleAndKey(row))) conflicts.add(row.id);
        else unresolved.add(ruleAndKey(row));
      }
    }

    const toChange = changing.filter((row) => !conflicts.has(row.id));
    if (toChange.length === 0) return { rows, updated: [] as typeof rows };
    const updated = await tx
      .update(alerts)
      .set(statusChange(status, actor, at))
      .where(
        inArray(
          alerts.id,
          toChange.map((row) => row.id),
        ),
      )
      .returning(alertColumns);
    const autoResolves = toChange.filter(
      (row) => row.status === 'resolved' && row.resolvedBy === SYSTEM_ACTOR && row.resolvedAt !== null,
    );
    await tx.insert(alertActivity).values([
      ...autoResolves.map((row) => ({
        alertId: row.id,
        at: row.resolvedAt!,
        actor: SYSTEM_ACTOR,
        action: 'resolved' as const,
      })),
      ...updated.map((row) => ({ alertId: row.id, at, actor, action: actionOf(status), note })),
    ]);
    return { rows, updated, conflicts };
  });

  const found = new Map(state.rows.map(({ takesFirings: _, ...row }) => [row.id, row]));
  const changed = new Map(state.updated.map((row) => [row.id, row]));
  return unique.map((id): TransitionResult => {
    const after = changed.get(id);
    if (after) return { id, outcome: 'changed', alert: fromRow(after) };
    const row = found.get(id);
    if (!row) return { id, outcome: 'not_found', alert: null };
    return { id, outcome: row.status === status ? 'unchanged' : 'conflict', alert: fromRow(row) };
  });
}

/** A transition that lost a race to a concurrent reopen or fold: the unique index refused it. */
export function reopenRace(err: unknown, ids: readonly string[]): VigilError | null {
  return isConstraintViolation(err, '23505', 'alerts_open_episode_idx') ? conflictError(ids, err) : null;
}

/** Records a comment; null when there is no such alert (the foreign key refuses it: one statement, no race). */
export async function comment(
  db: VigilDatabase,
  id: string,
  actorName: string,
  text: string,
  nowMs: number,
): Promise<{ at: string; actor: string; action: 'commented'; note: string } | null> {
  const actor = checkActor(actorName);
  const note = checkNote(text, true)!;
  if (!isLookupKey(id)) return null;
  const at = new Date(nowMs);
  try {
    await db.insert(alertActivity).values({ alertId: id, at, actor, action: 'commented', note });
  } catch (err) {
    if (isConstraintViolation(err, '23503', 'alert_activity_alert_id_alerts_id_fk')) return null;
    throw err;
  }
  return { at: at.toISOString(), actor, action: 'commented', note };
}
