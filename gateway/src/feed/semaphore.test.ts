import { describe, expect, it } from 'vitest';
import { createSemaphore } from './semaphore.ts';

// Node 20 has no Promise.withResolvers.
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('semaphore', () => {
  it('runs at most `slots` tasks at once, in arrival order', async () => {
    const semaphore = createSemaphore(2);
    const started: number[] = [];
    const gates = [0, 1, 2, 3].map(() => gate());
    const runs = gates.map((_, i) =>
      semaphore.run(async () => {
        started.push(i);
        await gates[i]!.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(semaphore.waiting).toBe(2);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(semaphore.active).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const semaphore = createSemaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(async () => 'ok')).toBe('ok');
  });
});
