import { describe, expect, it } from 'vitest';
import { KafkaRequestQueue } from './kafkajs-idle-timer.ts';

const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const queueOf = () =>
  new KafkaRequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:9092',
    logger,
  });

describe('kafkajs request queue (kafkajs#1556)', () => {
  it('arms no timer when nothing is pending and nothing throttles it', () => {
    const queue = queueOf();
    queue.checkPendingRequests(); // what every fulfilled request ends with
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.destroy();
  });

  it('still checks again while throttled, and while requests are pending', () => {
    const throttled = queueOf();
    throttled.maybeThrottle(50);
    throttled.checkPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId!);
    throttled.destroy();

    const busy = queueOf();
    busy.pending.push({});
    busy.scheduleCheckPendingRequests();
    expect(busy.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(busy.throttleCheckTimeoutId!);
    busy.destroy();
  });
});
