import { createMemoryBus } from '@vigil/adapters';
import { topicNames } from '@vigil/core';
import { uniqueName } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createEventTail, type EventTail, type EventTailOptions } from '../event-tail.ts';
import type { TailLimits } from '../tail-limits.ts';
import { createTailMetrics } from '../tail-metrics.ts';

const logger = pino({ level: 'silent' });

/**
 * A live tail for router tests: admission, caps and filters are real; its in-process bus has no topics, so
 * a stream that is attached is told `unavailable` and ends (router tests look at the answer, not the events).
 */
export function testEventTail(limits: Partial<TailLimits> = {}): EventTail {
  return createEventTail({
    bus: createMemoryBus({ logger }),
    topics: topicNames().events,
    metrics: createTailMetrics(new Registry()),
    logger,
    limits,
    timers: false,
  });
}

/**
 * A tail over an in-process bus whose event topics exist (two partitions each), with its own registry and
 * no timers (tests call tick()); `publish` puts events (objects, or raw text) on a source's topic.
 */
export async function memoryTail(options: Partial<Pick<EventTailOptions, 'limits' | 'now'>> = {}) {
  const bus = createMemoryBus({ logger });
  const topics = topicNames(uniqueName('tail')).events;
  await bus.start(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
  const registry = new Registry();
  const tail = createEventTail({
    bus,
    topics,
    metrics: createTailMetrics(registry),
    logger,
    timers: false,
    ...options,
  });
  return {
    tail,
    bus,
    topics,
    registry,
    publish: (source: keyof typeof topics, events: unknown[]) =>
      bus.publish(
        topics[source],
        events.map((e) => ({ key: null, value: typeof e === 'string' ? e : JSON.stringify(e) })),
      ),
    metric: async (name: string) => (await registry.getSingleMetric(name)?.get())?.values[0]?.value,
    async stop() {
      await tail.stop();
      await bus.stop();
    },
  };
}
