import {
  type Bus,
  type BusConsumer,
  type ConsumerOptions,
  ERROR_CODES,
  type OutgoingMessage,
  VigilError,
} from '@vigil/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deferred, recorder, sorted, text, uniqueName, waitFor } from './bus-contract-helpers.ts';

const messagesOf = (prefix: string, count: number, from = 0): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({ key: `key-${from + i}`, value: `${prefix}-${from + i}` }));

const valuesOf = (prefix: string, count: number, from = 0): string[] =>
  messagesOf(prefix, count, from).map((m) => String(m.value));

/**
 * The one suite every Bus implementation passes (memory and Kafka); call it from the implementation's
 * test file. `makeBus` returns an unstarted bus; the suite starts it, makes its own topics and groups
 * with random names, and stops it at the end. Every test is deterministic: messages flow only while
 * group membership is stable, so "each message once" holds even where the port allows redelivery.
 */
export function runBusContract(name: string, makeBus: () => Promise<Bus> | Bus): void {
  describe(`${name} bus contract`, () => {
    let bus: Bus;
    const running: BusConsumer[] = [];
    const consumer = (options: ConsumerOptions): BusConsumer => {
      const created = bus.consumer(options);
      running.push(created);
      return created;
    };
    const topic = async (partitions: number): Promise<string> => {
      const created = uniqueName('topic');
      await bus.start([{ topic: created, partitions }]);
      return created;
    };
    const committed = async (groupId: string, name: string) =>
      (await bus.committedOffsets(groupId, name)).map((c) => c.offset);

    beforeAll(async () => {
      bus = await makeBus();
      await bus.start([]);
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((c) => c.stop()));
    });
    afterAll(async () => {
      await bus?.stop();
    });

    describe('topics', () => {
      it('creates missing topics with their partitions and leaves existing ones as they are', async () => {
        const name = await topic(3);
        await bus.start([{ topic: name, partitions: 5 }]);
        expect(await bus.topicOffsets(name)).toEqual(
          [0, 1, 2].map((partition) => ({ partition, low: '0', high: '0' })),
        );
        expect(await bus.committedOffsets(uniqueName('group'), name)).toEqual(
          [0, 1, 2].map((partition) => ({ partition, offset: null })),
        );
      });

      it('refuses to publish to a topic that was never created', async () => {
        const error = await bus
          .publish(uniqueName('missing'), [{ key: null, value: 'x' }])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(VigilError);
        expect((error as VigilError).code).toBe(ERROR_CODES.notFound);
      });
    });

    describe('publish and consume', () => {
      it('delivers keys, values, headers and timestamps as published', async () => {
        const name = await topic(2);
        const got = recorder();
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: true }).run(
          got.handler,
        );
        const bytes = new Uint8Array([0, 1, 2, 254, 255]);
        await bus.publish(name, [
          {
            key: 'k1',
            value: 'héllo',
            headers: { 'trace-id': 't-1', source: 'logs' },
            timestamp: 1_700_000_000_000,
          },
          { key: null, value: bytes },
        ]);
        await waitFor(() => got.messages().length === 2, 'both messages');

        const byKey = new Map(got.messages().map((m) => [m.key, m]));
        const first = byKey.get('k1')!;
        expect(text(first.value)).toBe('héllo');
        expect(first.headers).toEqual({ 'trace-id': 't-1', source: 'logs' });
        expect(first.timestamp).toBe(1_700_000_000_000);
        const second = byKey.get(null)!;
        expect(Buffer.from(second.value).equals(Buffer.from(bytes))).toBe(true);
        expect(second.headers).toEqual({});
        expect(Number.isFinite(second.timestamp) && second.timestamp > 0).toBe(true);
        for (const m of got.messages()) {
          expect(m.topic).toBe(name);
          expect([0, 1]).toContain(m.partition);
          expect(m.offset).toMatch(/^\d+$/);
        }
        for (const batch of got.batches) {
          expect(
            batch.messages.every((m) => m.partition === batch.partition && m.topic === batch.topic),
          ).toBe(true);
        }
      });

      it('writes a message with an explicit partition there, whatever its key hashes to', async () => {
        const name = await topic(3);
        const got = recorder();
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: true }).run(
          got.handler,
        );
        await bus.publish(
          name,
          Array.from({ length: 12 }, (_, i) => ({ key: 'one-key', value: `m-${i}`, partition: i % 3 })),
        );
        await waitFor(() => got.messages().length === 12, '12 messages');
        for (const m of got.messages()) expect(m.partition).toBe(Number(text(m.value).slice(2)) % 3);
        await expect(bus.publish(name, [{ key: null, value: 'x', partition: -1 }])).rejects.toMatchObject({
          code: ERROR_CODES.validation,
        });
      });

      it('keeps the order of each key across many messages and publishes', async () => {
        const name = await topic(4);
        const got = recorder();
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: true }).run(
          got.handler,
        );
        const keys = Array.from({ length: 10 }, (_, k) => `user-${k}`);
        for (let round = 0; round < 6; round += 1) {
          const batch = Array.from({ length: 50 }, (_, i) => {
            const seq = round * 5 + Math.floor(i / 10);
            const key = keys[i % 10]!;
            return { key, value: `${key}:${seq}` };
          });
          await bus.publish(name, batch);
        }
        await waitFor(() => got.messages().length >= 300, '300 messages');

        expect(got.messages()).toHaveLength(300);
        for (const key of keys) {
          const mine = got.messages().filter((m) => m.key === key);
          expect(mine.map((m) => Number(text(m.value).split(':')[1]))).toEqual(
            Array.from({ length: 30 }, (_, i) => i),
          );
          expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
          const offsets = mine.map((m) => BigInt(m.offset));
          expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!)).toBe(true);
        }
      });
    });

    describe('consumer groups', () => {
      it('gives every group every message', async () => {
        const name = await topic(3);
        await bus.publish(name, messagesOf('m', 10));
        const one = recorder();
        const two = recorder();
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: true }).run(
          one.handler,
        );
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: true }).run(
          two.handler,
        );
        await bus.publish(name, messagesOf('m', 10, 10));
        const all = valuesOf('m', 20);
        await waitFor(() => one.values().length >= 20 && two.values().length >= 20, 'both groups');
        expect(sorted(one.values())).toEqual(sorted(all));
        expect(sorted(two.values())).toEqual(sorted(all));
      });

      it('splits partitions between members and hands them over when one leaves', async () => {
        const name = await topic(4);
        const groupId = uniqueName('group');
        const a = recorder();
        const b = recorder();
        await consumer({ groupId, topics: [name], fromBeginning: true }).run(a.handler);
        const memberB = consumer({ groupId, topics: [name], fromBeginning: true });
        await memberB.run(b.handler);

        // Phase 1: membership is stable, so each message reaches exactly one member.
        await bus.publish(name, messagesOf('one', 40));
        await waitFor(() => a.values().length + b.values().length >= 40, 'phase one');
        expect(sorted([...a.values(), ...b.values()])).toEqual(sorted(valuesOf('one', 40)));
        const partitionsA = new Set(a.messages().map((m) => m.partition));
        const partitionsB = new Set(b.messages().map((m) => m.partition));
        expect(partitionsA.size).toBeGreaterThan(0);
        expect(partitionsB.size).toBeGreaterThan(0);
        expect([...partitionsA].some((p) => partitionsB.has(p))).toBe(false);
        const high = (await bus.topicOffsets(name)).map((p) => p.high).join();
        const caughtUp = async () => (await committed(groupId, name)).map((o) => o ?? '0').join() === high;
        await waitFor(caughtUp, 'phase one commits');

        // Phase 2: B leaves; A takes its partitions from the committed offsets and loses nothing.
        await memberB.stop();
        const seenByA = a.values().length;
        await bus.publish(name, messagesOf('two', 40, 40));
        await waitFor(() => new Set(a.values().slice(seenByA)).size >= 40, 'phase two');
        expect([...new Set(a.values().slice(seenByA))].sort()).toEqual(sorted(valuesOf('two', 40, 40)));
      });
    });

    describe('commits', () => {
      it('redelivers a batch whose handler threw, and a restarted member resumes after the last commit', async () => {
        const name = await topic(1);
        const groupId = uniqueName('group');
        await bus.publish(name, messagesOf('m', 5));
        const failed: string[][] = [];
        const first = recorder((batch) => {
          if (failed.length === 0) {
            failed.push(batch.messages.map((m) => text(m.value)));
            throw new Error('handler failure for the contract test');
          }
        });
        const one = consumer({ groupId, topics: [name], fromBeginning: true });
        await one.run(first.handler);
        await waitFor(() => first.values().includes('m-4'), 'redelivery');
        expect(first.batches[0]!.messages[0]!.offset).toBe('0');
        expect(first.values().slice(0, failed[0]!.length)).toEqual(failed[0]);
        expect(first.values()).toEqual(valuesOf('m', 5));
        await waitFor(async () => (await committed(groupId, name))[0] === '5', 'commit of 5');
        await one.stop();

        await bus.publish(name, messagesOf('m', 3, 5));
        const second = recorder();
        await consumer({ groupId, topics: [name], fromBeginning: true }).run(second.handler);
        await waitFor(() => second.values().includes('m-7'), 'the restarted member');
        expect(second.values()).toEqual(valuesOf('m', 3, 5));
        expect(second.messages()[0]!.offset).toBe('5');
        expect(await bus.topicOffsets(name)).toEqual([{ partition: 0, low: '0', high: '8' }]);
        await waitFor(async () => (await committed(groupId, name))[0] === '8', 'commit of 8');
      });

      it('with autoCommit off, commits only on commit() and redelivers from the last commit', async () => {
        const name = await topic(1);
        const groupId = uniqueName('group');
        await bus.publish(name, messagesOf('m', 3));
        let failOn: string | undefined;
        const got = recorder((batch) => {
          if (failOn && batch.messages.some((m) => text(m.value) === failOn)) {
            failOn = undefined;
            throw new Error('handler failure for the contract test');
          }
        });
        const manual = consumer({ groupId, topics: [name], fromBeginning: true, autoCommit: false });
        await manual.run(got.handler);
        await waitFor(() => got.values().length >= 3, 'first messages');
        expect(await committed(groupId, name)).toEqual([null]);

        await manual.commit([{ topic: name, partition: 0, offset: '2' }]);
        expect(await committed(groupId, name)).toEqual(['2']);
        const before = got.batches.length;
        failOn = 'm-3';
        await bus.publish(name, messagesOf('m', 2, 3));
        await waitFor(() => got.values().includes('m-4'), 'redelivery');
        // Handled but uncommitted (m-2) comes again: redelivery starts at the committed offset.
        expect(got.batches[before]!.messages[0]!.offset).toBe('2');
        expect(got.values().slice(-3)).toEqual(['m-2', 'm-3', 'm-4']);

        await manual.stop();
        expect(await committed(groupId, name)).toEqual(['2']);
        await expect(manual.commit([{ topic: name, partition: 0, offset: '5' }])).rejects.toThrow();
      });

      it('keeps redelivering through repeated failures of any error type, without losing the consumer', async () => {
        const name = await topic(1);
        let failuresLeft = 3;
        const got = recorder(() => {
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            // A TypeError and a non-retriable VigilError are what would stop a kafkajs consumer for good.
            if (failuresLeft % 2 === 0) throw new TypeError('handler bug for the contract test');
            throw new VigilError(ERROR_CODES.validation, 'non-retriable failure for the contract test');
          }
        });
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: true }).run(
          got.handler,
        );
        await bus.publish(name, messagesOf('m', 4));
        await waitFor(() => got.values().length >= 4, 'delivery after three failures');
        expect(failuresLeft).toBe(0);
        expect(got.values()).toEqual(valuesOf('m', 4));
      });

      it('stops promptly while a failing batch waits for redelivery, committing nothing', async () => {
        const name = await topic(1);
        const groupId = uniqueName('group');
        const failed = deferred();
        const member = consumer({ groupId, topics: [name], fromBeginning: true });
        await member.run(async () => {
          failed.resolve();
          throw new Error('always failing for the contract test');
        });
        await bus.publish(name, messagesOf('m', 2));
        await failed.promise;
        await member.stop();
        expect(await committed(groupId, name)).toEqual([null]);
      });

      it('finishes and commits the batch in flight when stopped', async () => {
        const name = await topic(1);
        const groupId = uniqueName('group');
        const entered = deferred();
        const gate = deferred();
        const order: string[] = [];
        const got = recorder(async () => {
          entered.resolve();
          await gate.promise;
          order.push('handled');
        });
        const member = consumer({ groupId, topics: [name], fromBeginning: true });
        await member.run(got.handler);
        await bus.publish(name, messagesOf('m', 3));
        await entered.promise;

        const stopping = member.stop().then(() => order.push('stopped'));
        // stop() cannot finish while the handler holds the batch; a short race shows it is still waiting.
        const pause = new Promise<string>((resolve) => setTimeout(() => resolve('waiting'), 100));
        const early = await Promise.race([stopping.then(() => 'stopped'), pause]);
        expect(early).toBe('waiting');
        gate.resolve();
        await stopping;
        expect(order).toEqual(['handled', 'stopped']);
        const handled = got.messages().length;
        expect(await committed(groupId, name)).toEqual([String(handled)]);
      });
    });

    describe('start position and seek', () => {
      it('starts a new group at the oldest message with fromBeginning, else at new messages only', async () => {
        const name = await topic(1);
        await bus.publish(name, messagesOf('old', 3));
        const early = recorder();
        const late = recorder();
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: true }).run(
          early.handler,
        );
        await consumer({ groupId: uniqueName('group'), topics: [name], fromBeginning: false }).run(
          late.handler,
        );
        await bus.publish(name, messagesOf('new', 3));
        await waitFor(() => early.values().length >= 6 && late.values().length >= 3, 'both groups');
        expect(early.values()).toEqual([...valuesOf('old', 3), ...valuesOf('new', 3)]);
        expect(late.values()).toEqual(valuesOf('new', 3));
      });

      it('moves a running member to an offset with seek', async () => {
        const name = await topic(1);
        const groupId = uniqueName('group');
        await bus.publish(name, messagesOf('m', 10));
        const got = recorder();
        const member = consumer({ groupId, topics: [name], fromBeginning: true });
        await member.run(got.handler);
        await waitFor(() => got.values().length >= 10, 'first pass');
        await waitFor(async () => (await committed(groupId, name))[0] === '10', 'commit of 10');

        member.seek(name, 0, '3');
        await waitFor(() => got.values().length >= 17, 'replay from offset 3');
        expect(got.values().slice(10)).toEqual(valuesOf('m', 7, 3));
        expect(got.messages()[10]!.offset).toBe('3');
        await waitFor(async () => (await committed(groupId, name))[0] === '10', 'commit after the replay');
      });
    });

    describe('misuse', () => {
      // A caller bug, not a concurrent change: `internal`, never `conflict`, and never retriable.
      const internal = { code: ERROR_CODES.internal, retriable: false };

      it('refuses seek() and commit() before run() and a second run() as internal errors', async () => {
        const name = await topic(1);
        const member = consumer({ groupId: uniqueName('group'), topics: [name] });
        expect(() => member.seek(name, 0, '0')).toThrow(expect.objectContaining(internal));
        await expect(member.commit([{ topic: name, partition: 0, offset: '0' }])).rejects.toMatchObject(
          internal,
        );
        await member.run(async () => {});
        await expect(member.run(async () => {})).rejects.toMatchObject(internal);
      });
    });
  });
}
