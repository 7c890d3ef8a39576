import { describe, expect, it } from 'vitest';
import { fanoutTargets } from './fanout-targets.ts';
import { outcome, row } from './testing/step-rows.ts';

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
