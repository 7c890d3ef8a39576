import type { Alert } from '@vigil/core';

const timeOf = (alert: Alert) => Date.parse(alert.eventTime);

/**
 * Firings folded into episodes the way the alert store folds them (db/src/alert-episodes.ts): per rule and
 * key in event-time order, a firing more than `resolveAfterMs` after the previous one opens a new episode
 * (the open one resolved by event time); an episode is its first firing with `occurrences`, `firstSeenAt`,
 * `lastSeenAt` and the latest firing's value and message. Resolutions by wall-clock idleness or by a person
 * are not reproduced: a replay has neither.
 */
export function foldEpisodes(firings: readonly Alert[], resolveAfterMs: number): Alert[] {
  const byKey = new Map<string, Alert[]>();
  for (const firing of firings) {
    const group = `${firing.ruleId}\u0000${firing.key}`;
    const list = byKey.get(group);
    if (list) list.push(firing);
    else byKey.set(group, [firing]);
  }
  const episodes: Alert[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => timeOf(a) - timeOf(b) || (a.id < b.id ? -1 : 1));
    let open: { first: Alert; last: Alert; count: number } | null = null;
    const close = () => {
      if (!open) return;
      const { first, last, count } = open;
      episodes.push({
        ...first,
        value: last.value,
        message: last.message,
        occurrences: count,
        firstSeenAt: first.eventTime,
        lastSeenAt: last.eventTime,
        revision: 1, // a replay folds everything at once
      });
    };
    for (const firing of list) {
      if (open && timeOf(firing) - timeOf(open.last) <= resolveAfterMs) {
        open.last = firing;
        open.count += 1;
        continue;
      }
      close();
      open = { first: firing, last: firing, count: 1 };
    }
    close();
  }
  return episodes.sort((a, b) => timeOf(a) - timeOf(b) || (a.id < b.id ? -1 : 1));
}
