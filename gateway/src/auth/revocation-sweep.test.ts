import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Fanout } from '../fanout/fanout.ts';
import { startRevocationSweep } from './revocation-sweep.ts';

describe('startRevocationSweep', () => {
  it('closes the sockets of credentials the store calls invalid, and forgets them so a reconnect is refused', async () => {
    const closed: string[][] = [];
    const forgotten: string[] = [];
    const asked: string[][] = [];
    const sockets: Fanout['sockets'] = {
      countByIp: () => 0,
      countByCredential: () => 1,
      credentials: () => ['good', 'revoked'],
      closeCredentials: (ids) => {
        closed.push([...ids]);
        return ids.length;
      },
    };
    const sweep = startRevocationSweep({
      identities: {
        invalidCredentials: async (ids: readonly string[]) => {
          asked.push([...ids]);
          return ids.filter((id) => id === 'revoked');
        },
      } as never,
      sockets,
      forget: (id) => forgotten.push(id),
      logger: pino({ level: 'silent' }),
      now: Date.now,
      everyMs: 5,
    });
    try {
      await waitFor(() => closed.length > 0, { message: 'a sweep closed the revoked credential' });
      expect(asked[0]).toEqual(['good', 'revoked']);
      expect(closed[0]).toEqual(['revoked']);
      expect(forgotten).toContain('revoked');
      expect(forgotten).not.toContain('good');
    } finally {
      sweep.stop();
    }
  });

  it('keeps every socket open when the store cannot answer (an outage is not a revocation)', async () => {
    let attempts = 0;
    const closed: string[] = [];
    const sweep = startRevocationSweep({
      identities: {
        invalidCredentials: async () => {
          attempts += 1;
          throw new Error('database down');
        },
      } as never,
      sockets: {
        countByIp: () => 0,
        countByCredential: () => 1,
        credentials: () => ['a'],
        closeCredentials: (ids) => {
          closed.push(...ids);
          return ids.length;
        },
      },
      forget: () => {},
      logger: pino({ level: 'silent' }),
      now: Date.now,
      everyMs: 5,
    });
    try {
      await waitFor(() => attempts >= 3, { message: 'three sweeps tried' });
      expect(closed).toEqual([]);
    } finally {
      sweep.stop();
    }
  });
});
