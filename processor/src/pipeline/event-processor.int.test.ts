import { DLQ_HEADERS, type OutgoingMessage, type Source } from '@vigil/core';
import { describeWith, services, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  archivedEvents,
  createProcessorWorld,
  type ProcessorWorld,
  readTopic,
  startInProcess,
  storedAlerts,
} from '../testing/processor-fixture.ts';

const json = (value: unknown) => JSON.stringify(value);
const message = (value: string | object, key: string | null = null): OutgoingMessage => ({
  key,
  value: typeof value === 'string' ? value : json(value),
});

describeWith(['kafka', 'postgres', 's3'])('event processor against Kafka, PostgreSQL and S3', () => {
  let world: ProcessorWorld;
  beforeAll(async () => {
    world = await createProcessorWorld(services());
  });
  afterAll(async () => {
    await world?.close();
  });

  it('dead-letters each kind of malformed input with its reason while valid events keep flowing', async () => {
    const now = Date.now();
    const ts = new Date(now).toISOString();
    const valid = [
      { id: 'ok-1', ts, service: 'api', level: 'INFO', message: 'GET /health 200 in 3ms' },
      {
        id: 'ok-2',
        ts,
        service: 'api',
        level: 'ERROR',
        message: 'payment failed: card declined',
        userId: 'u-1',
      },
    ];
    const bad: [Source, string, RegExp][] = [
      ['logs', '{"ts": "2026-', /^invalid JSON/],
      ['logs', '[1,2,3]', /JSON object/],
      ['logs', json({ ts, service: 'api', level: 'FATAL', message: 'x' }), /^\/level/],
      ['metrics', json({ ts, service: 'api', host: 'h1', cpu: 500, latencyMs: 3 }), /^\/cpu/],
      ['logs', json({ ts, service: 'api', level: 'INFO', message: 'x'.repeat(70_000) }), /too large/],
      ['logs', json({ ts: '2099-01-01T00:00:00Z', service: 'api', level: 'INFO', message: 'x' }), /future/],
      // What PostgreSQL would refuse (or silently change) is stopped at the door, so it cannot poison a partition.
      ['logs', json({ ts: '0000-01-01T00:00:00Z', service: 'api', level: 'INFO', message: 'x' }), /^\/ts/],
      ['logs', json({ ts: '2026-02-30T00:00:00Z', service: 'api', level: 'INFO', message: 'x' }), /^\/ts/],
      [
        'logs',
        json({ id: 'n\u0000ul', ts, service: 'api', level: 'INFO', message: 'x' }),
        /^\/id: .*U\+0000/,
      ],
      ['logs', json({ ts, service: 'a\u0000pi', level: 'INFO', message: 'x' }), /^\/service: .*U\+0000/],
      [
        'logs',
        json({ ts, service: 'api', level: 'ERROR', message: 'x', userId: 'u\u0000' }),
        /^\/userId: .*U\+0000/,
      ],
    ];
    await world.bus.publish(world.topics.events.logs, [
      message(valid[0]!, 'api'),
      ...bad.filter(([s]) => s === 'logs').map(([, raw]) => message(raw, 'api')),
      message(valid[1]!, 'api'),
    ]);
    await world.bus.publish(world.topics.events.metrics, [message(bad[3]![1], 'h1')]);

    const processor = await startInProcess(world, 'dlq');
    try {
      const dlq = await readTopic(world, world.topics.dlq, bad.length);
      expect(dlq).toHaveLength(bad.length);
      for (const [source, raw, reason] of bad) {
        const record = dlq.find((m) => Buffer.from(m.value).toString() === raw);
        expect(record, `${source} ${raw.slice(0, 40)}`).toBeDefined();
        expect(record!.headers[DLQ_HEADERS.reason]).toMatch(reason);
        expect(record!.headers[DLQ_HEADERS.topic]).toBe(world.topics.events[source]);
      }
      // The valid "failed" log raised its alert, persisted and published despite the poison around it.
      const alerts = await waitFor(async () => {
        const stored = await storedAlerts(world);
        return stored.some((a) => a.ruleId === 'logs.failed-message') ? stored : null;
      });
      expect(alerts.map((a) => a.ruleId)).toEqual(['logs.failed-message']);
      const published = await readTopic(world, world.topics.alerts, 1);
      expect(JSON.parse(Buffer.from(published[0]!.value).toString())).toMatchObject({ id: alerts[0]!.id });
      await processor.flush();
      expect((await archivedEvents(world)).map((e) => e.id).sort()).toEqual(['ok-1', 'ok-2']);
      // The stored alert now names the archive object holding its evidence, and when it was published.
      const stored = await waitFor(async () => {
        const alert = await world.database.store.getAlert(alerts[0]!.id);
        return alert?.publishedAt && (alert.evidence?.archiveKeys.length ?? 0) > 0 ? alert : null;
      });
      expect(stored.evidence?.archiveKeys[0]).toMatch(/^raw\/source=logs\/date=/);
    } finally {
      await processor.stop();
    }
  });
});
