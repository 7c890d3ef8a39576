/**
 * A fan-out server process: `node --import tsx server-main.ts <kind> <runId> <retention> [ringMaxAlerts]`.
 * Spawned by the fan-out and resume suites (one process per server, so its CPU and RSS are its own and
 * its sockets do not share the runner's file-descriptor budget), driven over IPC.
 */
import { pino } from 'pino';
import { createCpuProfiler } from '../lib/cpu-profile.ts';
import { announceReady, serveRequests } from '../lib/ipc.ts';
import type {
  BurstRequest,
  BurstResult,
  RunStepRequest,
  ServerKind,
  ServerReady,
} from './fanout-protocol.ts';
import { driveRate } from './rate-driver.ts';
import type { BenchServer, BenchServerOptions } from './servers/bench-server.ts';
import { startSocketIoServer } from './servers/socketio-server.ts';
import { startUwsRawServer } from './servers/uws-raw-server.ts';
import { startVigilServer } from './servers/vigil-server.ts';
import { startWsServer } from './servers/ws-server.ts';

/** Alerts per bus publish in a burst: the processor's publish batches are of this order. */
const BURST_BATCH = 500;

const [kind, runId = 'run', retention = '50000', ring] = process.argv.slice(2) as [ServerKind, ...string[]];
const options: BenchServerOptions = {
  runId,
  retention: Number(retention),
  ringMaxAlerts: ring ? Number(ring) : undefined,
};
// Warnings only: the gateway logs every slow-client cut at info, which would drown the runner's output.
const logger = pino({ level: 'warn', base: { server: kind } });

const starters: Record<ServerKind, () => Promise<BenchServer>> = {
  vigil: () => startVigilServer({ ...options, logger }),
  uws: () => startUwsRawServer(options),
  ws: () => startWsServer(options),
  socketio: () => startSocketIoServer(options),
};
const start = starters[kind];
if (!start) throw new Error(`unknown server kind ${kind}`);
const server = await start();
const profiler = createCpuProfiler();

serveRequests(
  {
    'run-step': (request: RunStepRequest) =>
      driveRate({ ...request, publish: (count) => server.publish(count) }),
    burst: async ({ count }: BurstRequest): Promise<BurstResult> => {
      for (let sent = 0; sent < count; sent += BURST_BATCH) {
        await server.publish(Math.min(BURST_BATCH, count - sent));
      }
      await server.settled();
      return { published: count, lastSeq: server.lastSeq };
    },
    'profile-start': () => profiler.start(),
    'profile-stop': () => profiler.stop(15),
  },
  () => server.stop(),
);
announceReady({ pid: process.pid, url: server.url } satisfies ServerReady);
