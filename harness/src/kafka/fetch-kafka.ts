/** `npm run kafka:fetch`: fetch the Kafka broker jars once (a no-op when the cache is complete). */
import { fetchKafkaJars, KAFKA_VERSION, kafkaLibsDir } from './kafka-jars.ts';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const libsDir = kafkaLibsDir(process.env);
try {
  const result = await fetchKafkaJars({ libsDir, log });
  const size = `${result.jars} jars, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB`;
  log(
    result.fetched
      ? `[harness] kafka: fetched Kafka ${KAFKA_VERSION} in ${result.ms} ms (${size}) into ${libsDir}`
      : `[harness] kafka: Kafka ${KAFKA_VERSION} jars already cached (${size}) in ${libsDir}`,
  );
} catch (error) {
  log(`[harness] kafka: fetch failed (needs mvn and network access to Maven Central): ${String(error)}`);
  process.exitCode = 1;
}
