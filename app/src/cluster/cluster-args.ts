import { parseArgs } from 'node:util';
import type { ClusterOptions } from './cluster.ts';

export const CLUSTER_USAGE = `npm run cluster [-- options]

Starts docker-compose.yml's topology without Docker: Kafka, PostgreSQL and s3rver (or the ones named by
KAFKA_BROKERS, DATABASE_URL, S3_ENDPOINT), two processors, two gateways and a simulator. Ctrl-C stops all.

  --rate <n>               simulator events/s (default 50; 0: no simulator)
  --gateway-ports <a,b>    gateway ports (default 8081,8082; 0: a free one)
  --metrics-ports <a,b>    processor /metrics and /health ports (default 9464,9465; 0: a free one)
  --topic-prefix <p>       TOPIC_PREFIX (default $TOPIC_PREFIX or none; needs --rate 0)
  --partitions <n>         EVENT_PARTITIONS (default 6)
  --session-timeout-ms <n> KAFKA_SESSION_TIMEOUT_MS (default 10000)
  --log-level <level>      LOG_LEVEL of every component (default info)
  -h, --help
`;

export type ClusterArgs = { help: true } | { help: false; options: ClusterOptions };

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  rate: { type: 'string' },
  'gateway-ports': { type: 'string' },
  'metrics-ports': { type: 'string' },
  'topic-prefix': { type: 'string' },
  partitions: { type: 'string' },
  'session-timeout-ms': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

/** Parses the CLI's argv and environment; throws one Error naming every bad flag. */
export const parseClusterArgs = (argv: string[], env: NodeJS.ProcessEnv): ClusterArgs => {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values.help) return { help: true };
  const problems: string[] = [];
  const number = (flag: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min)
      problems.push(`--${flag} ${raw}: expected a number ≥ ${min}`);
    return value;
  };
  const ports = (flag: string, raw: string | undefined, fallback: number[]): number[] => {
    if (raw === undefined) return fallback;
    const list = raw.split(',').map((p) => p.trim());
    if (list.length !== 2 || list.some((p) => !/^\d+$/.test(p) || Number(p) > 65_535)) {
      problems.push(`--${flag} ${raw}: expected two ports, e.g. 8081,8082`);
    }
    return list.map(Number);
  };
  const rate = number('rate', values.rate, 50, 0);
  const topicPrefix = values['topic-prefix'] ?? env.TOPIC_PREFIX ?? '';
  const options: ClusterOptions = {
    gatewayPorts: ports('gateway-ports', values['gateway-ports'], [8081, 8082]),
    metricsPorts: ports('metrics-ports', values['metrics-ports'], [9464, 9465]),
    topicPrefix,
    partitions: number('partitions', values.partitions, 6, 1),
    sessionTimeoutMs: number('session-timeout-ms', values['session-timeout-ms'], 10_000, 1),
    logLevel: values['log-level'] ?? 'info',
    simulator: rate > 0 ? { rate, args: ['--scenario-every', '2m'] } : undefined,
  };
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { help: false, options };
};
