/**
 * Composition root of the simulator CLI: the only module that reads process.env and argv.
 * Order: parse flags and environment (bad ones: one line, exit 2), make the logger, pick the destination
 * (Kafka or NDJSON on stdout), start the simulator and the stdin reader; on SIGINT/SIGTERM or the end of the
 * run, stop the reader, the simulator (it finishes the publish in flight), then the bus.
 */
import { randomInt } from 'node:crypto';
import { createBus, createLogger } from '@vigil/adapters';
import { topicNames } from '@vigil/core';
import pino from 'pino';
import { type CliConfig, CliError, parseCli } from './cli/parse-cli.ts';
import { readCommands } from './cli/stdin-commands.ts';
import { scenarioList, USAGE } from './cli/usage.ts';
import { createSimulator } from './live/create-simulator.ts';
import { createNdjsonPublisher } from './live/ndjson-publisher.ts';

const NO_DESTINATION =
  'nowhere to send events: set KAFKA_BROKERS=host:port to publish to Kafka, or pass --stdout for NDJSON ' +
  '(the in-process bus exists only inside `npm start`)';

const fail = (message: string): number => {
  process.stderr.write(`vigil-simulator: ${message}\n`);
  return 2;
};

async function main(): Promise<number> {
  let config: CliConfig;
  try {
    config = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof CliError) return fail(`${err.message} (see --help)`);
    throw err;
  }
  if (config.help || config.listScenarios) {
    process.stdout.write(config.help ? USAGE : scenarioList());
    return 0;
  }
  // With --stdout the events own stdout, so the logs move to stderr.
  const logger = createLogger({
    name: 'simulator',
    level: config.logLevel,
    destination: config.stdout ? pino.destination({ dest: 2, sync: true }) : undefined,
  });
  if (config.rate === 0) {
    logger.info('simulator disabled: rate is 0');
    return 0;
  }
  if (!config.stdout && !config.kafkaBrokers) return fail(NO_DESTINATION);

  // The one unseeded choice, logged so that any run can be replayed with --seed.
  const seed = config.seed ?? randomInt(0, 2 ** 31);
  const bus = config.stdout
    ? undefined
    : createBus({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-simulator`, logger });
  let stdoutClosed = false;
  const topics = topicNames(config.topicPrefix).events;
  const publisher = bus ?? createNdjsonPublisher({ out: process.stdout, bare: config.sources.length === 1 });
  try {
    await bus?.start(
      config.sources.map((source) => ({ topic: topics[source], partitions: config.partitions })),
    );
  } catch (err) {
    logger.error({ err }, 'could not start the bus');
    return 1;
  }

  const simulator = createSimulator({
    bus: publisher,
    topicOf: (source) => topics[source],
    generator: {
      seed,
      rate: config.rate,
      sources: config.sources,
      diurnalAmplitude: config.diurnal,
      startTime: config.startTime,
    },
    schedule: config.schedule,
    scenarios: config.scenarios,
    logger,
    now: Date.now,
    paced: !config.fast,
    maxEvents: config.count,
    durationMs: config.durationMs,
    progressEveryMs: config.progressEveryMs,
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without draining');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    void simulator.stop();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // EPIPE: the reader went away (`| head`), a normal end for a pipe.
    stdoutClosed = err.code === 'EPIPE';
    if (!stdoutClosed) logger.error({ err }, 'stdout failed');
    void simulator.stop();
  });

  await simulator.start();
  const interactive = config.interactive ?? process.stdin.isTTY === true;
  const reader = interactive
    ? readCommands(
        process.stdin,
        {
          inject: (name) => simulator.inject(name),
          stats: () => logger.info(simulator.stats(), 'simulator stats'),
          quit: () => shutdown('quit'),
        },
        logger,
      )
    : undefined;

  const code = await simulator.finished().then(
    () => 0,
    () => (stdoutClosed ? 0 : 1),
  );
  reader?.stop();
  await bus?.stop();
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A programming error: crash loudly, with the stack.
    process.stderr.write(
      `vigil-simulator: unexpected error\n${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
