import type { Bus } from '@vigil/core';
import type { Logger } from 'pino';
import { createKafkaBus, type KafkaBusOptions } from './kafka-bus.ts';
import { createMemoryBus, type MemoryBusOptions } from './memory-bus.ts';

export interface CreateBusOptions {
  /** Kafka brokers (KAFKA_BROKERS); absent or empty selects the in-process bus of embedded mode. */
  brokers?: string[];
  /** Kafka client id (KAFKA_CLIENT_ID); unused by the memory bus. */
  clientId: string;
  logger: Logger;
  /** Extra settings for whichever bus is chosen. */
  kafka?: Omit<KafkaBusOptions, 'brokers' | 'clientId' | 'logger'>;
  memory?: Omit<MemoryBusOptions, 'logger'>;
}

/** Kafka when brokers are configured, the memory bus otherwise; both keep core's bus semantics. */
export function createBus(options: CreateBusOptions): Bus {
  const { brokers, clientId, logger } = options;
  if (brokers && brokers.length > 0) {
    logger.info({ brokers }, 'bus: Kafka');
    return createKafkaBus({ ...options.kafka, brokers, clientId, logger });
  }
  logger.info('bus: in-process (embedded mode)');
  return createMemoryBus({ ...options.memory, logger });
}
