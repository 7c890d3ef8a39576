import { UnavailableError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { describePostgresUrl, guardOutage, isOutage } from './db-errors.ts';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('isOutage', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a server shutting down', withCode('57P01')],
    ['a connection exception class', withCode('08006')],
    ['too many connections', withCode('53300')],
    ['an unknown database', withCode('3D000')],
    ['a deadlock', withCode('40P01')],
    ['a statement timeout', withCode('57014')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['an outage under a wrapper', new Error('Failed query', { cause: withCode('ECONNRESET') })],
  ])('is true for %s', (_label, err) => {
    expect(isOutage(err)).toBe(true);
  });

  it.each([
    ['a syntax error', withCode('42601')],
    ['a unique violation', withCode('23505')],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'ECONNREFUSED'],
  ])('is false for %s', (_label, err) => {
    expect(isOutage(err)).toBe(false);
  });
});

describe('guardOutage', () => {
  it('turns an outage into UnavailableError and lets other errors through', async () => {
    const outage = withCode('ECONNREFUSED');
    const err = await guardOutage('ping', 'PostgreSQL at h:5432/db', () => Promise.reject(outage)).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toBe('ping: PostgreSQL at h:5432/db could not be reached');
    expect(err.cause).toBe(outage);
    const bug = new TypeError('bug');
    await expect(guardOutage('ping', 'x', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});

describe('describePostgresUrl', () => {
  it('names host, port and database, never the credentials', () => {
    const text = describePostgresUrl('postgres://vigil:s3cr3t@db.internal:6543/alerts?sslmode=require');
    expect(text).toBe('PostgreSQL at db.internal:6543/alerts');
    expect(describePostgresUrl('postgresql://u:p@localhost/vigil')).toBe(
      'PostgreSQL at localhost:5432/vigil',
    );
  });

  it('names a unix socket directory given as ?host=', () => {
    expect(describePostgresUrl('postgres:///vigil?host=/var/run/postgresql')).toBe(
      'PostgreSQL at /var/run/postgresql/vigil',
    );
  });

  it('says the URL is invalid without echoing it', () => {
    const text = describePostgresUrl('postgres://u:secret@:bad:port/db');
    expect(text).not.toContain('secret');
    expect(text).toMatch(/not a valid URL/);
  });
});
