import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRetriable } from '@vigil/core';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runBusContract } from './bus-contract.ts';
import { recorder, waitFor } from './bus-contract-helpers.ts';
import { createMemoryBus, type MemoryBusOptions } from './memory-bus.ts';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
const freshDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bus-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const durable = (dir: string, extra: Partial<MemoryBusOptions> = {}) =>
  createMemoryBus({ logger, dir, retryBackoff: { initialMs: 10, maxMs: 50 }, ...extra });
const values = (n: number, prefix = 'm') =>
  Array.from({ length: n }, (_, i) => ({ key: null, value: `${prefix}-${i}` }));

runBusContract('memory (durable)', () => {
  // The contract suite makes one bus per test file run; each gets its own log directory.
  const dir = join(tmpdir(), `vigil-bus-contract-${process.pid}-${Date.now()}`);
  dirs.push(dir);
  return durable(dir);
});

describe('durable memory bus', () => {
  it('replays messages, offsets and committed positions after a restart', async () => {
    const dir = await freshDir();
    const first = durable(dir);
    await first.start([{ topic: 't', partitions: 2 }]);
    await first.publish('t', values(10));
    const got = recorder();
    const member = first.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true, autoCommit: false });
    await member.run(got.handler);
    await waitFor(() => got.values().length === 10, 'the first ten');
    // A reader that never commits (like the gateway's range reads) leaves nothing in the offsets file.
    const reader = first.consumer({
      groupId: 'throw-away',
      topics: ['t'],
      fromBeginning: true,
      autoCommit: false,
    });
    await reader.run(async () => {});
    await reader.stop();
    await member.commit([{ topic: 't', partition: 0, offset: '3' }]);
    const id = first.logId();
    await first.stop();

    const second = durable(dir);
    await second.start([{ topic: 't', partitions: 2 }]);
    expect(second.logId()).toBe(id);
    const saved = JSON.parse(await readFile(join(dir, 'offsets.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved)).toEqual(['g']);
    expect(await second.topicOffsets('t')).toEqual([
      { partition: 0, low: '0', high: '5' },
      { partition: 1, low: '0', high: '5' },
    ]);
    expect(await second.committedOffsets('g', 't')).toEqual([
      { partition: 0, offset: '3' },
      { partition: 1, offset: null },
    ]);
    await second.publish('t', values(2, 'after'));
    const again = recorder();
    await second.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(again.handler);
    // Partition 0 resumes after its commit; partition 1 never committed and starts from the oldest.
    await waitFor(() => again.values().length === 2 + 5 + 2, 'the replayed and new messages');
    const p0 = again.messages().filter((m) => m.partition === 0);
    expect(p0.map((m) => m.offset)).toEqual(['3', '4', '5']);
    await second.stop();
  });

  it('cuts a torn frame at the tail (a crash mid-write) and continues after the last intact one', async () => {
    const dir = await freshDir();
    const first = durable(dir);
    await first.start([{ topic: 't', partitions: 1 }]);
    await first.publish('t', values(3));
    await first.stop();
    const partitionDir = join(dir, 'topics', 't', '0');
    const [segment] = await readdir(partitionDir);
    await appendFile(join(partitionDir, segment!), Buffer.from([0, 0, 0, 40, 1, 2, 3]));

    const second = durable(dir);
    await second.start([{ topic: 't', partitions: 1 }]);
    await second.publish('t', values(1, 'next'));
    const got = recorder();
    await second.consumer({ groupId: 'g', topics: ['t'], fromBeginning: true }).run(got.handler);
    await waitFor(() => got.values().length === 4, 'all four');
    expect(got.values()).toEqual(['m-0', 'm-1', 'm-2', 'next-0']);
    await second.stop();

    const third = durable(dir);
    await third.start([]);
    expect(await third.topicOffsets('t')).toEqual([{ partition: 0, low: '0', high: '4' }]);
    await third.stop();
  });

  it('keeps a dead-letter topic like any other topic', async () => {
    const dir = await freshDir();
    const first = durable(dir);
    await first.start([{ topic: 'events.dlq', partitions: 1 }]);
    await first.publish('events.dlq', [{ key: 'k', value: 'bad', headers: { 'vigil-dlq-reason': 'why' } }]);
    await first.stop();
    const second = durable(dir);
    await second.start([]);
    const got = recorder();
    await second.consumer({ groupId: 'g', topics: ['events.dlq'], fromBeginning: true }).run(got.handler);
    await waitFor(() => got.messages().length === 1, 'the dead letter');
    expect(got.messages()[0]!.headers).toEqual({ 'vigil-dlq-reason': 'why' });
    await second.stop();
  });
});

describe('durable groups', () => {
  it('refuses a publish that would drop messages the group has not committed, whole', async () => {
    const bus = createMemoryBus({ logger, retention: 5, durableGroups: { proc: ['t'] } });
    await bus.start([{ topic: 't', partitions: 2 }]);
    // Keys chosen by partition: 'a' and 'b' hash to different partitions of two.
    const { partitionForKey } = await import('./key-partition.ts');
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const k0 = keys.find((k) => partitionForKey(k, 2) === 0)!;
    const k1 = keys.find((k) => partitionForKey(k, 2) === 1)!;
    await bus.publish(
      't',
      Array.from({ length: 5 }, (_, i) => ({ key: k0, value: `p0-${i}` })),
    );
    const refused = bus.publish('t', [
      { key: k1, value: 'would fit' },
      { key: k0, value: 'no room' },
    ]);
    await expect(refused).rejects.toThrow(/holds 5 messages not yet processed/);
    await refused.catch((err: unknown) => expect(isRetriable(err)).toBe(true));
    expect(await bus.topicOffsets('t')).toEqual([
      { partition: 0, low: '0', high: '5' },
      { partition: 1, low: '0', high: '0' },
    ]);

    const member = bus.consumer({ groupId: 'proc', topics: ['t'], fromBeginning: true, autoCommit: false });
    const got = recorder();
    await member.run(got.handler);
    await waitFor(() => got.values().length === 5, 'the backlog');
    await member.commit([{ topic: 't', partition: 0, offset: '2' }]);
    await bus.publish('t', [
      { key: k0, value: 'room for two' },
      { key: k0, value: 'and two' },
    ]);
    await expect(bus.publish('t', [{ key: k0, value: 'one too many' }])).rejects.toThrow(/not yet processed/);
    // Retention drops only what the group committed: offsets 0 and 1.
    expect((await bus.topicOffsets('t'))[0]).toEqual({ partition: 0, low: '2', high: '7' });
    await bus.stop();
  });

  it('drops freely beyond retention on topics no durable group reads', async () => {
    const bus = createMemoryBus({ logger, retention: 3, durableGroups: { proc: ['t'] } });
    await bus.start([{ topic: 'alerts', partitions: 1 }]);
    await bus.publish('alerts', values(10));
    expect(await bus.topicOffsets('alerts')).toEqual([{ partition: 0, low: '7', high: '10' }]);
    await bus.stop();
  });
});
