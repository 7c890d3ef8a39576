import { describe, expect, it } from 'vitest';
import { createScanBudget } from './scan-budget.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('scan budget', () => {
  it('grants perTurn units, then refuses until the next turn of the event loop', async () => {
    const budget = createScanBudget(3);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    await budget.nextTurn();
    expect(budget.take()).toBe(true);
  });

  it('refills in a later turn of the event loop, not in a microtask of this one', async () => {
    const budget = createScanBudget(1);
    const order: string[] = [];
    setImmediate(() => order.push('queued before the turn'));
    budget.take();
    queueMicrotask(() => order.push('microtask'));
    const woken = budget.nextTurn().then(() => order.push('refilled'));
    await woken;
    expect(order).toEqual(['microtask', 'queued before the turn', 'refilled']);
  });

  it('wakes waiters in order while units last; the ones not reached go before the one that spent the turn', async () => {
    const budget = createScanBudget(2);
    const log: string[] = [];
    const scan = (name: string, units: number) => {
      let taken = 0;
      while (taken < units && budget.take()) taken += 1;
      log.push(`${name} took ${taken}`);
    };
    budget.take();
    budget.take();
    const long = (async () => {
      await budget.nextTurn();
      scan('long', 5); // spends the whole turn
      await budget.nextTurn();
      scan('long', 1);
    })();
    const short = (async () => {
      await budget.nextTurn();
      scan('short', 1);
    })();
    await Promise.all([long, short]);
    expect(log).toEqual(['long took 2', 'short took 1', 'long took 1']);
  });

  it('wakes no more waiters in a turn than get units', async () => {
    const budget = createScanBudget(1);
    budget.take();
    let woken = 0;
    const waiters = Array.from({ length: 100 }, () =>
      budget.nextTurn().then(() => {
        woken += 1;
        budget.take();
      }),
    );
    await turn();
    expect(woken).toBe(1);
    await Promise.all(waiters);
    expect(woken).toBe(100);
  });

  it('refills on the next turn a turn that was not spent', async () => {
    const budget = createScanBudget(2);
    budget.take();
    await turn();
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
  });

  it('refuses a perTurn below 1', () => {
    expect(() => createScanBudget(0)).toThrow(RangeError);
  });
});
