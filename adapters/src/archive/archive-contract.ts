import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type Archive, UnavailableError, ValidationError } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawBatchKey } from './archive-key.ts';

/**
 * Builds an archive for the contract. 'ready': a working, empty store (own directory or bucket).
 * 'unavailable': one whose start() must fail (a missing bucket, a directory that cannot be created).
 * The contract calls start() and stop() itself.
 */
export type MakeArchive = (kind: 'ready' | 'unavailable') => Promise<Archive> | Archive;

/** More than one S3 listing page (1000 keys), so pagination is exercised. */
const MANY_KEYS = 1050;
/** Parallel puts for the bulk test: fast on two cores without flooding the server with sockets. */
const PUT_CONCURRENCY = 16;

const UNSAFE_KEYS = ['', '/abs', 'a/../b', '../a', 'a//b', './a', 'a/', 'a\\b', 'a\u0000b', 'x'.repeat(1025)];

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function forEachLimit<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The one suite every Archive implementation passes; call it from the implementation's test file. */
export function runArchiveContract(name: string, makeArchive: MakeArchive): void {
  describe(`${name} archive contract`, () => {
    const opened: Archive[] = [];
    let archive: Archive;
    // Every test writes under its own random folder, so tests share one store without seeing each other.
    const scope = () => `contract-${randomUUID().slice(0, 8)}/`;
    const open = async () => {
      const fresh = await makeArchive('ready');
      opened.push(fresh);
      await fresh.start();
      return fresh;
    };

    beforeAll(async () => {
      archive = await open();
    });
    afterAll(async () => {
      await Promise.all(opened.map((each) => each.stop()));
    });

    describe('put and get', () => {
      it('round-trips gzip bytes and every byte value exactly', async () => {
        const key = `${scope()}events.ndjson.gz`;
        const gzip = gzipSync(bytes('{"service":"payments","level":"ERROR"}\n'.repeat(200)));
        await archive.put(key, gzip, { contentType: 'application/x-ndjson', contentEncoding: 'gzip' });
        const read = await archive.get(key);
        expect(read).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(read!).equals(gzip)).toBe(true);
        expect(gunzipSync(read!).toString()).toContain('"payments"');

        const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
        await archive.put(`${key}.bin`, everyByte);
        expect(await archive.get(`${key}.bin`)).toEqual(everyByte);
      });

      it('round-trips an empty object', async () => {
        const key = `${scope()}empty`;
        await archive.put(key, new Uint8Array(0));
        expect(await archive.get(key)).toEqual(new Uint8Array(0));
      });

      it('replaces the object on a second put of the same key', async () => {
        const dir = scope();
        await archive.put(`${dir}batch`, bytes('first, and longer than the second'));
        await archive.put(`${dir}batch`, bytes('second'));
        expect(Buffer.from((await archive.get(`${dir}batch`))!).toString()).toBe('second');
        expect(await archive.list(dir)).toEqual([`${dir}batch`]);
      });

      it('returns null for a missing key, including one below an existing object', async () => {
        const dir = scope();
        expect(await archive.get(`${dir}missing`)).toBeNull();
        await archive.put(`${dir}object`, bytes('x'));
        expect(await archive.get(`${dir}object/child`)).toBeNull();
        expect(await archive.get(`${dir}obj`)).toBeNull();
      });
    });

    describe('list', () => {
      it('returns the keys under a folder prefix and nothing beside it', async () => {
        const dir = scope();
        for (const key of ['a/1', 'a/2', 'a/deep/3', 'ab/4', 'b/5']) await archive.put(dir + key, bytes(key));
        expect(await archive.list(`${dir}a/`)).toEqual([`${dir}a/1`, `${dir}a/2`, `${dir}a/deep/3`]);
        expect(await archive.list(dir)).toHaveLength(5);
      });

      it('matches a prefix that ends mid-segment, as S3 prefixes do', async () => {
        const dir = scope();
        const keys = ['raw/source=logs/x', 'raw/source=login/y', 'raw/source=metrics/z', 'raw/sourced'];
        for (const key of keys) await archive.put(dir + key, bytes(key));
        expect(await archive.list(`${dir}raw/source=lo`)).toEqual([
          `${dir}raw/source=login/y`,
          `${dir}raw/source=logs/x`,
        ]);
        expect(await archive.list(`${dir}raw/source=logs/`)).toEqual([`${dir}raw/source=logs/x`]);
        expect(await archive.list(`${dir}raw/source=logs/x`)).toEqual([`${dir}raw/source=logs/x`]);
        expect(await archive.list(`${dir}ra`)).toHaveLength(4);
      });

      it('returns an empty list for a prefix with no keys', async () => {
        expect(await archive.list(`${scope()}nothing/`)).toEqual([]);
        expect(await archive.list(`${scope()}noth`)).toEqual([]);
      });

      it('sorts keys by their UTF-8 bytes whatever the put order', async () => {
        const dir = scope();
        const batch = {
          source: 'logs',
          eventTime: Date.UTC(2026, 10, 21, 14),
          topic: 'events.logs',
          partition: 3,
        } as const;
        const rawKeys = [1000, 9, 100, 10].map((first) =>
          rawBatchKey({ ...batch, firstOffset: first, lastOffset: first }),
        );
        const names = ['b', 'a b+c=d', 'B', '~', '0', 'é', '😀', '\uFFFD'];
        for (const key of [...rawKeys, ...names]) await archive.put(dir + key, bytes(key));
        // Zero-padded offsets sort numerically; U+FFFD sorts before U+1F600 in UTF-8 (not in UTF-16).
        const rawSorted = [9, 10, 100, 1000].map((first) =>
          rawBatchKey({ ...batch, firstOffset: first, lastOffset: first }),
        );
        const expected = ['0', 'B', 'a b+c=d', 'b', ...rawSorted, '~', 'é', '\uFFFD', '😀'];
        expect(await archive.list(dir)).toEqual(expected.map((key) => dir + key));
      });

      it('returns every key of a store with an empty prefix', async () => {
        const fresh = await open();
        await fresh.put('one', bytes('1'));
        await fresh.put('two/2', bytes('2'));
        expect(await fresh.list('')).toEqual(['one', 'two/2']);
      });

      it('pages through more than 1000 keys (one S3 listing page)', { timeout: 60_000 }, async () => {
        const dir = scope();
        const keys = Array.from({ length: MANY_KEYS }, (_, i) => `${dir}k/${String(i).padStart(5, '0')}`);
        await forEachLimit([...keys].reverse(), PUT_CONCURRENCY, (key) => archive.put(key, bytes(key)));
        const listed = await archive.list(dir);
        expect(listed).toHaveLength(MANY_KEYS);
        expect(listed).toEqual(keys);
        expect(await archive.list(`${dir}k/010`)).toEqual(keys.slice(1000));
      });
    });

    describe('key safety', () => {
      it.each(UNSAFE_KEYS.map((key) => [JSON.stringify(key).slice(0, 20), key]))(
        'rejects the unsafe key %s with ValidationError',
        async (_label, key) => {
          await expect(archive.put(key, bytes('x'))).rejects.toBeInstanceOf(ValidationError);
          await expect(archive.get(key)).rejects.toBeInstanceOf(ValidationError);
        },
      );

      it('rejects a list prefix that could leave the store', async () => {
        for (const prefix of ['../', '/', '/abs', 'a/../', 'a//']) {
          await expect(archive.list(prefix)).rejects.toBeInstanceOf(ValidationError);
        }
      });
    });

    describe('start', () => {
      it('fails with a retriable UnavailableError when the store is unavailable', async () => {
        const broken = await makeArchive('unavailable');
        try {
          const failure = await broken.start().then(
            () => null,
            (err: unknown) => err,
          );
          expect(failure).toBeInstanceOf(UnavailableError);
          expect((failure as UnavailableError).retriable).toBe(true);
        } finally {
          await broken.stop();
        }
      });
    });
  });
}
