import { fetchKafkaJars, kafkaJarsReady, kafkaLibsDir } from './kafka/kafka-jars.ts';
import { startKafka } from './kafka/start-kafka.ts';
import { waitForKafka } from './kafka/wait-for-kafka.ts';
import { startPostgres } from './postgres/start-postgres.ts';
import { redact, waitForPostgres } from './postgres/wait-for-postgres.ts';
import { sweepOrphanedTempDirs } from './process/temp-dir.ts';
import { kafkaToolsMissing, postgresBinDirOrMissing } from './requirements.ts';
import type { S3Endpoints } from './s3/s3-endpoints.ts';
import { startS3 } from './s3/start-s3.ts';
import { waitForS3 } from './s3/wait-for-s3.ts';
import type { ServiceEndpoints } from './services.ts';

export interface ProvisionOptions {
  env: NodeJS.ProcessEnv;
  /** One line per event, e.g. process.stderr. */
  log: (line: string) => void;
}

export interface Provisioned {
  endpoints: ServiceEndpoints;
  /** Stops everything that was started (nothing for services given by env). Idempotent. */
  stop(): Promise<void>;
}

type Outcome<T> = { value: T; stop?: () => Promise<void> } | { missing: string };

/** Services given by env vars are only checked, with this much patience (they may be booting). */
const EXTERNAL_DEADLINE_MS = 30_000;

/** Runs `fn` and logs one line: what it gave and how long it took. */
const timed = async <T>(
  log: ProvisionOptions['log'],
  fn: () => Promise<T>,
  describe: (value: T) => string,
) => {
  const started = Date.now();
  const value = await fn();
  log(`[harness] ${describe(value)} in ${Date.now() - started} ms`);
  return value;
};

const provideKafka = async ({ env, log }: ProvisionOptions): Promise<Outcome<{ brokers: string[] }>> => {
  if (env.KAFKA_BROKERS) {
    const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
    await timed(
      log,
      () => waitForKafka({ brokers, deadlineMs: EXTERNAL_DEADLINE_MS }),
      () => `kafka: KAFKA_BROKERS=${brokers.join(',')} answered`,
    );
    return { value: { brokers } };
  }
  const libsDir = kafkaLibsDir(env);
  const missing = kafkaToolsMissing(kafkaJarsReady(libsDir));
  if (missing) return { missing };
  const fetched = await fetchKafkaJars({ libsDir, log });
  if (fetched.fetched) log(`[harness] kafka: fetched ${fetched.jars} jars in ${fetched.ms} ms`);
  const kafka = await timed(
    log,
    () => startKafka({ libsDir }),
    (k) => `kafka: started ${k.brokers.join(',')} (log ${k.logFile})`,
  );
  return { value: { brokers: kafka.brokers }, stop: kafka.stop };
};

const providePostgres = async ({ env, log }: ProvisionOptions): Promise<Outcome<{ url: string }>> => {
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    await timed(
      log,
      () => waitForPostgres({ url, deadlineMs: EXTERNAL_DEADLINE_MS }),
      () => `postgres: DATABASE_URL=${redact(url)} answered`,
    );
    return { value: { url } };
  }
  const bin = postgresBinDirOrMissing(env);
  if ('missing' in bin) return bin;
  const pg = await timed(
    log,
    () => startPostgres(bin),
    (p) => `postgres: started ${p.url} from ${bin.binDir} (log ${p.logFile})`,
  );
  return { value: { url: pg.url }, stop: pg.stop };
};

const provideS3 = async ({ env, log }: ProvisionOptions): Promise<Outcome<S3Endpoints>> => {
  if (env.S3_ENDPOINT) {
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('S3_ENDPOINT is set but AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is not');
    }
    const s3 = {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION || 'us-east-1',
      accessKeyId,
      secretAccessKey,
    };
    await timed(
      log,
      () => waitForS3({ s3, deadlineMs: EXTERNAL_DEADLINE_MS }),
      () => `s3: S3_ENDPOINT=${s3.endpoint} answered`,
    );
    return { value: s3 };
  }
  const s3 = await timed(log, startS3, (h) => `s3: started s3rver ${h.endpoints.endpoint}`);
  return { value: s3.endpoints, stop: s3.stop };
};

const providedValue = <T>(outcome: PromiseSettledResult<Outcome<T>>): T | null =>
  outcome.status === 'fulfilled' && 'value' in outcome.value ? outcome.value.value : null;

/**
 * Starts Kafka, PostgreSQL and S3 in parallel, or checks the ones given by env vars. A service
 * whose tools are missing is null with the reason in `missing`, unless CI=true: then, as for any
 * service that fails, this throws after stopping what did start, so nothing can silently skip.
 */
export const provisionServices = async (options: ProvisionOptions): Promise<Provisioned> => {
  const ci = options.env.CI === 'true';
  sweepOrphanedTempDirs();
  const outcomes = await Promise.allSettled([
    provideKafka(options),
    providePostgres(options),
    provideS3(options),
  ]);
  const stops = outcomes.flatMap((o) =>
    o.status === 'fulfilled' && 'stop' in o.value && o.value.stop ? [o.value.stop] : [],
  );
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const results = await Promise.allSettled(stops.map((s) => s()));
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (errors.length > 0) throw new AggregateError(errors, 'stopping integration services failed');
    })();
    return stopping;
  };

  const missing = outcomes.flatMap((o) =>
    o.status === 'fulfilled' && 'missing' in o.value ? [o.value.missing] : [],
  );
  const failures = outcomes.flatMap((o) =>
    o.status === 'rejected' ? [String(o.reason?.stack ?? o.reason)] : [],
  );
  if (failures.length > 0 || (ci && missing.length > 0)) {
    await stop().catch((error) => options.log(`[harness] cleanup after failed start-up: ${String(error)}`));
    const reasons = [...failures, ...(ci ? missing.map((m) => `${m} (CI=true: nothing may skip)`) : [])];
    throw new Error(`integration services could not be provided:\n- ${reasons.join('\n- ')}`);
  }
  const [kafka, postgres, s3] = outcomes;
  return {
    endpoints: {
      kafka: providedValue(kafka!),
      postgres: providedValue(postgres!),
      s3: providedValue(s3!),
      missing,
    },
    stop,
  };
};
