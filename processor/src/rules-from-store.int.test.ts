import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultRules } from '@vigil/core/rules';
import { describeWith, services, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProcessorWorld, type ProcessorWorld, storedAlerts } from './testing/processor-fixture.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describeWith(['kafka', 'postgres', 's3'])('the stand-alone processor’s rules', () => {
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

  it('come from the rules store at start: a rule changed there is in force, its alerts carry its version', async () => {
    const store = world.database.rules;
    await store.seed(defaultRules());
    const large = (await store.get('transactions.large-amount'))!.rule;
    await store.put({ ...large, threshold: 500 }, { actor: 'alice' }); // version 2
    await store.put(
      {
        id: 'transactions.refund',
        title: 'Refund',
        source: 'transactions',
        severity: 'low',
        kind: 'match',
        where: { field: 'status', eq: 'refunded' },
      },
      { actor: 'alice' },
    );
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ...world.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const ts = new Date().toISOString();
    await world.bus.publish(world.topics.events.transactions, [
      { key: 'u-1', value: JSON.stringify({ id: 't1', ts, userId: 'u-1', amount: 600, currency: 'EUR' }) },
      {
        key: 'u-2',
        value: JSON.stringify({
          id: 't2',
          ts,
          userId: 'u-2',
          amount: 5,
          currency: 'EUR',
          status: 'refunded',
        }),
      },
    ]);
    const alerts = await waitFor(
      async () => {
        const stored = await storedAlerts(world);
        return stored.length >= 2 ? stored : null;
      },
      { timeoutMs: 60_000, message: 'two alerts (see the stderr below on failure)' },
    );
    expect(alerts.map((a) => [a.ruleId, a.ruleVersion, a.threshold]).sort()).toEqual([
      ['transactions.large-amount', 2, 500],
      ['transactions.refund', 1, null],
    ]);
    expect(stderr.join('')).not.toMatch(/"level":(50|60)/);
    // It did not seed over what the store held.
    expect((await store.versions('transactions.large-amount')).map((v) => v.version)).toEqual([2, 1]);
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child!.once('exit', resolve))).toBe(0);
  });
});
