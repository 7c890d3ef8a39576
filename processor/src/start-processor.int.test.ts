import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describeWith, services, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProcessorWorld, type ProcessorWorld, storedAlerts } from './testing/processor-fixture.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describeWith(['kafka', 'postgres', 's3'])('the stand-alone processor’s /health', () => {
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

  it('answers 503 naming the partition while its batch is stuck past the threshold, 200 once it goes through', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        ...world.env,
        PROCESSOR_GROUP_ID: `${world.prefix}health`,
        PROCESSOR_STALL_AFTER_MS: '1000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    let base: string | null = null;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; metrics?: string };
      if (entry.msg === 'processor running') base = entry.metrics!.replace(/\/metrics$/, '');
    });
    const url = await waitFor(() => base, {
      timeoutMs: 60_000,
      message: `the processor started (stderr: ${stderr.join('').slice(-2_000)})`,
    });
    const health = async () => {
      const response = await fetch(`${url}/health`);
      return { status: response.status, body: (await response.json()) as { status: string; error?: string } };
    };
    expect((await health()).status).toBe(200);

    const topic = world.topics.events.transactions;
    const ts = new Date().toISOString();
    // A real stall: the alerts table locked, so the batch's insert waits (then times out and is retried).
    await world.database.db.transaction(async (tx) => {
      await tx.execute('LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE');
      await world.bus.publish(topic, [
        {
          key: 'k',
          value: JSON.stringify({ id: 'big', ts, userId: 'u-1', amount: 25_000, currency: 'EUR' }),
        },
      ]);
      const stalled = await waitFor(async () => {
        const answer = await health();
        return answer.status === 503 ? answer.body : null;
      });
      expect(stalled.status).toBe('degraded');
      expect(stalled.error).toMatch(
        new RegExp(`^partition ${topic.replaceAll('.', '\\.')}/0 stalled: .* at offset 0`),
      );
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain(`vigil_processor_partition_stalled{topic="${topic}",partition="0"} 1`);
    });

    await waitFor(async () => (await health()).status === 200, { message: 'healthy again after the lock' });
    expect((await storedAlerts(world)).map((a) => a.userId)).toEqual(['u-1']);
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child!.once('exit', resolve));
    expect(code).toBe(0);
  });
});
