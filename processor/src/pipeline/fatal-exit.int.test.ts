import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeWith, services, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProcessorWorld, type ProcessorWorld, storedAlerts } from '../testing/processor-fixture.ts';

const FAULTY_MAIN = fileURLToPath(new URL('../testing/faulty-engine-main.ts', import.meta.url));
const BUG_USER = 'bug-user'; // faulty-engine-main.ts's (not imported: importing it would run it)
const MINUTE = 60_000;

const transaction = (id: string, userId: string, ts: number) => ({
  key: 'k', // one partition, in order
  value: JSON.stringify({ id, ts: new Date(ts).toISOString(), userId, amount: 25_000, currency: 'EUR' }),
});

describeWith(['kafka', 'postgres', 's3'])('a processor whose rule engine has a bug', () => {
  let world: ProcessorWorld;
  let child: ChildProcess | undefined;
  const stderr: string[] = [];
  beforeAll(async () => {
    world = await createProcessorWorld(services(), 1);
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await world?.close();
  });

  it('exits 1 on the bad batch, having committed nothing past it and evaluated nothing after it', async () => {
    const groupId = `${world.prefix}fatal`;
    const topic = world.topics.events.transactions;
    const now = Date.now();
    // Five events twenty minutes apart. Stage one keeps no window (windowed rules run after repartitioning),
    // so once they are handled the processor commits offset 5 (next to read).
    await world.bus.publish(
      topic,
      [100, 80, 60, 40, 20].map((ago, i) => transaction(`good-${i}`, `u-${i}`, now - ago * MINUTE)),
    );
    // node --import tsx, not the tsx CLI: the exit code must be the processor's own.
    child = spawn(process.execPath, ['--import', 'tsx', FAULTY_MAIN], {
      env: { ...process.env, ...world.env, PROCESSOR_GROUP_ID: groupId },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    let exit: { code: number | null; signal: string | null } | null = null;
    child.once('exit', (code, signal) => {
      exit = { code, signal };
    });
    const committed = async () => (await world.bus.committedOffsets(groupId, topic))[0]?.offset ?? null;
    await waitFor(async () => (await committed()) === '5', {
      timeoutMs: 60_000,
      message: `the good events committed (stderr: ${stderr.join('').slice(-2_000)})`,
    });

    await world.bus.publish(topic, [
      transaction('bug', BUG_USER, now - 10 * MINUTE),
      transaction('after', 'u-after', now),
    ]);
    const { code, signal } = await waitFor(() => exit, {
      timeoutMs: 60_000,
      message: `the processor exited (stderr: ${stderr.join('').slice(-2_000)})`,
    });
    expect(signal).toBeNull();
    expect(code).toBe(1);
    expect(stderr.join('')).toMatch(/vigil processor: fatal: TypeError: Cannot read properties of undefined/);
    // The bad batch starts at offset 5. Handled, it would have moved the commit to 7; it stays at 5, where
    // the good batch left it, and the event after it raised nothing.
    expect(await committed()).toBe('5');
    const users = (await storedAlerts(world)).map((a) => a.userId);
    expect(users).toEqual(expect.arrayContaining(['u-0', 'u-1', 'u-2', 'u-3', 'u-4']));
    expect(users).not.toContain('u-after');
  });
});
