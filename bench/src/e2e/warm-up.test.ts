import { describe, expect, it } from 'vitest';
import { threadCpuSeconds } from './proc-cpu.ts';
import { brokerJitSeconds, warmUp } from './warm-up.ts';

/** A drive that advances a fake JIT counter by the next figure of `compileSeconds` each round. */
function fakeBroker(compileSeconds: number[]) {
  let used = 0;
  const driven: number[] = [];
  return {
    driven,
    jitSeconds: () => used,
    drive: async (rate: number, durationMs: number) => {
      driven.push(rate);
      used += compileSeconds.shift() ?? 0;
      await new Promise((resolve) => setTimeout(resolve, durationMs));
    },
  };
}

describe('warmUp', () => {
  it('cycles through the rates until a whole cycle is quiet', async () => {
    // Rounds of 10 ms: 0.005 s of JIT is 0.5 cores, 0 s is quiet.
    const broker = fakeBroker([0.005, 0.005, 0, 0.005, 0, 0]);
    const result = await warmUp({ rates: [1, 2], roundMs: 10, maxMs: 60_000, log: () => {}, ...broker });
    expect(broker.driven).toEqual([1, 2, 1, 2, 1, 2]);
    expect(result.settled).toBe(true);
    expect(result.watched).toBe(true);
    expect(result.rounds).toBe(6);
    expect(result.compileCoreSeconds).toBeCloseTo(0.02, 2);
    expect(result.compileCoresByRound.slice(-2)).toEqual([0, 0]);
  });

  it('stops at maxMs and says it did not settle', async () => {
    const broker = fakeBroker(Array(1000).fill(0.01));
    const result = await warmUp({ rates: [1], roundMs: 10, maxMs: 50, log: () => {}, ...broker });
    expect(result.settled).toBe(false);
    expect(result.rounds).toBeGreaterThan(0);
    expect(result.rounds).toBe(broker.driven.length);
  });

  it('drives one cycle and says so when the broker cannot be seen', async () => {
    const driven: number[] = [];
    const result = await warmUp({
      rates: [1, 2, 3],
      roundMs: 1,
      maxMs: 60_000,
      log: () => {},
      jitSeconds: () => null,
      drive: async (rate) => {
        driven.push(rate);
      },
    });
    expect(driven).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ watched: false, settled: false, rounds: 3, compileCoreSeconds: null });
  });
});

describe('brokerJitSeconds', () => {
  it('is null without a broker process and a count with one', () => {
    expect(brokerJitSeconds(() => [])()).toBeNull();
    expect(brokerJitSeconds(() => [process.pid])()).toBe(0); // node has no HotSpot compiler threads
  });
});

describe('threadCpuSeconds', () => {
  it('counts only the named threads of a live process', () => {
    // This process's main thread is named after the executable (`node`), its libuv workers otherwise.
    expect(threadCpuSeconds([process.pid], ['no such thread'])).toBe(0);
    if (process.platform === 'linux') expect(threadCpuSeconds([process.pid], ['node'])).toBeGreaterThan(0);
  });
});
