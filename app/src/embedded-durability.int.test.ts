import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { connectClient } from '@vigil/gateway/testing';
import { adminHeaders, TEST_ADMIN_TOKEN, waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Embedded, startEmbedded } from './embedded.ts';

const MAIN = fileURLToPath(new URL('./embedded-main.ts', import.meta.url));
const dirs: string[] = [];
const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const freshDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-embedded-'));
  dirs.push(dir);
  return dir;
};

/** `npm start` as a child process (node itself, so SIGKILL hits the system, not a wrapper). */
async function startChild(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  // The harness's service variables would only draw a warning (or a config error): npm start is embedded.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(KAFKA_|DATABASE_URL|S3_)/.test(name)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...env,
      DATA_DIR: dataDir,
      PORT: '0',
      SIMULATOR_RATE: '0',
      LOG_LEVEL: 'warn',
      VIGIL_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Vigil dashboard: (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    void exited.then((code) => reject(new Error(`embedded exited ${code} before serving:\n${output}`)));
  });
  return { child, url, exited };
}

async function post(url: string, source: string, events: unknown[]) {
  const response = await fetch(`${url}/api/events/${source}`, {
    method: 'POST',
    headers: adminHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify(events),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { accepted?: number; error?: string },
  };
}

async function alertsOf(url: string, query: string): Promise<{ id: string; userId: string | null }[]> {
  const response = await fetch(`${url}/api/alerts?limit=500&${query}`, { headers: adminHeaders() });
  return ((await response.json()) as { items: { id: string; userId: string | null }[] }).items;
}

/** Every archived event id under dataDir, once per time it was written (duplicates show). */
async function archivedIds(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'archive');
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ndjson.gz'));
  const ids: string[] = [];
  for (const file of files) {
    const lines = gunzipSync(await readFile(join(root, file)))
      .toString('utf8')
      .split('\n');
    for (const line of lines) if (line) ids.push((JSON.parse(line) as { id: string }).id);
  }
  return ids;
}

const countOf = (ids: string[], wanted: ReadonlySet<string>) => ids.filter((id) => wanted.has(id)).length;

// Each start compiles the system with tsx and opens PGlite: seconds on two busy cores.
describe('embedded mode keeps what it accepted', { timeout: 240_000 }, () => {
  it('loses nothing to a SIGKILL right after the 202s, resumes windows, and archives after every restart', async () => {
    const dataDir = await freshDir();
    const run = randomUUID().slice(0, 8);
    const now = () => new Date().toISOString();
    const service = `payments-${run}`;
    const errors = (from: number) =>
      Array.from({ length: 10 }, (_, i) => ({
        id: `${run}-err-${from + i}`,
        ts: now(),
        service,
        level: 'ERROR',
        message: 'upstream timeout',
      }));
    const noise = Array.from({ length: 3_000 }, (_, i) => ({
      id: `${run}-info-${i}`,
      ts: now(),
      service: `svc-${i % 7}`,
      level: 'INFO',
      message: 'GET /v1/items 200',
    }));
    const whales = Array.from({ length: 5 }, (_, i) => ({
      id: `${run}-tx-${i}`,
      ts: now(),
      userId: `whale-${run}-${i}`,
      amount: 20_000,
      currency: 'USD',
    }));

    const first = await startChild(dataDir);
    const accepted = await Promise.all([
      post(first.url, 'logs', [...errors(0), ...noise]),
      post(first.url, 'transactions', whales),
    ]);
    expect(accepted.map((r) => [r.status, r.body.accepted])).toEqual([
      [202, 3_010],
      [202, 5],
    ]);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    // Half the error spike was counted before the kill; the other half arrives after the restart.
    const second = await startChild(dataDir);
    expect((await post(second.url, 'logs', errors(10))).status).toBe(202);
    await waitFor(async () => (await alertsOf(second.url, 'ruleId=transactions.large-amount')).length >= 5, {
      timeoutMs: 120_000,
      message: 'the five large-transaction alerts',
    });
    await waitFor(
      async () => (await alertsOf(second.url, `ruleId=logs.error-spike&service=${service}`)).length >= 1,
      {
        timeoutMs: 120_000,
        message: 'the error spike counted across the kill',
      },
    );
    const raised = await alertsOf(second.url, 'ruleId=transactions.large-amount');
    expect(new Set(raised.map((a) => a.userId))).toEqual(new Set(whales.map((w) => w.userId)));
    expect(raised).toHaveLength(5);
    expect(await alertsOf(second.url, `ruleId=logs.error-spike&service=${service}`)).toHaveLength(1);

    const before = new Set([...errors(0), ...errors(10), ...noise, ...whales].map((e) => e.id));
    await waitFor(
      async () => new Set((await archivedIds(dataDir)).filter((id) => before.has(id))).size === before.size,
      {
        timeoutMs: 120_000,
        message: 'every accepted event in the archive',
      },
    );

    // The head cursor of this run, to resume from after the next restart.
    const watcher = await connectClient(`${second.url.replace('http', 'ws')}/ws`, {
      headers: adminHeaders(),
    });
    watcher.send({ op: 'subscribe', filter: {} });
    await watcher.until((frames) => frames.some((f) => f.op === 'subscribed'), 'subscribed');
    const headCursor = watcher.frames.find((f) => f.op === 'subscribed')!.cursor!;
    watcher.close();

    // A clean stop, then a start on the same data: new events are archived, old ones stay once.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const third = await startChild(dataDir);
    const health = (await (await fetch(`${third.url}/api/health`)).json()) as {
      status: string;
      components: Record<string, { status: string }>;
    };
    expect(health).toMatchObject({
      status: 'ok',
      components: { database: { status: 'up' }, processor: { status: 'up' } },
    });
    const later = Array.from({ length: 100 }, (_, i) => ({
      id: `${run}-later-${i}`,
      ts: now(),
      service: 'api',
      level: 'INFO',
      message: 'ok',
    }));
    expect((await post(third.url, 'logs', later)).status).toBe(202);
    // A cursor of the previous run still resumes: the new alert comes, no cursor_expired.
    const lateWhale = {
      id: `${run}-tx-late`,
      ts: now(),
      userId: `whale-${run}-late`,
      amount: 30_000,
      currency: 'USD',
    };
    expect((await post(third.url, 'transactions', [lateWhale])).status).toBe(202);
    const resumed = await connectClient(`${third.url.replace('http', 'ws')}/ws`, { headers: adminHeaders() });
    resumed.send({ op: 'subscribe', filter: { ruleId: ['transactions.large-amount'] }, since: headCursor });
    await resumed.until(
      (frames) => frames.some((f) => f.op === 'alert' && f.alert!.userId === lateWhale.userId),
      "the alert raised after the restart, resumed from the earlier run's cursor",
      120_000,
    );
    expect(resumed.frames.filter((f) => f.op === 'error')).toEqual([]);
    resumed.close();
    const after = new Set(later.map((e) => e.id));
    await waitFor(async () => countOf(await archivedIds(dataDir), after) === after.size, {
      timeoutMs: 120_000,
      message: 'the events sent after the restart in the archive',
    });
    const ids = await archivedIds(dataDir);
    expect(countOf(ids, before)).toBe(before.size);
    expect(countOf(ids, after)).toBe(after.size);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });
});

