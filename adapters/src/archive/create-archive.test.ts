import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createArchive } from './create-archive.ts';

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
