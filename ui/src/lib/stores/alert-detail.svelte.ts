import type { Alert } from '@vigil/core';
import { api } from '../api/api.ts';
import type { Rule } from '../api/normalize.ts';
import { relatedQuery } from '../detail/alert-timeline.ts';
import { applyUpdates, type FeedItem } from '../feed/feed-list.ts';
import { isNewer } from '../lifecycle/revisions.ts';
import { alertSocket } from './alert-socket.svelte.ts';

/** Related alerts shown on the detail page. */
const RELATED_MAX = 10;

/**
 * The alert detail page: the alert, its rule and its related alerts (same rule and key), kept live: a new
 * episode of the same rule and key joins the related list, and `update` frames replace the alert and related
 * ones by id when the revision is higher. `onChange` hears each later state of the alert shown.
 */
export function createAlertDetail({ onChange }: { onChange?: (alert: Alert) => void } = {}) {
  let alert = $state.raw<Alert | null>(null);
  let rule = $state.raw<Rule | null>(null);
  let related = $state.raw<FeedItem[]>([]);
  let status = $state<'loading' | 'ready' | 'missing' | 'error'>('loading');
  let error = $state<string | null>(null);
  let current = '';

  async function load(id: string): Promise<void> {
    current = id;
    status = 'loading';
    error = null;
    alert = null;
    rule = null;
    related = [];
    try {
      const found = await api.getAlert(id);
      if (current !== id) return;
      if (!found) {
        status = 'missing';
        return;
      }
      alert = found;
      status = 'ready';
      // Rule and related alerts are extras: a failure there leaves the alert itself on screen.
      const [rules, page] = await Promise.allSettled([api.rules(), api.listAlerts(relatedQuery(found))]);
      if (current !== id) return;
      if (rules.status === 'fulfilled') rule = rules.value.find((r) => r.id === found.ruleId) ?? null;
      if (page.status === 'fulfilled') {
        related = page.value.items
          .filter((a) => a.id !== found.id && a.key === found.key)
          .slice(0, RELATED_MAX)
          .map((a) => ({ alert: a, receivedAt: null }));
      }
    } catch (err) {
      if (current !== id) return;
      status = 'error';
      error = (err as Error).message;
    }
  }

  const onBatch = (batch: readonly FeedItem[]) => {
    const a = alert;
    if (!a) return;
    const known = new Set(related.map((r) => r.alert.id));
    const fresh = batch
      .filter(
        (i) =>
          i.alert.ruleId === a.ruleId &&
          i.alert.key === a.key &&
          i.alert.id !== a.id &&
          !known.has(i.alert.id),
      )
      .reverse();
    if (fresh.length > 0) related = [...fresh, ...related].slice(0, RELATED_MAX);
  };

  const onUpdates = (updates: ReadonlyMap<string, Alert>) => {
    related = applyUpdates(related, updates);
    const a = alert;
    const next = a && updates.get(a.id);
    if (a && next && isNewer(next, a)) {
      alert = next;
      onChange?.(next);
    }
  };

  return {
    get alert() {
      return alert;
    },
    get rule() {
      return rule;
    },
    get related() {
      return related;
    },
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    load,
    attach(): () => void {
      const offBatch = alertSocket.onBatch(onBatch);
      const offUpdates = alertSocket.onUpdates(onUpdates);
      return () => {
        offBatch();
        offUpdates();
      };
    },
  };
}
