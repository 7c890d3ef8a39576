import type { Alert, PartitionOffsets } from '@vigil/core';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalProcessor,
  openLocalDatabase,
  startLocalProcessor,
  topics,
} from '../testing/local-processor.ts';
import type { RaisedAlert } from './alert-output.ts';
import { createIdleAlerts, type EvaluatedPartition } from './idle-alerts.ts';

const MINUTE = 60_000;

describe('idle alerts (absence rules on wall-clock idleness)', () => {
  describe('the idle check', () => {
    const setup = (high: string, lastBatchAt = 0, refuse = false) => {
      let ticks = 0;
      const written: RaisedAlert[][] = [];
      const refused: [string, number][] = [];
      const forgotten: string[] = [];
      const partition: EvaluatedPartition = {
        topic: 't',
        partition: 0,
        lastOffset: 9,
        lastBatchAt,
        engine: {
          tick: () => {
            ticks++;
            return [{ id: 'a1', ruleId: 'metrics.host-silent', source: 'metrics' } as Alert];
          },
        },
      };
      const idle = createIdleAlerts({
        bus: { topicOffsets: async (): Promise<PartitionOffsets[]> => [{ partition: 0, low: '0', high }] },
        partitions: () => [partition],
        idleAfterMs: 10_000,
        now: () => 60_000,
        logger: pino({ level: 'silent' }),
        write: async (raised) => {
          written.push(raised);
          return refuse ? raised.map((item) => ({ item, error: new Error('value too long') })) : [];
        },
        retryFor: () => (_what, op) => op(),
        link: (alert) => alert,
        forget: (ids) => forgotten.push(...ids),
        onRefused: (source, count) => refused.push([source, count]),
        onFatal: (err) => {
          throw err;
        },
      });
      const run = async () => {
        idle.tick();
        await idle.settled();
      };
      return { run, ticks: () => ticks, written, refused, forgotten };
    };

    it('logs and counts an idle alert the store refuses, and forgets its evidence link', async () => {
      const { run, refused, forgotten } = setup('10', 0, true);
      await run();
      expect(refused).toEqual([['metrics', 1]]);
      expect(forgotten).toEqual(['a1']);
    });

    it('ticks the engine of a partition the processor has read to its end, and writes what it raises', async () => {
      const { run, ticks, written } = setup('10');
      await run();
      expect(ticks()).toBe(1);
      expect(written).toEqual([[{ alert: expect.objectContaining({ id: 'a1' }), message: null }]]);
    });

    it('leaves a partition with newer messages alone: a backlog, or a partition another member now owns', async () => {
      const { run, ticks } = setup('11');
      await run();
      expect(ticks()).toBe(0);
    });

    it('leaves a partition alone that had a batch within idleAfterMs', async () => {
      const { run, ticks } = setup('10', 55_000);
      await run();
      expect(ticks()).toBe(0);
    });
  });

  describe('through the processor (in-process bus, PGlite)', () => {
    let database: Awaited<ReturnType<typeof openLocalDatabase>>;
    let local: LocalProcessor | undefined;
    beforeAll(async () => {
      database = await openLocalDatabase();
    }, 60_000);
    afterAll(async () => {
      await local?.close();
      await database?.close();
    });

    it('stores and publishes metrics.host-silent once when the metrics source stops altogether', async () => {
      local = await startLocalProcessor(database);
      const t = local.clock.now;
      const sample = (id: string, host: string, at: number) => ({
        id,
        ts: new Date(at).toISOString(),
        service: 'api',
        host,
        cpu: 10,
        latencyMs: 5,
      });
      await local.publish(topics.events.metrics, [
        sample('s1', 'h-idle', t - 5_000),
        sample('s2', 'h-idle', t),
      ]);
      await waitFor(
        async () => (await local!.metric('vigil_processor_events_total', { source: 'metrics' })) === 2,
      );
      const silent = async () =>
        (await database.store.queryAlerts({ ruleId: ['metrics.host-silent'] })).items as Alert[];
      local.clock.step(MINUTE);
      await local.processor.flush();
      expect(await silent()).toEqual([]);

      // 2 min 10 s (duration + lateness) after the last sample, with no event since: wall-clock idleness.
      local.clock.step(MINUTE + 11_000);
      const [alert, ...rest] = await waitFor(async () => {
        const found = await silent();
        return found.length > 0 ? found : null;
      });
      expect(rest).toEqual([]);
      expect(alert).toMatchObject({
        key: 'host=h-idle',
        service: 'api',
        eventTime: new Date(t + 2 * MINUTE).toISOString(),
      });
      expect(alert?.message).toMatch(/detected on wall-clock idleness$/);
      const published = await local.read(topics.alerts, 1);
      expect(published.map((m) => JSON.parse(Buffer.from(m.value).toString()).id)).toEqual([alert?.id]);

      // Ticks go on; the episode has fired, nothing more is raised.
      local.clock.step(10 * MINUTE);
      await local.processor.flush();
      await local.processor.flush();
      expect(await silent()).toHaveLength(1);
      expect(local.fatal).toEqual([]);
    });
  });
});
