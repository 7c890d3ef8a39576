import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LiveMetrics } from './live-types.ts';

// Several gateways may share one registry (tests, an in-process restart); prom-client refuses a second
// metric of the same name, so an existing one is reused and the values add up.
function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Gauges and counters on `registry`, reused when it has them already (see getOrCreate). */
export function metricMakers(registry: Registry) {
  const registers = [registry];
  return {
    gauge: (name: string, help: string) =>
      getOrCreate(registry, name, () => new Gauge({ name, help, registers })),
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      getOrCreate(registry, name, () => new Counter<L>({ name, help, labelNames, registers })),
  };
}

export function createLiveMetrics(registry: Registry): LiveMetrics {
  const registers = [registry];
  const { gauge, counter } = metricMakers(registry);
  return {
    connections: gauge('vigil_ws_connections', 'Open WebSocket connections'),
    subscriptions: gauge('vigil_ws_subscriptions', 'Connections with an active subscription'),
    filterGroups: gauge('vigil_ws_filter_groups', 'Distinct subscription filters (one uWS topic each)'),
    framesSent: counter('vigil_ws_frames_sent_total', 'WebSocket frames queued to clients, by op', ['op']),
    alertsFannedOut: counter('vigil_ws_alerts_fanned_out_total', 'Alerts handed to the fan-out'),
    errors: counter('vigil_ws_errors_total', 'Protocol errors answered or closed on, by code', ['code']),
    slowClientsDropped: counter(
      'vigil_ws_slow_clients_dropped_total',
      'Clients cut off for not reading (close 4008), by reason',
      ['reason'],
    ),
    badAlertRecords: counter(
      'vigil_alert_feed_bad_records_total',
      'Records of the alerts topic that are not alerts',
    ),
    duplicateAlerts: counter('vigil_alert_feed_duplicates_total', 'Alerts skipped as republished duplicates'),
    feedGaps: counter(
      'vigil_alert_feed_gaps_total',
      'Offset gaps of the live alerts consumer, by outcome: repaired from the bus, or lost',
      ['outcome'],
    ),
    resumeRequired: counter(
      'vigil_ws_resume_required_total',
      'Live subscribers closed with 4010 after the feed lost a gap, to resume from their cursor',
    ),
    replays: counter('vigil_ws_replays_total', 'Resumes with since, by where the history came from', [
      'source',
    ]),
    deliveryLatency: getOrCreate(
      registry,
      'vigil_alert_delivery_latency_seconds',
      () =>
        new Histogram({
          name: 'vigil_alert_delivery_latency_seconds',
          help: 'From the alert being published by the processor to its fan-out by this gateway',
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    ),
  };
}
