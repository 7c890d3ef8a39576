import type { Counter, Gauge, Registry } from 'prom-client';
import { metricMakers } from '../live/live-metrics.ts';

/** Counters of the live event tail, on the registry main exposes at /metrics. */
export interface TailMetrics {
  streams: Gauge;
  /** 1 while the tail's bus consumer runs (someone tails), else 0. */
  consumerRunning: Gauge;
  eventsSent: Counter;
  /** Matching events a stream did not get because of its rate (also told to it in `skipped` frames). */
  eventsSkipped: Counter;
  /** Streams refused with 429, by which cap: `gateway` or `principal`. */
  refused: Counter<'cap'>;
  /** Streams cut off for not reading (buffer past maxBufferedBytes). */
  slowClientsDropped: Counter;
  /** Records of the event topics that are not valid events (the processor dead-letters them). */
  invalidRecords: Counter;
}

export function createTailMetrics(registry: Registry): TailMetrics {
  const { gauge, counter } = metricMakers(registry);
  return {
    streams: gauge('vigil_tail_streams', 'Open live event tail streams (GET /api/stream/events)'),
    consumerRunning: gauge('vigil_tail_consumer_running', '1 while the live tail consumes the event topics'),
    eventsSent: counter('vigil_tail_events_sent_total', 'Events sent to live tail streams'),
    eventsSkipped: counter(
      'vigil_tail_events_skipped_total',
      'Matching events not sent to a live tail stream because of its rate cap',
    ),
    refused: counter('vigil_tail_refused_total', 'Live tail streams refused with 429, by cap', ['cap']),
    slowClientsDropped: counter(
      'vigil_tail_slow_clients_dropped_total',
      'Live tail streams cut off for not reading',
    ),
    invalidRecords: counter(
      'vigil_tail_invalid_records_total',
      'Records of the event topics the live tail could not decode as events',
    ),
  };
}
