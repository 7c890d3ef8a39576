/**
 * `npm run cluster`: docker-compose.yml's topology without Docker (see cluster.ts), with the URLs, the
 * environment and the log files printed; Ctrl-C stops the components gracefully, then the services.
 */

import { type Cluster, startCluster } from './cluster.ts';
import { CLUSTER_USAGE, type ClusterArgs, parseClusterArgs } from './cluster-args.ts';
import { exportLines } from './cluster-env.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How often the CLI looks for a component that died on its own, to say so once. */
const WATCH_MS = 2_000;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const summary = (cluster: Cluster): string => {
  const lines = ['', `Vigil cluster running; logs in ${cluster.logDir}`];
  cluster.gateways.forEach((g, i) => {
    lines.push(`  gateway ${i + 1}    ${g.url}  (dashboard, REST, ws: ${g.url.replace('http', 'ws')}/ws)`);
  });
  cluster.processors.forEach((p, i) => {
    lines.push(
      `  processor ${i + 1}  ${p.metricsUrl}  (health: ${p.metricsUrl.replace(/metrics$/, 'health')})`,
    );
  });
  for (const c of cluster.components()) lines.push(`  ${c.name.padEnd(12)} pid ${c.pid()}  log ${c.logFile}`);
  lines.push('', 'Environment of the components (PORT and METRICS_PORT are per instance):');
  lines.push(...exportLines(cluster.env).map((l) => `  ${l}`));
  lines.push('', 'Ctrl-C stops everything.', '');
  return lines.join('\n');
};

/** Reports, once each, a component that ended without being asked to. */
const watch = (cluster: Cluster): NodeJS.Timeout => {
  const reported = new Map<string, string>();
  return setInterval(() => {
    for (const c of cluster.components()) {
      const state = c.state();
      if (state === 'running' || reported.get(c.name) === state) continue;
      reported.set(c.name, state);
      log(`[cluster] ${c.name} ${state}; see ${c.logFile}`);
    }
  }, WATCH_MS);
};

// Node 20 is this stack's runtime (STACK.md); the AWS SDK would otherwise warn on every S3 client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let args: ClusterArgs;
try {
  args = parseClusterArgs(process.argv.slice(2), process.env);
} catch (error) {
  log(`vigil-cluster: ${(error as Error).message} (see --help)`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(CLUSTER_USAGE);
  process.exit(0);
}

// Until the cluster is up, the harness's emergency handlers own Ctrl-C: they kill every child at once.
const harnessListeners = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
let cluster: Cluster;
try {
  cluster = await startCluster({ ...args.options, log });
} catch (error) {
  log(`vigil-cluster: could not start: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
}

// From here Ctrl-C runs the written stop order instead: those handlers would SIGKILL Kafka in the same
// instant as the processors get SIGTERM, so no processor could commit and leave its group. They stay
// registered for 'exit', and each child keeps its watchdog, for the case where this process dies.
for (const signal of SIGNALS) {
  const before = harnessListeners.get(signal)!;
  for (const listener of process.listeners(signal)) {
    if (!before.has(listener)) process.off(signal, listener as () => void);
  }
}
const watcher = watch(cluster);
process.stdout.write(summary(cluster));

const shutdown = (signal: NodeJS.Signals): void => {
  for (const s of SIGNALS) process.off(s, shutdown);
  // A second Ctrl-C falls back to the default: this process dies, the watchdogs kill the children.
  log(`[cluster] ${signal}: stopping simulator, gateways, processors, then the services`);
  clearInterval(watcher);
  cluster.stop().then(
    () => {
      log(`[cluster] stopped; logs kept in ${cluster.logDir}`);
      process.exit(0);
    },
    (error: unknown) => {
      log(`[cluster] stop failed: ${String(error)}`);
      process.exit(1);
    },
  );
};
for (const signal of SIGNALS) process.on(signal, shutdown);
