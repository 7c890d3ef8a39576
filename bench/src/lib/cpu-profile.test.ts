import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { summarizeProfile } from './cpu-profile.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const node = (id: number, functionName: string, hitCount: number, url = '') => ({
  id,
  hitCount,
  callFrame: { functionName, url, lineNumber: 9 },
});

describe('summarizeProfile', () => {
  it('ranks functions by self time and leaves idle time out of the shares', () => {
    const top = summarizeProfile({
      startTime: 0,
      endTime: 1_000_000, // 1 s in µs
      nodes: [
        node(1, '(idle)', 50),
        node(2, 'deliver', 30, `file://${root}gateway/src/fanout/fanout.ts`),
        node(3, '(garbage collector)', 10),
        node(4, 'deliver', 10, `file://${root}gateway/src/fanout/fanout.ts`),
      ],
    });
    expect(top[0]).toEqual({ fn: 'deliver gateway/src/fanout/fanout.ts', selfMs: 400, selfPercent: 80 });
    expect(top[1]).toMatchObject({ fn: '(garbage collector)', selfPercent: 20 });
    expect(top).toHaveLength(2);
  });
});
