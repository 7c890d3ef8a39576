import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DLQ_HEADERS } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { describeWith, services, waitFor } from '@vigil/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuleEngine } from '../rules/index.ts';
import {
  archivedEvents,
  createProcessorWorld,
  type ProcessorWorld,
  readTopic,
  startInProcess,
  storedAlerts,
} from '../testing/processor-fixture.ts';

// Real Kafka, PostgreSQL and S3: the windowed rules' keys (userId, ip) are not the messages' keys, so one
// key's events land on every partition and only the repartition stage brings them together.

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const PARTITIONS = 3;
const WAIT = { timeoutMs: 120_000, intervalMs: 250 };
/** A few such waits on a busy machine; a healthy run takes seconds. */
const TEST_MS = 300_000;

type LoginEvent = {
  id: string;
  ts: string;
  ip: string;
  userId: string;
  action: 'login_failure' | 'login_success';
};
/** An event with the message key it is published under: never the key a rule groups by. */
type Sent = { key: string; event: LoginEvent };

/**
 * Three phases of one attack, event times increasing across them; every rule fires at most once per key,
 * so alerts compare one to one with the single engine's.
 * - marker: u0 fails from 6 IPs, then succeeds (login-failures and brute-force-success for u0);
 * - opening: u1 fails from 3 IPs and one IP fails for 6 users (both windows open, no threshold reached);
 * - closing: u1 fails 4 more times and succeeds, the IP fails for 6 more users (u1's and the IP's alerts).
 */
function attack(base: number): Record<'marker' | 'opening' | 'closing', Sent[]> {
  const at = (s: number) => new Date(base + s * 1_000).toISOString();
  const byIp = (id: string, s: number, ip: string, userId: string, action: LoginEvent['action']): Sent => ({
    key: ip,
    event: { id, ts: at(s), ip, userId, action },
  });
  const sprayed = (i: number, s: number): Sent => ({
    key: `s${i}`,
    event: { id: `spray-${i}`, ts: at(s), ip: '198.51.100.7', userId: `s${i}`, action: 'login_failure' },
  });
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return {
    marker: [
      ...range(6).map((i) => byIp(`u0-f${i}`, i, `10.0.0.${i}`, 'u0', 'login_failure')),
      byIp('u0-ok', 7, '10.0.0.99', 'u0', 'login_success'),
    ],
    opening: [
      ...range(3).map((i) => byIp(`u1-f${i}`, 20 + i, `10.1.0.${i}`, 'u1', 'login_failure')),
      ...range(6).map((i) => sprayed(i, 20 + i)),
    ],
    closing: [
      ...range(4).map((i) => byIp(`u1-f${3 + i}`, 30 + i, `10.1.0.${3 + i}`, 'u1', 'login_failure')),
      byIp('u1-ok', 36, '10.1.0.99', 'u1', 'login_success'),
      ...range(6).map((i) => sprayed(6 + i, 30 + i)),
    ],
  };
}

type Attack = ReturnType<typeof attack>;
const everything = (a: Attack): Sent[] => [...a.marker, ...a.opening, ...a.closing];

/**
 * What one engine over the whole stream in event-time order raises, as `ruleId key` (duplicates kept, so a
 * key alerted twice shows). Not the ids: events of one key reach stage two from several partitions in an
 * order no one fixes, and a sliding window's start (part of its id) is the first of its events to arrive.
 * The repartition topic then fixes that order, so a replay after a crash gives the same ids (checked below).
 */
function reference(sent: Sent[]): string[] {
  const engine = createRuleEngine({ rules: defaultRules(), now: Date.now });
  const ordered = [...sent].sort((a, b) => Date.parse(a.event.ts) - Date.parse(b.event.ts));
  return ordered
    .flatMap(
      ({ event }, offset) =>
        engine.evaluate({
          source: 'security',
          event,
          ref: { topic: 'events.security', partition: 0, offset: `${offset}` },
        }).alerts,
    )
    .map((a) => `${a.ruleId} ${a.key}`)
    .sort();
}

const stored = async (world: ProcessorWorld) =>
  (await storedAlerts(world)).map((a) => `${a.ruleId} ${a.key}`).sort();
const storedIds = async (world: ProcessorWorld) => (await storedAlerts(world)).map((a) => a.id).sort();

const publish = (world: ProcessorWorld, sent: Sent[]) =>
  world.bus.publish(
    world.topics.events.security,
    sent.map(({ key, event }) => ({ key, value: JSON.stringify(event) })),
  );

