import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { type CommandHandlers, handleCommand, readCommands } from './stdin-commands.ts';

const logger = pino({ level: 'silent' });
const handlers = (): CommandHandlers => ({ inject: vi.fn(), stats: vi.fn(), quit: vi.fn() });

describe('stdin commands', () => {
  it('injects a scenario by name', () => {
    const h = handlers();
    handleCommand('  fraud-burst \n', h, logger);
    expect(h.inject).toHaveBeenCalledWith('fraud-burst');
  });
  it('knows stats and quit, and ignores blank lines', () => {
    const h = handlers();
    handleCommand('stats', h, logger);
    handleCommand('quit', h, logger);
    handleCommand('', h, logger);
    expect(h.stats).toHaveBeenCalledOnce();
    expect(h.quit).toHaveBeenCalledOnce();
    expect(h.inject).not.toHaveBeenCalled();
  });
  it('survives an unknown command and a failing one', () => {
    const h = handlers();
    vi.mocked(h.inject).mockImplementation(() => {
      throw new Error('not running');
    });
    expect(() => handleCommand('meteor-strike', h, logger)).not.toThrow();
    expect(() => handleCommand('error-spike', h, logger)).not.toThrow();
  });
  it('reads lines from a stream', async () => {
    const input = new PassThrough();
    const h = handlers();
    const reader = readCommands(input, h, logger);
    input.write('brute-force\nstats\n');
    await vi.waitFor(() => expect(h.stats).toHaveBeenCalled());
    expect(h.inject).toHaveBeenCalledWith('brute-force');
    reader.stop();
  });
});
