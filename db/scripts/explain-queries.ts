/**
 * Prints the plan and execution time of the store's queries on a populated PostgreSQL database, to check
 * that pages are served by the indexes. Read-only: it runs EXPLAIN ANALYZE on SELECTs and migrates nothing.
 *
 *   DATABASE_URL=postgres://… npx tsx db/scripts/explain-queries.ts
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import pino from 'pino';
import { createAlertStore } from '../src/alert-store.ts';
import type { AlertQuery } from '../src/alert-store-port.ts';
import * as schema from '../src/schema.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a database holding alerts');
const pool = new pg.Pool({ connectionString: url, max: 2 });
let last: { sql: string; params: unknown[] } | null = null;
const db = drizzle({ client: pool, schema, logger: { logQuery: (sql, params) => (last = { sql, params }) } });
const store = createAlertStore({ db, logger: pino({ level: 'silent' }) });

const explain = async (label: string, run: () => Promise<unknown>) => {
  await run();
  if (!last) throw new Error(`${label}: no query seen`);
  const { rows } = await pool.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${last.sql}`, last.params);
  const plan = rows.map((r) => String(r['QUERY PLAN']));
  const nodes = plan.filter((l) => /Scan|Sort|Aggregate/.test(l)).map((l) => l.trim().replace(/^->\s*/, ''));
  const time = plan.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '');
  console.log(`${label.padEnd(34)} ${time?.padStart(12)}  ${nodes.slice(0, 3).join(' | ')}`);
};

const value = async (column: string) =>
  (await pool.query(`SELECT ${column} AS v FROM alerts WHERE ${column} IS NOT NULL LIMIT 1`)).rows[0]?.v;
const [service, ruleId, userId] = [await value('service'), await value('rule_id'), await value('user_id')];
const newest = (await pool.query('SELECT max(detected_at) AS t FROM alerts')).rows[0].t as Date;
const dayBefore = new Date(newest.getTime() - 86_400_000);

const page = (label: string, query: AlertQuery) => async () => {
  await explain(`${label}, page 1`, () => store.queryAlerts(query));
  const first = await store.queryAlerts(query);
  if (first.nextCursor)
    await explain(`${label}, page 2`, () => store.queryAlerts({ ...query, cursor: first.nextCursor! }));
};

const count = (await pool.query('SELECT count(*)::int AS n FROM alerts')).rows[0].n;
console.log(`${count} alerts; service=${service} ruleId=${ruleId} userId=${userId}`);
for (const run of [
  page('no filter', {}),
  page('severity=critical', { severity: ['critical'] }),
  page('severity=high,critical', { severity: ['high', 'critical'] }),
  page('source=security', { source: ['security'] }),
  page('service', { service: [service] }),
  page('ruleId', { ruleId: [ruleId] }),
  page('userId', { userId: [userId] }),
  page('status=resolved', { status: ['resolved'] }),
  page('service+status=open', { service: [service], status: ['open'] }),
  page('severity=critical+source=logs', { severity: ['critical'], source: ['logs'] }),
  page('q=spike', { q: 'spike' }),
  page('last day', { from: dayBefore, to: newest }),
  page('last day, severity=high', { from: dayBefore, to: newest, severity: ['high'] }),
]) {
  await run();
}
await explain('summary, last day', () => store.summary({ from: dayBefore }));
await explain('summary, all time', () => store.summary());
await explain('timeline 5m, last day', () => store.timeline({ bucket: '5m', from: dayBefore, to: newest }));
await explain('services, last day', () => store.services({ from: dayBefore }));
await explain('services, all time', () => store.services());
await pool.end();
