import { randomBytes } from 'node:crypto';

/** Short enough for every limit we meet: bucket names and PostgreSQL identifiers (63). */
const MAX_PREFIX = 40;

/**
 * `prefix-<10 random chars>`, lowercase letters, digits and dashes only: valid as a Kafka topic,
 * a consumer group, an S3 bucket (3–63 chars, starts with a letter or digit) and, after
 * `createTestDatabase` turns dashes into underscores, a PostgreSQL database name.
 */
export const uniqueName = (prefix: string): string => {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_PREFIX) || 'test';
  // base32-ish from hex keeps it lowercase; 40 bits are plenty for one test run.
  const suffix = BigInt(`0x${randomBytes(5).toString('hex')}`)
    .toString(36)
    .padStart(8, '0');
  return `${/^[a-z0-9]/.test(clean) ? clean : `t${clean}`}-${suffix}`;
};
