import type { ChannelType } from '@vigil/core/notifications';
import type { NotificationStore } from '@vigil/db/notifications';

/**
 * Least time between two messages to one channel, by type: Slack's incoming webhooks allow about one message
 * a second; Discord's webhooks 5 requests per 2 s (half a second keeps clear of it).
 */
export const DEFAULT_MIN_INTERVALS: Readonly<Partial<Record<ChannelType, number>>> = {
  slack: 1_000,
  discord: 500,
};

/**
 * Per channel, when the next message may go, kept in the store so every notifier sharing the outbox keeps one
 * pace between them. `reserve` answers 0 and books the slot, or the wait until a slot is free: the message is
 * deferred by that much, not failed. Types without an interval ask the store nothing.
 */
export function createRateLimiter(
  store: Pick<NotificationStore, 'reserveSendSlot'>,
  intervals: Readonly<Partial<Record<ChannelType, number>>> = DEFAULT_MIN_INTERVALS,
) {
  return {
    async reserve(channelId: string, type: ChannelType, now: number): Promise<number> {
      const intervalMs = intervals[type] ?? 0;
      if (intervalMs <= 0) return 0;
      return store.reserveSendSlot({ channelId, now, intervalMs });
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** For messages sent on request (test messages): nothing to wait for. */
export const NO_RATE_LIMIT: RateLimiter = { reserve: async () => 0 };
