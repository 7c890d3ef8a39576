import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Alert } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describeWith, services, uniqueName, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNotifierWorld, type NotifierWorld } from './testing/notifier-world.ts';
import { createReceiver, type Receiver } from './testing/receiver.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
/** Two notifier processes start, a group hand-over (6 s session) and a lease expiry (3 s) on a busy machine. */
const TEST_MS = 240_000;
/** The receiver outage the issue names; the backoff (1 s doubling) then waits up to ~38 s more. */
const OUTAGE_MS = 30_000;

describeWith(['kafka', 'postgres'])('notifier crash recovery', () => {
  let world: NotifierWorld;
  let hook: Receiver;
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    world = await createNotifierWorld(services());
    hook = createReceiver('webhook');
    await hook.start();
  }, 120_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await world?.close();
    await hook?.stop();
  });

  const startNotifier = (id: string, env: Record<string, string> = {}): ChildProcess => {
    // node --import tsx, not the tsx CLI: SIGKILL must hit the notifier itself, not a wrapper.
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ...world.env, NOTIFIER_INSTANCE_ID: id, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    children.push(child);
    return child;
  };
  const fingerprintsOf = (receiver: Receiver) =>
    receiver.accepted().map((r) => (r.body.alerts as { fingerprint: string }[])[0]!.fingerprint);
  const fingerprints = () => fingerprintsOf(hook);
  const exited = (child: ChildProcess) =>
    new Promise<[number | null, string | null]>((resolve) =>
      child.once('exit', (code, sig) => resolve([code, sig])),
    );

  it(
    'delivers every routed alert exactly once across a SIGKILL mid-send',
    async () => {
      const { channelId, ruleId: rule } = await world.routeEachAlert(hook.url);
      const alerts: Alert[] = Array.from({ length: 30 }, () =>
        makeAlert({ ruleId: rule, key: uniqueName('key') }),
      );
      await world.publish(alerts.slice(0, 20));

      // Two sends at a time: some alerts are still queued when the receiver starts holding its answers.
      const first = startNotifier('first', { NOTIFIER_CONCURRENCY: '2' });
      await waitFor(() => hook.accepted().length >= 5, {
        timeoutMs: 90_000,
        message: `first notifier delivered some (stderr: ${logs.join('').slice(-2_000)})`,
      });
      // Hold the receiver's answers: the notifier dies with sends in flight and leased rows.
      hook.hold();
      const heldFrom = hook.received.length;
      await waitFor(() => hook.received.length > heldFrom, {
        timeoutMs: 30_000,
        message: 'a send in flight',
      });
      first.kill('SIGKILL');
      const [, signal] = await exited(first);
      expect(signal).toBe('SIGKILL');
      // The receiver has seen the dead notifier's connections close, so no held answer is taken for read.
      await waitFor(() => hook.received.slice(heldFrom).every((r) => r.aborted), {
        message: 'held sends cut off',
      });
      hook.release();

      await world.publish(alerts.slice(20));
      const second = startNotifier('second');
      await waitFor(() => new Set(fingerprints()).size === alerts.length, {
        timeoutMs: 120_000,
        message: `second notifier caught up (stderr: ${logs.join('').slice(-2_000)})`,
      });
      second.kill('SIGTERM');
      expect((await exited(second))[0]).toBe(0);

      expect(fingerprints().sort()).toEqual(alerts.map((a) => a.id).sort());
      // The kill did cut sends short: their receiver never answered, and they went out again, once.
      expect(hook.received.filter((r) => r.aborted).length).toBeGreaterThanOrEqual(1);
      // What the dead notifier held went out after its lease expired, sent by the second.
      const held = await world.store.listNotifications({ channelId, limit: 100 });
      expect(held.items.every((n) => n.status === 'sent')).toBe(true);
      expect(
        held.items.some((n) => n.attempts.length >= 1 && n.attempts.every((a) => a.outcome === 'sent')),
      ).toBe(true);
    },
    TEST_MS,
  );

  it(
    'delivers every routed alert exactly once with two notifiers, one SIGKILLed during a 30 s receiver outage',
    async () => {
      const down = createReceiver('webhook');
      await down.start();
      try {
        const { channelId, ruleId: rule } = await world.routeEachAlert(down.url);
        const alerts: Alert[] = Array.from({ length: 40 }, () =>
          makeAlert({ ruleId: rule, key: uniqueName('key') }),
        );
        const delivered = () => new Set(fingerprintsOf(down)).size;
        const [a, b] = [startNotifier('outage-a'), startNotifier('outage-b')];

        await world.publish(alerts.slice(0, 10));
        await waitFor(() => delivered() === 10, {
          timeoutMs: 90_000,
          message: `two notifiers delivered the first ten (stderr: ${logs.join('').slice(-2_000)})`,
        });

        await down.stop();
        const outageFrom = Date.now();
        await world.publish(alerts.slice(10, 30));
        const retried = async () =>
          (await world.store.listNotifications({ channelId, limit: 100 })).items.filter((n) =>
            n.attempts.some((t) => t.outcome === 'retry'),
          ).length;
        await waitFor(async () => (await retried()) >= 5, {
          timeoutMs: OUTAGE_MS,
          message: 'retries recorded while the receiver is down',
        });
        // One notifier dies during the outage; the other takes over its partition and, once they expire, its leases.
        a.kill('SIGKILL');
        expect((await exited(a))[1]).toBe('SIGKILL');
        // The scenario is an outage of this length (no assertion on time): the receiver stays down for all of it.
        await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageFrom)));
        expect(delivered()).toBe(10);
        await down.start();

        await world.publish(alerts.slice(30));
        await waitFor(() => delivered() === alerts.length, {
          timeoutMs: 150_000,
          message: `the survivor delivered everything after the outage (stderr: ${logs.join('').slice(-2_000)})`,
        });
        b.kill('SIGTERM');
        expect((await exited(b))[0]).toBe(0);

        // Exactly once: every alert accepted once, none twice (no send was in flight to a live receiver at the kill).
        expect(fingerprintsOf(down).sort()).toEqual(alerts.map((x) => x.id).sort());
        const log = await world.store.listNotifications({ channelId, limit: 100 });
        expect(log.items).toHaveLength(alerts.length);
        expect(log.items.every((n) => n.status === 'sent')).toBe(true);
        const retriedThenSent = log.items.filter(
          (n) => n.attempts.some((t) => t.outcome === 'retry') && n.attempts.at(-1)?.outcome === 'sent',
        );
        expect(retriedThenSent.length).toBeGreaterThanOrEqual(20);
      } finally {
        await down.stop();
      }
    },
    TEST_MS,
  );
});
