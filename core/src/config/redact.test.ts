import { describe, expect, it } from 'vitest';
import { isSecretName, redactConfigValue, redactSecrets } from './redact.ts';

describe('redactSecrets', () => {
  it.each([
    ['postgres://vigil:hunter2@db:5432/vigil', 'postgres://vigil:[redacted]@db:5432/vigil'],
    ['postgress://vigil:hunter2@db/vigil', 'postgress://vigil:[redacted]@db/vigil'],
    // An unencoded @ in the password: hidden whole, up to the last @.
    ['postgres://vigil:hun@ter2@db/vigil', 'postgres://vigil:[redacted]@db/vigil'],
    ['postgres://db/vigil?user=v&password=hunter2&x=1', 'postgres://db/vigil?user=v&password=[redacted]&x=1'],
    ['connect to "postgres://u:p4ss@h/d" failed', 'connect to "postgres://u:[redacted]@h/d" failed'],
    ['http://user:pw@minio:9000 and s3://k:v@b', 'http://user:[redacted]@minio:9000 and s3://k:[redacted]@b'],
    // Without a well-formed scheme.
    ['http//minio:pw@host', 'http//minio:[redacted]@host'],
    ['vigil:hunter2@db:5432/vigil', 'vigil:[redacted]@db:5432/vigil'],
  ])('%s', (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  it.each([
    'postgres://vigil@db:5432/vigil',
    'postgres://db:5432/vigil',
    'http://127.0.0.1:9000',
    'KAFKA_BROKERS=a:9092',
    'plain text',
    'at load (file:///app/node_modules/@aws-sdk/client-s3/dist/index.js:12:3)',
    'alert a@b fired: 3 > 2',
  ])('leaves %s alone', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactConfigValue', () => {
  it('hides the whole value of secret-named variables', () => {
    for (const name of [
      'VIGIL_ADMIN_PASSWORD',
      'VIGIL_ADMIN_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
    ]) {
      expect(isSecretName(name), name).toBe(true);
      expect(redactConfigValue(name, 'anything')).toBe('[redacted]');
    }
  });
  it('keeps other values, without URL passwords', () => {
    expect(isSecretName('DATABASE_URL')).toBe(false);
    expect(redactConfigValue('PORT', 'abc')).toBe('abc');
    expect(redactConfigValue('DATABASE_URL', 'mysql://u:pw@h/d')).toBe('mysql://u:[redacted]@h/d');
  });
});
