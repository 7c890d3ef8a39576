import { performance } from 'node:perf_hooks';
import type { NotificationStore } from '@vigil/db/notifications';
import { sendTestMessage } from '@vigil/notifier';
import type { Logger } from 'pino';
import type { ChannelTester } from './notification-ports.ts';

/** Longest receiver answer a test shows: enough to read an error page's message, not to carry one. */
export const TEST_ANSWER_CHARS = 1_000;

export interface NotifierChannelTesterOptions {
  store: Pick<NotificationStore, 'createTestNotification' | 'completeAttempt' | 'deferNotification'>;
  /** The dashboard's URL, for the test message's link; a function when it is known only once listening (port 0). */
  publicUrl: string | (() => string);
  logger: Logger;
  now?: () => number;
  timeoutMs?: number;
}

/**
 * The tester of `POST /api/channels/{id}/test`: the notifier's own sendTestMessage with that channel type's
 * sender, run in the gateway (no notifier needs to be up); the attempt is in the delivery log as kind `test`.
 */
export function notifierChannelTester(options: NotifierChannelTesterOptions): ChannelTester {
  const logger = options.logger.child({ module: 'channel-test' });
  return async (channelId) => {
    const started = performance.now();
    const delivery = await sendTestMessage(
      {
        store: options.store,
        publicUrl: typeof options.publicUrl === 'string' ? options.publicUrl : options.publicUrl(),
        logger,
        owner: 'gateway',
        now: options.now,
        timeoutMs: options.timeoutMs,
      },
      channelId,
    );
    if (!delivery) return null;
    const durationMs = Math.round(performance.now() - started);
    if (delivery.outcome === 'deferred') {
      // sendTestMessage sends without a rate limit and regardless of `enabled`: a test is never deferred.
      throw new Error('a test message was deferred');
    }
    const { result } = delivery;
    const text = result.ok ? result.response : result.error;
    return {
      outcome: result.ok ? 'sent' : 'failed',
      ok: result.ok,
      statusCode: result.statusCode,
      response: text.slice(0, TEST_ANSWER_CHARS),
      durationMs,
    };
  };
}
