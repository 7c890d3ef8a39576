import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeWith, services, waitFor } from '@vigil/harness';
import { freePorts } from '@vigil/harness/programs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProcessorWorld, type ProcessorWorld, storedAlerts } from '../testing/processor-fixture.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** Two processor processes start, join and replay on a busy machine. */
const TEST_MS = 180_000;
const RULE = 'security.login-failures';
const USER = 'u-hot';

interface Child {
  process: ChildProcess;
  base: string;
}

interface PartitionState {
  topic: string;
  partition: number;
  state: string;
  handledThrough: string | null;
}

describeWith(['kafka', 'postgres', 's3'])('hot reload on Kafka, PostgreSQL and S3', () => {
  let world: ProcessorWorld;
  const children: Child[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    world = await createProcessorWorld(services(), 3);
  });
  afterAll(async () => {
    for (const { process } of children) if (process.exitCode === null) process.kill('SIGTERM');
    await Promise.all(
      children.map(
        ({ process }) =>
          new Promise<void>((resolve) =>
            process.exitCode === null ? process.once('exit', () => resolve()) : resolve(),
          ),
      ),
    );
    await world?.close();
  });

  const startProcessor = async (): Promise<Child> => {
    const [port] = (await freePorts(1)) as [number];
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ...world.env, METRICS_PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const started = { process: child, base: `http://127.0.0.1:${port}` };
    children.push(started);
    return started;
  };
  const partitionsOf = async (child: Child): Promise<PartitionState[]> => {
    const body = (await (await fetch(`${child.base}/health`)).json()) as {
      processor?: { partitions: PartitionState[] };
    };
    return body.processor?.partitions ?? [];
  };
  const versionIn = async (child: Child): Promise<number | null> => {
    const text = await (await fetch(`${child.base}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`vigil_processor_rule_version{rule="${RULE}"}`));
    return line ? Number(line.split(' ').at(-1)) : null;
  };
  const reachable = async (child: Child) => {
    try {
      return (await fetch(`${child.base}/metrics`)).ok;
    } catch {
      return false; // not listening yet
    }
  };
  /** Both processors together have handled every message of the topic (stage two: every copy). */
  const handledEverything = async (topic: string): Promise<boolean> => {
    const ends = await world.bus.topicOffsets(topic);
    const states = (await Promise.all(children.map(partitionsOf))).flat().filter((p) => p.topic === topic);
    return ends.every(
      ({ partition, high }) =>
        Number(high) === 0 ||
        states.some((p) => p.partition === partition && p.handledThrough === String(Number(high) - 1)),
    );
  };
  let n = 0;
  const failures = async (count: number) => {
    const events = Array.from({ length: count }, () => {
      n++;
      return {
        id: `hot-${n}`,
        ts: new Date(Date.now()).toISOString(),
        ip: `10.7.${n}.${n}`,
        userId: USER,
        action: 'login_failure',
      };
    });
    await world.bus.publish(
      world.topics.events.security,
      events.map((e) => ({ key: e.ip, value: JSON.stringify(e) })),
    );
  };
  const userAlerts = async () =>
    (await storedAlerts(world)).filter((a) => a.ruleId === RULE && a.key === `userId=${USER}`);

  it(
    'a threshold lowered through the rules store is in force in both processors without a restart, and fires on the count already in the window',
    async () => {
      const [a, b] = [await startProcessor(), await startProcessor()];
      await waitFor(async () => (await reachable(a)) && (await reachable(b)), {
        timeoutMs: 90_000,
        message: `both processors serving (${logs.join('').slice(-2000)})`,
      });
      await waitFor(async () => (await versionIn(a)) === 1 && (await versionIn(b)) === 1, {
        message: 'the seeded rule in force in both',
      });
      // Three of the five the default rule needs, from IPs on several partitions: counted, nothing raised.
      await failures(3);
      await waitFor(() => handledEverything(world.topics.events.security), {
        timeoutMs: 60_000,
        message: 'stage one handled the failures',
      });
      await waitFor(() => handledEverything(world.topics.repartition), {
        timeoutMs: 60_000,
        message: 'stage two counted them',
      });
      expect(await userAlerts()).toEqual([]);

      const stored = await world.database.rules.get(RULE);
      const put = Date.now();
      await world.database.rules.put({ ...stored!.rule, threshold: 4 }, { actor: 'user:test' });
      await waitFor(async () => (await versionIn(a)) === 2 && (await versionIn(b)) === 2, {
        message: 'version 2 in force in both processors',
      });
      // Not asserted (the suite checks no timing): what the closing note quotes as the time to take effect.
      console.log(
        `[hot-reload] version 2 in force in both processors ${Date.now() - put} ms after the change`,
      );

      await failures(1); // the fourth: fires only if the three are still counted
      await waitFor(async () => (await userAlerts()).length === 1, {
        timeoutMs: 60_000,
        message: 'the lowered threshold fired',
      });
      const [alert] = await userAlerts();
      expect(alert).toMatchObject({ ruleVersion: 2, value: 4, threshold: 4 });
      expect(children.every((c) => c.process.exitCode === null)).toBe(true); // no restart
    },
    TEST_MS,
  );
});
