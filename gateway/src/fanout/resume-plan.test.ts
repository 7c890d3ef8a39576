import { describe, expect, it } from 'vitest';
import { busVerdict, planResume } from './resume-plan.ts';

describe('resume planning', () => {
  const window = { from: 100, head: 150 };

  it('serves cursors inside the ring from memory, including the head itself', () => {
    expect(planResume(100, window)).toBe('ring');
    expect(planResume(120, window)).toBe('ring');
    expect(planResume(150, window)).toBe('ring');
  });

  it('goes to the bus for cursors older than the ring', () => {
    expect(planResume(99, window)).toBe('bus');
    expect(planResume(0, window)).toBe('bus');
  });

  it('waits for cursors ahead of this gateway', () => {
    expect(planResume(151, window)).toBe('ahead');
  });

  describe('against the bus', () => {
    const bounds = { low: 40, high: 160 };
    it('expires what the bus no longer retains', () => {
      expect(busVerdict('bus', 39, bounds)).toBe('expired');
      expect(busVerdict('bus', 40, bounds)).toBe('ok');
    });
    it('expires cursors beyond anything the topic holds', () => {
      expect(busVerdict('ahead', 160, bounds)).toBe('ok');
      expect(busVerdict('ahead', 161, bounds)).toBe('expired');
    });
  });
});
