/**
 * Validation throughput: decode + validate one raw event per source, as the processor does per message.
 * Writes bench/results/validation.json. Run: `npm run bench:validation -w bench`.
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Value } from '@sinclair/typebox/value';
import { decodeEvent, EVENT_SCHEMAS, type Source, validateEvent } from '@vigil/core';

const ts = new Date('2026-11-21T14:00:00Z').toISOString();
const samples: Record<Source, object> = {
  logs: {
    id: 'l-1',
    ts,
    service: 'payments',
    level: 'ERROR',
    message: 'POST /v1/charges failed: card_declined in 182ms',
    userId: 'u-42',
    host: 'pay-1',
    traceId: 'a1b2c3d4',
  },
  metrics: {
    id: 'm-1',
    ts,
    service: 'payments',
    host: 'pay-1',
    cpu: 63.2,
    memory: 71.9,
    latencyMs: 212,
    errorRate: 0.012,
  },
  transactions: {
    id: 't-1',
    ts,
    userId: 'u-42',
    amount: 129.9,
    currency: 'EUR',
    merchant: 'acme',
    country: 'DE',
    status: 'approved',
  },
  security: { id: 's-1', ts, ip: '203.0.113.9', action: 'login_failure', userId: 'u-42', resource: '/login' },
};

const ITERATIONS = 300_000;

function measure(fn: () => unknown): number {
  for (let i = 0; i < 20_000; i++) fn(); // warm up the JIT
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return Math.round(ITERATIONS / ((performance.now() - start) / 1000));
}

const results = Object.entries(samples).map(([source, event]) => {
  const bytes = Buffer.from(JSON.stringify(event));
  const parsed = JSON.parse(bytes.toString());
  const schema = EVENT_SCHEMAS[source as Source];
  return {
    source,
    bytes: bytes.byteLength,
    decodeAndValidatePerSec: measure(() => decodeEvent(source as Source, bytes)),
    validateParsedPerSec: measure(() => validateEvent(source as Source, parsed)),
    interpretedCheckPerSec: measure(() => Value.Check(schema, parsed)),
  };
});

const report = {
  benchmark: 'validation',
  date: new Date().toISOString(),
  node: process.version,
  iterations: ITERATIONS,
  results,
};
await writeFile(
  new URL('../results/validation.json', import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
console.table(results);
