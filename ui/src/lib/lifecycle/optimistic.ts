import type { Alert, AlertStatus, BulkResult } from '@vigil/core';
import { statusActions } from '../detail/status-actions.ts';

/** A status change sent and not answered yet. */
export interface PendingChange {
  /** The status the alert had when the change was asked for. */
  from: AlertStatus;
  to: AlertStatus;
  /** Who asked (the signed-in name), shown as acknowledgedBy / resolvedBy until the gateway answers. */
  actor: string;
  /** When it was asked (ISO), shown as resolvedAt. */
  at: string;
}

/**
 * What the views show while a change is in flight: the alert as it will be. Only while the alert still has
 * the status the change started from: once a pushed `update` shows another status (this change landed, or
 * someone else's did), that state is the truth and the guess is dropped; a firing meanwhile (same status,
 * higher revision) keeps it.
 */
export function withPending(alert: Alert, pending: PendingChange | undefined): Alert {
  if (!pending || alert.status !== pending.from) return alert;
  switch (pending.to) {
    case 'acknowledged':
      return { ...alert, status: 'acknowledged', acknowledgedBy: pending.actor };
    case 'resolved':
      return { ...alert, status: 'resolved', resolvedBy: pending.actor, resolvedAt: pending.at };
    case 'open':
      return { ...alert, status: 'open', acknowledgedBy: null, resolvedBy: null, resolvedAt: null };
  }
}

/** The alerts among `alerts` that `to` applies to (the same offer the buttons make for each). */
export const changeable = (alerts: readonly Alert[], to: AlertStatus): Alert[] =>
  alerts.filter((a) => statusActions(a.status).some((action) => action.to === to));

export const DONE: Record<AlertStatus, string> = {
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  open: 'Reopened',
};
export const VERB: Record<AlertStatus, string> = {
  acknowledged: 'acknowledge',
  resolved: 'resolve',
  open: 'reopen',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line for a bulk change's result: how many changed, and why the others did not. */
export function describeBulk(result: BulkResult, to: AlertStatus): { ok: boolean; message: string } {
  const count = (outcome: string) => result.items.filter((i) => i.outcome === outcome).length;
  const done = count('changed') + count('unchanged');
  const failed = result.items.length - done;
  const head = `${DONE[to]} ${plural(done, 'alert')}`;
  if (failed === 0) return { ok: true, message: `${head}.` };
  const why = [
    count('not_found') > 0 ? `${count('not_found')} not found` : null,
    count('conflict') > 0
      ? `${count('conflict')} refused: another episode of the same rule and key is open`
      : null,
  ].filter((part): part is string => part !== null);
  return { ok: false, message: `${head}; ${plural(failed, 'alert')} not changed (${why.join('; ')}).` };
}
