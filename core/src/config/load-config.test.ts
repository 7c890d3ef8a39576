import { describe, expect, it } from 'vitest';
import { allVars, commonVars, gatewayVars, validators } from './config-vars.ts';
import { ConfigError, loadConfig } from './load-config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(allVars, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadConfig(allVars, {});
    expect(config).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', DATA_DIR: './data', SIMULATOR_RATE: 50 });
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.S3_BUCKET).toBeUndefined();
  });

  it('parses lists, numbers and URLs', () => {
    const config = loadConfig(allVars, {
      KAFKA_BROKERS: 'a:9092, b:9093',
      PORT: '0',
      SIMULATOR_RATE: '2.5',
      DATABASE_URL: 'postgres://u:p@db:5432/vigil',
    });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.PORT).toBe(0);
    expect(config.SIMULATOR_RATE).toBe(2.5);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(allVars, { KAFKA_BROKERS: '', PORT: '' }).PORT).toBe(8080);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ ...commonVars, ...gatewayVars }, {});
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable at once, with its value', () => {
    const problems = problemsOf({
      PORT: 'abc',
      KAFKA_BROKERS: 'nohost',
      SIMULATOR_RATE: '-1',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT="abc"'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('KAFKA_BROKERS="nohost"'))).toMatch(/host:port/);
    expect(problems.find((p) => p.startsWith('SIMULATOR_RATE="-1"'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('LOG_LEVEL="loud"'))).toBeDefined();
  });

  it('rejects a non-postgres DATABASE_URL and an out-of-range port', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL=.*postgres/);
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT="70000"/);
  });

  it('loads a spec without the S3 variables', () => {
    expect(loadConfig(gatewayVars, { PORT: '1' }).PORT).toBe(1);
  });

  it('checks variables that depend on each other', () => {
    expect(problemsOf({ S3_ENDPOINT: 'http://127.0.0.1:9000' })[0]).toMatch(/S3_BUCKET/);
  });

  describe('never echoes a secret', () => {
    const password = 's3cr3t-Pa55';
    it.each([
      ['a mistyped scheme', `postgress://vigil:${password}@db:5432/vigil`],
      ['an unparsable URL', `postgres://vigil:${password}@db:port/vigil`],
      ['another database', `mysql://vigil:${password}@db/vigil`],
    ])('DATABASE_URL with %s: named, its password hidden', (_label, url) => {
      const problems = problemsOf({ DATABASE_URL: url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^DATABASE_URL="[^"]*vigil:\[redacted\]@db/);
      expect(JSON.stringify(problems)).not.toContain(password);
    });
    it('in the error message too, and in the quoting validator messages of envalid', () => {
      const specs = {
        S3_ENDPOINT: validators.url({ default: undefined }),
        VIGIL_ADMIN_TOKEN: validators.str({ choices: ['x'] }),
      };
      try {
        loadConfig(specs, { S3_ENDPOINT: `http//minio:${password}@host`, VIGIL_ADMIN_TOKEN: password });
        expect.unreachable();
      } catch (err) {
        const error = err as ConfigError;
        expect(`${error.message} ${JSON.stringify(error.problems)}`).not.toContain(password);
        expect(error.problems).toContainEqual(expect.stringMatching(/^VIGIL_ADMIN_TOKEN=\[redacted\]: /));
        expect(error.problems).toContainEqual(expect.stringMatching(/^S3_ENDPOINT=/));
      }
    });
  });
});
