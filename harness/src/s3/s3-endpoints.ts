import type { ServiceEndpoints } from '../services.ts';

export type S3Endpoints = NonNullable<ServiceEndpoints['s3']>;

/** s3rver accepts only these fixed credentials (it checks request signatures against them). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Client settings that work against S3-compatible test servers: path-style addressing (no
 * bucket DNS names on 127.0.0.1), and checksums only when an operation requires them, since
 * otherwise a streamed body may be stored with its aws-chunked framing inside the object.
 */
export const s3ClientConfig = (s3: S3Endpoints) => ({
  endpoint: s3.endpoint,
  region: s3.region,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED' as const,
  responseChecksumValidation: 'WHEN_REQUIRED' as const,
});
