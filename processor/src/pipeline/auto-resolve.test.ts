import { createMemoryBus } from '@vigil/adapters';
import { type Alert, type BusMessage, vigilTopics } from '@vigil/core';
import { type Database, openDatabase } from '@vigil/db';
import { makeAlert } from '@vigil/db/testing';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessorMetrics } from '../metrics/processor-metrics.ts';
import { topics } from '../testing/local-processor.ts';
import { createAutoResolve } from './auto-resolve.ts';

const silent = pino({ level: 'silent' });
const MINUTE = 60_000;

describe('auto-resolve pass: the silence sweep', () => {
  let database: Database;
  const bus = createMemoryBus({ logger: silent });
  const received: BusMessage[] = [];
  beforeAll(async () => {
    database = await openDatabase({ logger: silent });
    await bus.start(vigilTopics(1));
    await bus
      .consumer({ groupId: 'reader', topics: [topics.alerts], fromBeginning: true })
      .run(async (batch) => {
        received.push(...batch.messages);
      });
  }, 120_000);
  afterAll(async () => {
    await bus.stop();
    await database?.close();
  });

  const published = () => received.map((m) => JSON.parse(Buffer.from(m.value).toString()) as Alert);

  it('publishes episodes a silence starts or stops applying to by the clock', async () => {
    const clock = { now: Date.now() };
    const autoResolve = createAutoResolve({
      store: database.store,
      bus,
      alertsTopic: topics.alerts,
      metrics: createProcessorMetrics(new Registry()),
      logger: silent,
      now: () => clock.now,
      streamTimes: () => ({}),
      retry: (_what, op) => op(),
      marks: { mark: (marks) => void database.store.markPublished(marks, marks[0]!.publishedAt) },
    });
    const alert = makeAlert({
      id: 'sweep-1',
      ruleId: 'metrics.latency-high',
      source: 'metrics',
      key: 'host=sweep-1',
      detectedAt: new Date(clock.now).toISOString(),
    });
    await database.store.foldFirings([{ alert, resolveAfterMs: 60 * MINUTE }], clock.now);
    const { silence } = await database.silences.create(
      {
        matchers: { key: 'host=sweep-1' },
        startsAt: new Date(clock.now + MINUTE).toISOString(),
        endsAt: new Date(clock.now + 2 * MINUTE).toISOString(),
        comment: 'window',
      },
      'alice',
      clock.now,
    );

    await autoResolve.runOnce();
    expect(published()).toEqual([]);
    clock.now += MINUTE;
    await autoResolve.runOnce();
    await waitFor(() => received.length === 1, { message: 'the silenced update' });
    expect(published()[0]).toMatchObject({ id: 'sweep-1', silencedBy: [silence.id], revision: 2 });
    clock.now += MINUTE;
    await autoResolve.runOnce();
    await waitFor(() => received.length === 2, { message: 'the unsilenced update' });
    expect(published()[1]).toMatchObject({ id: 'sweep-1', silencedBy: [], revision: 3 });
  });

  it('publishes a change a crash left unpublished, one pass after it first saw it, once', async () => {
    const registry = new Registry();
    const autoResolve = createAutoResolve({
      store: database.store,
      bus,
      alertsTopic: topics.alerts,
      metrics: createProcessorMetrics(registry),
      logger: silent,
      now: Date.now,
      streamTimes: () => ({}),
      retry: (_what, op) => op(),
      marks: { mark: (marks) => void database.store.markPublished(marks, marks[0]!.publishedAt) },
    });
    const republished = async () =>
      (await registry.getSingleMetric('vigil_processor_episodes_total')?.get())?.values.find(
        (v) => v.labels.outcome === 'republished',
      )?.value ?? 0;
    const alert = makeAlert({
      id: 'lost-1',
      ruleId: 'metrics.latency-high',
      source: 'metrics',
      key: 'host=lost-1',
      detectedAt: new Date().toISOString(),
    });
    // Folded and committed, then the processor died before publishing it.
    await database.store.foldFirings([{ alert, resolveAfterMs: 60 * MINUTE }], Date.now());
    const before = received.length;

    await autoResolve.runOnce();
    expect(await republished()).toBe(0); // younger than one pass: whoever made it may be publishing it
    await autoResolve.runOnce();
    expect(await republished()).toBe(1);
    await waitFor(() => received.length === before + 1, { message: 'the repaired publish' });
    expect(published().at(-1)).toMatchObject({ id: 'lost-1', revision: 1 });
    await waitFor(async () => !(await database.store.unpublishedChanges()).some((a) => a.id === 'lost-1'), {
      message: 'marked published',
    });
    await autoResolve.runOnce();
    await autoResolve.runOnce();
    expect(await republished()).toBe(1);
  });
});
