import { createKafkaBus, createMemoryBus } from '@vigil/adapters';
import { type Alert, type Bus, partitionKey, SEVERITIES, SOURCES, topicNames } from '@vigil/core';
import { uniqueName } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { makeAlert } from '../../feed/testing/alerts.ts';
import {
  createGatewayService,
  type GatewayService,
  type GatewayServiceOptions,
} from '../../gateway-service.ts';
import { seededStore } from '../../http/testing/test-alert-store.ts';

export const logger = pino({ level: process.env.GATEWAY_TEST_LOG ?? 'silent' });

/** One bus flavour for the live suite: how to make a gateway's bus, and the cursor epoch that goes with it. */
export interface BusEnv {
  name: string;
  epoch: string;
  /** A bus as one gateway process would own it (Kafka: its own client; memory: the shared in-process bus). */
  gatewayBus(): Promise<Bus>;
  /** The processor's side: publishes alerts. */
  publisher: Bus;
  stop(): Promise<void>;
}

const SERVICES = ['payments', 'api', 'auth'];

/** Alert n with severity, source and service cycling, so filters have something to choose from. */
export function mixedAlert(n: number, pad = 0): Alert {
  return makeAlert(n, {
    severity: SEVERITIES[n % SEVERITIES.length]!,
    source: SOURCES[n % SOURCES.length]!,
    service: SERVICES[n % SERVICES.length]!,
    message: `alert ${n}${'.'.repeat(pad)}`,
    publishedAt: new Date().toISOString(),
  });
}

export const alertRange = (from: number, count: number, pad = 0): Alert[] =>
  Array.from({ length: count }, (_, i) => mixedAlert(from + i, pad));

export async function publishAlerts(bus: Bus, topic: string, alerts: (Alert | string)[]): Promise<void> {
  for (let i = 0; i < alerts.length; i += 500) {
    const batch = alerts.slice(i, i + 500);
    await bus.publish(
      topic,
      batch.map((a) => ({ key: null, value: typeof a === 'string' ? a : JSON.stringify(a) })),
    );
  }
}

export function memoryEnv(): BusEnv {
  const bus = createMemoryBus({ logger });
  return {
    name: 'memory',
    // The in-process bus's offsets restart with the process: its epoch is the process start.
    epoch: `m${Date.now().toString(36)}`,
    gatewayBus: async () => bus,
    publisher: bus,
    stop: () => bus.stop(),
  };
}

/** Short group timings: joins and hand-overs take well under a second on the test broker. */
const kafkaTuning = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 200,
  maxWaitTimeInMs: 100,
};

export function kafkaEnv(brokers: string[]): BusEnv {
  const buses: Bus[] = [];
  const make = () => {
    const bus = createKafkaBus({
      brokers,
      clientId: uniqueName('gateway-test'),
      logger,
      consumer: kafkaTuning,
    });
    buses.push(bus);
    return bus;
  };
  return {
    name: 'kafka',
    epoch: 'k1',
    gatewayBus: async () => make(),
    publisher: make(),
    stop: async () => {
      await Promise.all(buses.map((bus) => bus.stop()));
    },
  };
}

/**
 * A gateway on port 0 as createGatewayService builds it, with its own registry, its ws:// URL and its
 * http:// base. The live suite never calls the alert routes, so the store's in-memory database is never
 * opened; `auth` is the real thing over the suite's database (test-identities.ts).
 */
export async function startGateway(
  env: BusEnv,
  topic: string,
  extra: Pick<GatewayServiceOptions, 'auth'> &
    Partial<Pick<GatewayServiceOptions, 'limits' | 'socketCaps' | 'eventTopics'>>,
): Promise<{ gateway: GatewayService; url: string; base: string; registry: Registry; bus: Bus }> {
  const bus = await env.gatewayBus();
  const registry = new Registry();
  const gateway = createGatewayService({
    bus,
    // The live suite never reaches REST or /health: the store's database is never opened.
    store: Object.assign(seededStore([]), { ping: async () => {} }),
    rules: [],
    epoch: env.epoch,
    alertsTopic: topic,
    eventTopics: topicNames(uniqueName('unused')).events,
    eventKey: partitionKey,
    host: '127.0.0.1',
    port: 0,
    registry,
    logger,
    ...extra,
  });
  const { port } = await gateway.start();
  return { gateway, url: `ws://127.0.0.1:${port}/ws`, base: `http://127.0.0.1:${port}`, registry, bus };
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return match?.value ?? 0;
}
