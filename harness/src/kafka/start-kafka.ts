import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts, retryOnPortClash } from '../process/free-port.ts';
import { spawnGuarded, tailFile } from '../process/spawn-guarded.ts';
import { makeTempDir, removeDir } from '../process/temp-dir.ts';
import { type KafkaLayout, log4jProperties, serverProperties } from './kafka-config.ts';
import { waitForKafka } from './wait-for-kafka.ts';

const run = promisify(execFile);

export interface KafkaHandle {
  brokers: string[];
  logFile: string;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  libsDir: string;
  java?: string;
  deadlineMs?: number;
}

/** Small heap and a cheap collector: a test broker holds little, on two shared cores. */
const JVM_OPTS = ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

/** Kafka's own Uuid.toString format; one starting with '-' would be parsed as an option. */
const clusterId = (): string => {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
};

const startOnce = async (options: StartKafkaOptions): Promise<KafkaHandle> => {
  const java = options.java ?? 'java';
  const dir = makeTempDir('kafka');
  const [port, controllerPort] = (await freePorts(2)) as [number, number];
  const layout: KafkaLayout = {
    port,
    controllerPort,
    dataDir: join(dir, 'data'),
    logFile: join(dir, 'kafka.log'),
  };
  const props = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j.properties');
  writeFileSync(props, serverProperties(layout));
  writeFileSync(log4j, log4jProperties(layout));
  const jvm = [...JVM_OPTS, `-Dlog4j.configuration=file:${log4j}`, `-Dkafka.logs.dir=${dir}`];
  const classpath = ['-cp', join(options.libsDir, '*')];

  try {
    await run(
      java,
      [...jvm, ...classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', props],
      {
        cwd: dir,
      },
    );
  } catch (error) {
    removeDir(dir);
    throw new Error(`Kafka storage format failed: ${String(error)}`, { cause: error });
  }

  const broker = spawnGuarded({
    command: java,
    args: [...jvm, ...classpath, 'kafka.Kafka', props],
    cwd: dir,
    logFile: join(dir, 'stdout.log'),
    emergencySignal: 'SIGKILL',
    onEmergency: () => removeDir(dir),
  });
  // The data is thrown away, so a controlled shutdown (≈2.5 s) buys nothing.
  const stop = async (): Promise<void> => {
    await broker.stop('SIGKILL', 0);
    removeDir(dir);
  };
  const brokers = [`127.0.0.1:${port}`];
  try {
    await waitForKafka({ brokers, deadlineMs: options.deadlineMs ?? 60_000, failed: broker.exitStatus });
  } catch (error) {
    const logs = `${tailFile(layout.logFile)}\n${tailFile(broker.logFile, 20)}`;
    await stop();
    throw new Error(`${(error as Error).message}\n--- kafka log tail ---\n${logs}`, { cause: error });
  }
  return { brokers, logFile: layout.logFile, stop };
};

/** Starts a fresh single-node KRaft broker on free loopback ports; resolves once it answers. */
export const startKafka = (options: StartKafkaOptions): Promise<KafkaHandle> =>
  retryOnPortClash(() => startOnce(options));
