import type { NotificationStore } from '@vigil/db/notifications';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { createNotifierMetrics, type NotifierMetrics } from '../metrics/notifier-metrics.ts';
import { createSenders, type Senders } from '../senders/create-senders.ts';
import { type Delivery, deliver } from './deliver.ts';
import { NO_RATE_LIMIT } from './rate-limiter.ts';

/** A test message's lease: the send's own timeout bounds it. */
const TEST_LEASE_MS = 60_000;

export interface TestMessageOptions {
  store: Pick<NotificationStore, 'createTestNotification' | 'completeAttempt' | 'deferNotification'>;
  publicUrl: string;
  logger: Logger;
  /** Names the caller in the attempt (`gateway`, a notifier's instance id). */
  owner?: string;
  now?: () => number;
  timeoutMs?: number;
  senders?: Senders;
  metrics?: NotifierMetrics;
}

/**
 * What `POST /api/channels/{id}/test` runs, in any process (the gateway needs no notifier): sends a test
 * message to the channel now, disabled or not, records it in the delivery log as kind `test` (never retried,
 * never in an alert's trail) and answers the receiver's reply. Null when there is no such channel.
 * @example const delivery = await sendTestMessage({ store, publicUrl, logger }, channelId); // delivery.result.ok
 */
export async function sendTestMessage(
  options: TestMessageOptions,
  channelId: string,
): Promise<Delivery | null> {
  const now = options.now ?? Date.now;
  const owner = options.owner ?? 'test';
  const claimed = await options.store.createTestNotification({
    channelId,
    owner,
    now: now(),
    leaseMs: TEST_LEASE_MS,
  });
  if (!claimed) return null;
  return deliver(
    {
      store: options.store,
      senders: options.senders ?? createSenders({ now }),
      owner,
      now,
      publicUrl: options.publicUrl,
      timeoutMs: options.timeoutMs ?? 10_000,
      giveUpAfterMs: 0,
      // A test is one message on request: no rate limit to wait for.
      rateLimiter: NO_RATE_LIMIT,
      metrics: options.metrics ?? createNotifierMetrics(new Registry()),
      logger: options.logger,
    },
    claimed,
    { retry: false },
  );
}
