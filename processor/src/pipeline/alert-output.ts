import type { Alert, Bus, BusMessage } from '@vigil/core';
import type { ArchiveKeyUpdate } from '../archive/evidence-linker.ts';
import type { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import { type Refused, writeIsolatingRefusals } from './isolate-refusals.ts';

/** What the processor needs from the alert store (@vigil/db). */
export interface AlertWriter {
  /** Idempotent on alert id; resolves with the number of new rows. */
  insertAlerts(alerts: Alert[]): Promise<number>;
  addArchiveKeys(updates: ArchiveKeyUpdate[]): Promise<void>;
  markPublished(ids: readonly string[], publishedAt: string): Promise<void>;
}

/**
 * An alert with the message whose evaluation raised it: where a refusal is dead-lettered. Null for alerts no
 * message raised (absence seen on wall-clock idleness, idle-alerts.ts).
 */
export interface RaisedAlert {
  alert: Alert;
  message: BusMessage | null;
}

/** The processor's transient-failure retry, bound to the partition the alerts came from (for its health). */
export type Retry = <T>(what: string, op: () => Promise<T>) => Promise<T>;

export interface AlertOutputOptions {
  store: AlertWriter;
  bus: Bus;
  alertsTopic: string;
  metrics: ProcessorMetrics;
  now: () => number;
  /** Runs work off the hot path, after earlier background work (publishedAt is for REST, not for going on). */
  background: (what: string, op: () => Promise<void>) => void;
}

/**
 * Persists a batch's alerts, then publishes the ones stored. One insert for the whole batch; only when the
 * store refuses it for its data are the refused alerts found by bisecting and returned, unpublished, for
 * their events to be dead-lettered. Failures that are not the data's fault reject.
 */
export function createAlertOutput(options: AlertOutputOptions) {
  const { store, bus, metrics, now } = options;
  return async (raised: readonly RaisedAlert[], retry: Retry): Promise<Refused<RaisedAlert>[]> => {
    const refused = await writeIsolatingRefusals(raised, (batch) =>
      retry('store.insertAlerts', () => store.insertAlerts(batch.map((r) => r.alert))),
    );
    const rejected = new Set(refused.map((r) => r.item));
    const alerts = raised.filter((r) => !rejected.has(r)).map((r) => r.alert);
    if (alerts.length === 0) return refused;

    const publishedAt = now();
    const at = new Date(publishedAt).toISOString();
    const messages = alerts.map((alert) => ({
      key: null, // the alerts topic has one partition: its offset is the gateways' global cursor
      value: JSON.stringify({ ...alert, publishedAt: at }),
    }));
    await retry('bus.publish.alerts', () => bus.publish(options.alertsTopic, messages));
    const ids = alerts.map((alert) => alert.id);
    options.background('store.markPublished', () => store.markPublished(ids, at));
    for (const alert of alerts) {
      metrics.alerts.inc({ rule: alert.ruleId, severity: alert.severity });
      if (alert.ingestedAt) metrics.latency.observe((publishedAt - Date.parse(alert.ingestedAt)) / 1000);
    }
    return refused;
  };
}
