import { TEST_ADMIN_TOKEN } from '@vigil/harness/programs';
import { describe, expect, it } from 'vitest';
import { distribution } from '../e2e/stats.ts';
import { autocannonOptions, checkAllOk, type LoadRow } from './autocannon-run.ts';

const base = { name: 'first page', url: 'http://127.0.0.1:1/api/alerts', connections: 2, durationSeconds: 1 };

describe('autocannonOptions', () => {
  it('authenticates every request with the admin token as a Bearer header', () => {
    expect(autocannonOptions(base).headers).toEqual({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
  });

  it("keeps the caller's headers beside it", () => {
    const options = autocannonOptions({
      ...base,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(options.headers).toEqual({
      authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      'content-type': 'application/json',
    });
    expect(options.method).toBe('POST');
  });
});

describe('checkAllOk', () => {
  const row = (statusCodes: Record<string, number>, non2xx: number): LoadRow => ({
    name: 'first page',
    path: '/api/alerts',
    connections: 2,
    pipelining: 1,
    durationSeconds: 1,
    requests: Object.values(statusCodes).reduce((a, b) => a + b, 0),
    requestsPerSecond: 0,
    okPerSecond: 0,
    latencyMs: distribution([]),
    non2xx,
    errors: 0,
    timeouts: 0,
    statusCodes,
    bytesPerResponse: 0,
  });

  it('passes a run where every answer was 2xx', () => {
    const ok = row({ '200': 10 }, 0);
    expect(checkAllOk(ok)).toBe(ok);
  });

  it('fails a run that measured refusals, naming the codes', () => {
    expect(() => checkAllOk(row({ '200': 5, '401': 3, '429': 2 }, 5))).toThrow(
      'first page: 5 of 10 answers were not 2xx (401 ×3, 429 ×2) on /api/alerts',
    );
  });
});
