import { createMemoryBus } from '@vigil/adapters';
import { partitionKey, topicNames } from '@vigil/core';
import { createGatewayService, DEFAULT_FEED_LIMITS } from '@vigil/gateway';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { waitFor } from '../../lib/clock.ts';
import { createAlertSource } from '../bench-alerts.ts';
import type { BenchServer, BenchServerOptions } from './bench-server.ts';
import { nullAlertStore } from './null-alert-store.ts';

/**
 * The real gateway, as `npm run gateway` builds it (createGatewayService: uWS transport, fan-out, alert
 * feed, HTTP router), over the in-process bus. The driver publishes to the alerts topic like the
 * processor does, so every alert takes the full Vigil path: bus → feed (decode, validate, dedupe,
 * ring, frame serialized once) → filter groups → uWS publish.
 */
export async function startVigilServer(
  options: BenchServerOptions & { logger: Logger },
): Promise<BenchServer> {
  const { logger } = options;
  const topics = topicNames();
  const topic = topics.alerts;
  const bus = createMemoryBus({ logger, retention: options.retention });
  await bus.start([{ topic, partitions: 1 }]);
  const gateway = createGatewayService({
    bus,
    store: nullAlertStore,
    rules: [],
    registry: new Registry(),
    logger,
    host: '127.0.0.1',
    port: 0,
    epoch: `m${Date.now().toString(36)}`,
    alertsTopic: topic,
    eventTopics: topics.events,
    eventKey: partitionKey,
    // A small ring sends resumes older than it to the bus (the resume suite measures both paths).
    limits:
      options.ringMaxAlerts === undefined
        ? undefined
        : {
            feed: {
              ringMaxAlerts: options.ringMaxAlerts,
              preloadAlerts: Math.min(options.ringMaxAlerts, DEFAULT_FEED_LIMITS.preloadAlerts),
            },
          },
  });
  const { port } = await gateway.start();
  const source = createAlertSource(options.runId);
  let published = 0;

  return {
    url: `ws://127.0.0.1:${port}/ws`,
    async publish(count) {
      const messages = [];
      for (let i = 0; i < count; i++) messages.push({ key: null, value: JSON.stringify(source.next()) });
      await bus.publish(topic, messages);
      published += count;
    },
    async settled() {
      // Offsets start at 0, so the feed has ingested everything once its head reaches `published`.
      if (!(await waitFor(() => gateway.feed.window().head >= published, 30_000, 5))) {
        throw new Error(`the alert feed did not reach offset ${published} within 30 s`);
      }
    },
    get lastSeq() {
      return source.lastSeq;
    },
    async stop() {
      await gateway.stop();
      await bus.stop();
    },
  };
}
