/** What the fan-out suite's parent and its server and client processes say to each other over IPC. */

export const SERVER_KINDS = ['vigil', 'uws', 'ws', 'socketio'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export const SERVER_LABELS: Record<ServerKind, string> = {
  vigil: 'Vigil gateway',
  uws: 'raw uWebSockets.js',
  ws: 'ws broadcast',
  socketio: 'Socket.IO',
};

/** How a client talks to a server: Vigil's protocol (subscribe first), plain WebSocket, or Socket.IO. */
export type ClientProtocol = 'vigil' | 'ws' | 'socketio';

export const CLIENT_PROTOCOL: Record<ServerKind, ClientProtocol> = {
  vigil: 'vigil',
  uws: 'ws',
  ws: 'ws',
  socketio: 'socketio',
};

/** Server `ready` data. */
export interface ServerReady {
  pid: number;
  /** ws://…/ws, or http://… for Socket.IO. */
  url: string;
}

export interface RunStepRequest {
  rate: number;
  durationMs: number;
}

export interface RunStepResult {
  published: number;
  /** nowMs() clock (see lib/clock.ts). */
  startedAt: number;
  endedAt: number;
  /** Longest gap between two driver ticks: the server's event-loop stalls. */
  maxTickGapMs: number;
}

export interface BurstRequest {
  count: number;
}

export interface BurstResult {
  published: number;
  /** benchSeq of the last alert published. */
  lastSeq: number;
}

export interface ConnectRequest {
  /** Connections are grouped by server (several servers' clients can be connected at once). */
  group: string;
  url: string;
  protocol: ClientProtocol;
  /** Sent on every upgrade (Vigil's `Authorization: Bearer`); the baselines get none. */
  headers?: Record<string, string>;
  count: number;
  /** Every n-th connection of the process samples latency; the others only count frames. */
  sampleClientEvery: number;
  /** Connections being opened at once. */
  concurrency: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError: string | null;
}

export interface BeginRequest {
  /** A sampling connection parses every n-th frame it gets (the others are only counted). */
  sampleFrameEvery: number;
}

export interface ProgressResult {
  frames: number;
}

export interface GroupReport {
  /** Connections closed by the server or the network during the step. */
  dropped: number;
  closeCodes: Record<string, number>;
  /** Connections still open at the end of the step. */
  open: number;
}

/** One client process's step. Only one server publishes at a time, so frames are that server's. */
export interface ClientStepReport {
  frames: number;
  /** Socket reads that brought them (frames / reads shows how much the server batches its writes). */
  reads: number;
  /** nowMs() of the step's first and last frame (0 when none came). */
  firstAt: number;
  lastAt: number;
  /** Encoded latency histogram (lib/latency-histogram.ts) of the sampled frames. */
  histogram: string;
  groups: Record<string, GroupReport>;
}
