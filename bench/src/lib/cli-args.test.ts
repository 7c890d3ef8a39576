import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './cli-args.ts';

describe('parseBenchArgs', () => {
  it('defaults to every suite at full size', () => {
    expect(parseBenchArgs([])).toEqual({ quick: false, only: null, help: false });
  });

  it('reads --quick and --only in both spellings', () => {
    expect(parseBenchArgs(['--quick', '--only', 'fanout,resume', '--only=validation'])).toEqual({
      quick: true,
      only: ['fanout', 'resume', 'validation'],
      help: false,
    });
  });

  it('lists every bad argument at once', () => {
    expect(() => parseBenchArgs(['--fast', '--only'])).toThrow(/unknown argument --fast; --only needs/);
  });
});