describe('embedded ingest under a burst', { timeout: 240_000 }, () => {
  let system: Embedded | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  it('answers 503 with Retry-After once a partition is full, and loses none of what it accepted', async () => {
    const dataDir = await freshDir();
    const fatal: unknown[] = [];
    system = await startEmbedded({
      port: 0,
      dataDir,
      simulatorRate: 0,
      processMetrics: false,
      auth: { VIGIL_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
      logger: pino({ level: 'silent' }),
      onFatal: (err) => fatal.push(err),
    });
    const run = randomUUID().slice(0, 8);
    // 50,000 events over two partitions: more than the 20,000 each may hold before the processor commits.
    const requests = Array.from({ length: 5 }, (_, r) =>
      Array.from({ length: 10_000 }, (_, i) => ({
        id: `${run}-${r}-${i}`,
        ts: new Date().toISOString(),
        service: 'api',
        host: `host-${i % 50}`,
        cpu: 10,
        latencyMs: 20,
      })),
    );
    const results = await Promise.all(requests.map((events) => post(system!.url, 'metrics', events)));
    const refused = results.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    const acceptedIds = new Set<string>();
    const refusedIds = new Set<string>();
    results.forEach((r, index) => {
      expect([202, 503]).toContain(r.status);
      if (r.status === 202) expect(r.body.accepted).toBe(10_000);
      for (const e of requests[index]!) (r.status === 202 ? acceptedIds : refusedIds).add(e.id);
    });
    await waitFor(async () => countOf(await archivedIds(dataDir), acceptedIds) >= acceptedIds.size, {
      timeoutMs: 120_000,
      message: 'every accepted event in the archive',
    });
    const ids = await archivedIds(dataDir);
    expect(countOf(ids, acceptedIds)).toBe(acceptedIds.size);
    expect(countOf(ids, refusedIds)).toBe(0);
    expect(fatal).toEqual([]);
  });
});

describe('embedded mode fails loudly', { timeout: 240_000 }, () => {
  const frozen: string[] = [];
  afterEach(() => {
    for (const file of frozen.splice(0)) execFileSync('chattr', ['-i', file]);
  });

  it('exits 1 when the bus log cannot be written, after refusing the request it could not keep', async () => {
    const dataDir = await freshDir();
    const system = await startChild(dataDir);
    const event = (i: number) => ({
      id: `x-${i}`,
      ts: new Date().toISOString(),
      service: 'api',
      level: 'INFO',
      message: 'ok',
    });
    expect((await post(system.url, 'logs', [event(0)])).status).toBe(202);
    // Immutable even for root: the next write to the open segment fails with EPERM, as a failing disk would.
    const topicDir = join(dataDir, 'bus', 'topics', 'events.logs');
    for (const partition of await readdir(topicDir)) {
      for (const segment of await readdir(join(topicDir, partition))) {
        const file = join(topicDir, partition, segment);
        execFileSync('chattr', ['+i', file]);
        frozen.push(file);
      }
    }
    const refused = await post(system.url, 'logs', [event(1), event(2), event(3)]);
    expect(refused.status).toBe(503);
    expect(await system.exited).toBe(1);
  });
});
