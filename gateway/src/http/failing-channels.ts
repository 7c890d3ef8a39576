import type { ChannelHealth } from '@vigil/db/notifications';

/** What `/api/health` (public) says of a failing channel: which one, not what its receiver answered. */
export interface FailingChannel {
  id: string;
  name: string;
  type: ChannelHealth['type'];
  failuresSinceSuccess: number;
  lastAttemptAt: string | null;
}

export type NotificationHealth =
  | { failingChannels: FailingChannel[] }
  | { failingChannels: null; error: string };

/**
 * The failing channels for `/api/health`, within `timeoutMs`. A store that cannot answer gives the error
 * instead: the database probe already turns an outage into a degraded status, this only reports.
 */
export async function failingChannels(
  channelHealth: () => Promise<ChannelHealth[]>,
  timeoutMs: number,
): Promise<NotificationHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const all = await Promise.race([Promise.resolve().then(channelHealth), timeout]);
    return {
      failingChannels: all
        .filter((c) => c.failing)
        .map((c) => ({
          id: c.channelId,
          name: c.name,
          type: c.type,
          failuresSinceSuccess: c.failuresSinceSuccess,
          lastAttemptAt: c.lastAttemptAt,
        })),
    };
  } catch (err) {
    return { failingChannels: null, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
