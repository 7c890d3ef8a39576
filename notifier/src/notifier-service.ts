import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Bus } from '@vigil/core';
import type { ChannelType } from '@vigil/core/notifications';
import type { NotificationStore } from '@vigil/db/notifications';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createDeliveryWorker } from './delivery/delivery-worker.ts';
import { createRateLimiter, DEFAULT_MIN_INTERVALS } from './delivery/rate-limiter.ts';
import { DEFAULT_GIVE_UP_AFTER_MS } from './delivery/retry-decision.ts';
import { sendTestMessage } from './delivery/send-test-message.ts';
import { createAlertConsumer } from './ingest/alert-consumer.ts';
import { createNotifierMetrics } from './metrics/notifier-metrics.ts';
import { createFlushScheduler } from './schedule/flush-scheduler.ts';
import { createSenders, type Senders } from './senders/create-senders.ts';

/** Consumer group of all notifiers: they share the alerts topic's partitions (and the database the work). */
export const DEFAULT_NOTIFIER_GROUP_ID = 'vigil-notifier';

/** Defaults of the runtime's knobs (README "Configuration"), each with its reason. */
export const NOTIFIER_DEFAULTS = {
  /** A minute: far longer than a send may take (sendTimeoutMs), short enough that a crash delays little. */
  leaseMs: 60_000,
  /** Receivers answer in milliseconds; one silent for 10 s is down, and the attempt is retried. */
  sendTimeoutMs: 10_000,
  /**
   * Sends in flight per notifier: with receivers answering in ~50 ms, 8 kept one notifier near 120 messages/s
   * and 32 near 250 (bench:notifier); a per-channel rate limit still paces Slack and Discord.
   */
  concurrency: 32,
  /** How often idle loops look for work another notifier wrote (their own work wakes them at once). */
  pollMs: 1_000,
  giveUpAfterMs: DEFAULT_GIVE_UP_AFTER_MS,
} as const;

export interface NotifierServiceOptions {
  bus: Bus;
  store: NotificationStore;
  alertsTopic: string;
  logger: Logger;
  registry: Registry;
  /** Base URL of the dashboard, for links in messages (VIGIL_PUBLIC_URL). */
  publicUrl: string;
  now?: () => number;
  groupId?: string;
  /** A new consumer group starts at the oldest alert (true) or only at new ones (false, default). */
  fromBeginning?: boolean;
  /** Names this notifier in leases and attempts; unique per process by default. */
  instanceId?: string;
  leaseMs?: number;
  sendTimeoutMs?: number;
  concurrency?: number;
  pollMs?: number;
  giveUpAfterMs?: number;
  minIntervals?: Partial<Record<ChannelType, number>>;
  /** Replaces the senders (tests of the runtime without receivers). */
  senders?: Senders;
  /** A store failure that is a bug: the caller must exit non-zero. */
  onFatal: (err: unknown) => void;
}

/**
 * The notifier: the alert consumer routes episodes into groups, the scheduler flushes due groups into the
 * outbox, the delivery worker sends what is due. Started in that order's reverse need (delivery first, so
 * work left by a crashed notifier goes out while the consumer joins its group), stopped consumer first.
 */
export function createNotifierService(options: NotifierServiceOptions) {
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ module: 'notifier' });
  const metrics = createNotifierMetrics(options.registry);
  metrics.watchQueue(() => options.store.queueStats(), now);
  const owner = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const pollMs = options.pollMs ?? NOTIFIER_DEFAULTS.pollMs;
  const deliverOptions = {
    store: options.store,
    senders: options.senders ?? createSenders({ now }),
    owner,
    now,
    publicUrl: options.publicUrl,
    timeoutMs: options.sendTimeoutMs ?? NOTIFIER_DEFAULTS.sendTimeoutMs,
    giveUpAfterMs: options.giveUpAfterMs ?? NOTIFIER_DEFAULTS.giveUpAfterMs,
    rateLimiter: createRateLimiter(options.store, { ...DEFAULT_MIN_INTERVALS, ...options.minIntervals }),
    metrics,
    logger: logger.child({ module: 'delivery' }),
  };
  const leaseMs = options.leaseMs ?? NOTIFIER_DEFAULTS.leaseMs;
  const worker = createDeliveryWorker({
    ...deliverOptions,
    leaseMs,
    concurrency: options.concurrency ?? NOTIFIER_DEFAULTS.concurrency,
    pollMs,
  });
  const scheduler = createFlushScheduler({
    store: options.store,
    now,
    pollMs,
    logger: logger.child({ module: 'scheduler' }),
    metrics,
    onWritten: () => worker.wake(),
  });
  const consumer = createAlertConsumer({
    bus: options.bus,
    topic: options.alertsTopic,
    groupId: options.groupId ?? DEFAULT_NOTIFIER_GROUP_ID,
    fromBeginning: options.fromBeginning ?? false,
    store: options.store,
    now,
    logger: logger.child({ module: 'alerts' }),
    metrics,
    onRouted: () => scheduler.wake(),
    onFatal: options.onFatal,
  });

  return {
    owner,
    metrics,
    async start(): Promise<void> {
      worker.start();
      scheduler.start();
      await consumer.start();
      logger.info({ owner }, 'notifier started');
    },
    /** Stops routing (its batch uncommitted if cut short), then flushing, then sending (the send in flight finishes). */
    async stop(): Promise<void> {
      await consumer.stop();
      await scheduler.stop();
      await worker.stop();
    },
    /**
     * Sends a test message to a channel now and answers the receiver's reply (POST /api/channels/{id}/test);
     * recorded in the delivery log like any notification, never retried. Null: no such channel.
     */
    /** sendTestMessage with this notifier's senders, metrics and instance id. */
    sendTestMessage: (channelId: string) =>
      sendTestMessage({ ...deliverOptions, owner, timeoutMs: deliverOptions.timeoutMs }, channelId),
  };
}
export type NotifierService = ReturnType<typeof createNotifierService>;
