import type { QueueStats } from '@vigil/db/notifications';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const byType = ['channel_type'] as const;

/** The notifier's Prometheus series, registered on the registry main.ts exposes. */
export function createNotifierMetrics(registry: Registry) {
  const registers = [registry];
  // Read from the store at scrape time, so the gauges need no timer and agree across notifiers.
  let queue: () => Promise<readonly QueueStats[]> = async () => [];
  let now: () => number = Date.now;
  return {
    /** Where the queue gauges read from. */
    watchQueue(read: () => Promise<readonly QueueStats[]>, clock: () => number): void {
      queue = read;
      now = clock;
    },
    sent: new Counter({
      name: 'vigil_notifier_sent_total',
      help: 'Notifications the receiver accepted',
      labelNames: byType,
      registers,
    }),
    failed: new Counter({
      name: 'vigil_notifier_failed_total',
      help: 'Notifications given up: refused by the receiver (4xx), past the give-up age, or their channel deleted',
      labelNames: byType,
      registers,
    }),
    retried: new Counter({
      name: 'vigil_notifier_retried_total',
      help: 'Attempts that failed retriably (network, 5xx, 429) and were scheduled again',
      labelNames: byType,
      registers,
    }),
    deferred: new Counter({
      name: 'vigil_notifier_deferred_total',
      help: 'Notifications held back by the per-channel rate limit (no attempt made)',
      labelNames: byType,
      registers,
    }),
    leaseLost: new Counter({
      name: 'vigil_notifier_lease_lost_total',
      help: 'Sends whose lease expired before they were recorded (another notifier took the row)',
      registers,
    }),
    sendSeconds: new Histogram({
      name: 'vigil_notifier_send_seconds',
      help: 'Time from the start of a send to the receiver answer (or the failure)',
      labelNames: byType,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    routed: new Counter({
      name: 'vigil_notifier_alert_records_total',
      help: 'Alert records consumed and routed',
      registers,
    }),
    invalid: new Counter({
      name: 'vigil_notifier_invalid_records_total',
      help: 'Records of the alerts topic that were not alerts (a bug upstream): skipped',
      registers,
    }),
    storeErrors: new Counter({
      name: 'vigil_notifier_store_errors_total',
      help: 'Database failures of the scheduler and delivery loops (each retried)',
      labelNames: ['operation'],
      registers,
    }),
    queued: new Gauge({
      name: 'vigil_notifier_queued',
      help: 'Notifications written and not yet sent or failed, per channel type',
      labelNames: byType,
      registers,
      async collect() {
        this.reset();
        for (const q of await queue()) this.set({ channel_type: q.channelType }, q.queued);
      },
    }),
    queueAge: new Gauge({
      name: 'vigil_notifier_queue_age_seconds',
      help: 'Age of the oldest notification not yet sent or failed, per channel type',
      labelNames: byType,
      registers,
      async collect() {
        this.reset();
        for (const q of await queue())
          if (q.oldestQueuedAt !== null)
            this.set({ channel_type: q.channelType }, Math.max(0, (now() - q.oldestQueuedAt) / 1_000));
      },
    }),
  };
}
export type NotifierMetrics = ReturnType<typeof createNotifierMetrics>;
