export { createTestBucket } from './helpers/create-test-bucket.ts';
export { createTestDatabase, type TestDatabase } from './helpers/create-test-database.ts';
export { describeWith, type ServiceName } from './helpers/describe-with.ts';
export { adminHeaders, TEST_ADMIN_TOKEN } from './helpers/test-credentials.ts';
export { uniqueName } from './helpers/unique-name.ts';
export { type WaitForOptions, waitFor } from './helpers/wait-for.ts';
export { type S3Endpoints, s3ClientConfig } from './s3/s3-endpoints.ts';
export { type ServiceEndpoints, services } from './services.ts';
