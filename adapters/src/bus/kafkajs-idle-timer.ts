import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (its last release) re-arms a check of its pending requests after every check, even with
 * nothing pending and no throttle, with a negative delay: every connection's request queue then runs a 1 ms
 * timer for as long as it lives (kafkajs#1556, #1704; the fixes upstream are unmerged). An idle processor
 * woke ≈ 900 times a second and spent ≈ 4 % of a core on it, on a machine whose every process has several
 * such queues. This keeps the method and skips only that case: a request pushed later while the queue cannot
 * send schedules its own check (push), and a throttled queue still checks when its throttle ends.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const require = createRequire(import.meta.url);
// The same file kafkajs's connections load (`./requestQueue`): one module, one prototype.
const RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: RequestQueue;
};

const PATCHED = Symbol.for('vigil.kafkajs.idle-timer');
const prototype = RequestQueueClass.prototype as RequestQueue & { [PATCHED]?: true };
if (!prototype[PATCHED]) {
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  prototype[PATCHED] = true;
}

/** The patched class, for its test. */
export const KafkaRequestQueue = RequestQueueClass as unknown as new (
  options: object,
) => RequestQueue & {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  maybeThrottle(ms: number | null): void;
  destroy(): void;
};
