import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGroupCommit } from './group-commit.ts';

const T0 = { topic: 'events.logs', partition: 0 };
const T1 = { topic: 'events.logs', partition: 1 };

/** A group commit of string lists whose writes the test finishes by hand, in order. */
function harness(options: { maxPending?: number; maxPerWrite?: number; lingerMs?: number } = {}) {
  const writes: { items: string[]; at: typeof T0 }[] = [];
  const written: string[] = [];
  const errors: unknown[] = [];
  const gates: { open: () => void; fail: (err: Error) => void }[] = [];
  const queue = createGroupCommit<string[]>({
    write: (lists, at) => {
      writes.push({ items: lists.flat(), at });
      return new Promise<void>((resolve, reject) => {
        gates.push({ open: resolve, fail: reject });
      });
    },
    weight: (list) => list.length,
    onError: (err) => errors.push(err),
    onWritten: (at) => written.push(`${at.topic}:${at.partition}`),
    ...options,
  });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const items = () => writes.map((w) => w.items);
  return { queue, writes, items, written, errors, gates, tick };
}

describe('group commit', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lingers before a write for what more batches queue, unless a full write is already waiting', async () => {
    vi.useFakeTimers();
    const { queue, items, gates } = harness({ lingerMs: 5, maxPerWrite: 4 });
    await queue.enqueue(T0, 1, ['a']);
    await queue.enqueue(T1, 1, ['b']);
    expect(items()).toEqual([]); // lingering
    await vi.advanceTimersByTimeAsync(4);
    await queue.enqueue(T0, 2, ['c']);
    expect(items()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(items()).toEqual([['a', 'b', 'c']]); // one write for the three batches
    await queue.enqueue(T0, 3, ['d', 'e', 'f', 'g']);
    gates[0]!.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(items()).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f', 'g'],
    ]); // full: no linger
    gates[1]!.open();
    await queue.settled();
  });

  it('writes at once, then everything queued meanwhile in one write, in order, bounding commits per partition', async () => {
    const { queue, writes, items, written, gates, tick } = harness();
    await queue.enqueue(T0, 10, ['a']);
    await queue.enqueue(T1, 5, ['b']);
    await queue.enqueue(T0, 20, ['c', 'd']);
    expect(items()).toEqual([['a']]); // the first write started alone, the others wait for it
    expect(queue.oldestPending(T0.topic, 0)).toBe(10);
    expect(queue.oldestPending(T1.topic, 1)).toBe(5);
    gates[0]!.open();
    await tick();
    expect(items()).toEqual([['a'], ['b', 'c', 'd']]); // both partitions in one write, in queue order
    expect(writes[1]!.at).toEqual(T1); // named by its oldest batch
    expect(queue.oldestPending(T0.topic, 0)).toBe(20);
    expect(queue.oldestPending(T1.topic, 1)).toBe(5);
    gates[1]!.open();
    await queue.settled();
    expect(queue.oldestPending(T0.topic, 0)).toBeNull();
    expect(queue.oldestPending(T1.topic, 1)).toBeNull();
    expect(written).toEqual(['events.logs:0', 'events.logs:1', 'events.logs:0']);
  });

  it('keeps one write within maxPerWrite, and writes a heavier batch alone', async () => {
    const { queue, items, gates, tick } = harness({ maxPerWrite: 3 });
    await queue.enqueue(T0, 1, ['a']);
    await queue.enqueue(T0, 2, ['b', 'c']);
    await queue.enqueue(T0, 3, ['d', 'e']);
    await queue.enqueue(T0, 4, ['f', 'g', 'h', 'i']);
    for (let i = 0; i < 4; i++) {
      await tick();
      gates[i]!.open();
    }
    await queue.settled();
    expect(items()).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i']]);
  });

  it('settled() waits for what was queued before it, not for what comes after', async () => {
    const { queue, gates, tick } = harness();
    await queue.enqueue(T0, 1, ['a']);
    let settled = false;
    const done = queue.settled().then(() => {
      settled = true;
    });
    await queue.enqueue(T0, 2, ['b']);
    await tick();
    expect(settled).toBe(false);
    gates[0]!.open();
    await done;
    expect(queue.oldestPending(T0.topic, 0)).toBe(2); // the later batch is still being written
  });

  it('makes the caller wait while more than maxPending is queued', async () => {
    const { queue, gates, tick } = harness({ maxPending: 2 });
    await queue.enqueue(T0, 1, ['a', 'b']);
    let returned = false;
    const third = queue.enqueue(T0, 2, ['c']).then(() => {
      returned = true;
    });
    await tick();
    expect(returned).toBe(false);
    gates[0]!.open();
    await third;
    expect(returned).toBe(true);
  });

  it('reports a failed write once, writes nothing after it and keeps its offsets as the bound', async () => {
    const { queue, items, errors, gates, tick } = harness({ maxPending: 1 });
    await queue.enqueue(T0, 7, ['a']);
    const waiting = queue.enqueue(T0, 9, ['b']); // over the bound: waits for room
    await tick();
    gates[0]!.fail(new Error('store gone'));
    await waiting; // a failure releases whoever waits: the processor is stopping
    await queue.settled();
    await queue.enqueue(T1, 3, ['c']);
    await tick();
    expect(errors).toEqual([new Error('store gone')]);
    expect(items()).toEqual([['a']]);
    expect(queue.oldestPending(T0.topic, 0)).toBe(7);
    expect(queue.oldestPending(T1.topic, 1)).toBe(3);
  });

  it("runs a write beside the previous write's finish step, finishing in order, written once finished", async () => {
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const gate = (name: string) =>
      new Promise<void>((resolve) => {
        log.push(name);
        gates.set(name, resolve);
      });
    const errors: unknown[] = [];
    const queue = createGroupCommit<string, string>({
      write: async (items) => {
        const name = items.join('');
        await gate(`write ${name}`);
        return name;
      },
      finish: async (name) => {
        await gate(`finish ${name}`);
      },
      onError: (err) => errors.push(err),
    });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await queue.enqueue(T0, 1, 'a');
    await queue.enqueue(T0, 2, 'b');
    gates.get('write a')!();
    await tick();
    expect(log).toEqual(['write a', 'finish a', 'write b']); // b's write overlaps a's finish
    expect(queue.oldestPending(T0.topic, 0)).toBe(1); // a is not written until it is finished
    await queue.enqueue(T0, 3, 'c');
    gates.get('write b')!();
    await tick();
    expect(log).toEqual(['write a', 'finish a', 'write b']); // b finishes after a, c waits: one finish waiting
    gates.get('finish a')!();
    await tick();
    expect(log).toEqual(['write a', 'finish a', 'write b', 'finish b', 'write c']);
    expect(queue.oldestPending(T0.topic, 0)).toBe(2);
    gates.get('finish b')!();
    gates.get('write c')!();
    await tick();
    gates.get('finish c')!();
    await queue.settled();
    expect(queue.oldestPending(T0.topic, 0)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('reports a failed finish step once and keeps its batch as the bound', async () => {
    const errors: unknown[] = [];
    const queue = createGroupCommit<string, string>({
      write: async (items) => items.join(''),
      finish: async (name) => {
        if (name === 'a') throw new Error('bus gone');
      },
      onError: (err) => errors.push(err),
    });
    await queue.enqueue(T0, 4, 'a');
    await queue.settled();
    await queue.enqueue(T0, 5, 'b');
    await queue.settled();
    expect(errors).toEqual([new Error('bus gone')]);
    expect(queue.oldestPending(T0.topic, 0)).toBe(4);
  });
});
