import type { FanoutOutcome } from '../fanout-outcome.ts';
import type { ServerKind } from '../fanout-protocol.ts';
import type { StepRow } from '../step-row.ts';

/** A step row with plausible figures; tests override what they check. */
export const row = (
  server: ServerKind,
  rate: number,
  deliveriesPerSec: number,
  extra: Partial<StepRow> = {},
): StepRow => ({
  server,
  clients: 1000,
  clientsOpen: 1000,
  kind: 'sweep',
  rate,
  published: rate,
  publishedPerSec: rate,
  expected: rate * 1000,
  delivered: rate * 1000,
  deliveredPercent: 100,
  deliveriesPerSec,
  framesPerRead: 1,
  p50Ms: 1,
  p90Ms: 2,
  p99Ms: 5,
  maxMs: 9,
  latencySamples: 100,
  serverCpuPercent: 50,
  deliveriesPerServerCoreSec: deliveriesPerSec * 2,
  serverRssMiB: 80,
  clientCpuPercent: 50,
  clientMaxProcessCpuPercent: 20,
  machineBusyPercent: 60,
  otherCpuPercent: 0,
  maxTickGapMs: 5,
  dropped: 0,
  closeCodes: '',
  keptUp: true,
  ...extra,
});

export const outcome = (rows: StepRow[]): FanoutOutcome => ({
  tiers: [1000],
  servers: ['vigil', 'uws', 'ws', 'socketio'],
  rows,
  curves: [],
  profiles: [],
  errors: [],
  connectMs: [],
});
