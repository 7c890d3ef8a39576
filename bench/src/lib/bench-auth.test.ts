import { authVars, loadConfig } from '@vigil/core/config';
import { TEST_ADMIN_TOKEN } from '@vigil/harness/programs';
import { describe, expect, it } from 'vitest';
import { childEnv } from '../e2e/service-process.ts';
import { BENCH_GATEWAY_AUTH_ENV, BENCH_RATE_LIMIT, benchAuthHeaders } from './bench-auth.ts';

describe('the bench authenticates as a tool', () => {
  it('sends the admin token as a Bearer header', () => {
    expect(benchAuthHeaders()).toEqual({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
  });

  it("gives a gateway child that token and rate limits on, far above the bench's rates", () => {
    const config = loadConfig(authVars, BENCH_GATEWAY_AUTH_ENV);
    expect(config.VIGIL_ADMIN_TOKEN).toBe(TEST_ADMIN_TOKEN);
    expect(config.RATE_LIMITS).toBe(true);
    expect([config.RATE_LIMIT_API, config.RATE_LIMIT_IP, config.RATE_LIMIT_INGEST]).toEqual([
      BENCH_RATE_LIMIT,
      BENCH_RATE_LIMIT,
      BENCH_RATE_LIMIT,
    ]);
  });

  it("never passes the shell's auth settings on to a child", () => {
    const env = childEnv(
      { PATH: '/bin', VIGIL_ADMIN_TOKEN: 'shell-token', RATE_LIMITS: 'false', METRICS_PUBLIC: 'true' },
      { ...BENCH_GATEWAY_AUTH_ENV, PORT: '1' },
    );
    expect(env.PATH).toBe('/bin');
    expect(env.VIGIL_ADMIN_TOKEN).toBe(TEST_ADMIN_TOKEN);
    expect(env.RATE_LIMITS).toBe('true');
    expect(env.METRICS_PUBLIC).toBeUndefined();
    expect(env.LOG_LEVEL).toBe('warn');
  });
});
