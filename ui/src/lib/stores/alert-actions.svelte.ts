import type { Alert, AlertStatus } from '@vigil/core';
import { SvelteMap } from 'svelte/reactivity';
import { api } from '../api/api.ts';
import {
  changeable,
  DONE,
  describeBulk,
  type PendingChange,
  VERB,
  withPending,
} from '../lifecycle/optimistic.ts';
import { alertSocket } from './alert-socket.svelte.ts';
import { session } from './session.svelte.ts';

export interface ChangeReport {
  ok: boolean;
  /** For people: what happened, or why not (the gateway's words on a 4xx/5xx). */
  message: string;
}

/**
 * Acknowledge / resolve / reopen for every view of the tab, optimistic: the change shows at once on every
 * view of the alert (`shown`), the gateway's answer then reaches every view as if pushed, and the pushed
 * `update` of the same revision changes nothing; another status pushed meanwhile wins over the guess. A
 * refused or failed request drops the guess, so the view shows the alert as it was, and says why.
 */
class AlertActions {
  #pending = new SvelteMap<string, PendingChange>();

  /** The alert as the views show it: with a change in flight applied. */
  shown(alert: Alert): Alert {
    return withPending(alert, this.#pending.get(alert.id));
  }

  /** True while a change of this alert is in flight. */
  busy(id: string): boolean {
    return this.#pending.has(id);
  }

  /**
   * Sets `to` on those of `alerts` it applies to (see statusActions): one PATCH for one alert, one bulk
   * request for several.
   */
  async change(alerts: readonly Alert[], to: AlertStatus, note?: string): Promise<ChangeReport> {
    const targets = changeable(alerts, to).filter((a) => !this.#pending.has(a.id));
    if (targets.length === 0) return { ok: true, message: 'Nothing to change.' };
    const at = new Date().toISOString();
    const actor = session.me?.name ?? 'you';
    for (const a of targets) this.#pending.set(a.id, { from: a.status, to, actor, at });
    const text = note?.trim() || undefined;
    try {
      if (targets.length === 1) {
        const [only] = targets as [Alert];
        alertSocket.applyLocal([await api.updateStatus(only.id, to, text)]);
        return { ok: true, message: `${DONE[to]}.` };
      }
      const result = await api.bulkStatus(
        targets.map((a) => a.id),
        to,
        text,
      );
      alertSocket.applyLocal(result.items.flatMap((item) => (item.alert ? [item.alert] : [])));
      return describeBulk(result, to);
    } catch (err) {
      return { ok: false, message: `Could not ${VERB[to]}: ${(err as Error).message}` };
    } finally {
      // Answered: the views now hold the gateway's state (applied above), or the state before (refused).
      for (const a of targets) this.#pending.delete(a.id);
    }
  }
}

export const alertActions = new AlertActions();
