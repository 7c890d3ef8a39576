import { createBus } from '@vigil/adapters';
import { type BusMessage, EVENT_TOPICS, sourceOfTopic, topicNames } from '@vigil/core';
import { describeWith, services, uniqueName, waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { PEAK_TIME } from '../test-support/collect.ts';
import { createSimulator } from './create-simulator.ts';
import { PARTITION_KEY_FIELD } from './keying.ts';

const logger = pino({ level: 'silent' });
const COUNT = 3_000;

describeWith(['kafka'])('simulator publishing to Kafka', () => {
  const kafka = services().kafka;
  if (!kafka) return; // a skipped suite is still collected; nothing below may touch a null broker

  it('delivers every event to events.<source>, each key in one partition, in event-time order', async () => {
    const run = uniqueName('simulator');
    const topicOf = (topic: string) => `${topic}.${run}`;
    const bus = createBus({ brokers: kafka.brokers, clientId: run, logger });
    try {
      await bus.start(EVENT_TOPICS.map((topic) => ({ topic: topicOf(topic), partitions: 3 })));
      const simulator = createSimulator({
        // The real bus behind a renaming shim: this test's own topics, the simulator's own code path.
        bus: { publish: (topic, messages) => bus.publish(topicOf(topic), messages) },
        topicOf: (source) => topicNames().events[source],
        generator: { seed: 3, rate: 200, startTime: PEAK_TIME },
        scenarios: ['brute-force', 'fraud-burst'],
        logger,
        now: Date.now,
        paced: false,
        maxEvents: COUNT,
      });
      await simulator.start();
      expect(await simulator.finished()).toMatchObject({ sent: COUNT, dropped: 0 });

      const received: BusMessage[] = [];
      const consumer = bus.consumer({ groupId: run, topics: EVENT_TOPICS.map(topicOf), fromBeginning: true });
      await consumer.run(async (batch) => {
        received.push(...batch.messages);
      });
      await waitFor(() => received.length >= COUNT, {
        timeoutMs: 30_000,
        message: `${COUNT} events consumed`,
      });
      await consumer.stop();

      const partitionOfKey = new Map<string, number>();
      const lastTsOfKey = new Map<string, string>();
      for (const message of received) {
        const source = sourceOfTopic(message.topic.slice(0, -(run.length + 1)))!;
        const event = JSON.parse(Buffer.from(message.value).toString('utf8')) as Record<string, string>;
        expect(message.key).toBe(event[PARTITION_KEY_FIELD[source]]);
        const id = `${message.topic}/${message.key}`;
        expect(partitionOfKey.get(id) ?? message.partition).toBe(message.partition);
        partitionOfKey.set(id, message.partition);
        expect(event.ts! >= (lastTsOfKey.get(id) ?? '')).toBe(true);
        lastTsOfKey.set(id, event.ts!);
      }
      expect(received).toHaveLength(COUNT);
    } finally {
      await bus.stop();
    }
  });
});
