import { type Archive, DLQ_HEADERS, ERROR_CODES, UnavailableError, VigilError } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { waitFor } from '@vigil/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleEngine } from '../rules/index.ts';
import {
  type LocalProcessor,
  largeTransaction,
  openLocalDatabase,
  startLocalProcessor,
  topics,
} from '../testing/local-processor.ts';

const text = (value: Uint8Array) => Buffer.from(value).toString();
const idsOf = (messages: { value: Uint8Array }[]) => messages.map((m) => JSON.parse(text(m.value)).id);

describe('event processor', () => {
  let database: Awaited<ReturnType<typeof openLocalDatabase>>;
  const running: LocalProcessor[] = [];
  const start = async (
    ...args: Parameters<typeof startLocalProcessor> extends [unknown, ...infer R] ? R : never
  ) => {
    const local = await startLocalProcessor(database, ...args);
    running.push(local);
    return local;
  };
  beforeAll(async () => {
    database = await openLocalDatabase();
    // A refusal the database makes for a value validation allows (a CHECK the real schema does not have).
    await database.db.execute(
      "ALTER TABLE alerts ADD CONSTRAINT poison_test CHECK (user_id IS DISTINCT FROM 'poison-user')",
    );
  }, 60_000);
  afterAll(async () => {
    for (const local of running) await local.close();
    await database?.close();
  });

  describe('an alert the store refuses for its data', () => {
    it('dead-letters the event that raised it with the reason, and the rest of the batch goes on', async () => {
      const inserts: number[] = [];
      const local = await start({
        store: (store) => ({
          ...store,
          foldFirings: (firings, now) => {
            inserts.push(firings.length);
            return store.foldFirings(firings, now);
          },
        }),
      });
      const t = local.clock.now;
      // A clean batch first: its alerts cost one insert, as before poison handling existed.
      await local.publish(topics.events.transactions, [largeTransaction('clean-1', 'u-clean', t)]);
      await waitFor(async () => (await local.metric('vigil_processor_alerts_total')) === 1);
      expect(inserts).toEqual([1]);

      await local.bus.publish(
        topics.events.transactions,
        ['u-1', 'poison-user', 'u-2', 'u-3'].map((user, i) => ({
          key: 'k',
          value: JSON.stringify(largeTransaction(`mixed-${i}`, user, t + i)),
        })),
      );
      const [dead] = await local.read(topics.dlq, 1);
      expect(JSON.parse(text(dead!.value)).id).toBe('mixed-1');
      expect(dead!.headers[DLQ_HEADERS.reason]).toBe(
        'store refused the alert transactions.large-amount: new row for relation "alerts" violates check ' +
          'constraint "poison_test" (SQLSTATE 23514)',
      );
      expect(dead!.headers[DLQ_HEADERS.offset]).toBe('2');
      expect(dead!.headers[DLQ_HEADERS.topic]).toBe(topics.events.transactions);

      const published = await local.read(topics.alerts, 4);
      const users = published.map((m) => JSON.parse(text(m.value)).userId);
      expect(users).toEqual(['u-clean', 'u-1', 'u-2', 'u-3']);
      const stored = await database.store.queryAlerts({ ruleId: ['transactions.large-amount'], limit: 100 });
      expect(stored.items.map((a) => a.userId).sort()).toEqual(expect.arrayContaining(['u-1', 'u-2', 'u-3']));
      expect(stored.items.some((a) => a.userId === 'poison-user')).toBe(false);
      expect(await local.metric('vigil_processor_refused_events_total', { source: 'transactions' })).toBe(1);
      expect(local.fatal).toEqual([]);
      // The failed insert, then halves down to the refused alert; never one insert per alert.
      expect(inserts[1]).toBe(4);
      expect(inserts.length).toBeLessThanOrEqual(1 + 1 + 2 * 2);
    });
  });

  describe('a bug', () => {
    it('calls onFatal once, commits nothing past the last good batch, and evaluates nothing after it', async () => {
      const evaluated: string[] = [];
      const local = await start({
        options: {
          archiveLimits: { maxEvents: 1, maxBytes: 1 << 20, maxAgeMs: 60_000 }, // archived (committable) at once
          createEngine: () => {
            const engine = createRuleEngine({ rules: defaultRules(), now: Date.now });
            return {
              evaluate(input) {
                evaluated.push(String(input.event.id));
                if ((input.event as { userId?: string }).userId === 'bug-user') {
                  const rule = undefined as unknown as { threshold: number };
                  if (rule.threshold > 0) return { alerts: [] }; // a TypeError, as a rule with a bug throws
                }
                return engine.evaluate(input);
              },
            };
          },
        },
      });
      const t = local.clock.now;
      await local.publish(
        topics.events.transactions,
        [0, 1, 2].map((i) => largeTransaction(`ok-${i}`, 'u', t)),
      );
      const committed = async () =>
        (await local.bus.committedOffsets(local.groupId, topics.events.transactions))[0]?.offset;
      await waitFor(async () => (await committed()) === '3', { message: 'the good batch committed' });

      await local.publish(topics.events.transactions, [
        largeTransaction('bug', 'bug-user', t),
        largeTransaction('after', 'u', t),
      ]);
      await waitFor(() => local.fatal.length > 0, { message: 'onFatal called' });
      expect(local.fatal[0]).toBeInstanceOf(TypeError);
      expect(local.processor.health().status).toBe('failed');
      await expect(local.processor.healthProbe()).rejects.toThrow(/^processor stopped after a fatal error: /);
      await local.processor.stop();
      expect(local.fatal).toHaveLength(1);
      expect(await committed()).toBe('3');
      expect(evaluated.filter((id) => id === 'after')).toEqual([]);
      expect(evaluated.filter((id) => id === 'bug')).toEqual(['bug']); // not redelivered into the engine
    });
  });

  describe('the backpressure wait', () => {
    it('is woken by a fatal archive failure, so handle and stop() end', async () => {
      let refuse: ((err: unknown) => void) | undefined;
      const local = await start({
        archive: (archive): Archive => ({
          ...archive,
          // The write hangs until the test refuses it, non-retriably (a bucket policy, a key collision).
          put: () => new Promise<void>((_, reject) => (refuse = reject)),
        }),
        options: {
          maxPendingArchiveBytes: 1,
          archiveLimits: { maxEvents: 1, maxBytes: 1 << 20, maxAgeMs: 60_000 },
        },
      });
      await local.publish(topics.events.transactions, [largeTransaction('w-1', 'u', local.clock.now)]);
      // Both: the batch can show the wait before the archiver has called put (refusing then would refuse nothing).
      await waitFor(
        () =>
          refuse !== undefined &&
          local.processor.health().partitions[0]?.waitingOn === 'archive backpressure',
        { message: 'the batch waits for the archive, whose write has started' },
      );
      refuse!(new VigilError(ERROR_CODES.internal, 'the archive refused the object'));
      await waitFor(() => local.fatal.length > 0, { message: 'onFatal called' });
      await local.processor.stop(); // hung forever when fail() did not wake the waiter
      expect(local.processor.health().status).toBe('failed');
    });
  });

  describe('a partition that stalls', () => {
    it('shows in health, the probe and the gauge past the threshold, and clears when the batch goes through', async () => {
      let down = true;
      const local = await start({
        store: (store) => ({
          ...store,
          foldFirings: (firings, now) =>
            down
              ? Promise.reject(new UnavailableError('PostgreSQL at db:5432/vigil could not be reached'))
              : store.foldFirings(firings, now),
        }),
        options: { stallAfterMs: 60_000 },
      });
      const labels = { topic: topics.events.transactions, partition: 0 };
      await local.publish(topics.events.transactions, [largeTransaction('s-1', 'u-stall', local.clock.now)]);
      await waitFor(
        () => local.processor.health().partitions[0]?.waitingOn === 'store.foldFirings (retrying)',
      );
      expect(local.processor.health().status).toBe('ok'); // retrying, but not for long yet
      expect(await local.metric('vigil_processor_partition_stalled', labels)).toBe(0);

      local.clock.step(61_000);
      expect(local.processor.health()).toMatchObject({
        status: 'stalled',
        partitions: [{ ...labels, state: 'busy', stalled: true, offset: '0' }],
      });
      await expect(local.processor.healthProbe()).rejects.toThrow(
        `partition ${topics.events.transactions}/0 stalled: no batch finished for 61 s at offset 0, waiting on ` +
          'store.foldFirings (retrying) (last error: PostgreSQL at db:5432/vigil could not be reached)',
      );
      expect(await local.metric('vigil_processor_partition_stalled', labels)).toBe(1);
      expect(await local.metric('vigil_processor_partition_busy_seconds', labels)).toBeGreaterThanOrEqual(61);

      down = false;
      await waitFor(() => local.processor.health().status === 'ok', { message: 'the batch went through' });
      await expect(local.processor.healthProbe()).resolves.toBeUndefined();
      expect(await local.metric('vigil_processor_partition_stalled', labels)).toBe(0);
      expect(local.fatal).toEqual([]);
    });
  });

  describe('vigil_processor_events_total', () => {
    it('counts each event once when a rebalance delivers the partition again', async () => {
      // Commits held back (as the replay window does), so the partition comes back from its start.
      const local = await start({ options: { replayMs: 3_600_000 } });
      const t = local.clock.now;
      const events = [0, 1, 2, 3, 4].map((i) => ({
        id: `m-${i}`,
        ts: new Date(t).toISOString(),
        service: 'api',
        host: 'h1',
        cpu: 10,
        latencyMs: 5,
      }));
      await local.publish(topics.events.metrics, events, 'h1');
      const batches = () => local.metric('vigil_processor_batch_seconds_count');
      await waitFor(async () => (await batches()) === 1);
      expect(await local.metric('vigil_processor_events_total', { source: 'metrics' })).toBe(5);

      // A second member takes the metrics partition over and leaves without committing: it comes back.
      const seen: string[] = [];
      const other = local.bus.consumer({
        groupId: local.groupId,
        topics: Object.values(topics.events),
        fromBeginning: true,
        autoCommit: false,
      });
      await other.run(async (batch) => {
        seen.push(...idsOf(batch.messages));
      });
      await waitFor(() => seen.length === 5, { message: 'the other member read the partition' });
      await other.stop();
      await waitFor(async () => (await batches()) === 2, { message: 'the partition redelivered' });
      expect(await local.metric('vigil_processor_events_total', { source: 'metrics' })).toBe(5);
    });
  });
});
