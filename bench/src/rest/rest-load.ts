/** Runs each REST endpoint under load against a gateway child and records where the CPU went meanwhile. */
import { type CpuShares, postgresProcesses, processTree, watchCpu } from '../e2e/proc-cpu.ts';
import { type LoadRow, runLoad } from './autocannon-run.ts';
import type { Endpoint } from './rest-endpoints.ts';

export interface RestLoadOptions {
  baseUrl: string;
  gatewayPid: number;
  postgresPort: number;
  endpoints: readonly Endpoint[];
  connections: number;
  durationSeconds: number;
  /** Unrecorded run first: JIT, connection pool and PostgreSQL's buffer cache warm up. */
  warmupSeconds: number;
  log: (line: string) => void;
}

export type RestRow = LoadRow & {
  cpuCores: CpuShares;
  /** CPU ms per answered request: cores used ÷ requests/s. */
  cpuMsPerRequest: { gateway: number | null; postgres: number | null };
};

const msPerRequest = (cores: number | null | undefined, perSecond: number): number | null =>
  cores && perSecond > 0 ? Math.round(((cores * 1000) / perSecond) * 100) / 100 : null;

export async function loadEndpoints(options: RestLoadOptions): Promise<RestRow[]> {
  const rows: RestRow[] = [];
  for (const endpoint of options.endpoints) {
    const url = `${options.baseUrl}${endpoint.path}`;
    const base = { name: endpoint.name, url, connections: options.connections };
    await runLoad({ ...base, durationSeconds: options.warmupSeconds });
    const cpu = watchCpu({
      gateway: processTree(options.gatewayPid),
      postgres: postgresProcesses(options.postgresPort),
    });
    const row = await runLoad({ ...base, durationSeconds: options.durationSeconds });
    const cpuCores = cpu.stop();
    const answered = row.requests / row.durationSeconds;
    rows.push({
      ...row,
      cpuCores,
      cpuMsPerRequest: {
        gateway: msPerRequest(cpuCores.gateway, answered),
        postgres: msPerRequest(cpuCores.postgres, answered),
      },
    });
    options.log(
      `[rest] ${endpoint.name}: ${row.okPerSecond} req/s, p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, ` +
        `non-2xx ${row.non2xx}`,
    );
  }
  return rows;
}

/** "gateway 0.93, postgres 0.71, bench 0.35 of 2 cores (machine 1.99)". */
export function describeCpu(cpu: CpuShares, cores: number): string {
  const parts = Object.entries(cpu)
    .filter(([name, value]) => name !== 'machine' && value !== null)
    .map(([name, value]) => `${name} ${value}`);
  const saturated =
    cpu.machine !== null && cpu.machine !== undefined && cpu.machine >= 0.95 * cores
      ? '; the machine was saturated, so waiting for a core is part of every latency here'
      : '';
  return `${parts.join(', ')} of ${cores} cores (all processes on the machine: ${cpu.machine ?? 'n/a'}${saturated})`;
}

/**
 * One line per endpoint: whether PostgreSQL or the gateway limited it, and any client errors. Non-2xx
 * answers never get here: runLoad fails the run on the first run that had any.
 */
export function endpointNotes(rows: readonly RestRow[]): string[] {
  return rows.flatMap((row) => {
    const { gateway, postgres } = row.cpuMsPerRequest;
    const bound = (postgres ?? 0) > (gateway ?? 0) ? 'PostgreSQL-bound' : 'gateway-bound';
    const failures =
      row.errors > 0 ? ` ${row.errors} client errors, ${row.timeouts} of them timeouts (10 s);` : '';
    return [
      `${row.name}: ${bound}, ${gateway ?? 'n/a'} ms gateway CPU and ${postgres ?? 'n/a'} ms PostgreSQL CPU per answered request;${failures} ` +
        `${row.okPerSecond} req/s at ${row.connections} connections.`,
    ];
  });
}
