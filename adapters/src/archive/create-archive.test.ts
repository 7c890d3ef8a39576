import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveOptionsOf, createArchive } from './create-archive.ts';

const logger = pino({ level: 'silent' });
const temps: string[] = [];

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('createArchive', () => {
  it.each([
    ['no S3 settings', undefined],
    ['S3 settings without a bucket', { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }],
  ])('keeps files under <dataDir>/archive with %s', async (_label, s3) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'vigil-create-archive-'));
    temps.push(dataDir);
    const archive = createArchive({ s3, dataDir, logger });
    await archive.start();
    await archive.put('raw/one', Uint8Array.of(1));
    expect(await readdir(path.join(dataDir, 'archive', 'raw'))).toEqual(['one']);
    await archive.stop();
  });
});

describe('archiveOptionsOf', () => {
  const base = { S3_REGION: 'eu-west-1', DATA_DIR: '/data' };
  it('selects files under DATA_DIR without a bucket', () => {
    expect(archiveOptionsOf(base, logger)).toEqual({ s3: undefined, dataDir: '/data', logger });
  });

  it('selects S3 with a bucket, path-style by default only for a custom endpoint', () => {
    expect(archiveOptionsOf({ ...base, S3_BUCKET: 'b' }, logger).s3).toEqual({
      bucket: 'b',
      region: 'eu-west-1',
      endpoint: undefined,
      forcePathStyle: false,
    });
    const custom = { ...base, S3_BUCKET: 'b', S3_ENDPOINT: 'http://127.0.0.1:9000' };
    expect(archiveOptionsOf(custom, logger).s3?.forcePathStyle).toBe(true);
    expect(archiveOptionsOf({ ...custom, S3_FORCE_PATH_STYLE: false }, logger).s3?.forcePathStyle).toBe(
      false,
    );
  });
});
