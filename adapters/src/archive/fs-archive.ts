import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type Archive, isSafeArchiveKey, UnavailableError, ValidationError } from '@vigil/core';
import type { Logger } from 'pino';
import { errnoCode, toFsArchiveError } from './fs-errors.ts';
import { assertSafeKey, assertSafePrefix } from './safe-key.ts';
import { sortKeys } from './sort-keys.ts';

/** Names of in-progress writes. Reserved: list() skips them and put() refuses keys ending in one. */
export const TEMP_PREFIX = '.vigil-tmp-';
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export interface FsArchiveOptions {
  /** Directory that holds the objects; key `a/b/c` is the file `<root>/a/b/c`. */
  root: string;
  logger: Logger;
}

/**
 * The archive as files under one directory (embedded mode), same keys as S3. A put writes a temp file in the
 * target's folder, flushes it, then renames it over the target: readers and crashes see the old object or the
 * new one, never half of one, and a second put replaces the first.
 * Limit: a key cannot be both an object and a folder (`a` and `a/b`), which S3 allows; such a put fails with
 * a non-retriable `conflict` error.
 */
export function createFsArchive({ root, logger }: FsArchiveOptions): Archive {
  const rootDir = path.resolve(root);
  const log = logger.child({ module: 'fs-archive' });
  const inFlight = new Set<Promise<unknown>>();

  function fileOf(key: string): string {
    assertSafeKey(key);
    const segments = key.split('/');
    if (segments.at(-1)!.startsWith(TEMP_PREFIX))
      throw new ValidationError(`archive key ${JSON.stringify(key)} uses the reserved prefix ${TEMP_PREFIX}`);
    return path.join(rootDir, ...segments);
  }

  async function write(key: string, file: string, body: Uint8Array): Promise<void> {
    const dir = path.dirname(file);
    // A random temp name per call, so concurrent puts of one key never share a temp file.
    const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(body);
        await handle.datasync(); // data on disk before the rename makes it visible
      } finally {
        await handle.close();
      }
      await rename(temp, file);
      await syncDir(dir); // the rename itself survives a power cut before the caller commits its offsets
    } catch (err) {
      await unlink(temp).catch((unlinkErr: unknown) => {
        // ENOENT: the temp file was never created or was already renamed; anything else is worth a warning.
        if (errnoCode(unlinkErr) !== 'ENOENT') log.warn({ err: unlinkErr, temp }, 'temp file not removed');
      });
      throw toFsArchiveError(err, key);
    }
    log.debug({ key, bytes: body.byteLength }, 'object written');
  }

  async function walk(dir: string, keyPrefix: string, prefix: string, keys: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (MISSING.has(errnoCode(err) ?? '')) return;
      throw toFsArchiveError(err, prefix);
    }
    for (const entry of entries) {
      const key = keyPrefix + entry.name;
      // Sequential on purpose: a parallel walk over thousands of hour folders would run out of descriptors.
      if (entry.isDirectory()) {
        if (`${key}/`.startsWith(prefix)) await walk(path.join(dir, entry.name), `${key}/`, prefix, keys);
      } else if (entry.isFile() && !entry.name.startsWith(TEMP_PREFIX) && key.startsWith(prefix)) {
        // Symlinks and other non-regular files are not objects; nor is a stray file no get() could read.
        if (isSafeArchiveKey(key)) keys.push(key);
      }
    }
  }

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    const forget = () => inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  return {
    async start() {
      const probe = path.join(rootDir, `${TEMP_PREFIX}probe-${randomBytes(8).toString('hex')}`);
      try {
        await mkdir(rootDir, { recursive: true });
        // Write a file rather than check permission bits: root ignores them and read-only mounts do not show.
        const handle = await open(probe, 'wx');
        await handle.close();
        await unlink(probe);
      } catch (err) {
        throw new UnavailableError(`archive directory ${rootDir} is not writable`, { cause: err });
      }
      log.info({ root: rootDir }, 'filesystem archive ready');
    },

    async put(key, body) {
      const file = fileOf(key); // inside the async function, so a bad key rejects rather than throws
      await track(write(key, file, body));
    },

    async get(key) {
      const file = fileOf(key);
      try {
        const bytes = await track(readFile(file));
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (err) {
        if (MISSING.has(errnoCode(err) ?? '')) return null;
        throw toFsArchiveError(err, key);
      }
    },

    async list(prefix) {
      assertSafePrefix(prefix);
      const base = prefix.slice(0, prefix.lastIndexOf('/') + 1); // the folder part; the rest may be mid-segment
      const keys: string[] = [];
      await track(walk(path.join(rootDir, ...base.split('/').filter(Boolean)), base, prefix, keys));
      return sortKeys(keys);
    },

    async stop() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
