import { DLQ_HEADERS } from '@vigil/core';
import { describeWith, type ServiceName, services, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  archivedEvents,
  createProcessorWorld,
  type ProcessorWorld,
  readTopic,
  startInProcess,
  storedAlerts,
} from '../testing/processor-fixture.ts';

/**
 * The poison of issue 10: year 0000, U+0000 and impossible dates, now stopped by validation at the door, and
 * an event that passes validation but that PostgreSQL refuses. For the latter the test makes the database
 * refuse a value validation allows, with a real refusal: a CHECK constraint on this test's own alerts table
 * (SQLSTATE class 23, as a NOT NULL or a stricter schema would raise).
 */
const POISON_USER = 'poison-user';
const REFUSAL =
  'store refused the alert transactions.large-amount: new row for relation "alerts" violates check constraint ' +
  '"poison_test" (SQLSTATE 23514)';

const largeTransaction = (id: string, userId: string, ts: string) =>
  JSON.stringify({ id, ts, userId, amount: 25_000, currency: 'EUR' });

const buses: [string, 'kafka' | 'memory', ServiceName[]][] = [
  ['Kafka', 'kafka', ['kafka', 'postgres', 's3']],
  ['the in-process bus', 'memory', ['postgres', 's3']],
];

for (const [name, bus, needs] of buses) {
  describeWith(needs)(`poison events on ${name} (real PostgreSQL and S3)`, () => {
    let world: ProcessorWorld;
    beforeAll(async () => {
      world = await createProcessorWorld(services(), 2, { bus });
      await world.database.db.execute(
        `ALTER TABLE alerts ADD CONSTRAINT poison_test CHECK (user_id IS DISTINCT FROM '${POISON_USER}')`,
      );
    });
    afterAll(async () => {
      await world?.close();
    });

    it('dead-letters the event whose alert PostgreSQL refuses, with the reason; the valid events around it raise, store and publish theirs', async () => {
      const ts = new Date().toISOString();
      const topic = world.topics.events.transactions;
      // One key: one partition, in order, so the poison sits in the middle of the batch the valid ones share.
      await world.bus.publish(topic, [
        { key: 'k', value: largeTransaction('before', 'u-before', ts) },
        { key: 'k', value: largeTransaction('poison', POISON_USER, ts) },
        { key: 'k', value: largeTransaction('year-0', 'u-year-0', '0000-01-01T00:00:00Z') },
        { key: 'k', value: largeTransaction('feb-30', 'u-feb-30', '2026-02-30T12:00:00Z') },
        { key: 'k', value: largeTransaction('nul', 'u\u0000nul', ts) },
        { key: 'k', value: largeTransaction('after-1', 'u-after-1', ts) },
        { key: 'k', value: largeTransaction('after-2', 'u-after-2', ts) },
      ]);
      const fatal: unknown[] = [];
      const processor = await startInProcess(world, 'poison', fatal);
      try {
        const dead = await readTopic(world, world.topics.dlq, 4);
        const reasons = Object.fromEntries(
          dead.map((m) => [JSON.parse(Buffer.from(m.value).toString()).id, m.headers[DLQ_HEADERS.reason]]),
        );
        expect(reasons).toEqual({
          poison: REFUSAL,
          'year-0': expect.stringMatching(/^\/ts: /),
          'feb-30': expect.stringMatching(/^\/ts: /),
          nul: expect.stringMatching(/^\/userId: must not contain U\+0000/),
        });
        const refused = dead.find((m) => m.headers[DLQ_HEADERS.reason] === REFUSAL)!;
        expect(refused.headers[DLQ_HEADERS.topic]).toBe(topic);
        expect(refused.headers[DLQ_HEADERS.offset]).toBe('1');

        // The partition goes on: a batch published after the poison is handled too.
        await world.bus.publish(topic, [{ key: 'k', value: largeTransaction('later', 'u-later', ts) }]);
        const users = ['u-before', 'u-after-1', 'u-after-2', 'u-later'];
        const alerts = await waitFor(async () => {
          const stored = await storedAlerts(world);
          return stored.length >= users.length ? stored : null;
        });
        expect(alerts.map((a) => a.userId).sort()).toEqual(users.sort());
        const published = await readTopic(world, world.topics.alerts, users.length);
        expect(published.map((m) => JSON.parse(Buffer.from(m.value).toString()).id).sort()).toEqual(
          alerts.map((a) => a.id).sort(),
        );
        expect(fatal).toEqual([]);
        expect(processor.health().status).toBe('ok');

        // The poison event is valid input: it is archived like the others; the DLQ says why it has no alert.
        await processor.flush();
        expect((await archivedEvents(world)).map((e) => e.id).sort()).toEqual(
          ['after-1', 'after-2', 'before', 'later', 'poison'].sort(),
        );
        const dlqSize = (await world.bus.topicOffsets(world.topics.dlq)).reduce(
          (sum, p) => sum + Number(p.high) - Number(p.low),
          0,
        );
        expect(dlqSize).toBe(4); // each once: nothing was redelivered into the DLQ again
      } finally {
        await processor.stop();
      }
    });
  });
}
