import type { Channel, NotificationContent } from '@vigil/core/notifications';
import type { ClaimedNotification } from '@vigil/db/notifications';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { createNotifierMetrics } from '../metrics/notifier-metrics.ts';
import type { Senders } from '../senders/create-senders.ts';
import type { SendResult } from '../senders/sender.ts';
import { createDeliveryWorker } from './delivery-worker.ts';
import { NO_RATE_LIMIT } from './rate-limiter.ts';

const channel: Channel = {
  id: 'ch1',
  name: 'hook',
  type: 'webhook',
  config: { url: 'http://127.0.0.1:1/hook' } as Channel['config'],
  enabled: true,
  createdAt: '2026-12-03T00:00:00.000Z',
  updatedAt: '2026-12-03T00:00:00.000Z',
  updatedBy: 'test',
};
const content = {
  kind: 'firing',
  status: 'firing',
  groupKey: 'g',
  groupLabels: {},
  alerts: [],
} as unknown as NotificationContent;
const claimed = (i: number): ClaimedNotification => ({
  id: `n${i}`,
  seq: i,
  kind: 'firing',
  content,
  attempts: 0,
  createdAt: 0,
  channel,
  channelType: 'webhook',
  channelId: channel.id,
  threadExternalId: null,
});

/** An outbox of `total` due rows and a sender whose answers the test releases one by one. */
function world(total: number, concurrency: number) {
  const due = Array.from({ length: total }, (_, i) => claimed(i));
  const claims: number[] = [];
  const completed: string[] = [];
  const answers = new Map<string, (r: SendResult) => void>();
  const store = {
    claimNotifications: vi.fn(async ({ limit }: { limit: number }) => {
      claims.push(limit);
      return due.splice(0, limit);
    }),
    completeAttempt: vi.fn(async ({ id }: { id: string }) => {
      completed.push(id);
      return true;
    }),
    deferNotification: vi.fn(async () => true),
  };
  const sender = {
    send: ({ notificationId }: { notificationId: string }) =>
      new Promise<SendResult>((resolve) => answers.set(notificationId, resolve)),
  };
  const worker = createDeliveryWorker({
    store,
    senders: { webhook: sender } as unknown as Senders,
    owner: 'test',
    now: () => Date.now(),
    publicUrl: 'http://vigil.test',
    timeoutMs: 1_000,
    giveUpAfterMs: 60_000,
    rateLimiter: NO_RATE_LIMIT,
    metrics: createNotifierMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
    leaseMs: 60_000,
    concurrency,
    pollMs: 60_000,
  });
  const answer = (id: string) => {
    answers.get(id)!({ ok: true, statusCode: 200, externalId: null, response: 'ok' });
    answers.delete(id);
  };
  return { worker, claims, completed, answers, answer };
}

describe('delivery worker', () => {
  it('keeps `concurrency` sends in flight and refills a freed slot without waiting for the others', async () => {
    const w = world(10, 3);
    w.worker.start();
    await vi.waitFor(() => expect(w.answers.size).toBe(3));
    expect([...w.answers.keys()]).toEqual(['n0', 'n1', 'n2']);
    // n1 answers while n0 and n2 hang: its slot is claimed again at once, for one row.
    w.answer('n1');
    await vi.waitFor(() => expect([...w.answers.keys()].sort()).toEqual(['n0', 'n2', 'n3']));
    expect(w.completed).toEqual(['n1']);
    expect(w.claims).toEqual([3, 1]);
    // Never more than three at once, however the answers come.
    for (const id of ['n0', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9']) {
      await vi.waitFor(() => expect(w.answers.has(id)).toBe(true));
      expect(w.answers.size).toBeLessThanOrEqual(3);
      w.answer(id);
    }
    await vi.waitFor(() => expect(w.completed).toHaveLength(10));
    await w.worker.stop();
  });

  it('waits for the sends in flight to be recorded when stopped', async () => {
    const w = world(2, 4);
    w.worker.start();
    await vi.waitFor(() => expect(w.answers.size).toBe(2));
    let stopped = false;
    const stopping = w.worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    w.answer('n0');
    w.answer('n1');
    await stopping;
    expect(w.completed.sort()).toEqual(['n0', 'n1']);
  });
});
