import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePorts, makeTempDir } from '@vigil/harness/programs';
import { type ClusterServices, gatewayEnv, processorEnv, sharedEnv } from './cluster-env.ts';
import { ensureBucket, provideServices } from './cluster-services.ts';
import { type Component, createComponent } from './component.ts';

export interface ClusterOptions {
  /** Services to use (a test run's); absent: the harness starts them, or checks those named in `env`. */
  services?: ClusterServices;
  /** Archive bucket, created unless it exists; default `vigil-archive` (docker-compose.yml's). */
  bucket?: string;
  /** TOPIC_PREFIX; default none. The simulator ignores it, so do not combine the two. */
  topicPrefix?: string;
  /** Default 2 each, as in docker-compose.yml. */
  processors?: number;
  gateways?: number;
  /** Per instance; absent or 0: a free port, chosen once so a restart keeps its URL. */
  gatewayPorts?: number[];
  metricsPorts?: number[];
  /** Starts one simulator at this many events/s once the processors are healthy; absent: none. */
  simulator?: { rate: number; args?: string[] };
  /** EVENT_PARTITIONS; default 6, as in docker-compose.yml. */
  partitions?: number;
  /** KAFKA_SESSION_TIMEOUT_MS; default 10 s, so a killed processor's partitions move on quickly. */
  sessionTimeoutMs?: number;
  /** LOG_LEVEL of every component; default info. */
  logLevel?: string;
  /** HOST of the gateways; default 127.0.0.1. */
  host?: string;
  /**
   * VIGIL_ADMIN_TOKEN of the gateways (both share one database, so one token works on either); default
   * the caller's VIGIL_ADMIN_TOKEN, else a fresh random one (printed by `npm run cluster`).
   */
  adminToken?: string;
  /** Where each component's log goes; default a fresh temp dir (kept after stop). */
  logDir?: string;
  /** Per component start; default 120 s (four tsx compiles share two cores). */
  healthTimeoutMs?: number;
  /** Default 30 s, as docker-compose.yml's stop_grace_period. */
  stopGraceMs?: number;
  /** Environment to read service overrides from when `services` is absent; default process.env. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface Cluster {
  readonly gateways: readonly { readonly url: string; readonly port: number }[];
  /** `pid` is the current run's, null while stopped. */
  readonly processors: readonly { readonly pid: number | null; readonly metricsUrl: string }[];
  readonly simulator: Component | null;
  /** What every component gets, without the per-instance PORT and METRICS_PORT. */
  readonly env: Readonly<Record<string, string>>;
  readonly services: ClusterServices;
  readonly logDir: string;
  /** Every component with its state and log file, for status lines and failure messages. */
  components(): readonly Component[];
  /** SIGTERM (graceful, the default) or e.g. SIGKILL (a crash); resolves once it exited. */
  stopProcessor(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same metrics port; resolves once healthy. */
  startProcessor(index: number): Promise<void>;
  stopGateway(index: number, signal?: NodeJS.Signals): Promise<void>;
  startGateway(index: number): Promise<void>;
  /** Stops simulator, gateways, processors (SIGTERM), then the services it started. Idempotent. */
  stop(): Promise<void>;
}

const portsFor = async (count: number, wanted: readonly number[] = []): Promise<number[]> => {
  const free = await freePorts(count);
  return free.map((port, i) => wanted[i] || port);
};

const at = <T>(list: readonly T[], index: number, what: string): T => {
  const item = list[index];
  if (item === undefined) throw new RangeError(`no ${what} ${index} (there are ${list.length})`);
  return item;
};

/**
 * Starts docker-compose.yml's topology on this machine without Docker: real Kafka, PostgreSQL and an S3
 * server (the harness's), two processors and two gateways as child processes, and optionally a simulator.
 * Resolves once every component answers its health check; on any failure, stops what it started.
 */
export const startCluster = async (options: ClusterOptions = {}): Promise<Cluster> => {
  const log = options.log ?? (() => {});
  const logDir = options.logDir ?? makeTempDir('cluster');
  const provided = await provideServices({
    services: options.services,
    env: options.env ?? process.env,
    log,
  });
  const { services } = provided;
  const all: Component[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // The written order: nothing new in, then the readers of the alerts topic, then its writers,
      // then the services they all need to stop cleanly.
      for (const kind of ['simulator', 'gateway', 'processor']) {
        await Promise.all(all.filter((c) => c.name.startsWith(kind)).map((c) => c.stop('SIGTERM')));
      }
      await provided.stop();
    })();
    return stopping;
  };

  try {
    const bucket = options.bucket ?? 'vigil-archive';
    await ensureBucket(services, bucket);
    const prefix = options.topicPrefix ?? '';
    const env = sharedEnv({
      services,
      bucket,
      topicPrefix: prefix,
      groupId: `${prefix}vigil-processor`,
      partitions: options.partitions ?? 6,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      logLevel: options.logLevel ?? 'info',
      host: options.host ?? '127.0.0.1',
    });
    const common = {
      healthTimeoutMs: options.healthTimeoutMs ?? 120_000,
      stopGraceMs: options.stopGraceMs ?? 30_000,
    };
    const adminToken =
      options.adminToken ?? process.env.VIGIL_ADMIN_TOKEN ?? `vgl_${randomBytes(32).toString('base64url')}`;
    const gatewayPorts = await portsFor(options.gateways ?? 2, options.gatewayPorts);
    const metricsPorts = await portsFor(options.processors ?? 2, options.metricsPorts);
    const gateways = gatewayPorts.map((port, i) =>
      createComponent({
        ...common,
        name: `gateway-${i + 1}`,
        script: 'gateway/src/main.ts',
        env: { ...gatewayEnv(env, port), VIGIL_ADMIN_TOKEN: adminToken },
        logFile: join(logDir, `gateway-${i + 1}.log`),
        healthUrl: `http://127.0.0.1:${port}/api/health`,
      }),
    );
    const processors = metricsPorts.map((port, i) =>
      createComponent({
        ...common,
        name: `processor-${i + 1}`,
        script: 'processor/src/main.ts',
        env: processorEnv(env, port),
        logFile: join(logDir, `processor-${i + 1}.log`),
        healthUrl: `http://127.0.0.1:${port}/health`,
      }),
    );
    all.push(...processors, ...gateways);
    // Together, as compose starts them: processors migrate under an advisory lock, and whoever comes
    // first creates the topics.
    await Promise.all(all.map((c) => c.start()));

    let simulator: Component | null = null;
    if (options.simulator) {
      simulator = createComponent({
        ...common,
        name: 'simulator',
        script: 'simulator/src/main.ts',
        args: [
          '--rate',
          String(options.simulator.rate),
          '--partitions',
          env.EVENT_PARTITIONS!,
          ...(options.simulator.args ?? []),
        ],
        env,
        logFile: join(logDir, 'simulator.log'),
      });
      all.push(simulator);
      await simulator.start();
    }

    return {
      gateways: gatewayPorts.map((port) => ({ url: `http://127.0.0.1:${port}`, port })),
      processors: processors.map((p, i) => ({
        get pid() {
          return p.pid();
        },
        metricsUrl: `http://127.0.0.1:${metricsPorts[i]}/metrics`,
      })),
      simulator,
      env: { ...env, VIGIL_ADMIN_TOKEN: adminToken },
      services,
      logDir,
      components: () => [...all],
      stopProcessor: (i, signal) => at(processors, i, 'processor').stop(signal),
      startProcessor: (i) => at(processors, i, 'processor').start(),
      stopGateway: (i, signal) => at(gateways, i, 'gateway').stop(signal),
      startGateway: (i) => at(gateways, i, 'gateway').start(),
      stop,
    };
  } catch (error) {
    await stop().catch((e: unknown) => log(`[cluster] cleanup after a failed start: ${String(e)}`));
    throw error;
  }
};