/** Waits until every expected alert is stored (the test then checks that nothing else is). */
async function storedAll(world: ProcessorWorld, expected: string[], what: string, log = () => '') {
  let seen: string[] = [];
  try {
    await waitFor(
      async () => {
        seen = await stored(world);
        return expected.every((line) => seen.includes(line));
      },
      { ...WAIT, message: `${what}: ${expected.length} alerts stored ${log()}` },
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; expected: ${expected.join(', ')}; stored: ${seen.join(', ')}`,
      { cause: error },
    );
  }
}

describeWith(['kafka', 'postgres', 's3'])('windowed rules after repartitioning (real Kafka)', () => {
  const worlds: ProcessorWorld[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const world of worlds) await world.close();
  });
  const newWorld = async () => {
    const world = await createProcessorWorld(services(), PARTITIONS);
    worlds.push(world);
    return world;
  };

  const expectSpread = async (world: ProcessorWorld, count: number) => {
    const messages = await readTopic(world, world.topics.events.security, count);
    const partitionsOf = (userId: string) =>
      new Set(
        messages
          .filter((m) => JSON.parse(Buffer.from(m.value).toString()).userId === userId)
          .map((m) => m.partition),
      );
    expect(partitionsOf('u1').size, "u1's events cover every partition").toBe(PARTITIONS);
  };

  describe.each([1, 3])('%i processor(s) in one group', (processors) => {
    it(
      'store exactly the alerts one engine over the whole stream raises',
      async () => {
        const world = await newWorld();
        const sent = everything(attack(Date.now() - 10 * 60_000));
        const expected = reference(sent);
        expect(expected).toEqual([
          'security.brute-force-success userId=u0',
          'security.brute-force-success userId=u1',
          'security.login-failures ip=198.51.100.7',
          'security.login-failures userId=u0',
          'security.login-failures userId=u1',
          'security.password-spray ip=198.51.100.7',
        ]);
        const running = [];
        for (let i = 0; i < processors; i++) running.push(await startInProcess(world, 'processor'));
        try {
          await publish(world, sent);
          await expectSpread(world, sent.length);
          await storedAll(world, expected, `${processors} processor(s)`);
        } finally {
          for (const processor of running) await processor.stop();
        }
        expect(await stored(world)).toEqual(expected);
      },
      TEST_MS,
    );
  });

  it(
    'a processor SIGKILLed with windows open changes nothing',
    async () => {
      const world = await newWorld();
      const phases = attack(Date.now() - 10 * 60_000);
      const expected = reference(everything(phases));
      const logs: string[] = [];
      const log = () => `(stderr: ${logs.join('').slice(-2_000)})`;
      const started = new Set<ChildProcess>();
      const start = () => {
        // node --import tsx, not the tsx CLI: SIGKILL must hit the processor itself, not a wrapper.
        const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
          env: {
            ...process.env,
            ...world.env,
            LOG_LEVEL: 'info',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
        // Its log says when it has joined the group (and handles SIGTERM): a signal before that ends it unsaid.
        child.stdout?.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          if (text.includes('"processor started"')) started.add(child);
          if (text.includes('"level":"warn"') || text.includes('"level":"error"')) logs.push(text);
        });
        children.push(child);
        return child;
      };
      const victim = start();
      const survivor = start();

      await publish(world, phases.marker);
      await storedAll(world, reference(phases.marker), 'the marker', log);
      const markerIds = await storedIds(world);
      await publish(world, phases.opening);
      // The IP's six failures raise login-failures in the opening phase: stage two has counted its copies, and
      // u1's window (3 of 5) and the spray's (6 of 10 users) are open when the processor dies.
      await storedAll(world, reference([...phases.marker, ...phases.opening]), 'the opening phase', log);
      victim.kill('SIGKILL');
      const [, signal] = await new Promise<[number | null, string | null]>((resolve) =>
        victim.once('exit', (code, sig) => resolve([code, sig])),
      );
      expect(signal).toBe('SIGKILL');

      await publish(world, phases.closing);
      await storedAll(world, expected, 'after the SIGKILL', log);
      const replacement = start(); // joins while the survivor holds every partition: one more hand-over
      await waitFor(() => started.has(replacement), { ...WAIT, message: `the replacement started ${log()}` });
      await waitFor(async () => (await archivedEvents(world)).length >= everything(phases).length, {
        ...WAIT,
        message: `every event archived ${log()}`,
      });
      for (const child of [survivor, replacement]) child.kill('SIGTERM');
      const codes = await Promise.all(
        [survivor, replacement].map((c) => new Promise((resolve) => c.once('exit', resolve))),
      );
      expect(codes).toEqual([0, 0]);

      expect(await stored(world)).toEqual(expected);
      expect(await storedIds(world)).toEqual(expect.arrayContaining(markerIds)); // replayed, not raised anew
      const archivedIds = (await archivedEvents(world)).map((e) => String(e.id)).sort();
      expect(archivedIds).toEqual(
        everything(phases)
          .map((s) => s.event.id)
          .sort(),
      );
    },
    TEST_MS,
  );

  it(
    'processors joining and leaving the group mid-window change nothing',
    async () => {
      const world = await newWorld();
      const phases = attack(Date.now() - 10 * 60_000);
      const expected = reference(everything(phases));
      const running = [await startInProcess(world, 'processor')];
      try {
        await publish(world, phases.marker);
        await storedAll(world, reference(phases.marker), 'the marker');
        await publish(world, phases.opening);
        await storedAll(world, reference([...phases.marker, ...phases.opening]), 'the opening phase');
        running.push(await startInProcess(world, 'processor')); // a rebalance with u1's window open
        await running.shift()?.stop(); // and another: the first one's partitions move to the newcomer
        await publish(world, phases.closing);
        await storedAll(world, expected, 'after two rebalances');
      } finally {
        for (const processor of running) await processor.stop();
      }
      expect(await stored(world)).toEqual(expected);
    },
    TEST_MS,
  );

  it(
    'dead-letters a message on the repartition topic that stage one did not write, with the reason',
    async () => {
      const world = await newWorld();
      const processor = await startInProcess(world, 'processor');
      try {
        await world.bus.publish(world.topics.repartition, [{ key: 'x', value: '{"not":"a copy"}' }]);
        const [dead] = await readTopic(world, world.topics.dlq, 1, WAIT.timeoutMs);
        expect(dead!.headers[DLQ_HEADERS.reason]).toBe(
          'repartition message without the vigil-copies header of stage one',
        );
        expect(Buffer.from(dead!.value).toString()).toBe('{"not":"a copy"}');
      } finally {
        await processor.stop();
      }
    },
    TEST_MS,
  );
});
