import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ERROR_CODES, UnavailableError, ValidationError, VigilError } from '@vigil/core';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { runArchiveContract } from './archive-contract.ts';
import { createFsArchive, TEMP_PREFIX } from './fs-archive.ts';

const logger = pino({ level: 'silent' });
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-fs-archive-'));
  temps.push(dir);
  return dir;
}

/** Every file under a directory, temp files included, as slash-separated paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

runArchiveContract('filesystem', async (kind) => {
  const dir = await tempDir();
  if (kind === 'ready') return createFsArchive({ root: path.join(dir, 'archive'), logger });
  // A root below a regular file can never be created, even by root (who ignores permission bits).
  await writeFile(path.join(dir, 'not-a-dir'), '');
  return createFsArchive({ root: path.join(dir, 'not-a-dir', 'archive'), logger });
});

describe('filesystem archive', () => {
  async function started() {
    const root = path.join(await tempDir(), 'nested', 'archive');
    const archive = createFsArchive({ root, logger });
    await archive.start();
    return { root, archive };
  }

  // Not in the shared contract: s3rver (the test S3) writes objects non-atomically, while real S3 does not.
  it('keeps one whole body when puts of one key race (atomic rename)', async () => {
    const { archive } = await started();
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.from(`body-${i}-`.repeat(1000 + i)));
    await Promise.all(bodies.map((body) => archive.put('raced', body)));
    const read = Buffer.from((await archive.get('raced'))!);
    expect(bodies.some((body) => read.equals(body))).toBe(true);
    expect(await archive.list('')).toEqual(['raced']);
  });

  it('creates a missing root on start', async () => {
    const { root } = await started();
    expect(await readdir(root)).toEqual([]);
  });

  it('stores key a/b/c as the file <root>/a/b/c, with no temp file left behind', async () => {
    const { root, archive } = await started();
    await archive.put('raw/source=logs/batch.ndjson.gz', Uint8Array.of(1, 2, 3));
    await archive.put('raw/source=logs/batch.ndjson.gz', Uint8Array.of(4, 5));
    expect(await filesUnder(root)).toEqual(['raw/source=logs/batch.ndjson.gz']);
    expect([...(await readFile(path.join(root, 'raw/source=logs/batch.ndjson.gz')))]).toEqual([4, 5]);
  });

  it('does not list temp files a crash left behind, nor stray files with unsafe names', async () => {
    const { root, archive } = await started();
    await archive.put('hour/batch', Uint8Array.of(1));
    await writeFile(path.join(root, 'hour', `${TEMP_PREFIX}0123abcd`), 'half an object');
    await writeFile(path.join(root, 'hour', 'back\\slash'), 'not ours');
    expect(await archive.list('')).toEqual(['hour/batch']);
  });

  it('refuses keys whose name uses the reserved temp prefix', async () => {
    const { archive } = await started();
    await expect(archive.put(`hour/${TEMP_PREFIX}x`, Uint8Array.of(1))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(archive.get(`hour/${TEMP_PREFIX}x`)).rejects.toBeInstanceOf(ValidationError);
  });

  it('fails a put whose key collides with an object or folder, non-retriable and without leftovers', async () => {
    const { root, archive } = await started();
    await archive.put('a', Uint8Array.of(1));
    await archive.put('b/c', Uint8Array.of(2));
    for (const key of ['a/child', 'b']) {
      const failure = await archive.put(key, Uint8Array.of(3)).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(VigilError);
      expect((failure as VigilError).code).toBe(ERROR_CODES.internal);
      expect((failure as VigilError).retriable).toBe(false);
    }
    expect(await filesUnder(root)).toEqual(['a', 'b/c']);
  });

  it('reports the root in the UnavailableError of start', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'file'), '');
    const root = path.join(dir, 'file', 'archive');
    const failure = await createFsArchive({ root, logger })
      .start()
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(UnavailableError);
    expect((failure as Error).message).toContain(root);
  });

  it('finishes in-flight puts before stop resolves', async () => {
    const { root, archive } = await started();
    const put = archive.put('late/object', new Uint8Array(64 * 1024));
    await archive.stop();
    expect(await filesUnder(root)).toEqual(['late/object']);
    await put;
  });

  it('lists nothing under a prefix whose folder is a file', async () => {
    const { root, archive } = await started();
    await mkdir(path.join(root, 'x'), { recursive: true });
    await archive.put('x/file', Uint8Array.of(1));
    expect(await archive.list('x/file/')).toEqual([]);
    expect(await archive.list('x/file/more')).toEqual([]);
  });
});
