import { describe, expect, it } from 'vitest';
import { DEFAULT_DIURNAL_AMPLITUDE, diurnalFactor } from './diurnal.ts';

const at = (hour: number) => Date.UTC(2026, 10, 21, 0, 0, 0) + hour * 3_600_000;

describe('diurnalFactor', () => {
  it('averages 1 over a day', () => {
    let sum = 0;
    for (let minute = 0; minute < 1440; minute++) sum += diurnalFactor(at(minute / 60));
    expect(sum / 1440).toBeCloseTo(1, 6);
  });

  it('stays within 1 ± amplitude', () => {
    for (let minute = 0; minute < 1440; minute++) {
      const f = diurnalFactor(at(minute / 60));
      expect(Math.abs(f - 1)).toBeLessThanOrEqual(DEFAULT_DIURNAL_AMPLITUDE + 1e-9);
    }
  });

  it('is busier in the afternoon than before dawn', () => {
    expect(diurnalFactor(at(15))).toBeGreaterThan(1.15);
    expect(diurnalFactor(at(4))).toBeLessThan(0.85);
  });

  it('changes smoothly: under 1 % from one minute to the next', () => {
    for (let minute = 0; minute < 1440; minute++) {
      const delta = Math.abs(diurnalFactor(at((minute + 1) / 60)) - diurnalFactor(at(minute / 60)));
      expect(delta).toBeLessThan(0.01);
    }
  });

  it('is flat with amplitude 0', () => {
    expect(diurnalFactor(at(15), 0)).toBe(1);
  });
});
