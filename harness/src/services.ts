import { inject } from 'vitest';

/** Where the integration services of this test run listen; null when one could not be provided. */
export interface ServiceEndpoints {
  kafka: { brokers: string[] } | null;
  /** A superuser URL; suites create their own database with `createTestDatabase`. */
  postgres: { url: string } | null;
  /** Credentials for the S3-compatible server; suites create their own bucket. */
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } | null;
  /** Why a service is null, with what to install (only ever non-empty outside CI). */
  missing: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceEndpoints;
  }
}

/** The endpoints the global setup provided; call inside a test file. */
export const services = (): ServiceEndpoints => inject('services');
