/** POSTs event batches to a gateway's ingest endpoint under load and counts what it accepted. */
import { type CpuShares, listenerProcess, processTree, watchCpu } from '../e2e/proc-cpu.ts';
import type { Distribution } from '../e2e/stats.ts';
import { runLoad } from './autocannon-run.ts';
import { metricsBatch } from './ingest-bodies.ts';

export interface IngestRow {
  bus: 'kafka' | 'memory';
  batchSize: number;
  connections: number;
  durationSeconds: number;
  bodyBytes: number;
  /** 202 answers per second. */
  acceptedRequestsPerSecond: number;
  /** Events accepted per second: 202s × batch size. */
  eventsPerSecond: number;
  latencyMs: Distribution;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  cpuCores: CpuShares;
}

export interface IngestLoadOptions {
  bus: IngestRow['bus'];
  baseUrl: string;
  gatewayPid: number;
  /** The broker's port, to count its CPU (Kafka bus only). */
  kafkaPort?: number;
  batchSize: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export async function loadIngest(options: IngestLoadOptions): Promise<IngestRow> {
  const body = metricsBatch(options.batchSize, Date.now());
  const base = {
    name: `ingest ${options.bus} ×${options.batchSize}`,
    url: `${options.baseUrl}/api/events/metrics`,
    method: 'POST' as const,
    body,
    headers: { 'content-type': 'application/json' },
    connections: options.connections,
  };
  await runLoad({ ...base, durationSeconds: options.warmupSeconds });
  const groups = { gateway: processTree(options.gatewayPid) };
  const cpu = watchCpu(
    options.kafkaPort ? { ...groups, kafka: listenerProcess('java', options.kafkaPort) } : groups,
  );
  const row = await runLoad({ ...base, durationSeconds: options.durationSeconds });
  const cpuCores = cpu.stop();
  const accepted = row.statusCodes['202'] ?? 0;
  return {
    bus: options.bus,
    batchSize: options.batchSize,
    connections: options.connections,
    durationSeconds: row.durationSeconds,
    bodyBytes: Buffer.byteLength(body),
    acceptedRequestsPerSecond: Math.round(accepted / row.durationSeconds),
    eventsPerSecond: Math.round((accepted * options.batchSize) / row.durationSeconds),
    latencyMs: row.latencyMs,
    non2xx: row.non2xx,
    statusCodes: row.statusCodes,
    errors: row.errors,
    cpuCores,
  };
}
