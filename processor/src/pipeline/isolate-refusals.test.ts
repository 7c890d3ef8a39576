import { describe, expect, it } from 'vitest';
import { writeIsolatingRefusals } from './isolate-refusals.ts';

const refusal = (item: string) =>
  Object.assign(new Error(`new row violates check constraint (${item})`), { code: '23514' });

/** A store that refuses every batch holding a poison item, and records what it stored and each call. */
function store(poison: ReadonlySet<string>) {
  const stored = new Set<string>();
  const calls: string[][] = [];
  return {
    stored,
    calls,
    write: async (batch: string[]) => {
      calls.push(batch);
      const bad = batch.find((item) => poison.has(item));
      if (bad) throw refusal(bad);
      for (const item of batch) stored.add(item);
    },
  };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);

describe('writeIsolatingRefusals', () => {
  it('writes a batch the store accepts in one call', async () => {
    const s = store(new Set());
    expect(await writeIsolatingRefusals(items(100), s.write)).toEqual([]);
    expect(s.calls).toHaveLength(1);
    expect(s.stored.size).toBe(100);
  });

  it('returns only the refused item, with its error, and writes all the others', async () => {
    const s = store(new Set(['a37']));
    const refused = await writeIsolatingRefusals(items(100), s.write);
    expect(refused.map((r) => r.item)).toEqual(['a37']);
    expect((refused[0]!.error as Error).message).toMatch(/a37/);
    expect([...s.stored].sort()).toEqual(
      items(100)
        .filter((i) => i !== 'a37')
        .sort(),
    );
  });

  it('finds one refused item among n in about 2·log2(n) extra writes', async () => {
    const s = store(new Set(['a700']));
    await writeIsolatingRefusals(items(1_000), s.write);
    expect(s.calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(1_000)));
  });

  it('finds several refused items, in the order they were given', async () => {
    const s = store(new Set(['a0', 'a5', 'a6', 'a9']));
    const refused = await writeIsolatingRefusals(items(10), s.write);
    expect(refused.map((r) => r.item)).toEqual(['a0', 'a5', 'a6', 'a9']);
    expect([...s.stored].sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a7', 'a8']);
  });

  it('refuses nothing when only the batch as a whole failed and every half is accepted', async () => {
    let first = true;
    const refused = await writeIsolatingRefusals(items(4), async () => {
      if (first) {
        first = false;
        throw refusal('the batch');
      }
    });
    expect(refused).toEqual([]);
  });

  it('rejects at once with an error that is not the data’s fault, without bisecting', async () => {
    let calls = 0;
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const writing = writeIsolatingRefusals(items(8), async () => {
      calls++;
      throw bug;
    });
    await expect(writing).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it('rejects when a bug shows up part-way through the bisection', async () => {
    const bug = new TypeError('x is not a function');
    const writing = writeIsolatingRefusals(items(4), async (batch) => {
      if (batch.length === 4) throw refusal('a1');
      throw bug;
    });
    await expect(writing).rejects.toBe(bug);
  });
});
