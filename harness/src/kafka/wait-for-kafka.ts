import { Kafka, logLevel } from 'kafkajs';

/**
 * Resolves once a broker in `brokers` answers a cluster description and its group coordinator is loaded;
 * rejects with the last error at the deadline, or as soon as `failed()` reports that the broker died.
 * The coordinator check matters on a fresh broker: the first group join otherwise fails with "the
 * coordinator is loading" while __consumer_offsets (one partition in the harness) is created.
 */
export const waitForKafka = async (options: {
  brokers: string[];
  deadlineMs: number;
  failed?: () => string | null;
}): Promise<void> => {
  // Quiet and without kafkajs's own retries: this loop is the retry policy.
  const kafka = new Kafka({
    clientId: 'vigil-harness-probe',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + options.deadlineMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = options.failed?.();
    if (failure) throw new Error(`Kafka ${failure} before it answered`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.describeGroups(['vigil-harness-probe']);
      return;
    } catch (error) {
      lastError = error; // not up yet: expected until the listener is bound
    } finally {
      await admin.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(
    `Kafka at ${options.brokers.join(',')} did not answer within ${options.deadlineMs} ms: ${String(lastError)}`,
  );
};
