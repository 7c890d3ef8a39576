import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes one JSON object per line with name, level name, ISO time and message', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'processor', level: 'info', destination })
      .child({ module: 'rules' })
      .info({ ruleId: 'r1' }, 'fired');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      name: 'processor',
      level: 'info',
      module: 'rules',
      ruleId: 'r1',
      msg: 'fired',
    });
    expect(new Date(String(lines[0]!.time)).toISOString()).toBe(lines[0]!.time);
  });

  it('drops lines below the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'gateway', level: 'warn', destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
  });

  it('redacts credentials and passwords', () => {
    const { lines, destination } = capture();
    const secret = 'wJalrXUtnFEMI/K7MDENG';
    createLogger({ name: 'processor', destination }).info(
      {
        s3: { bucket: 'b', credentials: { accessKeyId: 'AKIA', secretAccessKey: secret } },
        password: secret,
      },
      'config',
    );
    expect(JSON.stringify(lines[0])).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      s3: { bucket: 'b', credentials: '[redacted]' },
      password: '[redacted]',
    });
  });

  it('hides URL passwords in messages and errors, and secret-named fields', () => {
    const { lines, destination } = capture();
    const secret = 'hunter2-pw';
    const logger = createLogger({ name: 'gateway', destination });
    logger.warn(`cannot reach postgres://vigil:${secret}@db:5432/vigil`);
    let urlError: unknown;
    try {
      new URL(`postgres://vigil:${secret}@db:port/vigil`);
    } catch (err) {
      urlError = err; // Node's TypeError keeps the whole input, password included, as `input`
    }
    logger.error({ err: urlError }, 'bad url');
    logger.error({ err: new Error(`connect to postgres://vigil:${secret}@db failed`) }, 'driver');
    logger.info({ token: secret, config: { DATABASE_URL: `postgres://v:${secret}@db/v` } }, 'start');
    expect(lines).toHaveLength(4);
    expect(JSON.stringify(lines)).not.toContain(secret);
    expect(lines[0]!.msg).toBe('cannot reach postgres://vigil:[redacted]@db:5432/vigil');
    expect(lines[1]!.err).toMatchObject({
      type: 'TypeError',
      input: 'postgres://vigil:[redacted]@db:port/vigil',
    });
    expect(lines[3]).toMatchObject({ token: '[redacted]', config: { DATABASE_URL: '[redacted]' } });
  });
});
