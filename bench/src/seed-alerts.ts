/**
 * Fills the alerts table (db/src/schema.ts, already migrated) with a realistic week of history, in SQL:
 * one `INSERT … SELECT … FROM generate_series`, with the secondary indexes dropped first and rebuilt after
 * (a bulk build is several times faster than maintaining eight indexes row by row), then ANALYZE.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/src/seed-alerts.ts [rows, default 1000000]
 */
import { pathToFileURL } from 'node:url';
import { rawBatchKey } from '@vigil/adapters';
import { SOURCES } from '@vigil/core';
import { openDatabase } from '@vigil/db';
import pg from 'pg';
import pino from 'pino';
import { SEED_RULES, SEED_SERVICES, weightedIndexes } from './rest/seed-catalog.ts';

export interface SeedOptions {
  /** The database holding the migrated alerts table. */
  url: string;
  rows: number;
  /** The newest detectedAt; the history spans the 7 days before it. */
  now?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  rows: number;
  insertSeconds: number;
  indexSeconds: number;
  totalSeconds: number;
  tableMiB: number;
}

const DAYS = 7;
/** Prepared evidence objects per source. */
const EVIDENCE_VARIANTS = 256;

/** Evidence like the processor's (bus position, event id, archive object), EVIDENCE_VARIANTS per source. */
export function evidenceVariants(now: number): string[] {
  return SOURCES.flatMap((source) =>
    Array.from({ length: EVIDENCE_VARIANTS }, (_, n) => {
      const partition = n % 6;
      const offset = 1_000_000 + n * 7_919;
      const eventTime = now - ((n * 3_600_000 * 7) % (DAYS * 86_400_000));
      const archiveKey = rawBatchKey({
        source,
        eventTime,
        topic: `events.${source}`,
        partition,
        firstOffset: offset - (offset % 20_000),
        lastOffset: offset - (offset % 20_000) + 19_999,
      });
      return JSON.stringify({
        refs: [{ topic: `events.${source}`, partition, offset: String(offset) }],
        eventIds: [`evt-${source.slice(0, 1)}${n.toString(36).padStart(6, '0')}`],
        archiveKeys: [archiveKey],
      });
    }),
  );
}

/** A template split around its two slots, so SQL builds each message by concatenation (format() is slower). */
function messageParts(template: string) {
  const value = template.indexOf('{value}');
  const key = template.indexOf('{key}');
  const [first, second] = value < key ? ['{value}', '{key}'] : ['{key}', '{value}'];
  const [m1, rest] = template.split(first) as [string, string];
  const [m2, m3] = rest.split(second) as [string, string];
  return { valueFirst: value < key, m1, m2, m3 };
}

/** The rules as the SQL reads them ($1). */
export const seedRulesJson = () =>
  SEED_RULES.map((rule, index) => ({ ...rule, ...messageParts(rule.message), idx: index + 1 }));

/** $1 rules (jsonb), $2 weighted rule picks, $3 services, $4 weighted service picks, $5..$6 row numbers, $7 now, $8 evidence. */
export const INSERT_SQL = `
WITH rules AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
    idx int, "ruleId" text, severity text, source text, title text, "keyField" text,
    threshold float8, "valueMin" float8, "valueMax" float8, "windowMs" float8,
    "valueFirst" boolean, m1 text, m2 text, m3 text)
), picked AS (
  SELECT i,
    ($2::int[])[1 + floor(random() * cardinality($2::int[]))::int] AS ri,
    ($3::text[])[($4::int[])[1 + floor(random() * cardinality($4::int[]))::int]] AS svc,
    'u-' || lpad(floor(power(random(), 2.5) * 50000)::int::text, 5, '0') AS usr,
    '10.' || floor(random() * 4)::int || '.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int AS ip,
    1 + floor(random() * 8)::int AS host_no,
    random() AS value_r,
    random() AS status_r,
    random() AS user_r,
    -- 70 % of alerts in business hours (08-20 UTC), the rest round the clock, over the last 7 days.
    date_trunc('day', $7::timestamptz) - floor(random() * ${DAYS})::int * interval '1 day'
      + (CASE WHEN random() < 0.7 THEN 28800 + random() * 43200 ELSE random() * 86400 END) * interval '1 second'
      AS t
  FROM generate_series($5::int, $6::int) AS i
  OFFSET 0 -- keeps each row's random() values fixed: the outer query reads them several times
), shaped AS (
  SELECT p.*, r.*,
    CASE WHEN p.t > $7::timestamptz THEN p.t - interval '${DAYS} days' ELSE p.t END AS detected,
    CASE r."keyField" WHEN 'service' THEN p.svc WHEN 'host' THEN p.svc || '-' || p.host_no
      WHEN 'userId' THEN p.usr ELSE p.ip END AS key_value,
    round((r."valueMin" + power(p.value_r, 3) * (r."valueMax" - r."valueMin"))::numeric, 0)::float8 AS val
  FROM picked p JOIN rules r ON r.idx = p.ri
)
INSERT INTO alerts (id, rule_id, severity, source, title, message, service, user_id, key, value, threshold,
  event_time, detected_at, status, window_start, window_end, ingested_at, published_at, evidence)
SELECT
  md5('seed-' || i),
  "ruleId", severity, source,
  title || ' on ' || key_value,
  CASE WHEN "valueFirst" THEN m1 || val || m2 || key_value || m3 ELSE m1 || key_value || m2 || val || m3 END,
  CASE WHEN source IN ('logs', 'metrics') THEN svc END,
  CASE WHEN "keyField" = 'userId' THEN usr WHEN source = 'logs' AND user_r < 0.3 THEN usr END,
  "keyField" || '=' || key_value,
  val,
  NULLIF(threshold, 0),
  detected - interval '40 milliseconds',
  detected,
  CASE WHEN detected < $7::timestamptz - interval '1 day'
    THEN CASE WHEN status_r < 0.85 THEN 'resolved' WHEN status_r < 0.95 THEN 'acknowledged' ELSE 'open' END
    ELSE CASE WHEN status_r < 0.35 THEN 'open' WHEN status_r < 0.65 THEN 'acknowledged' ELSE 'resolved' END
  END,
  CASE WHEN "windowMs" > 0 THEN detected - "windowMs" * interval '1 millisecond' END,
  CASE WHEN "windowMs" > 0 THEN detected END,
  detected - interval '35 milliseconds',
  detected + interval '2 milliseconds',
  -- One of a few hundred prepared evidence objects per source: building a jsonb per row doubled the seed time.
  ($8::jsonb[])[1 + ((CASE source WHEN 'logs' THEN 0 WHEN 'metrics' THEN 1 WHEN 'transactions' THEN 2 ELSE 3 END)
    * ${EVIDENCE_VARIANTS} + i % ${EVIDENCE_VARIANTS})::int]
FROM shaped`;

