/**
 * Produces events to Kafka at a steady rate through Vigil's Kafka bus (idempotent producer, acks=all, the
 * partition key of core), a fixed number of measured events per second among them. Every 5 ms it sends what
 * is due; when the broker is slower than that, the next send carries more, so the average rate holds.
 */
import type { Bus, Source, TopicNames } from '@vigil/core';
import { type BenchEvent, backgroundEvent, measuredEvent } from './bench-events.ts';

export interface PacedRun {
  bus: Bus;
  topics: TopicNames;
  ratePerSecond: number;
  durationMs: number;
  measuredPerSecond: number;
  /** Prefix of the measured events' ids. */
  runId: string;
  /** Called just before the send that carries a measured event: performance.now() and Date.now(). */
  onMeasured: (id: string, producedAt: number, producedWallMs: number) => void;
}

export interface PacedResult {
  produced: number;
  measured: number;
  achievedPerSecond: number;
  sends: number;
}

const TICK_MS = 5;

export async function producePaced(run: PacedRun): Promise<PacedResult> {
  const every = Math.max(1, Math.round(run.ratePerSecond / run.measuredPerSecond));
  const started = performance.now();
  let produced = 0;
  let measured = 0;
  let sends = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= run.durationMs) break;
    const due = Math.floor((run.ratePerSecond * elapsed) / 1000) - produced;
    if (due > 0) {
      const ts = new Date().toISOString();
      const bySource = new Map<Source, BenchEvent[]>();
      const ids: string[] = [];
      for (let k = 0; k < due; k++) {
        const n = produced + k;
        let next: BenchEvent;
        if (n % every === 0) {
          const id = `${run.runId}-${n}`;
          ids.push(id);
          next = measuredEvent(id, n, ts);
        } else {
          next = backgroundEvent(n, ts);
        }
        const list = bySource.get(next.source) ?? [];
        list.push(next);
        bySource.set(next.source, list);
      }
      const at = performance.now();
      const wall = Date.now();
      for (const id of ids) run.onMeasured(id, at, wall);
      await Promise.all(
        [...bySource].map(([source, events]) =>
          run.bus.publish(
            run.topics.events[source],
            events.map((e) => ({ key: e.key, value: e.value })),
          ),
        ),
      );
      produced += due;
      measured += ids.length;
      sends += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  return { produced, measured, achievedPerSecond: Math.round(produced / seconds), sends };
}

/** Produces `count` events as fast as the bus takes them, in sends of `chunk` (the throughput backlog). */
export async function produceBacklog(options: {
  bus: Bus;
  topics: TopicNames;
  count: number;
  /** One event in this many is a measured (alert-raising) one. */
  alertEvery: number;
  runId: string;
  chunk?: number;
}): Promise<{ seconds: number; perSecond: number; alerting: number }> {
  const chunk = options.chunk ?? 20_000;
  const started = performance.now();
  let alerting = 0;
  for (let from = 0; from < options.count; from += chunk) {
    const ts = new Date().toISOString();
    const bySource = new Map<Source, { key: string; value: string }[]>();
    for (let n = from; n < Math.min(options.count, from + chunk); n++) {
      const alerts = n % options.alertEvery === 0;
      if (alerts) alerting += 1;
      const next = alerts ? measuredEvent(`${options.runId}-${n}`, n, ts) : backgroundEvent(n, ts);
      const list = bySource.get(next.source) ?? [];
      list.push({ key: next.key, value: next.value });
      bySource.set(next.source, list);
    }
    await Promise.all(
      [...bySource].map(([source, messages]) => options.bus.publish(options.topics.events[source], messages)),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: Math.round(options.count / seconds), alerting };
}
