import {
  ACTIVITY_ACTIONS,
  type ActivityAction,
  type ActivityEntry,
  type ActivityPage,
  type Alert,
  type BulkResult,
  TRANSITION_OUTCOMES,
  type TransitionOutcome,
} from '@vigil/core';
import { listIn } from './normalize.ts';

// The lifecycle routes' answers (core's alert-lifecycle.ts shapes), read leniently like every other REST
// answer: an entry or item the dashboard cannot show is left out, not drawn half.

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `GET /api/alerts/{id}/activity`: entries newest first, and the cursor of the next page. */
export function readActivityPage(body: unknown): ActivityPage {
  const items = listIn(body, ['items', 'activity'])
    .filter(isObject)
    .filter(
      (e) =>
        typeof e.at === 'string' &&
        typeof e.actor === 'string' &&
        ACTIVITY_ACTIONS.includes(e.action as ActivityAction),
    )
    .map(
      (e): ActivityEntry => ({
        at: e.at as string,
        actor: e.actor as string,
        action: e.action as ActivityAction,
        ...(typeof e.note === 'string' && e.note !== '' ? { note: e.note } : {}),
      }),
    );
  const next = isObject(body) ? body.nextCursor : null;
  return { items, nextCursor: typeof next === 'string' && next !== '' ? next : null };
}

/** `POST /api/alerts/bulk`: one result per id; an item without an id is left out. */
export function readBulkResult(body: unknown): BulkResult {
  return {
    items: listIn(body, ['items', 'results'])
      .filter(isObject)
      .filter((i) => typeof i.id === 'string')
      .map((i) => {
        const outcome = TRANSITION_OUTCOMES.includes(i.outcome as TransitionOutcome)
          ? (i.outcome as TransitionOutcome)
          : i.ok === true
            ? 'changed'
            : 'not_found';
        const alert = isObject(i.alert) && typeof i.alert.id === 'string' ? (i.alert as Alert) : undefined;
        return { id: i.id as string, ok: i.ok === true, outcome, ...(alert ? { alert } : {}) };
      }),
  };
}
