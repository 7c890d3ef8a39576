import type { ClaimedNotification, NotificationStore } from '@vigil/db/notifications';
import type { Logger } from 'pino';
import type { NotifierMetrics } from '../metrics/notifier-metrics.ts';
import type { Senders } from '../senders/create-senders.ts';
import type { SendResult } from '../senders/sender.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { decideAfterFailure } from './retry-decision.ts';
import { testContent } from './test-content.ts';

/** A disabled channel's messages wait this long between looks (they go once it is enabled again). */
export const DISABLED_RECHECK_MS = 30_000;

export interface DeliverOptions {
  store: Pick<NotificationStore, 'completeAttempt' | 'deferNotification'>;
  senders: Senders;
  owner: string;
  now: () => number;
  publicUrl: string;
  timeoutMs: number;
  giveUpAfterMs: number;
  rateLimiter: RateLimiter;
  metrics: NotifierMetrics;
  logger: Logger;
  random?: () => number;
}

export type Delivery =
  | { outcome: 'sent' | 'retry' | 'failed'; result: SendResult }
  | { outcome: 'deferred'; until: number }
  | { outcome: 'lost'; result: SendResult };

/**
 * Sends one leased notification and records the attempt: sent; retry at the backoff or Retry-After time;
 * failed (not retriable, or past the give-up age, or the channel is gone). A rate-limited or disabled
 * channel defers it without an attempt. `retry: false` (test messages) records a retriable failure as failed.
 */
export async function deliver(
  options: DeliverOptions,
  claimed: ClaimedNotification,
  { retry = true }: { retry?: boolean } = {},
): Promise<Delivery> {
  const { store, metrics, now } = options;
  const type = claimed.channelType;
  const channel = claimed.channel;
  if (channel && !channel.enabled && claimed.kind !== 'test') {
    const until = now() + DISABLED_RECHECK_MS;
    await store.deferNotification({ id: claimed.id, owner: options.owner, until });
    return { outcome: 'deferred', until };
  }
  const wait = channel ? await options.rateLimiter.reserve(channel.id, type, now()) : 0;
  if (wait > 0) {
    const until = now() + wait;
    await store.deferNotification({ id: claimed.id, owner: options.owner, until });
    metrics.deferred.inc({ channel_type: type });
    return { outcome: 'deferred', until };
  }
  const started = now();
  const result: SendResult = channel
    ? await options.senders[type].send({
        notificationId: claimed.id,
        content: claimed.kind === 'test' ? testContent(claimed.id, started) : claimed.content,
        channel,
        threadExternalId: claimed.threadExternalId,
        publicUrl: options.publicUrl,
        timeoutMs: options.timeoutMs,
      })
    : { ok: false, retriable: false, statusCode: null, retryAfterMs: null, error: 'channel deleted' };
  const at = now();
  const durationMs = at - started;
  metrics.sendSeconds.observe({ channel_type: type }, durationMs / 1_000);
  const base = { id: claimed.id, owner: options.owner, at, durationMs, statusCode: result.statusCode };
  let outcome: 'sent' | 'retry' | 'failed';
  let held: boolean;
  if (result.ok) {
    outcome = 'sent';
    held = await store.completeAttempt({
      ...base,
      outcome,
      error: null,
      externalId: result.externalId,
      activityNote: `${type} ${channel?.name}: ${claimed.kind}${result.statusCode ? ` (${result.statusCode})` : ''}`,
    });
  } else {
    const decision = retry
      ? decideAfterFailure({
          retriable: result.retriable,
          retryAfterMs: result.retryAfterMs,
          attempt: claimed.attempts + 1,
          createdAt: claimed.createdAt,
          now: at,
          giveUpAfterMs: options.giveUpAfterMs,
          random: options.random,
        })
      : ({ outcome: 'failed', reason: null } as const);
    outcome = decision.outcome;
    const error =
      decision.outcome === 'failed' && decision.reason
        ? `${result.error} (${decision.reason})`
        : result.error;
    held = await store.completeAttempt({
      ...base,
      outcome,
      error,
      nextAttemptAt: decision.outcome === 'retry' ? decision.nextAttemptAt : undefined,
    });
    options.logger.warn(
      {
        notificationId: claimed.id,
        channelId: claimed.channelId,
        channelType: type,
        statusCode: result.statusCode,
        outcome,
        error,
      },
      'notification attempt failed',
    );
  }
  if (!held) {
    // The lease ran out mid-send and another notifier took the row: it decides; the attempt is on record.
    metrics.leaseLost.inc();
    options.logger.warn({ notificationId: claimed.id }, 'lease lost during send');
    return { outcome: 'lost', result };
  }
  const counter = outcome === 'sent' ? metrics.sent : outcome === 'retry' ? metrics.retried : metrics.failed;
  counter.inc({ channel_type: type });
  return { outcome, result };
}
