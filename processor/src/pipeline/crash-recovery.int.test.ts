import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OutgoingMessage, Source } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { describeWith, services, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRuleEngine } from '../rules/index.ts';
import {
  archivedEvents,
  createProcessorWorld,
  type ProcessorWorld,
  storedAlerts,
} from '../testing/processor-fixture.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** Its waits (up to 60 s and 90 s) on a busy machine, two processor processes starting: more than the default 60 s. */
const TEST_MS = 240_000;

interface Sent {
  source: Source;
  key: string;
  event: Record<string, unknown> & { id: string; ts: string };
}

/** A minute of traffic with an error spike, a brute-force login and large transactions inside it. */
function traffic(base: number): Sent[] {
  const events: Sent[] = [];
  const at = (ms: number) => new Date(base + ms).toISOString();
  for (let i = 0; i < 3_000; i++) {
    const service = ['api', 'search', 'auth'][i % 3]!;
    events.push({
      source: 'logs',
      key: service,
      event: { id: `n-${i}`, ts: at(i * 20), service, level: 'INFO', message: 'GET /v1/items 200' },
    });
  }
  for (let i = 0; i < 30; i++) {
    events.push({
      source: 'logs',
      key: 'payments',
      event: {
        id: `e-${i}`,
        ts: at(5_000 + i * 1_000),
        service: 'payments',
        level: 'ERROR',
        message: 'upstream timeout talking to ledger',
      },
    });
  }
  for (let i = 0; i < 8; i++) {
    events.push({
      source: 'security',
      key: 'mallory',
      event: {
        id: `b-${i}`,
        ts: at(40_000 + i * 500),
        ip: '203.0.113.66',
        action: 'login_failure',
        userId: 'mallory',
      },
    });
  }
  for (let i = 0; i < 2; i++) {
    events.push({
      source: 'transactions',
      key: `whale-${i}`,
      event: { id: `t-${i}`, ts: at(50_000 + i), userId: `whale-${i}`, amount: 25_000, currency: 'EUR' },
    });
  }
  return events.sort((a, b) => Date.parse(a.event.ts) - Date.parse(b.event.ts));
}

/** What a single uninterrupted engine raises for the same events: the ids the crash must not change. */
function expectedAlertIds(events: Sent[]): string[] {
  const engine = createRuleEngine({ rules: defaultRules(), now: Date.now });
  const ids = events.flatMap(({ source, event }, offset) =>
    engine
      .evaluate({ source, event, ref: { topic: source, partition: 0, offset: String(offset) } })
      .alerts.map((a) => a.id),
  );
  return [...new Set(ids)].sort();
}

describeWith(['kafka', 'postgres', 's3'])('processor crash recovery', () => {
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
    // node --import tsx, not the tsx CLI: the CLI is a wrapper process, and SIGKILL must hit the processor itself.
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ...world.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    children.push(child);
    return child;
  };
  const publish = async (events: Sent[]) => {
    for (const source of ['logs', 'metrics', 'transactions', 'security'] as const) {
      const messages: OutgoingMessage[] = events
        .filter((e) => e.source === source)
        .map((e) => ({ key: e.key, value: JSON.stringify(e.event) }));
      if (messages.length > 0) await world.bus.publish(world.topics.events[source], messages);
    }
  };

  it(
    'leaves every expected anomaly stored exactly once and every raw event archived once after a SIGKILL',
    async () => {
      const events = traffic(Date.now() - 90_000);
      const expected = expectedAlertIds(events);
      expect(expected.length).toBeGreaterThanOrEqual(4); // error spike, brute force, two large amounts

      const half = Math.floor(events.length / 2);
      await publish(events.slice(0, half));
      const first = startProcessor();
      // Mid-run: some alerts stored and some raw objects written, more still in flight.
      await waitFor(
        async () => (await storedAlerts(world)).length > 0 && (await world.archive.list('raw/')).length > 0,
        {
          timeoutMs: 60_000,
          message: `first processor made progress (stderr: ${logs.join('').slice(-2_000)})`,
        },
      );
      first.kill('SIGKILL');
      const [, signal] = await new Promise<[number | null, string | null]>((resolve) =>
        first.once('exit', (code, sig) => resolve([code, sig])),
      );
      expect(signal).toBe('SIGKILL');

      await publish(events.slice(half));
      const second = startProcessor();
      await waitFor(
        async () => {
          const ids = new Set((await storedAlerts(world)).map((a) => a.id));
          const archived = await archivedEvents(world);
          return expected.every((id) => ids.has(id)) && archived.length >= events.length;
        },
        { timeoutMs: 90_000, message: `second processor caught up (stderr: ${logs.join('').slice(-2_000)})` },
      );
      second.kill('SIGTERM');
      const code = await new Promise((resolve) => second.once('exit', resolve));
      expect(code).toBe(0);

      const stored = (await storedAlerts(world)).map((a) => a.id).sort();
      expect(stored).toEqual(expected);
      const archivedIds = (await archivedEvents(world)).map((e) => String(e.id)).sort();
      expect(archivedIds).toEqual(events.map((e) => e.event.id).sort());
    },
    TEST_MS,
  );
});
