/**
 * `@vigil/harness/programs`: the starters behind `npm run services`, for programs that run real services
 * or child processes themselves (`npm run cluster` in app/, the benchmarks). Test suites use the main
 * entry (`@vigil/harness`) instead: the run's services come from the vitest global setup there.
 * Nothing here imports vitest.
 */

export { createTestDatabase, type TestDatabase } from './helpers/create-test-database.ts';
// The vitest-free helpers of the main entry, so a program never loads vitest.
export { adminHeaders, TEST_ADMIN_TOKEN } from './helpers/test-credentials.ts';
export { uniqueName } from './helpers/unique-name.ts';
export { type WaitForOptions, waitFor } from './helpers/wait-for.ts';
export { fetchKafkaJars, kafkaJarsReady, kafkaLibsDir } from './kafka/kafka-jars.ts';
export { type KafkaHandle, startKafka } from './kafka/start-kafka.ts';
export { waitForKafka } from './kafka/wait-for-kafka.ts';
export { type PostgresHandle, startPostgres } from './postgres/start-postgres.ts';
export { redact, waitForPostgres } from './postgres/wait-for-postgres.ts';
export { freePorts } from './process/free-port.ts';
export {
  type GuardedProcess,
  type GuardedProcessOptions,
  spawnGuarded,
  tailFile,
} from './process/spawn-guarded.ts';
export { makeTempDir } from './process/temp-dir.ts';
export { type Provisioned, type ProvisionOptions, provisionServices } from './provision.ts';
export { kafkaToolsMissing, postgresBinDirOrMissing } from './requirements.ts';
export { type S3Endpoints, s3ClientConfig } from './s3/s3-endpoints.ts';
export type { ServiceEndpoints } from './services.ts';
