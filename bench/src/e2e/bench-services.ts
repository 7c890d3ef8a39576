/**
 * Real Kafka and PostgreSQL for a suite, from the harness's starters (the same the integration tests use):
 * started fresh in temp dirs on free loopback ports, or taken from KAFKA_BROKERS / DATABASE_URL when set.
 */
import {
  fetchKafkaJars,
  kafkaJarsReady,
  kafkaLibsDir,
  kafkaToolsMissing,
  postgresBinDirOrMissing,
  redact,
  startKafka,
  startPostgres,
  waitForKafka,
  waitForPostgres,
} from '@vigil/harness/programs';

export type BenchServiceName = 'kafka' | 'postgres';

export interface BenchServices {
  kafka: { brokers: string[] } | null;
  /** A superuser URL: suites create their own database on it. */
  postgres: { url: string } | null;
  /** Stops what this call started (nothing for services given by env). Idempotent. */
  stop(): Promise<void>;
}

export interface BenchServicesOptions {
  need: readonly BenchServiceName[];
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** Patience for services given by env vars: they may still be booting. */
const EXTERNAL_DEADLINE_MS = 30_000;

type Started<T> = { value: T; stop?: () => Promise<void> };

async function provideKafka({ env, log }: BenchServicesOptions): Promise<Started<{ brokers: string[] }>> {
  if (env.KAFKA_BROKERS) {
    const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
    await waitForKafka({ brokers, deadlineMs: EXTERNAL_DEADLINE_MS });
    log(`[bench] kafka: using KAFKA_BROKERS=${brokers.join(',')}`);
    return { value: { brokers } };
  }
  const libsDir = kafkaLibsDir(env);
  const missing = kafkaToolsMissing(kafkaJarsReady(libsDir));
  // A benchmark without its broker measures nothing: fail with what to install rather than skip.
  if (missing) throw new Error(missing);
  await fetchKafkaJars({ libsDir, log });
  const started = Date.now();
  const kafka = await startKafka({ libsDir });
  log(`[bench] kafka: started ${kafka.brokers.join(',')} in ${Date.now() - started} ms`);
  return { value: { brokers: kafka.brokers }, stop: kafka.stop };
}

async function providePostgres({ env, log }: BenchServicesOptions): Promise<Started<{ url: string }>> {
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    await waitForPostgres({ url, deadlineMs: EXTERNAL_DEADLINE_MS });
    log(`[bench] postgres: using DATABASE_URL=${redact(url)}`);
    return { value: { url } };
  }
  const bin = postgresBinDirOrMissing(env);
  if ('missing' in bin) throw new Error(bin.missing);
  const started = Date.now();
  const pg = await startPostgres(bin);
  log(`[bench] postgres: started ${pg.url} in ${Date.now() - started} ms`);
  return { value: { url: pg.url }, stop: pg.stop };
}

type Outcome<T> = PromiseSettledResult<Started<T> | null>;

const providedValue = <T>(outcome: Outcome<T>): T | null =>
  outcome.status === 'fulfilled' && outcome.value ? outcome.value.value : null;
const stopOf = <T>(outcome: Outcome<T>): (() => Promise<void>)[] =>
  outcome.status === 'fulfilled' && outcome.value?.stop ? [outcome.value.stop] : [];

/** Starts (or checks) the services a suite needs, in parallel; on any failure stops what did start. */
export async function startBenchServices(options: BenchServicesOptions): Promise<BenchServices> {
  const wants = (name: BenchServiceName) => options.need.includes(name);
  const [kafka, postgres] = await Promise.allSettled([
    wants('kafka') ? provideKafka(options) : null,
    wants('postgres') ? providePostgres(options) : null,
  ]);
  const stops = [...stopOf(kafka), ...stopOf(postgres)];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= Promise.allSettled(stops.map((s) => s())).then((results) => {
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (errors.length > 0) throw new AggregateError(errors, 'stopping bench services failed');
    });
    return stopping;
  };
  const failures = [kafka, postgres].flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length > 0) {
    await stop().catch((err: unknown) => options.log(`[bench] cleanup after failed start: ${String(err)}`));
    throw new AggregateError(failures, `bench services could not start: ${failures.map(String).join('; ')}`);
  }
  return { kafka: providedValue(kafka), postgres: providedValue(postgres), stop };
}
