import { type ServerFrame, WS_CLOSE_CODES } from '@vigil/core';
import type { Logger } from 'pino';
import type { LiveMetrics, LostRange, RingEntry } from '../live/live-types.ts';
import type { Connection, Publish } from './connection.ts';
import type { FanoutLimits } from './fanout-limits.ts';
import type { CanonicalFilter } from './filter.ts';
import { createHeadWaiters } from './head-waiters.ts';
import { createSubscriptionGroups, type Group } from './subscription-groups.ts';

export interface DeliveryOptions {
  /** uWS app.publish: the only way alerts reach live subscribers. */
  publish: Publish;
  /** The feed's head offset, which replays waiting for a cursor ahead of this gateway wait on. */
  head: () => number;
  metrics: LiveMetrics;
  logger: Logger;
  now: () => number;
  limits: FanoutLimits;
  /** Runs the slow-client check: with delayMs 0 on the next turn, else after a timer (see FanoutOptions). */
  schedule: (task: () => void, delayMs: number) => void;
}

/** How frames reach sockets, and what happens to a socket that does not keep up. */
export interface Delivery {
  /** Sends one frame to one socket; false when it was not queued, or the socket was cut off (4008) for it. */
  send(conn: Connection, frame: string, op: ServerFrame['op']): boolean;
  /** Closes the socket with 4008 (slow consumer), counted under `reason`. */
  cutSlow(conn: Connection, reason: string): void;
  /** Makes the socket a live member of the group of `filter`. */
  join(conn: Connection, filter: CanonicalFilter): Group;
  leave(conn: Connection, group: Group): void;
  /** Resolves once the feed's head reaches `next` (or on abort); rejects after aheadWaitTimeoutMs. */
  waitForHead(next: number, signal: AbortSignal): Promise<void>;
  /** Publishes each entry once to every matching group, then schedules the slow-client check. */
  deliver(entries: readonly RingEntry[]): void;
  /** Closes every live member with 4010: the feed lost alerts they would have received. */
  lost(range: LostRange): void;
  readonly groups: number;
  /** Releases the replays waiting for the head. */
  stop(): void;
}

const SLOW_REASON = 'slow consumer';
const RESUME_REASON = 'alerts missed; resume from your last cursor';

/**
 * Live alerts go through uWS native pub/sub: one topic per distinct canonical filter, one publish per
 * matching group per alert, the frame serialized once by the feed. JavaScript never loops over sockets per
 * alert; every chunk's worth of bytes (or 100 ms) it checks the buffers of the groups that received
 * something and closes clients over the bound with 4008.
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { publish, head, metrics, logger, now, limits, schedule } = options;
  const groups = createSubscriptionGroups();
  /** The sockets in a group, in the order they joined: the ones a lost gap closes. */
  const live = new Set<Connection>();
  const headWaiters = createHeadWaiters();
  const dirty = new Set<Group>();
  /** Frame bytes published since the last check, and the pending check (soon: next turn; later: timer). */
  let bytesSinceCheck = 0;
  let pendingCheck: 'none' | 'soon' | 'later' = 'none';
  /** Bumped when a later check is replaced by a sooner one, so the stale timer does nothing. */
  let checkGeneration = 0;

  const countGroups = () => metrics.filterGroups.set(groups.size);

  const cutSlow = (conn: Connection, reason: string) => {
    if (conn.closed) return;
    metrics.slowClientsDropped.inc({ reason });
    logger.info({ connId: conn.id, buffered: conn.bufferedAmount(), reason }, 'slow client cut off');
    conn.close(WS_CLOSE_CODES.slowConsumer, SLOW_REASON);
  };

  const sweep = () => {
    pendingCheck = 'none';
    bytesSinceCheck = 0;
    const slow: Connection[] = [];
    for (const group of dirty) {
      for (const conn of group.members) if (conn.bufferedAmount() > limits.maxBufferedBytes) slow.push(conn);
    }
    dirty.clear();
    // Closed after the scan: closing runs the close callback, which edits the groups being read.
    for (const conn of slow) cutSlow(conn, 'live');
  };

  /**
   * Checking costs a native call per member of every group that received something, so it is batched:
   * on the next turn once checkBytes went out since the last check (which bounds how far any buffer can
   * grow unchecked, see hardBackpressureLimit), else checkIntervalMs after the first publish.
   */
  const requestCheck = () => {
    const soon = bytesSinceCheck >= limits.checkBytes;
    if (pendingCheck === 'soon' || (pendingCheck === 'later' && !soon)) return;
    pendingCheck = soon ? 'soon' : 'later';
    const generation = ++checkGeneration;
    schedule(
      () => {
        if (generation === checkGeneration) sweep();
      },
      soon ? 0 : limits.checkIntervalMs,
    );
  };

  return {
    send(conn, frame, op) {
      if (conn.closed || !conn.send(frame)) return false;
      metrics.framesSent.inc({ op });
      if (conn.bufferedAmount() > limits.maxBufferedBytes) {
        cutSlow(conn, 'direct');
        return false;
      }
      return true;
    },

    cutSlow,

    join(conn, filter) {
      const group = groups.join(conn, filter);
      live.add(conn);
      countGroups();
      return group;
    },

    leave(conn, group) {
      groups.leave(conn, group, conn.closed);
      live.delete(conn);
      countGroups();
    },

    waitForHead: (next, signal) => headWaiters.wait(next, head(), signal, limits.aheadWaitTimeoutMs),

    deliver(entries) {
      const at = now();
      for (const entry of entries) {
        metrics.alertsFannedOut.inc();
        metrics.deliveryLatency.observe(Math.max(0, at - entry.publishedAt) / 1000);
        if (groups.size === 0) continue;
        for (const group of groups.matching(entry.keys)) {
          publish(group.topic, entry.frame);
          metrics.framesSent.inc({ op: entry.op }, group.members.size);
          dirty.add(group);
          bytesSinceCheck += entry.frame.length;
        }
      }
      if (headWaiters.size > 0) headWaiters.advanced(head());
      if (dirty.size > 0) requestCheck();
    },

    lost(range) {
      // Only live members: a replaying client re-plans from the ring's new window by itself, reading
      // what the ring no longer covers from the bus.
      const members = [...live];
      logger.warn({ ...range, clients: members.length }, 'closing live subscribers after a lost gap');
      metrics.resumeRequired.inc(members.length);
      // Closed after the scan: closing runs the close callback, which edits the groups and clients.
      for (const conn of members) conn.close(WS_CLOSE_CODES.resumeRequired, RESUME_REASON);
    },

    get groups() {
      return groups.size;
    },

    stop: () => headWaiters.releaseAll(),
  };
}
