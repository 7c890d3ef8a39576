import type { ChannelHealth } from '@vigil/db/notifications';
import type { Registry } from 'prom-client';
import { NoQueryParams } from './api-params.ts';
import { HealthSchema, PrometheusTextSchema } from './api-schemas.ts';
import { failingChannels } from './failing-channels.ts';
import type { HealthProbe } from './http-ports.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';
import { runProbes } from './run-probes.ts';

export interface OpsRoutesOptions {
  health: Readonly<Record<string, HealthProbe>>;
  healthTimeoutMs: number;
  /** The notification channels' health: failing ones are listed in the body, never in the status code. */
  channelHealth?: () => Promise<ChannelHealth[]>;
  registry: Registry;
  /** `/metrics` without credentials (for scrapers that cannot send a token). */
  metricsPublic: boolean;
}

/** Health and Prometheus metrics: what operators and scrapers read (the rules are rules-routes.ts'). */
export function opsRoutes({
  health,
  healthTimeoutMs,
  channelHealth,
  registry,
  metricsPublic,
}: OpsRoutesOptions): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/health',
      operationId: 'health',
      summary: 'Health of the gateway and each dependency',
      permission: 'public',
      description: [
        `Each component is probed with a ${healthTimeoutMs} ms timeout; one down makes the whole degraded.`,
        'With notifications, `notifications.failingChannels` lists the channels whose last 3 or more attempts',
        "failed: a receiver's trouble, not Vigil's, so it never changes the status or the code.",
      ].join(' '),
      tag: 'operations',
      query: NoQueryParams,
      responses: {
        200: { description: 'Every component is up.', schema: HealthSchema },
        503: { description: 'At least one component is down.', schema: HealthSchema },
      },
      async handle() {
        const [components, notifications] = await Promise.all([
          runProbes(health, healthTimeoutMs),
          channelHealth && failingChannels(channelHealth, healthTimeoutMs),
        ]);
        const ok = Object.values(components).every((c) => c.status === 'up');
        return json(ok ? 200 : 503, {
          status: ok ? 'ok' : 'degraded',
          components,
          ...(notifications ? { notifications } : {}),
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics of this process',
      tag: 'operations',
      permission: metricsPublic ? 'public' : 'viewer',
      query: NoQueryParams,
      responses: {
        200: { description: 'The metrics.', schema: PrometheusTextSchema, contentType: 'text/plain' },
      },
      async handle() {
        return {
          status: 200,
          headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
          body: await registry.metrics(),
        };
      },
    }),
  ];
}
