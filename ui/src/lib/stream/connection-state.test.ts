import { describe, expect, it } from 'vitest';
import { describeConnection } from './connection-state.ts';

describe('describeConnection', () => {
  it('says live when subscribed', () => {
    expect(describeConnection({ status: 'live', since: 0 }, 0)).toEqual({ text: 'Live', tone: 'ok' });
  });

  it('counts down to the next attempt in whole seconds', () => {
    const state = { status: 'reconnecting', attempt: 2, retryAt: 10_000, closeCode: 1006 } as const;
    expect(describeConnection(state, 7_200).text).toBe('Reconnecting in 3 s');
    expect(describeConnection(state, 10_500).text).toBe('Reconnecting…');
  });

  it('says offline when the browser has no network', () => {
    expect(describeConnection({ status: 'offline' }, 0)).toEqual({ text: 'Offline', tone: 'muted' });
  });

  it('says signed out after the gateway refused the credentials', () => {
    expect(describeConnection({ status: 'signed-out', closeCode: 4011 }, 0)).toEqual({
      text: 'Signed out',
      tone: 'muted',
    });
  });
});
