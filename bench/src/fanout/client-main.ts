/**
 * A process of bench WebSocket clients: `node --import tsx client-main.ts`. The fan-out suite spawns
 * several (a client process saturates near 1 M frames/s, and the server needs the rest of the machine)
 * and drives them over IPC: connect, begin a step, report progress, end the step, disconnect.
 */
import { announceReady, serveRequests } from '../lib/ipc.ts';
import { createClientPool } from './client-pool.ts';
import type { BeginRequest, ConnectRequest } from './fanout-protocol.ts';

const pool = createClientPool();

serveRequests(
  {
    connect: (request: ConnectRequest) => pool.connect(request),
    begin: (request: BeginRequest) => pool.begin(request),
    progress: () => pool.progress(),
    end: () => pool.end(),
    disconnect: (request?: { group?: string }) => pool.disconnect(request),
  },
  () => pool.disconnect(),
);
announceReady({ pid: process.pid });
