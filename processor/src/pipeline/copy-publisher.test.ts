import { describe, expect, it } from 'vitest';
import { createCopyPublisher } from './copy-publisher.ts';

/** A publish the test finishes by hand. */
function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { publish: () => done, open, fail };
}

describe('copy publisher', () => {
  it('publishes a partition in order, off the caller, and bounds commits below the oldest unpublished', async () => {
    const errors: unknown[] = [];
    const copies = createCopyPublisher({ onError: (e) => errors.push(e) });
    const order: string[] = [];
    const first = gate();
    const second = gate();
    await copies.enqueue('t:0', 10, async () => {
      await first.publish();
      order.push('first');
    });
    await copies.enqueue('t:0', 20, async () => {
      await second.publish();
      order.push('second');
    });
    await copies.enqueue('t:1', 5, async () => {
      order.push('other partition');
    });
    expect(copies.oldestPending('t:0')).toBe(10);
    second.open(); // finishing the later one first changes nothing: it waits for its turn
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['other partition']);
    expect(copies.oldestPending('t:0')).toBe(10);
    first.open();
    await copies.settled();
    expect(order).toEqual(['other partition', 'first', 'second']);
    expect(copies.oldestPending('t:0')).toBeNull();
    expect(copies.oldestPending('t:1')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('reports a failed publish, sends nothing queued after it and keeps its offset as the bound', async () => {
    const errors: unknown[] = [];
    const copies = createCopyPublisher({ onError: (e) => errors.push(e) });
    const failing = gate();
    let later = false;
    await copies.enqueue('t:0', 7, failing.publish);
    await copies.enqueue('t:0', 9, async () => {
      later = true;
    });
    failing.fail(new Error('broker gone'));
    await copies.settled();
    expect(errors).toEqual([new Error('broker gone')]);
    expect(later).toBe(false);
    expect(copies.oldestPending('t:0')).toBe(7);
  });

  it('makes the caller wait once maxPendingBatches publishes are queued', async () => {
    const copies = createCopyPublisher({ onError: () => undefined, maxPendingBatches: 2 });
    const slow = gate();
    await copies.enqueue('t:0', 1, slow.publish);
    await copies.enqueue('t:0', 2, async () => undefined);
    let returned = false;
    const third = copies
      .enqueue('t:0', 3, async () => undefined)
      .then(() => {
        returned = true;
      });
    await new Promise((resolve) => setImmediate(resolve));
    expect(returned).toBe(false);
    slow.open();
    await third;
    expect(returned).toBe(true);
  });
});
