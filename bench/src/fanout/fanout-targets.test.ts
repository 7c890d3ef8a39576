import { describe, expect, it } from 'vitest';
import type { FanoutOutcome } from './fanout-outcome.ts';
import type { ServerKind } from './fanout-protocol.ts';
import { fanoutTargets } from './fanout-targets.ts';
import type { StepRow } from './step-row.ts';

const row = (
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

const outcome = (rows: StepRow[]): FanoutOutcome => ({
  tiers: [1000],
  servers: ['vigil', 'uws', 'ws', 'socketio'],
  rows,
  curves: [],
  profiles: [],
  errors: [],
  connectMs: [],
});

describe('fan-out targets', () => {
  it('compares peak deliveries/s and reads p99 at the 80 % step', () => {
    const targets = fanoutTargets(
      outcome([
        row('vigil', 1000, 900_000),
        row('vigil', 2000, 1_000_000, { keptUp: false }),
        row('vigil', 800, 800_000, { kind: '80pct', p99Ms: 12 }),
        row('uws', 2000, 1_200_000),
        row('ws', 500, 150_000),
        row('socketio', 500, 250_000),
      ]),
    );
    expect(targets.map((t) => [t.target, t.met])).toEqual([
      ['≥ 0.8×', true], // 1.0 M / 1.2 M = 0.83
      ['≥ 5×', true], // 6.7×
      ['≥ 5×', false], // 4.0×
      ['< 50 ms', true],
    ]);
    expect(targets[3]!.measured).toBe('12.0 ms at 800 alerts/s (max kept-up 1,000/s)');
  });

  it('reports a missing server or step as not measured, never as met', () => {
    const targets = fanoutTargets(outcome([row('vigil', 1000, 900_000, { keptUp: false })]));
    expect(targets.every((t) => !t.met)).toBe(true);
    expect(targets[0]!.measured).toContain('not measured');
  });
});
