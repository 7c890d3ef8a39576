import type { Alert, BusMessage, OutgoingMessage } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { RaisedAlert } from './alert-output.ts';
import { createAlertQueue } from './alert-queue.ts';
import type { Refused } from './isolate-refusals.ts';

const T0 = { topic: 'events.logs', partition: 0 };
const T1 = { topic: 'events.logs', partition: 1 };

const raisedAlert = (id: string): RaisedAlert => ({ alert: { id } as Alert, message: {} as BusMessage });
const dlqMessage = (value: string): OutgoingMessage => ({ key: null, value });

/** A store whose writes the test finishes by hand, in order; `refuse` names alert ids it refuses. */
function harness(options: { refuse?: string[]; maxPendingAlerts?: number; maxAlertsPerWrite?: number } = {}) {
  const writes: string[][] = [];
  const deadLettered: { refused: string[]; dlq: string[] }[] = [];
  const errors: unknown[] = [];
  const gates: { open: () => void; fail: (err: Error) => void }[] = [];
  const queue = createAlertQueue({
    write: (raised) => {
      writes.push(raised.map((r) => r.alert.id));
      return new Promise<Refused<RaisedAlert>[]>((resolve, reject) => {
        gates.push({
          open: () =>
            resolve(
              raised
                .filter((r) => options.refuse?.includes(r.alert.id))
                .map((item) => ({ item, error: new Error('refused') })),
            ),
          fail: reject,
        });
      });
    },
    deadLetter: async (refused, dlq) => {
      deadLettered.push({
        refused: refused.map((r) => r.item.alert.id),
        dlq: dlq.map((m) => String(m.value)),
      });
    },
    retryFor: () => (_what, op) => op(),
    onError: (err) => errors.push(err),
    maxPendingAlerts: options.maxPendingAlerts,
    maxAlertsPerWrite: options.maxAlertsPerWrite,
  });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { queue, writes, deadLettered, errors, gates, tick };
}

describe('alert queue', () => {
  it('writes at once, then everything queued meanwhile in one write, in order, bounding commits per partition', async () => {
    const { queue, writes, gates, tick } = harness();
    await queue.enqueue(T0, 10, [raisedAlert('a')], []);
    await queue.enqueue(T1, 5, [raisedAlert('b')], []);
    await queue.enqueue(T0, 20, [raisedAlert('c'), raisedAlert('d')], []);
    expect(writes).toEqual([['a']]); // the first write started alone, the others wait for it
    expect(queue.oldestPending(T0.topic, 0)).toBe(10);
    expect(queue.oldestPending(T1.topic, 1)).toBe(5);
    gates[0]!.open();
    await tick();
    expect(writes).toEqual([['a'], ['b', 'c', 'd']]); // group commit: both partitions in one fold
    expect(queue.oldestPending(T0.topic, 0)).toBe(20);
    expect(queue.oldestPending(T1.topic, 1)).toBe(5);
    gates[1]!.open();
    await queue.settled();
    expect(queue.oldestPending(T0.topic, 0)).toBeNull();
    expect(queue.oldestPending(T1.topic, 1)).toBeNull();
  });

  it('dead-letters what the store refused with the written batches’ invalid events, after the write', async () => {
    const { queue, deadLettered, gates, tick } = harness({ refuse: ['bad'] });
    await queue.enqueue(T0, 1, [raisedAlert('ok'), raisedAlert('bad')], [dlqMessage('not json')]);
    await tick();
    expect(deadLettered).toEqual([]);
    gates[0]!.open();
    await queue.settled();
    expect(deadLettered).toEqual([{ refused: ['bad'], dlq: ['not json'] }]);
  });

  it('keeps one write within maxAlertsPerWrite', async () => {
    const { queue, writes, gates, tick } = harness({ maxAlertsPerWrite: 3 });
    await queue.enqueue(T0, 1, [raisedAlert('a')], []);
    await queue.enqueue(T0, 2, [raisedAlert('b'), raisedAlert('c')], []);
    await queue.enqueue(T0, 3, [raisedAlert('d'), raisedAlert('e')], []);
    gates[0]!.open();
    await tick();
    gates[1]!.open();
    await tick();
    gates[2]!.open();
    await queue.settled();
    expect(writes).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('settled() waits for what was queued before it, not for what comes after', async () => {
    const { queue, gates, tick } = harness();
    await queue.enqueue(T0, 1, [raisedAlert('a')], []);
    let settled = false;
    const done = queue.settled().then(() => {
      settled = true;
    });
    await queue.enqueue(T0, 2, [raisedAlert('b')], []);
    await tick();
    expect(settled).toBe(false);
    gates[0]!.open();
    await done;
    expect(queue.oldestPending(T0.topic, 0)).toBe(2); // the later batch is still being written
  });

  it('makes the caller wait while more than maxPendingAlerts are queued', async () => {
    const { queue, gates, tick } = harness({ maxPendingAlerts: 2 });
    await queue.enqueue(T0, 1, [raisedAlert('a'), raisedAlert('b')], []);
    let returned = false;
    const third = queue.enqueue(T0, 2, [raisedAlert('c')], []).then(() => {
      returned = true;
    });
    await tick();
    expect(returned).toBe(false);
    gates[0]!.open();
    await third;
    expect(returned).toBe(true);
  });

  it('reports a failed write once, writes nothing after it and keeps its offsets as the bound', async () => {
    const { queue, writes, errors, gates, tick } = harness({ maxPendingAlerts: 1 });
    await queue.enqueue(T0, 7, [raisedAlert('a')], []);
    const waiting = queue.enqueue(T0, 9, [raisedAlert('b')], []); // over the bound: waits for room
    await tick();
    gates[0]!.fail(new Error('store gone'));
    await waiting; // a failure releases whoever waits: the processor is stopping
    await queue.settled();
    await queue.enqueue(T1, 3, [raisedAlert('c')], []);
    await tick();
    expect(errors).toEqual([new Error('store gone')]);
    expect(writes).toEqual([['a']]);
    expect(queue.oldestPending(T0.topic, 0)).toBe(7);
    expect(queue.oldestPending(T1.topic, 1)).toBe(3);
  });
});
