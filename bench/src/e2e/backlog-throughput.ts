/**
 * Maximum sustained events/s of ONE processor with archive and persistence on: a backlog is produced into
 * fresh topics first, then a processor starts on it, and its `vigil_processor_events_total` counter is
 * watched until it has handled every event (committed offsets lag by the replay window, the counter does not).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bus, topicNames, vigilTopics } from '@vigil/core';
import { uniqueName } from '@vigil/harness/programs';
import { findCpuProfile, type ProfileSummary, summarizeCpuProfile } from './cpu-profile.ts';
import { produceBacklog } from './paced-producer.ts';
import { type CpuShares, listenerProcess, postgresProcesses, processTree, watchCpu } from './proc-cpu.ts';
import {
  type ProgressSample,
  peakRate,
  readMetric,
  sustainedRate,
  watchProgress,
} from './processor-progress.ts';
import { startProcessor } from './start-runnables.ts';

export interface ThroughputOptions {
  bus: Bus;
  brokers: string[];
  databaseUrl: string;
  dir: string;
  events: number;
  alertEvery: number;
  timeoutMs: number;
  /** Profile the processor (a separate, shorter run: profiling slows it down). */
  profile?: boolean;
  log: (line: string) => void;
}

export interface ThroughputResult {
  events: number;
  alertingEvents: number;
  produce: { seconds: number; perSecond: number };
  /** Spawn → first event counted (start-up, migrations check, group join). */
  startupMs: number;
  sustained: { perSecond: number; seconds: number; complete: boolean };
  peak1sPerSecond: number;
  alertsRaised: number;
  archiveObjects: number;
  cpuCores: CpuShares;
  /** Events counted about once a second, for a chart. */
  progress: ProgressSample[];
  profile?: ProfileSummary;
}

export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const prefix = `${uniqueName('bench-tp')}.`;
  const topics = topicNames(prefix);
  await options.bus.start(vigilTopics(6, prefix));
  options.log(`[e2e] producing a backlog of ${options.events} events`);
  const produced = await produceBacklog({
    bus: options.bus,
    topics,
    count: options.events,
    alertEvery: options.alertEvery,
    runId: prefix,
  });
  options.log(`[e2e] backlog produced at ${produced.perSecond} events/s; starting the processor`);
  const profileDir = join(options.dir, `profile-${prefix}`);
  if (options.profile) await mkdir(profileDir, { recursive: true });
  const processor = await startProcessor({
    brokers: options.brokers,
    databaseUrl: options.databaseUrl,
    dataDir: join(options.dir, `processor-${prefix}`),
    topicPrefix: prefix,
    logDir: options.dir,
    groupId: uniqueName('bench-tp'),
    name: options.profile ? 'processor-profiled' : 'processor-throughput',
    cpuProfileDir: options.profile ? profileDir : undefined,
  });
  let samples: ProgressSample[];
  let cpuCores: CpuShares;
  let alertsRaised: number;
  let archiveObjects: number;
  try {
    const kafkaPort = Number(options.brokers[0]!.split(':').at(-1));
    const cpu = watchCpu({
      processor: processTree(processor.pid),
      kafka: listenerProcess('java', kafkaPort),
      postgres: postgresProcesses(Number(new URL(options.databaseUrl).port)),
    });
    samples = await watchProgress({
      metricsUrl: processor.metricsUrl,
      spawnedAt: processor.spawnedAt,
      target: options.events,
      timeoutMs: options.timeoutMs,
    });
    cpuCores = cpu.stop();
    alertsRaised = await readMetric(processor.metricsUrl, 'vigil_processor_alerts_total');
    archiveObjects = await readMetric(processor.metricsUrl, 'vigil_processor_archive_objects_total');
  } finally {
    await processor.stop();
  }
  const first = samples.find((s) => s.events > 0);
  const done = samples.find((s) => s.events >= options.events) ?? samples.at(-1)!;
  let profile: ProfileSummary | undefined;
  if (options.profile) {
    const file = await findCpuProfile(profileDir);
    if (file) profile = await summarizeCpuProfile(file, { fromMs: first?.atMs ?? 0, toMs: done.atMs });
  }
  return {
    events: options.events,
    alertingEvents: produced.alerting,
    produce: { seconds: Math.round(produced.seconds * 10) / 10, perSecond: produced.perSecond },
    startupMs: first?.atMs ?? -1,
    sustained: sustainedRate(samples, options.events),
    peak1sPerSecond: peakRate(samples),
    alertsRaised,
    archiveObjects,
    cpuCores,
    progress: samples.filter((_sample, i) => i === 0 || i === samples.length - 1 || i % 5 === 0),
    ...(profile ? { profile } : {}),
  };
}
