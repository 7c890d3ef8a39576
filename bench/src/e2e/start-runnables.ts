/** The real gateway and processor as child processes, configured by env vars exactly as in production. */
import { join } from 'node:path';
import { freePorts } from '@vigil/harness/programs';
import { BENCH_GATEWAY_AUTH_ENV } from '../lib/bench-auth.ts';
import { type ServiceProcess, startServiceProcess } from './service-process.ts';

export interface GatewayChild extends ServiceProcess {
  baseUrl: string;
  wsUrl: string;
}

export interface RunnableOptions {
  /** KAFKA_BROKERS (Kafka bus) or absent (the in-process bus). */
  brokers?: string[];
  /** DATABASE_URL or absent (PGlite in dataDir). */
  databaseUrl?: string;
  dataDir: string;
  topicPrefix: string;
  logDir: string;
  /** Writes a CPU profile into this directory when the child exits. */
  cpuProfileDir?: string;
  /** Extra env vars. */
  env?: Record<string, string>;
}

function commonEnv(options: RunnableOptions): Record<string, string> {
  const env: Record<string, string> = {
    DATA_DIR: options.dataDir,
    TOPIC_PREFIX: options.topicPrefix,
    ...options.env,
  };
  if (options.brokers) env.KAFKA_BROKERS = options.brokers.join(',');
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  return env;
}

/**
 * `npm run gateway` on a free loopback port; resolves once /api/health (public) answers 200. It starts
 * with the bench's admin token and rate limits far above the bench's rates (lib/bench-auth.ts): clients
 * must send `benchAuthHeaders()`.
 */
export async function startGateway(options: RunnableOptions & { name?: string }): Promise<GatewayChild> {
  const [port] = (await freePorts(1)) as [number];
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = await startServiceProcess({
    runnable: 'gateway',
    env: { ...BENCH_GATEWAY_AUTH_ENV, ...commonEnv(options), HOST: '127.0.0.1', PORT: String(port) },
    logFile: join(options.logDir, `${options.name ?? 'gateway'}-${port}.log`),
    readyUrl: `${baseUrl}/api/health`,
    cpuProfileDir: options.cpuProfileDir,
  });
  return { ...child, baseUrl, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

export interface ProcessorChild extends ServiceProcess {
  metricsUrl: string;
}

/** `npm run processor` with its /metrics on a free port; resolves once it has joined its group and serves. */
export async function startProcessor(
  options: RunnableOptions & { groupId: string; name?: string },
): Promise<ProcessorChild> {
  const [port] = (await freePorts(1)) as [number];
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const child = await startServiceProcess({
    runnable: 'processor',
    env: { ...commonEnv(options), METRICS_PORT: String(port), PROCESSOR_GROUP_ID: options.groupId },
    logFile: join(options.logDir, `${options.name ?? 'processor'}-${port}.log`),
    readyUrl: metricsUrl,
    cpuProfileDir: options.cpuProfileDir,
  });
  return { ...child, metricsUrl };
}
