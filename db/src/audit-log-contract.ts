import { randomBytes } from 'node:crypto';
import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditLog, NewAuditEntry } from './audit-log-port.ts';
import { openForSuite } from './contract-suite.ts';

export interface OpenedAuditLog {
  audit: AuditLog;
  /** Runs raw SQL on the database behind the log: how the suite checks the table itself refuses changes. */
  execute(statement: string): Promise<unknown>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * Disjoint one-day windows far in the future, so tests sharing one database list only their own entries
 * (every list passes its window's from/to).
 */
function windows() {
  let next = Date.UTC(2045, 0, 1) + (randomBytes(2).readUInt16BE() % 4000) * 7 * DAY_MS;
  return () => {
    const start = next;
    next += DAY_MS;
    return {
      at: (ms: number) => new Date(start + ms),
      range: { from: new Date(start), to: new Date(start + DAY_MS) },
    };
  };
}

const entry = (at: Date, overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at,
  actor: { kind: 'user', id: 'u1', name: 'alice' },
  action: 'alert.status',
  target: { type: 'alert', id: 'a1' },
  ip: '10.0.0.1',
  requestId: 'req-1',
  before: { status: 'open' },
  after: { status: 'acknowledged' },
  outcome: 'success',
  ...overrides,
});

/** The behaviour every AuditLog must have, and the append-only guarantee of the table behind it. */
export function runAuditLogContract(name: string, open: () => Promise<OpenedAuditLog>): void {
  describe(`AuditLog contract: ${name}`, { timeout: 30_000 }, () => {
    const opened = openForSuite(open);
    const log = (): AuditLog => opened().audit;
    const window = windows();
    const all = async (query: Parameters<AuditLog['list']>[0]): Promise<AuditEntry[]> => {
      const items: AuditEntry[] = [];
      let cursor = query?.cursor;
      do {
        const page = await log().list({ ...query, cursor });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };

    it('records an entry and lists it back as given', async () => {
      const w = window();
      const recorded = entry(w.at(0), { before: null, after: { role: 'admin', nested: [1, true, 'x'] } });
      await log().record(recorded);
      const { items, nextCursor } = await log().list(w.range);
      expect(nextCursor).toBeNull();
      expect(items).toHaveLength(1);
      expect(items[0]).toEqual({ ...recorded, id: expect.stringMatching(/^\d+$/) });
    });

    it('keeps what PostgreSQL would refuse: NUL in strings and keys, undefined fields', async () => {
      const w = window();
      await log().record(
        entry(w.at(0), {
          actor: { kind: 'anonymous', id: null, name: 'ad\u0000min' },
          before: undefined,
          after: { 'k\u0000': 'v\u0000', skipped: undefined },
          outcome: 'failure',
        }),
      );
      const [item] = (await log().list(w.range)).items;
      expect(item).toMatchObject({
        actor: { kind: 'anonymous', id: null, name: 'ad\uFFFDmin' },
        before: null,
        after: { 'k\uFFFD': 'v\uFFFD' },
        outcome: 'failure',
      });
    });

    it('lists newest first, same instants by insertion order reversed', async () => {
      const w = window();
      await log().record(entry(w.at(1000), { action: 'a.first' }));
      await log().record(entry(w.at(3000), { action: 'a.third' }));
      await log().record(entry(w.at(2000), { action: 'a.second' }));
      await log().record(entry(w.at(3000), { action: 'a.fourth' }));
      const actions = (await log().list(w.range)).items.map((i) => i.action);
      expect(actions).toEqual(['a.fourth', 'a.third', 'a.second', 'a.first']);
    });

    it('pages through every entry exactly once, even while newer ones arrive', async () => {
      const w = window();
      for (let n = 0; n < 25; n++)
        await log().record(entry(w.at(Math.floor(n / 3) * 1000), { target: { type: 'alert', id: `t${n}` } }));
      const first = await log().list({ ...w.range, limit: 10 });
      expect(first.items).toHaveLength(10);
      // An entry newer than the first page must not shift later pages (a keyset, not an offset).
      await log().record(entry(w.at(99_000), { target: { type: 'alert', id: 'newer' } }));
      const rest = await all({ ...w.range, limit: 10, cursor: first.nextCursor ?? undefined });
      const seen = [...first.items, ...rest].map((i) => i.target.id);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      expect(seen).not.toContain('newer');
    });

    it('filters by action, action prefix, actor, target and outcome, ANDed', async () => {
      const w = window();
      await log().record(
        entry(w.at(0), { action: 'auth.login', actor: { kind: 'user', id: 'u1', name: 'alice' } }),
      );
      await log().record(
        entry(w.at(1), {
          action: 'auth.login_failed',
          actor: { kind: 'anonymous', id: null, name: 'mallory' },
          outcome: 'failure',
        }),
      );
      await log().record(entry(w.at(2), { action: 'authx.other' }));
      await log().record(entry(w.at(3), { action: 'token.revoke', target: { type: 'token', id: 'tk1' } }));
      const actionsOf = async (query: Parameters<AuditLog['list']>[0]) =>
        (await all({ ...w.range, ...query })).map((i) => i.action);

      expect(await actionsOf({ action: 'auth.login' })).toEqual(['auth.login']);
      expect(await actionsOf({ action: 'auth.' })).toEqual(['auth.login_failed', 'auth.login']);
      // LIKE wildcards in a prefix are literal.
      expect(await actionsOf({ action: 'auth_' })).toEqual([]);
      expect(await actionsOf({ action: 'auth.login_.' })).toEqual([]);
      expect(await actionsOf({ actorName: 'mallory' })).toEqual(['auth.login_failed']);
      expect(await actionsOf({ outcome: 'failure' })).toEqual(['auth.login_failed']);
      expect(await actionsOf({ targetType: 'token', targetId: 'tk1' })).toEqual(['token.revoke']);
      expect(await actionsOf({ action: 'auth.', outcome: 'success' })).toEqual(['auth.login']);
      expect(await actionsOf({ from: w.at(1), to: w.at(3) })).toEqual(['authx.other', 'auth.login_failed']);
    });

    it('refuses a bad cursor, limit, range, outcome or entry with ValidationError', async () => {
      const bad = [
        { cursor: 'not a cursor' },
        { cursor: Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', 'abc'])).toString('base64url') },
        { limit: 0 },
        { limit: 501 },
        { limit: 1.5 },
        { from: new Date('2030-01-02'), to: new Date('2030-01-01') },
        { outcome: 'maybe' as 'success' },
        { action: 'nul\u0000' },
      ];
      for (const query of bad) await expect(log().list(query)).rejects.toThrow(ValidationError);
      await expect(log().record(entry(new Date(), { outcome: 'meh' as 'success' }))).rejects.toThrow(
        ValidationError,
      );
      await expect(log().record(entry(new Date(), { action: '' }))).rejects.toThrow(ValidationError);
      await expect(log().record(entry(new Date('invalid')))).rejects.toThrow(ValidationError);
    });

    it('defaults to 50 entries a page and allows 500', async () => {
      const w = window();
      for (let n = 0; n < 51; n++) await log().record(entry(w.at(n)));
      const page = await log().list(w.range);
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).not.toBeNull();
      expect((await log().list({ ...w.range, limit: 500 })).items).toHaveLength(51);
    });

    it('is append-only: the table refuses UPDATE, DELETE and TRUNCATE', async () => {
      const w = window();
      await log().record(entry(w.at(0), { actor: { kind: 'user', id: 'u1', name: 'tamper-target' } }));
      // The trigger's message, wherever the driver puts it (Drizzle wraps the database error as its cause).
      const refusal = async (statement: string): Promise<string> => {
        const err = await opened()
          .execute(statement)
          .then(
            () => null,
            (e: unknown) => e,
          );
        const messages: string[] = [];
        for (let e = err; e instanceof Error; e = e.cause) messages.push(e.message);
        return messages.join(' | ');
      };
      expect(
        await refusal(`UPDATE audit_log SET actor_name = 'x' WHERE actor_name = 'tamper-target'`),
      ).toMatch(/append-only: UPDATE refused/);
      expect(await refusal(`DELETE FROM audit_log WHERE actor_name = 'tamper-target'`)).toMatch(
        /append-only: DELETE refused/,
      );
      expect(await refusal('TRUNCATE audit_log')).toMatch(/append-only: TRUNCATE refused/);
      const [item] = (await log().list(w.range)).items;
      expect(item?.actor.name).toBe('tamper-target');
    });
  });
}
