import { randomUUID } from 'node:crypto';
import type { BurstResult, ServerReady } from '../fanout/fanout-protocol.ts';
import { openLiveClient, type ResumeTiming, resumeFrom } from '../fanout/resume-client.ts';
import { WS_AUTH_NOTE } from '../lib/bench-auth.ts';
import { percentileOf } from '../lib/latency-histogram.ts';
import { describeMachine } from '../lib/machine.ts';
import { sampleProcess } from '../lib/proc-stats.ts';
import { spawnNode } from '../lib/spawn-node.ts';
import type { Suite, SuiteContext, SuiteResult } from '../suite.ts';

/** Alerts missed while disconnected (the figure). */
const MISSED = 10_000;
/** The target: caught up within a second. */
const TARGET_MS = 1_000;
/** A resume not done by then is reported incomplete (and the target missed), never waited on forever. */
const RESUME_TIMEOUT_MS = 30_000;

/** Ring size of the bus-path server: far fewer than MISSED, so the whole resume is read from the bus. */
const SMALL_RING = 1_000;

type Row = ResumeTiming & { repetition: number; serverCpuMs: number; clientCpuMs: number };

interface ResumePath {
  key: 'ring' | 'bus';
  label: string;
  /** Unset: the gateway's default ring (100,000 alerts), which holds all 10,000 missed ones. */
  ringMaxAlerts?: number;
}

const PATHS: ResumePath[] = [
  { key: 'ring', label: 'from the ring (recent history in gateway memory)' },
  {
    key: 'bus',
    label: `from the bus (ring of ${SMALL_RING.toLocaleString('en-US')}, older than it)`,
    ringMaxAlerts: SMALL_RING,
  },
];

/** `repetitions` resumes of MISSED alerts against one Vigil gateway process. */
async function measurePath(path: ResumePath, repetitions: number, context: SuiteContext): Promise<Row[]> {
  const args = ['vigil', randomUUID().slice(0, 8), '100000'];
  if (path.ringMaxAlerts !== undefined) args.push(String(path.ringMaxAlerts));
  const server = spawnNode({
    name: `vigil-server-${path.key}`,
    script: new URL('../fanout/server-main.ts', import.meta.url),
    args,
    log: context.log,
  });
  const rows: Row[] = [];
  try {
    const { url } = (await server.ready) as ServerReady;
    for (let repetition = 1; repetition <= repetitions; repetition++) {
      const live = await openLiveClient(url);
      const warm = await server.request<BurstResult>('burst', { count: 5 });
      await live.waitForSeq(warm.lastSeq, 10_000);
      const since = live.cursor;
      await live.close();
      // Published while the client is away; the server answers once its alert feed holds all of them.
      await server.request<BurstResult>('burst', { count: MISSED });
      const serverBefore = sampleProcess(server.pid)?.cpuSeconds ?? 0;
      const clientBefore = process.cpuUsage();
      const timing = await resumeFrom(url, since, warm.lastSeq, MISSED, RESUME_TIMEOUT_MS);
      const client = process.cpuUsage(clientBefore);
      const serverCpuMs = Math.round(((sampleProcess(server.pid)?.cpuSeconds ?? 0) - serverBefore) * 1000);
      const clientCpuMs = Math.round((client.user + client.system) / 1000);
      rows.push({ repetition, ...timing, serverCpuMs, clientCpuMs });
      context.log(
        `${path.key} #${repetition}: ${timing.received}/${MISSED} in ${timing.totalMs} ms (replay ${timing.replayMs} ms, ` +
          `first alert after ${timing.firstAlertMs} ms), ${timing.duplicates} dup, ${timing.outOfOrder} out of order; ` +
          `CPU: gateway ${serverCpuMs} ms, client ${clientCpuMs} ms`,
      );
    }
  } finally {
    await server.stop();
  }
  return rows;
}

const median = (rows: Row[], key: 'totalMs' | 'serverCpuMs' | 'clientCpuMs') =>
  percentileOf(
    rows.map((r) => r[key]),
    50,
  );

async function run(context: SuiteContext): Promise<SuiteResult> {
  const repetitions = context.quick ? 3 : 10;
  const measured: { path: ResumePath; rows: Row[] }[] = [];
  for (const path of PATHS) measured.push({ path, rows: await measurePath(path, repetitions, context) });
  const missed = MISSED.toLocaleString('en-US');
  return {
    suite: 'resume',
    date: new Date().toISOString(),
    machine: describeMachine(),
    figures: {
      missed: MISSED,
      paths: Object.fromEntries(measured.map(({ path, rows }) => [path.key, rows])),
    },
    targets: measured.map(({ path, rows }) => {
      const worst = Math.max(...rows.map((r) => r.totalMs));
      const clean = rows.every((r) => r.complete && r.duplicates === 0 && r.outOfOrder === 0);
      return {
        name:
          path.key === 'ring'
            ? `resume after ${missed} missed alerts: all received, in order, no duplicate (worst of ${rows.length})`
            : `resume after ${missed} missed alerts ${path.label}: all received, in order, no duplicate (worst of ${rows.length})`,
        target: `< ${TARGET_MS} ms`,
        measured: `${worst} ms worst, ${median(rows, 'totalMs')} ms median${clean ? '' : ' — INCOMPLETE, DUPLICATED OR OUT OF ORDER'}`,
        met: clean && worst < TARGET_MS,
      };
    }),
    notes: [
      `Each repetition: a client subscribes, gets 5 live alerts, disconnects; ${missed} alerts are published to the bus and ` +
        'ingested by the gateway; the client reconnects with `since` = its last cursor and is timed from opening the ' +
        `connection until the ${missed}th missed alert is parsed (it JSON-parses every frame, as a dashboard would).`,
      `Two paths: ${PATHS.map((p) => p.label).join('; ')}. The second is what a client sees after a long absence: the ` +
        'gateway reads the range from the bus (the in-process bus here; a Kafka consumer in a deployment) and then joins it to the live stream.',
      ...measured.map(
        ({ path, rows }) =>
          `Where the time goes ${path.label}, medians: the gateway process used ${median(rows, 'serverCpuMs')} ms of CPU and the client ` +
          `${median(rows, 'clientCpuMs')} ms during a resume of ${median(rows, 'totalMs')} ms; the rest of the wall time is waiting ` +
          "(socket buffers, the replay's drain waits, and the other processes sharing the 2 cores).",
      ),
      WS_AUTH_NOTE,
    ],
    highlights: measured.map(({ path, rows }) => {
      const totals = rows.map((r) => r.totalMs);
      return `resume of ${missed} alerts ${path.label}: median ${percentileOf(totals, 50)} ms, worst ${Math.max(...totals)} ms over ${rows.length} runs`;
    }),
    charts: [
      {
        title: `Resume time per repetition (${missed} missed alerts, connect → caught up)`,
        xLabel: 'repetition',
        yLabel: 'ms',
        series: measured.flatMap(({ path, rows }) => [
          {
            label: `${path.key}: connect → caught up`,
            points: rows.map((r) => ({ x: r.repetition, y: r.totalMs })),
          },
          {
            label: `${path.key}: subscribe → first alert`,
            points: rows.map((r) => ({ x: r.repetition, y: r.firstAlertMs })),
          },
        ]),
      },
    ],
  };
}

export const resumeSuite: Suite = {
  name: 'resume',
  description:
    'Reconnect with `since` after 10,000 missed alerts: time until caught up, in order, no duplicate',
  run,
};
