import type { ChannelType } from '@vigil/core/notifications';

/**
 * Least time between two messages to one channel, by type: Slack's incoming webhooks allow about one message
 * a second; Discord's webhooks 5 requests per 2 s (half a second keeps clear of it).
 */
export const DEFAULT_MIN_INTERVALS: Readonly<Partial<Record<ChannelType, number>>> = {
  slack: 1_000,
  discord: 500,
};

/**
 * Per channel, when the next message may go (in this notifier; several notifiers each keep their own, so the
 * pace across them is up to one message per interval each). `reserve` answers 0 and books the slot, or the
 * wait until a slot is free: the message is deferred by that much, not failed.
 */
export function createRateLimiter(
  intervals: Readonly<Partial<Record<ChannelType, number>>> = DEFAULT_MIN_INTERVALS,
) {
  const nextSlot = new Map<string, number>();
  return {
    reserve(channelId: string, type: ChannelType, now: number): number {
      const interval = intervals[type] ?? 0;
      if (interval <= 0) return 0;
      const free = nextSlot.get(channelId) ?? 0;
      if (free > now) return free - now;
      nextSlot.set(channelId, now + interval);
      return 0;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
