import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsArchive, createMemoryBus } from '@vigil/adapters';
import { type Alert, topicNames, vigilTopics } from '@vigil/core';
import { parseRules, type Rule, withRuleVersion } from '@vigil/core/rules';
import { waitFor } from '@vigil/harness';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessorService } from '../processor-service.ts';

const silent = pino({ level: 'silent' });
const PARTITIONS = 3;
const topics = topicNames();

/** A count rule in stage two (keyed by user) and a match rule in stage one, at the given version. */
function ruleSet(
  version: number,
  changes: { threshold?: number; enabled?: boolean; matchEnabled?: boolean },
) {
  const [count, match] = parseRules({
    rules: [
      {
        id: 'test.failures',
        title: 'Login failures',
        source: 'security',
        severity: 'high',
        kind: 'count',
        where: { field: 'action', eq: 'login_failure' },
        keyBy: ['userId'],
        threshold: changes.threshold ?? 10,
        windowMs: 60_000,
        enabled: changes.enabled ?? true,
      },
      {
        id: 'test.admin',
        title: 'Admin access',
        source: 'security',
        severity: 'low',
        kind: 'match',
        where: { field: 'resource', eq: '/admin' },
        keyBy: ['userId'],
        enabled: changes.matchEnabled ?? true,
      },
    ],
  }) as [Rule, Rule];
  return [withRuleVersion(count, version), withRuleVersion(match, version)];
}

/** A processor over the in-process bus whose store keeps every firing it is given. */
async function world(rules: readonly Rule[]) {
  const bus = createMemoryBus({ logger: silent });
  await bus.start(vigilTopics(PARTITIONS));
  const archive = createFsArchive({ root: await mkdtemp(join(tmpdir(), 'vigil-reload-')), logger: silent });
  await archive.start();
  const stored: Alert[] = [];
  const store = {
    insertAlerts: async (alerts: Alert[]) => {
      for (const a of alerts) if (!stored.some((s) => s.id === a.id)) stored.push(a);
      return alerts.length;
    },
    addArchiveKeys: async () => {},
    markPublished: async () => {},
  };
  const registry = new Registry();
  const { processor } = createProcessorService({
    bus,
    archive,
    store,
    rules,
    logger: silent,
    registry,
    topics,
    onFatal: (err) => {
      throw err;
    },
  });
  await processor.start();
  const t0 = Date.now() - 30_000;
  let n = 0;
  /** Security events of one user, from IPs on every partition, a second apart in event time. */
  const send = async (userId: string, count: number, extra: Record<string, string> = {}) => {
    const events = Array.from({ length: count }, () => {
      n++;
      return {
        id: `e${n}`,
        ts: new Date(t0 + n * 1_000).toISOString(),
        ip: `10.0.${n % 7}.${n}`,
        userId,
        action: 'login_failure',
        ...extra,
      };
    });
    await bus.publish(
      topics.events.security,
      events.map((e) => ({ key: e.ip, value: JSON.stringify(e) })),
    );
  };
  /** Waits until both stages have handled everything on the bus, copies included. */
  const settled = async () => {
    const handledAll = async (topic: string) => {
      const ends = await bus.topicOffsets(topic);
      const health = processor.health().partitions.filter((p) => p.topic === topic);
      return ends.every(
        ({ partition, high }) =>
          Number(high) === 0 ||
          health.some(
            (p) =>
              p.partition === partition &&
              p.state === 'idle' &&
              p.handledThrough === String(Number(high) - 1),
          ),
      );
    };
    await waitFor(() => handledAll(topics.events.security), { message: 'stage one handled every event' });
    await processor.flush(); // the copies are on the bus
    await waitFor(() => handledAll(topics.repartition), { message: 'stage two handled every copy' });
    await processor.flush(); // and the alerts stored
  };
  const metric = async (name: string) => (await registry.getSingleMetricAsString(name)).trim();
  const stop = async () => {
    await processor.stop();
    await bus.stop();
  };
  return { processor, stored, send, settled, metric, stop };
}

describe('hot reload', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('a lowered threshold fires on the count already in the window, at the new version', async () => {
    const w = await world(ruleSet(1, {}));
    stop = w.stop;
    await w.send('u1', 5); // half of the old threshold
    await w.settled();
    expect(w.stored).toEqual([]);

    w.processor.reload(ruleSet(2, { threshold: 6 }));
    await w.send('u1', 1); // the sixth: fires only if the five are still counted
    await w.settled();
    expect(w.stored.map((a) => [a.ruleId, a.key, a.value, a.ruleVersion])).toEqual([
      ['test.failures', 'userId=u1', 6, 2],
    ]);
    expect(await w.metric('vigil_processor_rule_version')).toContain(
      'vigil_processor_rule_version{rule="test.failures"} 2',
    );
    expect(await w.metric('vigil_processor_rules_reloaded_total')).toContain(
      'vigil_processor_rules_reloaded_total 1',
    );
  });

  it('an unchanged rule keeps its count across a reload and raises nothing twice', async () => {
    const w = await world(ruleSet(1, { threshold: 4 }));
    stop = w.stop;
    await w.send('u1', 4);
    await w.settled();
    expect(w.stored.map((a) => a.key)).toEqual(['userId=u1']);

    w.processor.reload(ruleSet(2, { threshold: 4, matchEnabled: false }));
    await w.send('u2', 3);
    await w.settled();
    w.processor.reload(ruleSet(3, { threshold: 4, matchEnabled: false }));
    await w.send('u2', 1); // u2's fourth, across two reloads
    await w.settled();
    expect(w.stored.map((a) => a.key)).toEqual(['userId=u1', 'userId=u2']); // u1's replayed firing: the same id
  });

  it('a disabled rule stops at once, in both stages', async () => {
    const w = await world(ruleSet(1, { threshold: 3 }));
    stop = w.stop;
    await w.send('u1', 1, { resource: '/admin' });
    await w.settled();
    expect(w.stored.map((a) => a.ruleId)).toEqual(['test.admin']);

    w.processor.reload(ruleSet(2, { threshold: 3, enabled: false, matchEnabled: false }));
    await w.send('u1', 5, { resource: '/admin' });
    await w.settled();
    expect(w.stored.map((a) => a.ruleId)).toEqual(['test.admin']);
    expect(await w.metric('vigil_processor_rule_version')).toContain(
      'vigil_processor_rule_version{rule="test.failures"} 0',
    );
  });
});
