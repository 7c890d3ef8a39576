import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PartitionHealth } from '../pipeline/partition-health.ts';

/** The processor's Prometheus series, registered on the registry main.ts exposes. */
export function createProcessorMetrics(registry: Registry) {
  const registers = [registry];
  // Read at scrape time, so the gauges follow the clock without a timer.
  let partitions: () => readonly PartitionHealth[] = () => [];
  return {
    /** Where the partition gauges read from (the event processor's health). */
    watchPartitions(read: () => readonly PartitionHealth[]): void {
      partitions = read;
    },
    partitionStalled: new Gauge({
      name: 'vigil_processor_partition_stalled',
      help: 'One while a partition has had a batch unfinished for longer than the stall threshold, else zero',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const p of partitions()) this.set({ topic: p.topic, partition: p.partition }, p.stalled ? 1 : 0);
      },
    }),
    partitionBusySeconds: new Gauge({
      name: 'vigil_processor_partition_busy_seconds',
      help: 'How long a partition has gone without finishing its batch in flight (zero when idle)',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const p of partitions())
          this.set({ topic: p.topic, partition: p.partition }, p.busyForMs / 1000);
      },
    }),
    refused: new Counter({
      name: 'vigil_processor_refused_events_total',
      help: 'Valid events dead-lettered because the store refused an alert they raised (poison)',
      labelNames: ['source'],
      registers,
    }),
    eventsIn: new Counter({
      name: 'vigil_processor_events_total',
      help: 'Messages consumed from event topics, each offset counted once per process (not redeliveries)',
      labelNames: ['source'],
      registers,
    }),
    invalid: new Counter({
      name: 'vigil_processor_invalid_events_total',
      help: 'Messages that failed validation and were dead-lettered',
      labelNames: ['source'],
      registers,
    }),
    repartition: new Counter({
      name: 'vigil_processor_repartition_copies_total',
      help: 'Copies on the repartition topic: published by stage one, skipped by stage two as duplicates (a replay), dead-lettered as invalid',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    alerts: new Counter({
      name: 'vigil_processor_alerts_total',
      help: 'Firings raised by the rules (each folded into an episode; see vigil_processor_episodes_total)',
      labelNames: ['rule', 'severity'],
      registers,
    }),
    rulesReloaded: new Counter({
      name: 'vigil_processor_rules_reloaded_total',
      help: 'Rule sets put in force without a restart (hot reload)',
      registers,
    }),
    ruleVersion: new Gauge({
      name: 'vigil_processor_rule_version',
      help: 'Version of each rule in force in this processor (0 while disabled)',
      labelNames: ['rule'],
      registers,
    }),
    episodes: new Counter({
      name: 'vigil_processor_episodes_total',
      help: 'Episode changes: opened by a firing, updated by a firing, resolved by the system; duplicate firings (redelivered, counted once); republished (a change a crash had left unpublished)',
      labelNames: ['rule', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'vigil_processor_retries_total',
      help: 'Transient failures retried (archive, database, bus)',
      labelNames: ['operation'],
      registers,
    }),
    archiveObjects: new Counter({
      name: 'vigil_processor_archive_objects_total',
      help: 'Raw archive objects written',
      registers,
    }),
    archiveBytes: new Counter({
      name: 'vigil_processor_archive_bytes_total',
      help: 'Compressed bytes written to the raw archive',
      registers,
    }),
    archiveSkipped: new Counter({
      name: 'vigil_processor_archive_skipped_total',
      help: 'Replayed events not archived again because the archive already held them',
      registers,
    }),
    lateEvents: new Gauge({
      name: 'vigil_processor_late_events',
      help: 'Events older than the allowed lateness, dropped by windowed rules (since start)',
      registers,
    }),
    commitLag: new Gauge({
      name: 'vigil_processor_commit_lag',
      help: 'Messages between the high watermark and the committed offset',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    latency: new Histogram({
      name: 'vigil_processor_latency_seconds',
      help: 'From ingestion (producer timestamp) to the alert being published',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'vigil_processor_batch_seconds',
      help: 'Time to handle one consumed batch (validate, evaluate, persist, publish)',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
  };
}

export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;
