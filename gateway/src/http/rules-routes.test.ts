import { makeAlert } from '@vigil/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResponseStream } from './http-types.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { fixtureArchive, writeBatch } from './testing/test-archive.ts';
import { exampleRule, testRuleStore } from './testing/test-rule-store.ts';

type Body = Record<string, unknown> & { error?: string; details?: Record<string, unknown> };

useTestDatabase();
const fixture = makeRouter({ ruleStore: testRuleStore() });

async function send(method: string, target: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fixture.router(
    request(method, target, { body, headers: { 'content-type': 'application/json', ...headers } }),
  );
  return {
    status: response.status,
    body: (response.body === '' ? {} : bodyJson(response)) as Body,
    response,
  };
}

const audited = async (id: string) =>
  (await (await openTestDatabase()).audit.list({ targetType: 'rule', targetId: id })).items.map((e) => [
    e.action,
    e.actor.name,
  ]);

describe('PUT /api/rules/{id}', () => {
  it('creates (201), replaces (200), finds an unchanged rule unchanged, and GET shows the version', async () => {
    const rule = exampleRule();
    const created = await send('PUT', `/api/rules/${rule.id}`, rule);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ outcome: 'created', rule: { ...rule, version: 1, enabled: true } });
    expect(created.body.rule).toMatchObject({ updatedBy: 'token:test admin', resolveAfterMs: 300_000 });
    // The id may be left out; what a GET answered may be PUT back (its read-only fields are ignored).
    const { id: _, ...withoutId } = rule;
    expect((await send('PUT', `/api/rules/${rule.id}`, withoutId)).body.outcome).toBe('unchanged');
    const got = await send('GET', `/api/rules/${rule.id}`);
    expect((await send('PUT', `/api/rules/${rule.id}`, got.body)).body.outcome).toBe('unchanged');
    const replaced = await send('PUT', `/api/rules/${rule.id}`, { ...rule, threshold: 5 });
    expect(replaced).toMatchObject({ status: 200, body: { outcome: 'replaced', rule: { version: 2 } } });
    expect((await send('GET', `/api/rules/${rule.id}`)).body).toMatchObject({ threshold: 5, version: 2 });
    const list = await send('GET', '/api/rules');
    expect((list.body.items as Body[]).find((r) => r.id === rule.id)).toMatchObject({ version: 2 });
    expect(await audited(rule.id)).toEqual([
      ['rule.put', 'test admin'],
      ['rule.put', 'test admin'],
    ]);
  });

  it('lists every problem by field with the parser’s hints (400), and writes nothing', async () => {
    const { windowMs: _, ...rule } = exampleRule();
    const answer = await send('PUT', `/api/rules/${rule.id}`, {
      ...rule,
      windowMS: 1,
      where: { field: 'level', in: ['CRITCAL'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.details).toMatchObject({ parameter: 'body' });
    expect(answer.body.details?.problems).toEqual(
      expect.arrayContaining([
        { field: 'windowMs', reason: 'missing' },
        { field: 'windowMS', reason: 'not a field of count rules (did you mean "windowMs"?)' },
        {
          field: 'where.in',
          reason: expect.stringContaining('"CRITCAL" is not a possible value of "level"'),
        },
      ]),
    );
    expect((await send('GET', `/api/rules/${rule.id}`)).status).toBe(404);
  });

  it('refuses a body naming another rule, a bad id, and a body that is no rule object', async () => {
    const rule = exampleRule();
    const other = await send('PUT', '/api/rules/other.id', rule);
    expect(other.status).toBe(400);
    expect(other.body.details?.problems).toEqual([
      { field: 'id', reason: 'expected "other.id" (the path\'s id)' },
    ]);
    const bad = await send('PUT', '/api/rules/bad%20id', { ...rule, id: 'bad id' });
    expect(bad).toMatchObject({ status: 400, body: { details: { parameter: 'id' } } });
    expect((await send('PUT', `/api/rules/${rule.id}`, [1])).status).toBe(400);
    expect((await send('PUT', `/api/rules/${rule.id}`, '{')).status).toBe(400);
  });

  it('needs an admin', async () => {
    const rule = exampleRule();
    const response = await fixture.router(
      request('PUT', `/api/rules/${rule.id}`, { body: rule, as: 'operator', headers: {} }),
    );
    expect(response.status).toBe(403);
  });
});

describe('PATCH, DELETE and versions', () => {
  it('disables, enables, deletes and lists every version; a deleted rule comes back restored', async () => {
    const rule = exampleRule();
    await send('PUT', `/api/rules/${rule.id}`, rule);
    const off = await send('PATCH', `/api/rules/${rule.id}`, { enabled: false });
    expect(off.body).toMatchObject({ outcome: 'disabled', rule: { enabled: false, version: 2 } });
    expect((await send('PATCH', `/api/rules/${rule.id}`, { enabled: 'no' })).status).toBe(400);
    expect((await send('PATCH', '/api/rules/none.such', { enabled: true })).status).toBe(404);
    const gone = await send('DELETE', `/api/rules/${rule.id}`);
    expect(gone.body).toMatchObject({ rule: { version: 2, enabled: false } });
    expect((await send('DELETE', `/api/rules/${rule.id}`)).status).toBe(404);
    expect((await send('GET', `/api/rules/${rule.id}`)).status).toBe(404);
    const versions = await send('GET', `/api/rules/${rule.id}/versions`);
    expect((versions.body.items as Body[]).map((v) => [v.version, v.change, v.changedBy])).toEqual([
      [3, 'deleted', 'token:test admin'],
      [2, 'disabled', 'token:test admin'],
      [1, 'created', 'token:test admin'],
    ]);
    // Restore version 1 by PUTting its rule.
    const v1 = (versions.body.items as Body[])[2]!.rule;
    expect((await send('PUT', `/api/rules/${rule.id}`, v1)).body).toMatchObject({
      outcome: 'restored',
      rule: { version: 4, enabled: true },
    });
    expect((await send('GET', '/api/rules/never.was/versions')).status).toBe(404);
    expect(await audited(rule.id)).toEqual([
      ['rule.put', 'test admin'],
      ['rule.delete', 'test admin'],
      ['rule.enable', 'test admin'],
      ['rule.put', 'test admin'],
    ]);
  });
});

describe('export and import', () => {
  it('exports the set; a dry run diffs it; applying it makes the file the set', async () => {
    const exported = await send('GET', '/api/rules/export');
    expect(exported.body).toMatchObject({ version: 1 });
    const rules = exported.body.rules as Body[];
    const added = exampleRule();
    const file = { version: 1, rules: [...rules.slice(1), { ...rules[0], threshold: 999 }, added] };
    const dry = await send('POST', '/api/rules/import?dryRun=true', file);
    expect(dry.body).toMatchObject({
      added: [added.id],
      changed: [rules[0]!.id],
      removed: [],
      applied: false,
    });
    expect((await send('GET', `/api/rules/${added.id}`)).status).toBe(404);
    const applied = await send('POST', '/api/rules/import?dryRun=false', { version: 1, rules: [added] });
    expect(applied.body).toMatchObject({ added: [added.id], unchanged: [], applied: true });
    expect((applied.body.removed as string[]).length).toBe(rules.length);
    expect(((await send('GET', '/api/rules')).body.items as Body[]).map((r) => r.id)).toEqual([added.id]);
    expect((await send('POST', '/api/rules/import', file)).status).toBe(400); // dryRun is required
    const invalid = await send('POST', '/api/rules/import?dryRun=true', { version: 1, rules: [{ id: 'x' }] });
    expect(invalid.status).toBe(400);
    expect(String(invalid.body.details?.problems)).toContain('kind');
  });
});

describe('POST /api/rules/backtest', () => {
  // In the past: the engine refuses events more than a minute ahead of the wall clock.
  const HOUR = Date.UTC(2026, 5, 1, 10);
  const log = (s: number, fields = {}) => ({
    ts: new Date(HOUR + s * 1000).toISOString(),
    service: 'checkout',
    level: 'ERROR',
    message: 'boom',
    ...fields,
  });
  const range = { from: new Date(HOUR).toISOString(), to: new Date(HOUR + 3_600_000).toISOString() };

  beforeAll(async () => {
    await writeBatch(fixtureArchive(), {
      source: 'logs',
      topic: 'events.logs',
      partition: 7,
      firstOffset: 0,
      lines: Array.from({ length: 12 }, (_, i) => log(i)),
    });
  });

  it('answers what the rule would have raised beside what its version in force raised', async () => {
    const rule = { ...exampleRule(), threshold: 10 };
    await send('PUT', `/api/rules/${rule.id}`, { ...rule, threshold: 50 });
    // What version 1 raised (in the store): an episode of another key in the range.
    const raised = makeAlert({
      ruleId: rule.id,
      key: 'service=search',
      eventTime: new Date(HOUR + 60_000).toISOString(),
      detectedAt: new Date(HOUR + 61_000).toISOString(),
    });
    await (await openTestDatabase()).store.insertAlerts([raised]);
    const answer = await send('POST', '/api/rules/backtest', { rule, ...range });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      rule: { id: rule.id, version: 1 },
      folding: 'episodes',
      stopped: null,
      wouldRaise: { count: 1 },
      raised: { count: 1, ruleVersion: 1, truncated: false },
      diff: { added: { count: 1 }, removed: { count: 1 }, unchanged: { count: 0 } },
    });
    expect(answer.body.replay).toMatchObject({ events: 12, objects: 1 });
    const [added] = (answer.body.diff as { added: { items: Body[] } }).added.items;
    expect(added).toMatchObject({ key: 'service=checkout', threshold: 10, value: 10 });
  });

  it('streams progress and the result as NDJSON when asked', async () => {
    const rule = exampleRule(undefined, 10);
    const { response } = await send(
      'POST',
      '/api/rules/backtest',
      { rule, ...range },
      {
        accept: 'application/x-ndjson',
      },
    );
    expect(response.headers?.['content-type']).toBe('application/x-ndjson');
    const lines: string[] = [];
    const closed = new Promise<void>((resolve) => {
      const stream: ResponseStream = {
        write: (chunk) => lines.push(...chunk.split('\n').filter(Boolean)) > 0,
        bufferedBytes: () => 0,
        end: () => resolve(),
        destroy: () => resolve(),
        closed: false,
        onClose: () => {},
      };
      response.stream?.(stream);
    });
    await closed;
    const parsed = lines.map((l) => JSON.parse(l) as Body);
    expect(parsed.at(-1)).toMatchObject({ type: 'result', wouldRaise: { count: 1 } });
    expect(parsed.slice(0, -1).every((p) => p.type === 'progress')).toBe(true);
    expect(parsed.length).toBeGreaterThan(1);
  });

  it('refuses a bad rule (problems under rule.), a reversed or too long range', async () => {
    const bad = await send('POST', '/api/rules/backtest', {
      rule: { ...exampleRule(), windowMs: 0 },
      ...range,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.problems).toEqual([{ field: 'rule.windowMs', reason: expect.any(String) }]);
    const reversed = await send('POST', '/api/rules/backtest', {
      rule: exampleRule(),
      from: range.to,
      to: range.from,
    });
    expect(reversed.status).toBe(400);
    const week = await send('POST', '/api/rules/backtest', {
      rule: exampleRule(),
      from: '2030-01-01T00:00:00Z',
      to: '2030-02-01T00:00:00Z',
    });
    expect(week.status).toBe(400);
    expect((await send('POST', '/api/rules/backtest', { rule: exampleRule(), ...range, x: 1 })).status).toBe(
      400,
    );
  });
});

// The fixed wall clock the router stamps versions with.
it('stamps versions with the router’s clock', async () => {
  const rule = exampleRule();
  const { body } = await send('PUT', `/api/rules/${rule.id}`, rule);
  expect((body.rule as Body).updatedAt).toBe(new Date(NOW).toISOString());
});
