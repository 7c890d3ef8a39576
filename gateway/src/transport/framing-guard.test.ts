import { describe, expect, it } from 'vitest';
import { createFramingGuard } from './framing-guard.ts';

describe('framing guard', () => {
  describe('conflicting Content-Length', () => {
    const guard = createFramingGuard();
    it.each([undefined, '0', '42', '42, 42', '42,42,42'])('accepts %s', (value) => {
      expect(guard.conflicting(value)).toBe(false);
    });
    it.each(['5, 10', '10,5', '5, abc', '-1', '', '5,'])('refuses %j', (value) => {
      expect(guard.conflicting(value)).toBe(true);
    });
  });

  it('quarantines an address until the deferred turn end, others untouched', () => {
    const pending: (() => void)[] = [];
    const guard = createFramingGuard((run) => pending.push(run));
    guard.quarantine('10.0.0.1');
    guard.quarantine('10.0.0.1');
    expect(guard.isQuarantined('10.0.0.1')).toBe(true);
    expect(guard.isQuarantined('10.0.0.2')).toBe(false);
    expect(pending).toHaveLength(1);
    pending[0]!();
    expect(guard.isQuarantined('10.0.0.1')).toBe(false);
  });
});
