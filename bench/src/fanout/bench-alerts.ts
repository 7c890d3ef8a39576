import type { Alert } from '@vigil/core';
import { nowMs } from '../lib/clock.ts';

/** An alert as the bench publishes it: a real alert plus its sequence number and hi-res publish time. */
export type BenchAlert = Alert & { benchSeq: number; benchTs: number };

export interface AlertSource {
  /** The next alert, stamped now. */
  next(): BenchAlert;
  readonly lastSeq: number;
}

/**
 * Alerts shaped like the processor's (≈ 750 bytes of JSON, the size the gateway sees in production),
 * with two extra fields the alert contract allows: `benchSeq` (order and duplicate checks) and
 * `benchTs` (publish time on the monotonic clock of lib/clock.ts, for delivery latency across processes).
 */
export function createAlertSource(runId: string): AlertSource {
  let seq = 0;
  return {
    next() {
      seq += 1;
      const ts = nowMs();
      const iso = new Date().toISOString();
      return {
        id: `bench-${runId}-${seq}`,
        ruleId: 'logs.error-spike',
        severity: 'high',
        source: 'logs',
        title: 'Error spike on payments',
        message: '23 ERROR or CRITICAL logs for service payments within 3 min (threshold 20)',
        service: 'payments',
        userId: null,
        key: 'service=payments',
        value: 23,
        threshold: 20,
        eventTime: iso,
        detectedAt: iso,
        status: 'open',
        windowStart: iso,
        windowEnd: iso,
        publishedAt: iso,
        evidence: {
          refs: [{ topic: 'events.logs', partition: 1, offset: String(1_000_000 + seq) }],
          eventIds: [`log-${seq}-a`, `log-${seq}-b`, `log-${seq}-c`],
          archiveKeys: ['raw/logs/2026/11/21/14/p1-000001000000.ndjson.gz'],
        },
        benchSeq: seq,
        benchTs: ts,
      };
    },
    get lastSeq() {
      return seq;
    },
  };
}

/** The frame the baseline servers send: the same shape as Vigil's `{"op":"alert",…}` frame. */
export const alertFrame = (alert: BenchAlert): string =>
  JSON.stringify({ op: 'alert', cursor: String(alert.benchSeq), alert });

/** The publish time inside a frame, or null for a frame that is not an alert. */
export function frameTimestamp(frame: string): number | null {
  const parsed = JSON.parse(frame) as { op?: string; alert?: { benchTs?: unknown } };
  return parsed.op === 'alert' && typeof parsed.alert?.benchTs === 'number' ? parsed.alert.benchTs : null;
}
