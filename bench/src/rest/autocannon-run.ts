/**
 * One fixed-duration HTTP load run with autocannon's programmatic API, in this process (the server under
 * test runs in a child). Latencies are collected per response at sub-millisecond resolution: autocannon's
 * own histogram rounds to whole milliseconds, too coarse for responses that take 0.3–5 ms.
 */
import { createRequire } from 'node:module';
import { type Distribution, distribution } from '../e2e/stats.ts';
import { benchAuthHeaders } from '../lib/bench-auth.ts';

export interface AutocannonOptions {
  url: string;
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  connections: number;
  pipelining: number;
  duration: number;
  timeout?: number;
  overallRate?: number;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}

type Autocannon = (
  options: AutocannonOptions,
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

// CommonJS without type declarations: loaded through require and typed by the small surface used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadOptions {
  name: string;
  /** Absolute URL on 127.0.0.1. */
  url: string;
  method?: 'GET' | 'POST';
  body?: string | Buffer;
  /** Besides `Authorization: Bearer` with the bench's admin token, which every request carries. */
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Requests per second from all connections together (a paced load); unset: as fast as answered. */
  overallRate?: number;
}

export interface LoadRow {
  name: string;
  path: string;
  connections: number;
  pipelining: 1;
  durationSeconds: number;
  requests: number;
  /** All answered requests per second. */
  requestsPerSecond: number;
  /** 2xx answers per second (what the targets count). */
  okPerSecond: number;
  /** Latency of 2xx answers, ms. */
  latencyMs: Distribution;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Mean bytes per 2xx response (headers included). */
  bytesPerResponse: number;
}

/**
 * A run with any non-2xx answer is refused, not reported: a 401, 403 or 429 means the bench measured
 * its own misconfiguration (missing token, rate limit), and any other code means the figures are not
 * of the endpoint the row names.
 */
export function checkAllOk(row: LoadRow): LoadRow {
  if (row.non2xx === 0) return row;
  const codes = Object.entries(row.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
  throw new Error(
    `${row.name}: ${row.non2xx} of ${row.requests} answers were not 2xx (${codes}) on ${row.path}`,
  );
}

/** What autocannon is given: every request authenticated, one at a time per connection, 10 s timeout. */
export function autocannonOptions(options: LoadOptions): AutocannonOptions {
  return {
    url: options.url,
    method: options.method ?? 'GET',
    body: options.body,
    headers: benchAuthHeaders(options.headers),
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSeconds,
    timeout: 10,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  };
}

/** Runs the load; rejects when any answer was not 2xx (checkAllOk). */
export async function runLoad(options: LoadOptions): Promise<LoadRow> {
  return checkAllOk(await measureLoad(options));
}

function measureLoad(options: LoadOptions): Promise<LoadRow> {
  const latencies: number[] = [];
  let okBytes = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(autocannonOptions(options), (err, result) => {
      if (err) {
        reject(err);
        return;
      }
      const statusCodes = Object.fromEntries(
        Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
      );
      const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
      const round = (v: number) => Math.round(v);
      resolve({
        name: options.name,
        path: new URL(options.url).pathname + new URL(options.url).search,
        connections: options.connections,
        pipelining: 1,
        durationSeconds: result.duration,
        requests,
        requestsPerSecond: round(requests / result.duration),
        okPerSecond: round(latencies.length / result.duration),
        latencyMs: distribution(latencies),
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes,
        bytesPerResponse: latencies.length === 0 ? 0 : round(okBytes / latencies.length),
      });
    });
    instance.on('response', (_client, status, bytes, ms) => {
      if (status >= 200 && status < 300) {
        latencies.push(ms);
        okBytes += bytes;
      }
    });
  });
}
