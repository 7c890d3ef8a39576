import { ALERT_STATUSES, type Alert, type AlertStatus } from '@vigil/core';
import { revisionOf } from '../lifecycle/revisions.ts';

/** Episodes per status; null where the gateway did not say. */
export type StatusCounts = Record<AlertStatus, number | null>;

export interface StatusSeed {
  /** `byStatus` of the all-time `GET /api/stats/summary`, or null from a gateway without it. */
  byStatus: Partial<Record<string, number>> | null;
  /** Episodes listed over REST at load: every unresolved one when `unresolvedComplete`, and the newest. */
  known: readonly Alert[];
  /** True when `known` holds every open and acknowledged episode (the listing was not cut short). */
  unresolvedComplete: boolean;
}

export interface StatusCountsOptions {
  /** Episodes whose last status is remembered; past it the oldest are forgotten. */
  capacity?: number;
}

/** Remembered statuses: far more than the unresolved episodes of a busy system plus an hour of new ones. */
const DEFAULT_CAPACITY = 20_000;

/**
 * Open / acknowledged / resolved counters that move live: seeded from the all-time summary, then each new
 * episode (`alert` frame) counts once in its status and each later state (`update` frame, or this tab's own
 * change as the gateway answered it) moves one from the status it had to the new one, only when its revision
 * is higher than the one seen, so a change pushed twice, or answered and then pushed, counts once. A firing
 * (same status) moves nothing.
 *
 * The status an episode had before an update is the one last seen for it. For one never seen: when every
 * unresolved episode was listed at load, it was resolved (only a reopen changes a resolved episode; a firing
 * after resolution opens a new one); otherwise it is taken to be unchanged (most updates are firings), and
 * `exact` turns false.
 */
export function createStatusCounts({ capacity = DEFAULT_CAPACITY }: StatusCountsOptions = {}) {
  const counts: StatusCounts = { open: null, acknowledged: null, resolved: null };
  let seen = new Map<string, { status: AlertStatus; revision: number }>();
  let complete = false;
  let exact = true;

  const bump = (status: AlertStatus, by: number) => {
    const n = counts[status];
    if (n !== null) counts[status] = Math.max(0, n + by);
  };
  const remember = (alert: Alert) => {
    seen.delete(alert.id); // re-inserted last: the oldest-touched are forgotten first
    seen.set(alert.id, { status: alert.status, revision: revisionOf(alert) });
    while (seen.size > capacity) {
      const [oldestId, oldest] = seen.entries().next().value as [string, { status: AlertStatus }];
      seen.delete(oldestId);
      // A forgotten unresolved episode would later be taken for a resolved one.
      if (oldest.status !== 'resolved') complete = false;
    }
  };

  return {
    seed({ byStatus, known, unresolvedComplete }: StatusSeed): void {
      seen = new Map();
      complete = unresolvedComplete;
      exact = true;
      for (const status of ALERT_STATUSES) {
        const n = byStatus?.[status];
        counts[status] = typeof n === 'number' ? n : null;
      }
      // A gateway without byStatus: the complete listing still counts the unresolved ones.
      if (byStatus === null && unresolvedComplete) {
        counts.open = known.filter((a) => a.status === 'open').length;
        counts.acknowledged = known.filter((a) => a.status === 'acknowledged').length;
      }
      for (const alert of known) remember(alert);
    },

    /** A new episode (an `alert` frame); one listed at load or seen already counts as an update. */
    add(alert: Alert): void {
      if (seen.has(alert.id)) {
        this.update(alert);
        return;
      }
      bump(alert.status, 1);
      remember(alert);
    },

    /** A later state of an episode; answers whether a counter moved. */
    update(alert: Alert): boolean {
      const before = seen.get(alert.id);
      if (before && revisionOf(alert) <= before.revision) return false;
      let from: AlertStatus;
      if (before) from = before.status;
      else if (complete) from = 'resolved';
      else {
        from = alert.status;
        exact = false;
      }
      remember(alert);
      if (from === alert.status) return false;
      bump(from, -1);
      bump(alert.status, 1);
      return true;
    },

    snapshot(): StatusCounts {
      return { ...counts };
    },

    /** False once an update of an episode never seen may have been miscounted (the listing was cut short). */
    get exact(): boolean {
      return exact;
    },
  };
}

export type StatusCountsState = ReturnType<typeof createStatusCounts>;
