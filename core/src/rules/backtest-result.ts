import type { Alert } from '../alerts/alert.ts';

/**
 * What `POST /api/rules/backtest` answers (processor/RULES.md, "Backtest"): the episodes a rule would have
 * opened over the archived events of a range, beside the episodes the current version of that rule id
 * actually opened there, matched by (ruleId, key, window).
 */

/** Why a replay stopped before the end of its range; null when it got there. */
export type BacktestStop = 'maxEvents' | 'maxWallMs' | 'maxFirings' | 'cancelled';

export interface BacktestProgress {
  /** Archived events read so far (warm-up and out-of-range ones included). */
  events: number;
  objects: number;
  objectsTotal: number;
  /** Event time the replay has reached (ISO), null before the first event. */
  eventTime: string | null;
  elapsedMs: number;
}

export interface BacktestReplayStats {
  /** Events read from the archive, every one the engine saw or skipped. */
  events: number;
  /** Of those, replayed before `from` to rebuild windows (their firings are not counted). */
  warmupEvents: number;
  /** Lines that are not a valid event of the rule's source (skipped, as the processor dead-letters them). */
  invalidLines: number;
  /** Events the engine found late against its watermark (windowed kinds drop them, as live). */
  lateEvents: number;
  objects: number;
  /** Objects listed but gone when read. */
  missingObjects: number;
  firings: number;
  durationMs: number;
  eventsPerSecond: number;
}

export interface BacktestList {
  count: number;
  /** The first of them, oldest first, at most BACKTEST_LISTED. */
  items: Alert[];
}

export interface BacktestResult {
  rule: { id: string; version: number | null };
  range: { from: string; to: string };
  /** How the alerts are compared: `episodes` (firings folded per rule and key as the store folds them). */
  folding: 'episodes';
  replay: BacktestReplayStats;
  /** Set when the replay stopped early: what it says covers the events before that point only. */
  stopped: { reason: BacktestStop; limit: number | null } | null;
  /** The episodes the tested rule would have opened in the range. */
  wouldRaise: BacktestList;
  /** The episodes the rule id in force opened in the range (its current version only); 0 for a new rule. */
  raised: BacktestList & { ruleVersion: number | null; truncated: boolean };
  /** By (ruleId, key, window): in wouldRaise only, in raised only, in both (the tested rule's episode). */
  diff: { added: BacktestList; removed: BacktestList; unchanged: BacktestList };
}

/** Each list in a backtest answer shows at most this many alerts (the counts are exact). */
export const BACKTEST_LISTED = 100;

/**
 * The key two episodes are the same one by: rule id, key and the window of the firing that opened it
 * (windowStart–windowEnd for windowed kinds, the event time of the first firing for per-event kinds).
 */
export function backtestMatchKey(alert: Alert): string {
  const opened = alert.windowStart ?? alert.firstSeenAt ?? alert.eventTime;
  return `${alert.ruleId}\u0000${alert.key}\u0000${opened}\u0000${alert.windowEnd ?? ''}`;
}
