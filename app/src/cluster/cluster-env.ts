import type { S3Endpoints } from '@vigil/harness/programs';

/** The three services every cluster component talks to. */
export interface ClusterServices {
  kafka: { brokers: string[] };
  /** Used as DATABASE_URL as it is: the database the components migrate and share. */
  postgres: { url: string };
  s3: S3Endpoints;
}

export interface SharedEnvOptions {
  services: ClusterServices;
  bucket: string;
  /** '' for the plain topic names (`topicNames()` in core). */
  topicPrefix: string;
  groupId: string;
  partitions: number;
  sessionTimeoutMs: number;
  logLevel: string;
  host: string;
}

/**
 * The variables every component of the cluster gets: docker-compose.yml's x-kafka-env, x-database-env
 * and x-processor-env anchors, pointed at these services. Components ignore the variables they do not
 * declare, so one set serves processors, gateways and the simulator.
 */
export const sharedEnv = (options: SharedEnvOptions): Record<string, string> => {
  const { kafka, postgres, s3 } = options.services;
  return {
    KAFKA_BROKERS: kafka.brokers.join(','),
    DATABASE_URL: postgres.url,
    S3_BUCKET: options.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    // Node 20 is still supported by this stack (STACK.md); the SDK's warning would repeat in every log.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(options.topicPrefix ? { TOPIC_PREFIX: options.topicPrefix } : {}),
    // Shared by all processors so Kafka splits the partitions between them, and unique per prefix so
    // clusters on one broker (parallel test files) never join each other's group.
    PROCESSOR_GROUP_ID: options.groupId,
    EVENT_PARTITIONS: String(options.partitions),
    KAFKA_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs),
    LOG_LEVEL: options.logLevel,
    HOST: options.host,
  };
};

/** Processor i's variables: its own /metrics and /health port. */
export const processorEnv = (
  shared: Record<string, string>,
  metricsPort: number,
): Record<string, string> => ({
  ...shared,
  METRICS_HOST: '127.0.0.1',
  METRICS_PORT: String(metricsPort),
});

/** Gateway i's variables: its own HTTP and WebSocket port. */
export const gatewayEnv = (shared: Record<string, string>, port: number): Record<string, string> => ({
  ...shared,
  PORT: String(port),
});

/** `export K=V` lines, quoted only where a shell needs it. */
export const exportLines = (env: Record<string, string>): string[] =>
  Object.entries(env).map(([key, value]) =>
    /^[\w.,:/@%+=-]*$/.test(value)
      ? `export ${key}=${value}`
      : `export ${key}='${value.replaceAll("'", "'\\''")}'`,
  );