/** Inserts rows [from, to] on a connection of its own. */
async function insertRange(url: string, from: number, to: number, now: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    const result = await client.query(INSERT_SQL, [
      JSON.stringify(seedRulesJson()),
      weightedIndexes(SEED_RULES.map((rule) => rule.weight)),
      SEED_SERVICES.map(([name]) => name),
      weightedIndexes(SEED_SERVICES.map(([, weight]) => weight)),
      from,
      to,
      now,
      evidenceVariants(Date.parse(now)),
    ]);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** Row generation is CPU-bound in one backend: two connections use both cores of a small machine. */
const INSERT_CONNECTIONS = 2;

export async function seedAlerts(options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const now = new Date(options.now ?? Date.now()).toISOString();
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  const started = performance.now();
  try {
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = 'alerts' AND indexname <> 'alerts_pkey'`,
    );
    for (const { name } of indexes) await client.query(`DROP INDEX "${name}"`);
    // The primary key too: random md5 ids scatter a million inserts over the whole btree.
    await client.query('ALTER TABLE alerts DROP CONSTRAINT alerts_pkey');
    const builds = [
      ...indexes.map((i) => i.definition),
      'ALTER TABLE alerts ADD CONSTRAINT alerts_pkey PRIMARY KEY (id)',
    ];
    const per = Math.ceil(options.rows / INSERT_CONNECTIONS);
    const counts = await Promise.all(
      Array.from({ length: INSERT_CONNECTIONS }, (_, k) =>
        insertRange(options.url, k * per + 1, Math.min(options.rows, (k + 1) * per), now),
      ),
    );
    const inserted = counts.reduce((a, b) => a + b, 0);
    const insertSeconds = (performance.now() - started) / 1000;
    log(`[seed] inserted ${inserted} alerts in ${insertSeconds.toFixed(1)} s, rebuilding indexes`);
    await client.query("SET maintenance_work_mem = '256MB'");
    // Two at a time, for the same two cores.
    for (let i = 0; i < builds.length; i += INSERT_CONNECTIONS) {
      const batch = builds.slice(i, i + INSERT_CONNECTIONS);
      await Promise.all(batch.map((definition) => rebuild(options.url, definition, log)));
    }
    await client.query('ANALYZE alerts');
    const totalSeconds = (performance.now() - started) / 1000;
    const { rows } = await client.query<{ bytes: string }>(
      "SELECT pg_total_relation_size('alerts')::text AS bytes",
    );
    return {
      rows: inserted,
      insertSeconds: round1(insertSeconds),
      indexSeconds: round1(totalSeconds - insertSeconds),
      totalSeconds: round1(totalSeconds),
      tableMiB: Math.round(Number(rows[0]!.bytes) / 2 ** 20),
    };
  } finally {
    await client.end();
  }
}

async function rebuild(url: string, definition: string, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET maintenance_work_mem = '256MB'");
    await client.query('SET max_parallel_maintenance_workers = 0');
    await client.query(definition);
    log(`[seed] ${((performance.now() - started) / 1000).toFixed(1)} s: ${definition.slice(0, 90)}`);
  } finally {
    await client.end();
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL to the database to seed');
  const rows = Number(process.argv[2] ?? 1_000_000);
  // openDatabase applies the committed migrations, so the table exists with its real schema.
  const database = await openDatabase({ url, logger: pino({ level: 'warn' }) });
  await database.close();
  const result = await seedAlerts({ url, rows, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
