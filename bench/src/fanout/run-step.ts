import { nowMs, waitFor } from '../lib/clock.ts';
import { createLatencyHistogram } from '../lib/latency-histogram.ts';
import type { NodeChild } from '../lib/spawn-node.ts';
import { coreCount, startUsageSampler } from '../lib/usage-sampler.ts';
import type { ClientStepReport, ProgressResult, RunStepResult, ServerKind } from './fanout-protocol.ts';
import { keptUp, type LatencyCurve, type StepRow } from './step-row.ts';

/** Latency samples parsed per second across all clients: enough for a stable p99, cheap for the clients. */
const SAMPLE_PARSES_PER_SEC = 20_000;
/** The drain ends early once no frame has arrived for this long. */
const STALL_MS = 750;

export interface StepContext {
  server: NodeChild;
  clientProcs: NodeChild[];
  kind: ServerKind;
  /** Clients of the configuration (rows are grouped by it). */
  clients: number;
  /** Connections open at the start of the step. */
  open: number;
  sampledClients: number;
  durationMs: number;
  drainMs: number;
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * One step: the server publishes at `rate` for durationMs; then we wait until every client has every
 * frame (or the drain times out, or frames stop coming) and merge the clients' counts and histograms.
 */
export async function runStep(
  context: StepContext,
  rate: number,
  kind: StepRow['kind'],
): Promise<{ row: StepRow; curve: LatencyCurve; open: number }> {
  const { server, clientProcs: clients } = context;
  const sampleFrameEvery = Math.max(1, Math.round((rate * context.sampledClients) / SAMPLE_PARSES_PER_SEC));
  await Promise.all(clients.map((c) => c.request('begin', { sampleFrameEvery })));
  const usage = startUsageSampler({ server: [server.pid], clients: clients.map((c) => c.pid) });
  const driven = await server.request<RunStepResult>(
    'run-step',
    { rate, durationMs: context.durationMs },
    context.durationMs * 3 + 30_000,
  );
  const expected = driven.published * context.open;
  let lastFrames = -1;
  let lastChange = Date.now();
  await waitFor(
    async () => {
      const progress = await Promise.all(clients.map((c) => c.request<ProgressResult>('progress')));
      const frames = sum(progress.map((p) => p.frames));
      if (frames >= expected) return true;
      if (frames !== lastFrames) {
        lastFrames = frames;
        lastChange = Date.now();
        return false;
      }
      return Date.now() - lastChange > STALL_MS;
    },
    context.drainMs,
    100,
  );
  const reports = await Promise.all(clients.map((c) => c.request<ClientStepReport>('end')));
  const used = usage.stop();
  const histogram = createLatencyHistogram();
  for (const report of reports) histogram.addEncoded(report.histogram);
  const latency = histogram.summary();
  const delivered = sum(reports.map((r) => r.frames));
  const lastAt = Math.max(...reports.map((r) => r.lastAt));
  const spanMs = Math.max(1, (lastAt > 0 ? lastAt : nowMs()) - driven.startedAt);
  // Only this server's connections count: other servers' clients may be connected, idle, meanwhile.
  const mine = reports.map((r) => r.groups[context.kind] ?? { open: 0, dropped: 0, closeCodes: {} });
  const codes: Record<string, number> = {};
  for (const group of mine)
    for (const [code, n] of Object.entries(group.closeCodes)) codes[code] = (codes[code] ?? 0) + n;

  const base: Omit<StepRow, 'keptUp'> = {
    server: context.kind,
    clients: context.clients,
    clientsOpen: context.open,
    kind,
    rate,
    published: driven.published,
    publishedPerSec: round(driven.published / Math.max(0.001, (driven.endedAt - driven.startedAt) / 1000)),
    expected,
    delivered,
    deliveredPercent: expected > 0 ? round((100 * delivered) / expected, 2) : 0,
    deliveriesPerSec: round(delivered / (spanMs / 1000)),
    framesPerRead: round(delivered / Math.max(1, sum(reports.map((r) => r.reads))), 2),
    p50Ms: latency.p50,
    p90Ms: latency.p90,
    p99Ms: latency.p99,
    maxMs: latency.max,
    latencySamples: latency.count,
    serverCpuPercent: used.groups.server?.cpuPercent ?? 0,
    deliveriesPerServerCoreSec: round(
      delivered / (spanMs / 1000) / Math.max(0.01, (used.groups.server?.cpuPercent ?? 0) / 100),
    ),
    serverRssMiB: used.groups.server?.peakRssMiB ?? 0,
    clientCpuPercent: used.groups.clients?.cpuPercent ?? 0,
    clientMaxProcessCpuPercent: used.groups.clients?.maxProcessCpuPercent ?? 0,
    machineBusyPercent: used.machineBusyPercent,
    otherCpuPercent: round(
      Math.max(
        0,
        used.machineBusyPercent * coreCount() -
          (used.groups.server?.cpuPercent ?? 0) -
          (used.groups.clients?.cpuPercent ?? 0),
      ),
      1,
    ),
    maxTickGapMs: driven.maxTickGapMs,
    dropped: sum(mine.map((g) => g.dropped)),
    closeCodes: Object.entries(codes)
      .map(([code, n]) => `${code}×${n}`)
      .join(' '),
  };
  const row: StepRow = { ...base, keptUp: keptUp(base, context.durationMs) };
  const curve: LatencyCurve = {
    server: context.kind,
    clients: context.clients,
    rate,
    kind,
    points: histogram.curve(),
  };
  return { row, curve, open: sum(mine.map((g) => g.open)) };
}
