import type { Alert } from '@vigil/core';
import type {
  AttemptOutcome,
  Channel,
  ChannelType,
  NotificationContent,
  NotificationStatus,
  StoredPolicy,
} from '@vigil/core/notifications';

/** One attempt to send a notification, with the receiver's answer. */
export interface NotificationAttempt {
  at: string;
  outcome: AttemptOutcome;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One outbox row as the delivery log shows it. */
export interface NotificationRecord {
  id: string;
  channelId: string;
  channelType: ChannelType;
  kind: NotificationContent['kind'];
  status: NotificationStatus;
  alertIds: string[];
  groupKey: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
  externalId: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  attempts: NotificationAttempt[];
}

export interface NotificationQuery {
  alertId?: string;
  channelId?: string;
  status?: string;
  /** 1–200, default 50. */
  limit?: number;
  cursor?: string;
}

/** A notification leased to one notifier: what it needs to send it. */
export interface ClaimedNotification {
  id: string;
  seq: number;
  kind: NotificationContent['kind'];
  content: NotificationContent;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: number;
  /** The channel with its secrets, or null when it was deleted since. */
  channel: Channel | null;
  channelType: ChannelType;
  channelId: string;
  /** The receiver's id of the message this thread posted before (Discord's message id), if any. */
  threadExternalId: string | null;
}

/** How an attempt ended, as the notifier records it. */
export interface AttemptReport {
  id: string;
  owner: string;
  at: number;
  durationMs: number;
  outcome: Exclude<AttemptOutcome, 'deferred'>;
  statusCode: number | null;
  error: string | null;
  /** outcome 'retry': when to try again. */
  nextAttemptAt?: number;
  /** outcome 'sent': the receiver's message id (Discord), kept for later edits. */
  externalId?: string | null;
  /** outcome 'sent': a line for the alerts' activity trail ("slack ops: firing"). */
  activityNote?: string;
}

export interface ChannelHealth {
  channelId: string;
  name: string;
  type: ChannelType;
  enabled: boolean;
  /** Attempts that failed (retry or failed) since the channel's last success. */
  failuresSinceSuccess: number;
  /** failuresSinceSuccess ≥ the threshold asked for. */
  failing: boolean;
  lastError: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  /** Notifications not yet sent (pending or sending) and the oldest one's creation. */
  queued: number;
  oldestQueuedAt: string | null;
}

export interface QueueStats {
  channelType: ChannelType;
  queued: number;
  oldestQueuedAt: number | null;
}

export interface IngestResult {
  /** Group entries written (an alert in two groups counts twice); stale revisions are skipped. */
  changed: number;
  skipped: number;
}

export interface FlushResult {
  groups: number;
  notifications: number;
}

/**
 * The notification store: channels and the policy (what the REST API manages), the groups routed alerts
 * join, and the outbox with its attempts. Every runtime function is safe to run from several notifiers at
 * once: rows are locked with FOR UPDATE (SKIP LOCKED where work is shared), each write is one transaction.
 */
export interface NotificationStore {
  /** Validates (per-field problems), assigns an id, stores; answers the channel redacted. */
  createChannel(input: unknown, actor: string, now?: number): Promise<Channel>;
  listChannels(): Promise<Channel[]>;
  /** Redacted; null when absent. */
  getChannel(id: string): Promise<Channel | null>;
  /** Replaces name, type, config and enabled; a secret sent back as REDACTED keeps its stored value. Null when absent. */
  updateChannel(id: string, input: unknown, actor: string, now?: number): Promise<Channel | null>;
  /** False when absent; a ValidationError naming the routes when the policy still sends to it. */
  deleteChannel(id: string): Promise<boolean>;
  /** The channel with its secrets, for sending only: never return it from an API nor log it. */
  channelForSending(id: string): Promise<Channel | null>;

  getPolicy(): Promise<StoredPolicy>;
  /** Validates the body (every problem by field, unknown channel ids included), stores it as the next version. */
  putPolicy(input: unknown, actor: string, now?: number): Promise<StoredPolicy>;

  /** Routes alerts (full episode states) into their groups in one transaction; older revisions are skipped. */
  ingestAlerts(alerts: readonly Alert[], now: number): Promise<IngestResult>;
  /** Flushes up to `limit` due groups (SKIP LOCKED), writing their messages to the outbox in the same transaction. */
  flushDueGroups(options: { now: number; limit?: number }): Promise<FlushResult>;
  /** The earliest due time of any group (ms), or null: when the scheduler should look again. */
  nextFlushAt(): Promise<number | null>;

  /**
   * Leases up to `limit` notifications due now (pending and due, or sending with an expired lease) to `owner`
   * for `leaseMs`, SKIP LOCKED, never one whose thread has an earlier message still unsent.
   */
  claimNotifications(options: {
    owner: string;
    now: number;
    limit: number;
    leaseMs: number;
  }): Promise<ClaimedNotification[]>;
  /** Records an attempt and its effect; false when the lease was lost meanwhile (the attempt is recorded anyway). */
  completeAttempt(report: AttemptReport): Promise<boolean>;
  /** Puts a leased notification back until `until` without an attempt (a rate limit held it back). */
  deferNotification(options: { id: string; owner: string; until: number }): Promise<boolean>;
  /**
   * The channel's rate limit, shared by every notifier: books the slot `[now, now + intervalMs)` and answers 0
   * when the previous one has passed, else the ms until it does (nothing booked: the caller defers and asks
   * again then). A deleted channel answers 0.
   */
  reserveSendSlot(options: { channelId: string; now: number; intervalMs: number }): Promise<number>;
  /** A test message for a channel, leased to `owner` at once (sendTestMessage sends it); null: no such channel. */
  createTestNotification(options: {
    channelId: string;
    owner: string;
    now: number;
    leaseMs: number;
  }): Promise<ClaimedNotification | null>;

  /** The delivery log, newest first, each with every attempt. */
  listNotifications(
    query?: NotificationQuery,
  ): Promise<{ items: NotificationRecord[]; nextCursor: string | null }>;
  /** Per channel: failures since the last success, the queue; `failing` from `failingAfter` (default 3). */
  channelHealth(options?: { failingAfter?: number }): Promise<ChannelHealth[]>;
  /** Unsent notifications per channel type, for the queue-age metric. */
  queueStats(): Promise<QueueStats[]>;
  /** Deletes sent/failed notifications and finished group entries older than `before`; the count deleted. */
  prune(before: number): Promise<number>;
}
