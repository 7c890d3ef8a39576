/**
 * One fixed-duration HTTP load run with autocannon's programmatic API, in this process (the server under
 * test runs in a child). Latencies are collected per response at sub-millisecond resolution: autocannon's
 * own histogram rounds to whole milliseconds, too coarse for responses that take 0.3–5 ms.
 */
import { createRequire } from 'node:module';
import { type Distribution, distribution } from '../e2e/stats.ts';

interface AutocannonOptions {
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

export function runLoad(options: LoadOptions): Promise<LoadRow> {
  const latencies: number[] = [];
  let okBytes = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        body: options.body,
        headers: options.headers,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSeconds,
        timeout: 10,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
      },
      (err, result) => {
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
      },
    );
    instance.on('response', (_client, status, bytes, ms) => {
      if (status >= 200 && status < 300) {
        latencies.push(ms);
        okBytes += bytes;
      }
    });
  });
}
