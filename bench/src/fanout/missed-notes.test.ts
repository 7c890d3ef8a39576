import { describe, expect, it } from 'vitest';
import { missedTargetNotes } from './missed-notes.ts';
import { outcome, row } from './testing/step-rows.ts';

describe('notes on missed fan-out targets', () => {
  it('says nothing when every target is met', () => {
    const rows = [
      row('vigil', 1000, 900_000),
      row('vigil', 800, 800_000, { kind: '80pct', p99Ms: 12 }),
      row('uws', 1000, 1_000_000),
      row('ws', 250, 100_000),
      row('socketio', 250, 100_000),
    ];
    expect(missedTargetNotes(outcome(rows))).toEqual([]);
  });

  it('explains a missed ratio with efficiency, the saturated process and unbatched writes', () => {
    const rows = [
      row('vigil', 50, 300_000, { framesPerRead: 1, serverCpuPercent: 95 }),
      row('uws', 50, 310_000),
      row('ws', 25, 100_000),
      row('socketio', 10, 50_000),
    ];
    const [note] = missedTargetNotes(outcome(rows));
    expect(note).toContain('Vigil vs ws broadcast at 1,000 clients is 3.00× in deliveries/s (target 5×)');
    expect(note).toContain("the server's thread is saturated");
    expect(note).toContain('frame per socket write');
  });

  it('compares a missed p99 with raw uWS at the nearest rate', () => {
    const rows = [
      row('vigil', 500, 500_000),
      row('vigil', 400, 400_000, { kind: '80pct', p99Ms: 127 }),
      row('uws', 250, 250_000, { p99Ms: 40 }),
      row('uws', 500, 500_000, { p99Ms: 278 }),
      row('ws', 25, 10_000),
      row('socketio', 25, 10_000),
    ];
    const notes = missedTargetNotes(outcome(rows));
    expect(notes.at(-1)).toContain('Raw uWS at 500 alerts/s (nearest rate measured)');
    expect(notes.at(-1)).toContain('misses the same bound');
  });
});
