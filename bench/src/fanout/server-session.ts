import { benchAuthHeaders } from '../lib/bench-auth.ts';
import type { ProfileEntry } from '../lib/cpu-profile.ts';
import { type NodeChild, spawnNode } from '../lib/spawn-node.ts';
import { fmtInt, fmtMs } from './fanout-outcome.ts';
import {
  CLIENT_PROTOCOL,
  type ConnectResult,
  SERVER_LABELS,
  type ServerKind,
  type ServerReady,
} from './fanout-protocol.ts';
import { runStep, type StepContext } from './run-step.ts';
import type { LatencyCurve, StepRow } from './step-row.ts';

/** Every 10th connection of a process samples latency (1,000 clients → 100 sampling clients). */
const SAMPLE_CLIENT_EVERY = 10;
/** Connections each client process opens at once. */
const CONNECT_CONCURRENCY = 50;
/** A session with fewer clients connected (or left open) than this share is not measured further. */
export const MIN_CONNECTED_SHARE = 0.95;
/** Alerts the in-process bus keeps (≈ 0.9 KB each): bounds the Vigil server's memory at ≈ 45 MB for it. */
const BUS_RETENTION = 50_000;

/** Starts a server process of the fan-out suite; `ready` resolves with its ServerReady. */
export function spawnServer(kind: ServerKind, runId: string, log: (line: string) => void): NodeChild {
  return spawnNode({
    name: `${kind}-server`,
    script: new URL('./server-main.ts', import.meta.url),
    args: [kind, runId, String(BUS_RETENTION)],
    log,
  });
}

export interface SessionPlan {
  kind: ServerKind;
  clients: number;
  stepMs: number;
  drainMs: number;
  /** A discarded first step at `warmupRate` (JIT, socket buffers). */
  warmupMs: number;
  warmupRate: number;
}

/** One server with its clients connected: steps run against it one at a time. */
export interface ServerSession {
  readonly kind: ServerKind;
  readonly connectMs: number;
  /** Clients open now. */
  readonly open: number;
  readonly rows: StepRow[];
  readonly curves: LatencyCurve[];
  step(rate: number, kind: StepRow['kind']): Promise<StepRow>;
  /** One step under the V8 profiler of the server process; its top self-time functions. */
  profile(rate: number): Promise<ProfileEntry[]>;
  /** Disconnects this server's clients and stops the server. */
  close(): Promise<void>;
}

/** Connects `plan.clients` clients (spread over the client processes) to a spawned server. */
export async function openSession(
  plan: SessionPlan,
  server: NodeChild,
  clientProcs: NodeChild[],
  log: (line: string) => void,
): Promise<ServerSession> {
  const label = `${SERVER_LABELS[plan.kind]} × ${fmtInt(plan.clients)}`;
  const close = async () => {
    // A client process that died has nothing left to close; its failure already surfaced in a step.
    await Promise.all(
      clientProcs.map((p) => p.request('disconnect', { group: plan.kind }).catch(() => undefined)),
    );
    await server.stop();
  };
  try {
    const { url } = (await server.ready) as ServerReady;
    const started = Date.now();
    const perProcess = Math.ceil(plan.clients / clientProcs.length);
    const results = await Promise.all(
      clientProcs.map((proc, i) =>
        proc.request<ConnectResult>(
          'connect',
          {
            group: plan.kind,
            url,
            protocol: CLIENT_PROTOCOL[plan.kind],
            headers: plan.kind === 'vigil' ? benchAuthHeaders() : undefined,
            count: Math.max(0, Math.min(perProcess, plan.clients - i * perProcess)),
            sampleClientEvery: SAMPLE_CLIENT_EVERY,
            concurrency: CONNECT_CONCURRENCY,
          },
          180_000,
        ),
      ),
    );
    const connectMs = Date.now() - started;
    let open = results.reduce((n, r) => n + r.connected, 0);
    if (open < MIN_CONNECTED_SHARE * plan.clients) {
      const firstError = results.find((r) => r.firstError)?.firstError;
      throw new Error(`${label}: only ${open} clients connected (${firstError ?? 'no error given'})`);
    }
    log(`  ${label}: ${fmtInt(open)} clients connected in ${connectMs} ms`);
    const context = (durationMs: number): StepContext => ({
      server,
      clientProcs,
      kind: plan.kind,
      clients: plan.clients,
      open,
      sampledClients: Math.ceil(open / SAMPLE_CLIENT_EVERY),
      durationMs,
      drainMs: plan.drainMs,
    });
    if (plan.warmupMs > 0) open = (await runStep(context(plan.warmupMs), plan.warmupRate, 'sweep')).open;
    const rows: StepRow[] = [];
    const curves: LatencyCurve[] = [];

    const session: ServerSession = {
      kind: plan.kind,
      connectMs,
      get open() {
        return open;
      },
      rows,
      curves,
      async step(rate, kind) {
        const result = await runStep(context(plan.stepMs), rate, kind);
        open = result.open;
        rows.push(result.row);
        curves.push(result.curve);
        const r = result.row;
        log(
          `  ${label} @ ${fmtInt(rate)}/s [${kind}]: ${fmtInt(r.deliveriesPerSec)} deliveries/s (${r.deliveredPercent} %), ` +
            `p50 ${fmtMs(r.p50Ms)} ms, p99 ${fmtMs(r.p99Ms)} ms, server CPU ${r.serverCpuPercent} %, clients CPU ` +
            `${r.clientCpuPercent} %, others ${r.otherCpuPercent} %, dropped ${r.dropped}${r.keptUp ? '' : ' — not keeping up'}`,
        );
        return r;
      },
      async profile(rate) {
        await server.request('profile-start');
        await session.step(rate, 'profiled');
        return server.request<ProfileEntry[]>('profile-stop');
      },
      close,
    };
    return session;
  } catch (err) {
    await close();
    throw err;
  }
}
