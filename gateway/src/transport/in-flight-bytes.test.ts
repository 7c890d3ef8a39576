import { describe, expect, it } from 'vitest';
import { createInFlightBytes } from './in-flight-bytes.ts';

describe('createInFlightBytes', () => {
  it('refuses bytes that would take any key past its limit, taking nothing then', () => {
    const bytes = createInFlightBytes(100);
    expect(bytes.take(['ip:a', 'auth:t'], 60)).toBe(true);
    expect(bytes.take(['ip:b', 'auth:t'], 50)).toBe(false); // the token is over, so ip:b takes nothing either
    expect(bytes.held('ip:b')).toBe(0);
    expect(bytes.take(['ip:b'], 100)).toBe(true);
  });

  it('gives bytes back when a request ends, and forgets keys that hold none', () => {
    const bytes = createInFlightBytes(100);
    bytes.take(['ip:a'], 100);
    expect(bytes.take(['ip:a'], 1)).toBe(false);
    bytes.release(['ip:a'], 100);
    expect(bytes.held('ip:a')).toBe(0);
    expect(bytes.take(['ip:a'], 1)).toBe(true);
  });
});
