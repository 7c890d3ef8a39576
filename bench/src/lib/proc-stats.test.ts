import { describe, expect, it } from 'vitest';
import { parseStatCpuSeconds, parseStatusRssBytes } from './proc-stats.ts';

describe('proc stats', () => {
  it('reads utime + stime after a command name holding spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 1234 0 0';
    expect(parseStatCpuSeconds(stat)).toBe(3);
  });

  it('reads VmRSS in bytes', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmRSS:\t  2048 kB\nThreads: 7\n')).toBe(2048 * 1024);
    expect(parseStatusRssBytes('Name:\tnode\n')).toBe(0);
  });
});
