import {
  type Alert,
  alertError,
  type Bus,
  type BusConsumer,
  isAlert,
  retry,
  TRANSIENT_FOREVER,
} from '@vigil/core';
import type { NotificationStore } from '@vigil/db/notifications';
import type { Logger } from 'pino';
import type { NotifierMetrics } from '../metrics/notifier-metrics.ts';

/** Decodes one record of the alerts topic; null (logged, counted) when it is not an alert: a bug upstream. */
function decode(value: Uint8Array): { alert: Alert } | { reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value).toString('utf8'));
  } catch (err) {
    return { reason: `not JSON: ${(err as Error).message}` };
  }
  return isAlert(parsed) ? { alert: parsed } : { reason: alertError(parsed) ?? 'not an alert' };
}

/**
 * The notifier's consumer of the alerts topic, one consumer group for all notifiers: each batch of episode
 * states is routed into its groups in one store transaction, and the batch's offset is committed only
 * after that (the bus commits when the handler resolves). A redelivered batch changes nothing (revisions).
 * A database outage is retried without limit, holding the partition; any other store failure is a bug:
 * `onFatal`.
 */
export function createAlertConsumer(options: {
  bus: Bus;
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  store: Pick<NotificationStore, 'ingestAlerts'>;
  now: () => number;
  logger: Logger;
  metrics: NotifierMetrics;
  onRouted: () => void;
  onFatal: (err: unknown) => void;
}) {
  const { logger, metrics } = options;
  let consumer: BusConsumer | null = null;
  const stopping = new AbortController();

  return {
    async start(): Promise<void> {
      consumer = options.bus.consumer({
        groupId: options.groupId,
        topics: [options.topic],
        fromBeginning: options.fromBeginning,
      });
      await consumer.run(async (batch) => {
        const alerts: Alert[] = [];
        for (const message of batch.messages) {
          const decoded = decode(message.value);
          if ('alert' in decoded) alerts.push(decoded.alert);
          else {
            metrics.invalid.inc();
            logger.error(
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                reason: decoded.reason,
              },
              'not an alert',
            );
          }
        }
        if (alerts.length === 0) return;
        try {
          await retry(() => options.store.ingestAlerts(alerts, options.now()), {
            policy: TRANSIENT_FOREVER,
            signal: stopping.signal,
            onRetry: (err) => {
              metrics.storeErrors.inc({ operation: 'ingest' });
              logger.warn({ err }, 'routing alerts failed, retrying');
            },
          });
        } catch (err) {
          if (stopping.signal.aborted) throw err; // stopping: uncommitted, redelivered to the next owner
          options.onFatal(err);
          throw err;
        }
        metrics.routed.inc(alerts.length);
        options.onRouted();
      });
    },
    async stop(): Promise<void> {
      stopping.abort();
      await consumer?.stop();
    },
  };
}
