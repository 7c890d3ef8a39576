import { ERROR_CODES, UnavailableError, VigilError } from '@vigil/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runBusContract } from './bus-contract.ts';
import { deferred, recorder, uniqueName, waitFor } from './bus-contract-helpers.ts';
import { partitionForKey } from './key-partition.ts';
import { createMemoryBus } from './memory-bus.ts';

const logger = pino({ level: 'silent' });

runBusContract('memory', () => createMemoryBus({ logger, retryBackoff: { initialMs: 10, maxMs: 50 } }));

describe('memory bus', () => {
  it('keeps only the newest messages of a partition and moves the low offset up', async () => {
    const bus = createMemoryBus({ logger, retention: 5 });
    await bus.start([{ topic: 't', partitions: 1 }]);
    await bus.publish(
      't',
      Array.from({ length: 12 }, (_, i) => ({ key: null, value: `m-${i}` })),
    );
    expect(await bus.topicOffsets('t')).toEqual([{ partition: 0, low: '7', high: '12' }]);

    const got = recorder();
    await bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(got.handler);
    await waitFor(() => got.values().length >= 5, 'the retained messages');
    expect(got.values()).toEqual(['m-7', 'm-8', 'm-9', 'm-10', 'm-11']);
    await bus.stop();
  });

  it('stays within retention over many publishes', async () => {
    const bus = createMemoryBus({ logger, retention: 100 });
    await bus.start([{ topic: 't', partitions: 2 }]);
    for (let i = 0; i < 200; i += 1) {
      await bus.publish(
        't',
        Array.from({ length: 100 }, (_, j) => ({ key: null, value: `${i}-${j}` })),
      );
    }
    for (const { low, high } of await bus.topicOffsets('t')) {
      expect(Number(high) - Number(low)).toBe(100);
      expect(high).toBe('10000');
    }
    await bus.stop();
  });

  it('resets a member that fell behind retention to the oldest retained message', async () => {
    const bus = createMemoryBus({ logger, retention: 3 });
    await bus.start([{ topic: 't', partitions: 1 }]);
    const got = recorder();
    const member = bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true });
    await member.run(got.handler);
    await bus.publish('t', [{ key: null, value: 'a' }]);
    await waitFor(() => got.values().length === 1, 'the first message');
    // The member wakes for the seek only after this synchronous publish has appended everything.
    member.seek('t', 0, '0');
    await bus.publish(
      't',
      ['b', 'c', 'd', 'e'].map((value) => ({ key: null, value })),
    );
    await waitFor(() => got.values().includes('e'), 'the newest message');
    expect(got.values()).toEqual(['a', 'c', 'd', 'e']);
    await bus.stop();
  });

  it('hands out at most maxBatchSize messages per batch', async () => {
    const bus = createMemoryBus({ logger, maxBatchSize: 1000 });
    await bus.start([{ topic: 't', partitions: 1 }]);
    await bus.publish(
      't',
      Array.from({ length: 2500 }, (_, i) => ({ key: null, value: String(i) })),
    );
    const got = recorder();
    await bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(got.handler);
    await waitFor(() => got.values().length >= 2500, 'every message');
    expect(got.batches.map((b) => b.messages.length)).toEqual([1000, 1000, 500]);
    await bus.stop();
  });

  it('spreads null keys round-robin over the partitions', async () => {
    const bus = createMemoryBus({ logger });
    await bus.start([{ topic: 't', partitions: 3 }]);
    await bus.publish(
      't',
      Array.from({ length: 9 }, () => ({ key: null, value: 'x' })),
    );
    expect((await bus.topicOffsets('t')).map((p) => p.high)).toEqual(['3', '3', '3']);
    await bus.stop();
  });

  it('copies published bytes, so a caller reusing its buffer changes nothing', async () => {
    const bus = createMemoryBus({ logger });
    await bus.start([{ topic: 't', partitions: 1 }]);
    const buffer = new Uint8Array([1, 2, 3]);
    await bus.publish('t', [{ key: null, value: buffer }]);
    buffer[0] = 9;
    const got = recorder();
    await bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(got.handler);
    await waitFor(() => got.messages().length === 1, 'the message');
    expect([...got.messages()[0]!.value]).toEqual([1, 2, 3]);
    await bus.stop();
  });

  it('stamps messages with the injected clock', async () => {
    const bus = createMemoryBus({ logger, now: () => 42 });
    await bus.start([{ topic: 't', partitions: 1 }]);
    await bus.publish('t', [{ key: 'k', value: 'v' }]);
    const got = recorder();
    await bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(got.handler);
    await waitFor(() => got.messages().length === 1, 'the message');
    expect(got.messages()[0]!.timestamp).toBe(42);
    await bus.stop();
  });

  it('refuses consumers of unknown topics, a second run, and seeks before run', async () => {
    const bus = createMemoryBus({ logger });
    await bus.start([{ topic: 't', partitions: 1 }]);
    const missing = bus.consumer({ groupId: 'g', topics: [uniqueName('missing')] });
    await expect(missing.run(async () => {})).rejects.toMatchObject({ code: ERROR_CODES.notFound });
    const member = bus.consumer({ groupId: 'g', topics: ['t'] });
    expect(() => member.seek('t', 0, '0')).toThrow(VigilError);
    await member.run(async () => {});
    await expect(member.run(async () => {})).rejects.toMatchObject({ code: ERROR_CODES.internal });
    expect(() => member.seek('t', 0, 'abc')).toThrow(/decimal/);
    await bus.stop();
  });

  it('makes a member that gains a partition wait for the old owner to commit, so nothing repeats', async () => {
    const bus = createMemoryBus({ logger });
    await bus.start([{ topic: 't', partitions: 2 }]);
    const keyOfPartition1 = ['a', 'b', 'c', 'd', 'e', 'f'].find((k) => partitionForKey(k, 2) === 1)!;
    const entered = deferred();
    const gate = deferred();
    const a = recorder(async () => {
      entered.resolve();
      await gate.promise;
    });
    await bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(a.handler);
    await bus.publish(
      't',
      ['m0', 'm1', 'm2'].map((value) => ({ key: keyOfPartition1, value })),
    );
    await entered.promise;

    // Round-robin hands partition 1 to the newcomer while A still holds its batch.
    const b = recorder();
    await bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(b.handler);
    await bus.publish('t', [{ key: keyOfPartition1, value: 'm3' }]);
    gate.resolve();
    await waitFor(() => b.values().includes('m3'), 'the newcomer to read on');
    expect(a.values()).toEqual(['m0', 'm1', 'm2']);
    expect(b.values()).toEqual(['m3']);
    await bus.stop();
  });

  it('ignores a manual commit for a partition the member does not own', async () => {
    const bus = createMemoryBus({ logger });
    await bus.start([{ topic: 't', partitions: 2 }]);
    const first = bus.consumer({ groupId: 'g', topics: ['t'], autoCommit: false });
    await first.run(async () => {});
    await bus.consumer({ groupId: 'g', topics: ['t'], autoCommit: false }).run(async () => {});
    await first.commit([
      { topic: 't', partition: 0, offset: '4' },
      { topic: 't', partition: 1, offset: '7' },
    ]);
    expect(await bus.committedOffsets('g', 't')).toEqual([
      { partition: 0, offset: '4' },
      { partition: 1, offset: null },
    ]);
    await bus.stop();
  });

  it('stops every consumer and refuses work once stopped', async () => {
    const bus = createMemoryBus({ logger });
    await bus.start([{ topic: 't', partitions: 1 }]);
    await bus.consumer({ groupId: 'g', topics: ['t'] }).run(async () => {});
    await bus.stop();
    await expect(bus.publish('t', [{ key: null, value: 'x' }])).rejects.toBeInstanceOf(UnavailableError);
  });
});
