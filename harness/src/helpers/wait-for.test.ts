import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? 'ready' : null), { intervalMs: 1 })).resolves.toBe('ready');
    expect(calls).toBe(3);
  });

  it('treats a throwing predicate as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        if (++calls < 2) throw new Error('not yet');
        return 42;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(42);
  });

  it('times out with the message and the last error as cause', async () => {
    const failure = new Error('still down');
    const error = await waitFor(
      () => {
        throw failure;
      },
      { timeoutMs: 20, intervalMs: 5, message: 'broker up' },
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('broker up');
    expect((error as Error).cause).toBe(failure);
  });
});
