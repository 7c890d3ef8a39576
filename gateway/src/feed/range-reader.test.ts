import { createMemoryBus } from '@vigil/adapters';
import { TimeoutError } from '@vigil/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { readRange } from './range-reader.ts';

const logger = pino({ level: 'silent' });

describe('readRange', () => {
  it('fails with a retriable TimeoutError when no batch arrives within the idle timeout', async () => {
    const bus = createMemoryBus({ logger });
    await bus.start([{ topic: 'alerts', partitions: 1 }]);
    try {
      // Offsets 0–2 were promised (below `to`) but the topic is empty: the read waits, then times out.
      const read = readRange({
        bus,
        topic: 'alerts',
        groupPrefix: 'test',
        from: 0,
        to: 3,
        onMessages: async () => {},
        idleTimeoutMs: 10,
        logger,
      });
      const failure = await read.catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(TimeoutError);
      expect(failure).toMatchObject({ code: 'timeout', retriable: true });
    } finally {
      await bus.stop();
    }
  });
});
