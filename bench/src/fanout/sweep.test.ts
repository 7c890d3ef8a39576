import { describe, expect, it } from 'vitest';
import type { ServerSession } from './server-session.ts';
import type { StepRow } from './step-row.ts';
import { sweep } from './sweep.ts';
import { row } from './testing/step-rows.ts';

/** A session whose steps answer from a table: rate → [deliveries/s, kept up, extra]. */
function fakeSession(table: Record<number, [number, boolean, Partial<StepRow>?]>) {
  const stepped: number[] = [];
  const session = {
    kind: 'vigil',
    connectMs: 0,
    open: 1000,
    rows: [],
    curves: [],
    async step(rate: number) {
      stepped.push(rate);
      const [dps, keptUp, extra] = table[rate]!;
      return row('vigil', rate, dps, { keptUp, ...extra });
    },
    profile: async () => [],
    close: async () => undefined,
  } as unknown as ServerSession;
  return { session, stepped };
}

describe('fan-out sweep', () => {
  it('goes on past the first step that fell behind while deliveries/s still rise, and reports that step', async () => {
    const { session, stepped } = fakeSession({
      10: [100, true],
      20: [200, false],
      40: [400, false],
      80: [410, false], // +2.5 %: the ceiling is reached
      160: [420, false],
    });
    const saturating = await sweep([session], [10, 20, 40, 80, 160], 1000);
    expect(stepped).toEqual([10, 20, 40, 80]);
    expect(saturating.get(session)).toBe(20);
  });

  it('stops at a step that lost alerts or dropped clients, even if it was faster', async () => {
    const lossy = fakeSession({
      10: [100, true],
      20: [300, false, { delivered: 1000, expected: 20_000 }],
      40: [600, false],
    });
    await sweep([lossy.session], [10, 20, 40], 1000);
    expect(lossy.stepped).toEqual([10, 20]);
    const dropping = fakeSession({ 10: [100, true], 20: [300, true, { dropped: 3 }], 40: [600, true] });
    await sweep([dropping.session], [10, 20, 40], 1000);
    expect(dropping.stepped).toEqual([10, 20]);
  });

  it('runs every rate for a server that keeps up, whose saturating rate stays unknown', async () => {
    const { session, stepped } = fakeSession({ 10: [100, true], 20: [100, true], 40: [100, true] });
    const saturating = await sweep([session], [10, 20, 40], 1000);
    expect(stepped).toEqual([10, 20, 40]);
    expect(saturating.get(session)).toBeNull();
  });
});
