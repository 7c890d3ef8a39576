import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UnavailableError } from '@vigil/core';
import { createTestBucket, describeWith, s3ClientConfig, services, uniqueName } from '@vigil/harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchiveContract } from './archive-contract.ts';
import { createArchive } from './create-archive.ts';
import { createS3Archive, type S3ArchiveOptions } from './s3-archive.ts';

const logger = pino({ level: 'silent' });

// Skipped, with the harness printing why, only when this run has no S3 server (never under CI=true).
describeWith(['s3'])('S3 archive against the S3-compatible server', () => {
  const endpoints = services().s3;
  if (!endpoints) return; // vitest still collects a skipped suite; nothing below may touch a null server
  const credentials = { accessKeyId: endpoints.accessKeyId, secretAccessKey: endpoints.secretAccessKey };
  const settings = (bucket: string): S3ArchiveOptions => ({
    bucket,
    region: endpoints.region,
    endpoint: endpoints.endpoint,
    credentials,
    logger,
  });
  // Test-only client to inspect stored objects; the archive itself never creates buckets (operator's job).
  const admin = new S3Client(s3ClientConfig(endpoints));

  afterAll(() => admin.destroy());

  runArchiveContract('S3', async (kind) =>
    createS3Archive(
      settings(kind === 'ready' ? await createTestBucket(endpoints, 'archive') : uniqueName('missing')),
    ),
  );

  describe('S3 specifics', () => {
    let bucket: string;
    beforeAll(async () => {
      bucket = await createTestBucket(endpoints, 'archive-specifics');
    });

    it('stores content type and encoding with the object', async () => {
      const archive = createS3Archive(settings(bucket));
      await archive.put('typed.ndjson.gz', Uint8Array.of(31, 139), {
        contentType: 'application/x-ndjson',
        contentEncoding: 'gzip',
      });
      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'typed.ndjson.gz' }));
      expect(head).toMatchObject({
        ContentType: 'application/x-ndjson',
        ContentEncoding: 'gzip',
        ContentLength: 2,
      });
      await archive.stop();
    });

    it('keeps each deployment prefix apart and hides it from keys', async () => {
      const a = createS3Archive({ ...settings(bucket), prefix: 'deploy-a/' });
      const b = createS3Archive({ ...settings(bucket), prefix: 'deploy-b' });
      const whole = createS3Archive(settings(bucket));
      await a.put('raw/x', Uint8Array.of(1));
      await b.put('raw/x', Uint8Array.of(2));
      expect(await a.list('raw/')).toEqual(['raw/x']);
      expect(await b.get('raw/x')).toEqual(Uint8Array.of(2));
      expect(await whole.list('deploy-')).toEqual(['deploy-a/raw/x', 'deploy-b/raw/x']);
      await Promise.all([a.stop(), b.stop(), whole.stop()]);
    });

    it('fails every call on a missing bucket with UnavailableError, never a null', async () => {
      const archive = createS3Archive(settings(uniqueName('gone')));
      await expect(archive.get('raw/x')).rejects.toBeInstanceOf(UnavailableError);
      await expect(archive.put('raw/x', Uint8Array.of(1))).rejects.toBeInstanceOf(UnavailableError);
      await expect(archive.list('raw/')).rejects.toBeInstanceOf(UnavailableError);
      await archive.stop();
    });

    it('reports an unreachable endpoint as UnavailableError naming bucket and endpoint, never the secret', async () => {
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const secretAccessKey = `secret-${randomUUID()}`;
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const archive = createS3Archive({
        ...settings('unreachable-bucket'),
        endpoint,
        credentials: { accessKeyId: 'AKIATEST', secretAccessKey },
        logger: pino({ level: 'trace' }, sink),
      });
      const failure = (await archive.start().catch((err: unknown) => err)) as UnavailableError;
      expect(failure).toBeInstanceOf(UnavailableError);
      expect(failure.retriable).toBe(true);
      expect(failure.message).toContain('unreachable-bucket');
      expect(failure.message).toContain(endpoint);
      expect(failure.cause).toBeDefined();
      expect(`${failure.message} ${JSON.stringify(failure.details)} ${lines.join('')}`).not.toContain(
        secretAccessKey,
      );
      await archive.stop();
    });

    it('is what createArchive picks when a bucket is configured', async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'vigil-s3-select-'));
      try {
        const { logger: _omit, ...s3Settings } = settings(bucket);
        const archive = createArchive({ s3: s3Settings, dataDir, logger });
        await archive.start();
        await archive.put('selected', Uint8Array.of(7));
        const direct = createS3Archive(settings(bucket));
        expect(await direct.get('selected')).toEqual(Uint8Array.of(7));
        await expect(access(path.join(dataDir, 'archive'))).rejects.toThrow();
        await Promise.all([archive.stop(), direct.stop()]);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
});

/** A loopback port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return port;
}
