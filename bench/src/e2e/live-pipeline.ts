/**
 * The live path under test, all real and each in its own process: Kafka ← this process produces;
 * processor (processor/src/main.ts) → PostgreSQL, filesystem archive, alerts topic; gateway
 * (gateway/src/main.ts) → a `ws` client in this process subscribed to every alert.
 */
import { join } from 'node:path';
import { type Bus, type TopicNames, topicNames, vigilTopics } from '@vigil/core';
import { uniqueName } from '@vigil/harness/programs';
import { type AlertListener, listenForAlerts } from './alert-listener.ts';
import { listenerProcess, postgresProcesses, processTree } from './proc-cpu.ts';
import { type GatewayChild, type ProcessorChild, startGateway, startProcessor } from './start-runnables.ts';

export interface LivePipeline {
  topics: TopicNames;
  gateway: GatewayChild;
  processor: ProcessorChild;
  listener: AlertListener;
  /** Process groups whose CPU each step reports. */
  cpuGroups: Record<string, () => number[]>;
  stop(): Promise<void>;
}

export async function startLivePipeline(options: {
  bus: Bus;
  brokers: string[];
  databaseUrl: string;
  dir: string;
}): Promise<LivePipeline> {
  const prefix = `${uniqueName('bench-e2e')}.`;
  await options.bus.start(vigilTopics(6, prefix));
  const common = {
    brokers: options.brokers,
    databaseUrl: options.databaseUrl,
    topicPrefix: prefix,
    logDir: options.dir,
  };
  const stops: (() => Promise<void>)[] = [];
  // Newest first (client, gateway, processor); each child's stop is itself idempotent.
  const stop = async () => {
    for (const s of [...stops].reverse()) await s();
  };
  try {
    const processor = await startProcessor({
      ...common,
      dataDir: join(options.dir, 'processor-live'),
      groupId: uniqueName('bench-e2e'),
      name: 'processor-live',
    });
    stops.push(processor.stop);
    const gateway = await startGateway({
      ...common,
      dataDir: join(options.dir, 'gateway-live'),
      name: 'gateway-live',
    });
    stops.push(gateway.stop);
    const listener = await listenForAlerts(gateway.wsUrl);
    stops.push(listener.close);
    return {
      topics: topicNames(prefix),
      gateway,
      processor,
      listener,
      cpuGroups: {
        processor: processTree(processor.pid),
        gateway: processTree(gateway.pid),
        kafka: listenerProcess('java', Number(options.brokers[0]!.split(':').at(-1))),
        postgres: postgresProcesses(Number(new URL(options.databaseUrl).port)),
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
