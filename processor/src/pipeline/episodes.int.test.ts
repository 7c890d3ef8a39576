import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Alert } from '@vigil/core';
import { describeWith, services, waitFor } from '@vigil/harness';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProcessorWorld, type ProcessorWorld, storedAlerts } from '../testing/processor-fixture.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** Its waits (up to 60 s and 90 s) on a busy machine, two processor processes starting: more than the default 60 s. */
const TEST_MS = 240_000;
const RULE = 'metrics.latency-high';
const BREACHES = 1_000;
/** 1,000 samples in 10 minutes of event time. */
const STEP_MS = 600;
/** metrics.latency-high has no window: its episodes resolve after the 5 min default. */
const RESOLVE_AFTER_MS = 300_000;

const sample = (n: number, ts: number) => ({
  key: 'web-7',
  value: JSON.stringify({
    id: `lat-${n}`,
    ts: new Date(ts).toISOString(),
    service: 'checkout',
    host: 'web-7',
    cpu: 12,
    latencyMs: 1_500 + n,
  }),
});

describeWith(['kafka', 'postgres', 's3'])('episodes on Kafka, PostgreSQL and S3', () => {
  let world: ProcessorWorld;
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    world = await createProcessorWorld(services());
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await world?.close();
  });

  const startProcessor = (): ChildProcess => {
    // node --import tsx, not the tsx CLI: SIGKILL must hit the processor itself, not a wrapper.
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ...world.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    children.push(child);
    return child;
  };
  const exited = (child: ChildProcess) =>
    new Promise<[number | null, string | null]>((resolve) =>
      child.once('exit', (code, signal) => resolve([code, signal])),
    );
  const episodes = async (): Promise<Alert[]> => (await storedAlerts(world)).filter((a) => a.ruleId === RULE);
  const firingRows = async (): Promise<number> => {
    const result = await world.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from alert_firings f join alerts a on a.id = f.episode_id where a.rule_id = ${RULE}`,
    );
    return Number((result as unknown as { rows: { n: number }[] }).rows[0]!.n);
  };
  const stderr = () => logs.join('').slice(-2_000);

  it(
    'one host breaching 1,000 times in 10 minutes is one episode of 1,000, through a SIGKILL; a gap opens a second',
    async () => {
      const base = Date.now() - 30 * 60_000;
      const samples = Array.from({ length: BREACHES }, (_, n) => sample(n, base + n * STEP_MS));
      const half = BREACHES / 2;
      await world.bus.publish(world.topics.events.metrics, samples.slice(0, half));

      const first = startProcessor();
      await waitFor(async () => ((await episodes())[0]?.occurrences ?? 0) > 0, {
        timeoutMs: 60_000,
        message: `first processor folded firings (stderr: ${stderr()})`,
      });
      first.kill('SIGKILL');
      expect((await exited(first))[1]).toBe('SIGKILL');

      // The rest, with the first half's uncommitted firings redelivered to the next processor.
      await world.bus.publish(world.topics.events.metrics, samples.slice(half));
      const second = startProcessor();
      await waitFor(async () => ((await episodes())[0]?.occurrences ?? 0) >= BREACHES, {
        timeoutMs: 90_000,
        message: `second processor caught up (stderr: ${stderr()})`,
      });
      const [episode] = await episodes();
      expect(await episodes()).toHaveLength(1);
      expect(episode).toMatchObject({
        occurrences: BREACHES,
        status: 'open',
        key: 'host=web-7',
        firstSeenAt: new Date(base).toISOString(),
        lastSeenAt: new Date(base + (BREACHES - 1) * STEP_MS).toISOString(),
        value: 1_500 + BREACHES - 1,
      });
      expect(episode!.revision).toBeGreaterThan(1);

      // A breach after more than resolveAfterMs of event time without one: the first episode resolves.
      const lateTs = base + (BREACHES - 1) * STEP_MS + RESOLVE_AFTER_MS + 60_000;
      await world.bus.publish(world.topics.events.metrics, [sample(BREACHES, lateTs)]);
      await waitFor(async () => (await episodes()).length === 2, {
        timeoutMs: 60_000,
        message: `a second episode (stderr: ${stderr()})`,
      });
      second.kill('SIGTERM');
      expect((await exited(second))[0]).toBe(0);

      const [older, newer] = await episodes();
      expect(older).toMatchObject({
        id: episode!.id,
        occurrences: BREACHES,
        status: 'resolved',
        resolvedBy: 'system',
      });
      expect(older!.resolvedAt).not.toBeNull();
      expect(newer).toMatchObject({
        status: 'open',
        occurrences: 1,
        firstSeenAt: new Date(lateTs).toISOString(),
        resolvedBy: null,
      });
      // Every firing recorded once, whatever was redelivered after the SIGKILL.
      expect(await firingRows()).toBe(BREACHES + 1);
    },
    TEST_MS,
  );
});
