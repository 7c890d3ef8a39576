// The only file that imports @aws-sdk: swapping or upgrading the SDK stays local to it.
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type Archive, ERROR_CODES, isSafeArchiveKey, VigilError } from '@vigil/core';
import type { Logger } from 'pino';
import { isS3NotFound, toS3ArchiveError } from './s3-errors.ts';
import { assertSafeKey, assertSafePrefix } from './safe-key.ts';
import { sortKeys } from './sort-keys.ts';

/** A black-holed endpoint fails start() in seconds instead of hanging on the OS connect timeout. */
const CONNECTION_TIMEOUT_MS = 5_000;
/** Generous: one object is one batch of compressed events, a few MB at most. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface S3ArchiveOptions {
  bucket: string;
  region: string;
  /** An S3-compatible server (MinIO, s3rver, …); unset means AWS. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`); defaults to true when an endpoint is set. */
  forcePathStyle?: boolean;
  /** Unset: the SDK's default chain (AWS_* variables, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Folder inside the bucket for every key (`vigil/prod`), so deployments can share a bucket. */
  prefix?: string;
  logger: Logger;
}

/** The archive on S3 or an S3-compatible store. Keys and sort order match the filesystem archive. */
export function createS3Archive(options: S3ArchiveOptions): Archive {
  const { bucket, region, endpoint } = options;
  const keyPrefix = normalizePrefix(options.prefix);
  const where = endpoint ?? `AWS S3 (${region})`;
  // Never log `options.credentials`: only these fields go to the logs.
  const log = options.logger.child({ module: 's3-archive', bucket, endpoint: where, prefix: keyPrefix });
  const client = new S3Client({
    region,
    endpoint,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    credentials: options.credentials,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
    // Compatible servers mishandle the SDK's default flexible checksums (aws-chunked framing can end up
    // inside the stored object); AWS itself keeps the defaults, which add end-to-end integrity checks.
    ...(endpoint !== undefined && {
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    }),
  });
  const inFlight = new Set<Promise<unknown>>();

  async function call<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    const work = run();
    inFlight.add(work);
    try {
      return await work;
    } catch (err) {
      if (operation === 'GetObject' && isS3NotFound(err)) throw err;
      throw toS3ArchiveError(err, { operation, bucket, endpoint: where, key });
    } finally {
      inFlight.delete(work);
    }
  }

  return {
    async start() {
      await call('HeadBucket', undefined, () => client.send(new HeadBucketCommand({ Bucket: bucket })));
      log.info('S3 archive ready');
    },

    async put(key, body, putOptions = {}) {
      assertSafeKey(key);
      await call('PutObject', key, () =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: keyPrefix + key,
            Body: body,
            ContentLength: body.byteLength,
            ContentType: putOptions.contentType ?? 'application/octet-stream',
            ContentEncoding: putOptions.contentEncoding,
          }),
        ),
      );
      log.debug({ key, bytes: body.byteLength }, 'object written');
    },

    async get(key) {
      assertSafeKey(key);
      try {
        return await call('GetObject', key, async () => {
          const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyPrefix + key }));
          if (!output.Body) throw new VigilError(ERROR_CODES.internal, `S3 returned no body for ${key}`);
          return output.Body.transformToByteArray(); // the whole object, so no socket outlives the call
        });
      } catch (err) {
        if (isS3NotFound(err)) return null;
        throw err;
      }
    },

    async list(prefix) {
      assertSafePrefix(prefix);
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await call('ListObjectsV2', prefix, () =>
          client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: keyPrefix + prefix,
              ContinuationToken: token,
            }),
          ),
        );
        for (const item of page.Contents ?? []) {
          const key = item.Key?.slice(keyPrefix.length);
          // Objects other tools wrote with keys get() would refuse are not part of this archive.
          if (key !== undefined && isSafeArchiveKey(key)) keys.push(key);
        }
        if (page.IsTruncated && !page.NextContinuationToken)
          throw new VigilError(
            ERROR_CODES.internal,
            `S3 listing of ${prefix} truncated without a continuation token`,
          );
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return sortKeys(keys);
    },

    async stop() {
      await Promise.allSettled([...inFlight]);
      client.destroy();
    },
  };
}

/** `vigil/prod/` from `vigil/prod` or `vigil/prod/`; '' for none. */
function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  assertSafeKey(trimmed);
  return `${trimmed}/`;
}
