import { io } from 'socket.io-client';
import { nowMs } from '../lib/clock.ts';
import { createLatencyHistogram } from '../lib/latency-histogram.ts';
import { frameTimestamp } from './bench-alerts.ts';
import type {
  BeginRequest,
  ClientStepReport,
  ConnectRequest,
  ConnectResult,
  GroupReport,
  ProgressResult,
} from './fanout-protocol.ts';
import { openRawWebSocket } from './raw-ws-client.ts';

/** A connection gives up if it is not open (and subscribed) within this time. */
const CONNECT_TIMEOUT_MS = 20_000;

interface Group extends GroupReport {
  conns: ConnState[];
}

interface ConnState {
  group: Group;
  /** Frames seen by this connection (drives its sampling). */
  n: number;
  sampler: boolean;
  /** Open and counting (for Vigil: after `subscribed`). */
  live: boolean;
  /** Closed by us: not a drop. */
  leaving: boolean;
  close(): void;
}

/**
 * The bench's WebSocket clients, many per process, in one group per server: the minimal counting
 * client (raw-ws-client.ts) for Vigil, raw uWS and ws, socket.io-client for Socket.IO. Every frame is
 * counted without parsing; only every n-th frame of every m-th connection is parsed for its publish
 * time, so the clients stay cheap next to the server they measure.
 */
export function createClientPool() {
  const histogram = createLatencyHistogram();
  const groups = new Map<string, Group>();
  let frames = 0;
  let reads = 0;
  let firstAt = 0;
  let lastAt = 0;
  let sampleFrameEvery = 10;
  /** When the socket read being processed arrived (one clock read per read, not per frame). */
  let chunkAt = 0;

  /** A counted frame arriving at `chunkAt`; `sampled` is its text when it was picked for latency. */
  const count = (sampled: string | null) => {
    frames += 1;
    lastAt = chunkAt;
    if (firstAt === 0) firstAt = chunkAt;
    if (sampled === null) return;
    const ts = frameTimestamp(sampled);
    if (ts !== null) histogram.record(chunkAt - ts);
  };
  const sampling = (state: ConnState) => state.sampler && ++state.n % sampleFrameEvery === 0;
  const onClose = (state: ConnState, code: string) => {
    if (!state.live) return;
    state.live = false;
    state.group.open -= 1;
    if (state.leaving) return;
    state.group.dropped += 1;
    state.group.closeCodes[code] = (state.group.closeCodes[code] ?? 0) + 1;
  };
  const goLive = (state: ConnState) => {
    state.live = true;
    state.group.open += 1;
  };

  const connectWs = async (request: ConnectRequest, state: ConnState) => {
    // Set only while a Vigil client waits for its `subscribed` frame.
    let waiting: { resolve: () => void; reject: (err: Error) => void } | null = null;
    const ws = await openRawWebSocket(
      request.url,
      {
        chunk: () => {
          chunkAt = nowMs();
          reads += 1;
        },
        // Before going live every frame is read (Vigil's `subscribed`); after, only the sampled ones.
        wantPayload: () => !state.live || sampling(state),
        message: (payload) => {
          if (state.live) return count(payload ? payload.toString('utf8') : null);
          const text = payload?.toString('utf8') ?? '';
          if (text.startsWith('{"op":"subscribed"')) waiting?.resolve();
          else waiting?.reject(new Error(`unexpected first frame ${text.slice(0, 120)}`));
        },
        closed: (code) => {
          waiting?.reject(new Error(`closed with ${code} before subscribing`));
          onClose(state, String(code));
        },
      },
      CONNECT_TIMEOUT_MS,
      request.headers,
    );
    state.close = () => ws.terminate();
    if (request.protocol === 'vigil') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no subscribed frame')), CONNECT_TIMEOUT_MS);
        const settle = () => {
          clearTimeout(timer);
          waiting = null;
        };
        waiting = {
          resolve: () => {
            settle();
            resolve();
          },
          reject: (err) => {
            settle();
            reject(err);
          },
        };
        ws.sendText('{"op":"subscribe","filter":{}}');
      });
    }
    goLive(state);
  };

  const connectSocketIo = (request: ConnectRequest, state: ConnState) =>
    new Promise<void>((resolve, reject) => {
      const socket = io(request.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: CONNECT_TIMEOUT_MS,
      });
      state.close = () => socket.disconnect();
      socket.on('connect', () => {
        goLive(state);
        resolve();
      });
      socket.on('connect_error', (err) => reject(err));
      socket.on('alert', (frame: string) => {
        chunkAt = nowMs();
        reads += 1; // socket.io-client hides its reads: one per message as far as the bench can tell
        count(sampling(state) ? frame : null);
      });
      socket.on('disconnect', (reason) => onClose(state, reason));
    });

  const closeGroup = (name: string) => {
    const group = groups.get(name);
    if (!group) return;
    for (const state of group.conns) {
      state.leaving = true;
      state.close();
    }
    groups.delete(name);
  };

  return {
    async connect(request: ConnectRequest): Promise<ConnectResult> {
      closeGroup(request.group);
      const group: Group = { conns: [], open: 0, dropped: 0, closeCodes: {} };
      groups.set(request.group, group);
      let next = 0;
      let failed = 0;
      let firstError: string | null = null;
      const worker = async () => {
        while (next < request.count) {
          const index = next++;
          const state: ConnState = {
            group,
            n: 0,
            sampler: index % request.sampleClientEvery === 0,
            live: false,
            leaving: false,
            close: () => undefined,
          };
          group.conns.push(state);
          try {
            await (request.protocol === 'socketio' ? connectSocketIo : connectWs)(request, state);
          } catch (err) {
            failed += 1;
            firstError ??= err instanceof Error ? err.message : String(err);
            state.leaving = true;
            state.close();
          }
        }
      };
      await Promise.all(Array.from({ length: request.concurrency }, worker));
      return { connected: group.open, failed, firstError };
    },

    begin(request: BeginRequest): void {
      frames = 0;
      reads = 0;
      firstAt = 0;
      lastAt = 0;
      histogram.reset();
      for (const group of groups.values()) {
        group.dropped = 0;
        group.closeCodes = {};
      }
      sampleFrameEvery = Math.max(1, Math.round(request.sampleFrameEvery));
    },

    progress: (): ProgressResult => ({ frames }),

    end: (): ClientStepReport => ({
      frames,
      reads,
      firstAt,
      lastAt,
      histogram: histogram.encode(),
      groups: Object.fromEntries(
        [...groups].map(([name, g]) => [
          name,
          { open: g.open, dropped: g.dropped, closeCodes: g.closeCodes },
        ]),
      ),
    }),

    /** Closes one group's connections, or every group's. */
    disconnect(request?: { group?: string }): void {
      for (const name of request?.group ? [request.group] : [...groups.keys()]) closeGroup(name);
    },
  };
}
