import { describe, expect, it } from 'vitest';
import { driveRate } from './rate-driver.ts';

/** A clock that moves only when the driver sleeps or a publish "takes" time. */
function fakeClock() {
  let t = 1_000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    spend: (ms: number) => {
      t += ms;
    },
  };
}

describe('driveRate', () => {
  it('publishes rate × duration alerts when publishing is cheap', async () => {
    const clock = fakeClock();
    let count = 0;
    const result = await driveRate({
      rate: 2000,
      durationMs: 200,
      publish: (n) => {
        count += n;
      },
      ...clock,
    });
    expect(result.published).toBe(400);
    expect(count).toBe(400);
    expect(result.maxTickGapMs).toBe(5);
  });

  it('catches up after a late tick, at most ten ticks of alerts at once', async () => {
    const clock = fakeClock();
    const batches: number[] = [];
    await driveRate({
      rate: 1000,
      durationMs: 100,
      publish: (n) => {
        batches.push(n);
        if (batches.length === 2) clock.spend(100);
      },
      ...clock,
    });
    expect(Math.max(...batches)).toBe(50);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('stops at the deadline when publishing cannot keep up', async () => {
    const clock = fakeClock();
    let count = 0;
    const result = await driveRate({
      rate: 1_000_000,
      durationMs: 100,
      publish: (n) => {
        count += n;
        clock.spend(40);
      },
      ...clock,
    });
    expect(result.published).toBe(count);
    expect(result.published).toBeLessThan(100_000);
    expect(result.endedAt - result.startedAt).toBeLessThan(160);
  });
});
