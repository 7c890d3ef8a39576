import type { Backoff } from './backoff.ts';
import type { RetryPolicy } from './retry.ts';

// Every retry policy of Vigil, each with the reason for its numbers. `as const satisfies` keeps the bounds
// readable as numbers (FEED_START.attempts) while checking the shape.

/** A dependency down at start-up or mid-stream (PostgreSQL, S3, Kafka): waited out forever, the partition pauses and nothing is skipped. */
export const TRANSIENT_FOREVER = { initialMs: 100, maxMs: 10_000 } as const satisfies RetryPolicy;

/** A bus consumer redelivering a batch whose handler threw: quick for a blip, gentle on a dependency that is down. */
export const REDELIVERY = { initialMs: 100, maxMs: 5_000 } as const satisfies Backoff;

/**
 * Kafka admin reads kafkajs does not retry itself: a coordinator moving or still loading is back in milliseconds,
 * but a busy broker answers NOT_LEADER for a partition it is still loading for seconds (5 tries over ~1.3 s
 * failed under CPU load): 8 tries over ~6 s, then the read reports the outage.
 */
export const ADMIN_READ = { initialMs: 100, maxMs: 2_000, attempts: 8 } as const satisfies RetryPolicy;

/**
 * Kafka topic creation and the metadata read after it, in bus.start(): metadata propagates in milliseconds, so
 * the first tries come quickly. A loaded single-broker CI machine needs a few seconds to elect leaders for a
 * dozen new topics and a controller fail-over can take ~30 s; past 45 s it is an outage, which start() reports
 * (the supervisor restarts the process) instead of hanging a deployment's start-up.
 */
export const TOPIC_SETUP = {
  initialMs: 100,
  maxMs: 2_000,
  deadlineMs: 45_000,
} as const satisfies RetryPolicy;

/** The gateway's alert feed start (a broker still loading its group coordinator): 8 tries over ~15 s, then start-up fails loudly. */
export const FEED_START = { initialMs: 250, maxMs: 4_000, attempts: 8 } as const satisfies RetryPolicy;

/** The simulator's publishes: an outage of the bus is waited out without limit, and recovery is noticed within 5 s. */
export const SIMULATOR_PUBLISH = { initialMs: 100, maxMs: 5_000 } as const satisfies RetryPolicy;

/** The dashboard's reconnects: quick after a gateway restart, gentle in a long outage; half random so open tabs do not all return in the same millisecond. */
export const UI_RECONNECT = { initialMs: 500, maxMs: 30_000, jitter: 0.5 } as const satisfies RetryPolicy;
/**
 * A notification whose receiver failed retriably (network error, 5xx, 429 without Retry-After): quick after a
 * blip, then every 5 min at most, so a receiver back from a long outage hears within minutes. The notifier
 * gives up only past its NOTIFIER_GIVE_UP_AFTER_MS (notifier/README.md, "Retries").
 */
export const NOTIFICATION_DELIVERY = { initialMs: 1_000, maxMs: 300_000 } as const satisfies Backoff;
