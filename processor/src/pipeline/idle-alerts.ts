import type { Alert, Bus, PartitionOffsets, Source } from '@vigil/core';
import type { Logger } from 'pino';
import type { RaisedAlert, Retry } from './alert-output.ts';
import type { Refused } from './isolate-refusals.ts';

/** What idle evaluation needs of a partition's rule engine: its wall-clock tick (absence rules). */
export interface IdleEngine {
  tick?(): readonly Alert[];
}

/** A partition this processor has evaluated, as the processor tracks it. */
export interface EvaluatedPartition {
  topic: string;
  partition: number;
  engine: IdleEngine;
  /** Offset of the last message evaluated. */
  lastOffset: number;
  /** now() when its last batch was handled. */
  lastBatchAt: number;
}

export interface IdleAlertsOptions {
  bus: Pick<Bus, 'topicOffsets'>;
  partitions: () => Iterable<EvaluatedPartition>;
  /** A partition without a batch for this long is worth asking the bus about (the engines' lateness). */
  idleAfterMs: number;
  now: () => number;
  logger: Logger;
  /** Persists and publishes alerts raised by no message, retrying in place for that partition. */
  write: (raised: RaisedAlert[], retry: Retry) => Promise<Refused<RaisedAlert>[]>;
  retryFor: (topic: string, partition: number) => Retry;
  /** Linking evidence and forgetting refused alerts, as for alerts raised by events. */
  link: (alert: Alert) => Alert;
  forget: (ids: Set<string>) => void;
  onRefused: (source: Source, count: number) => void;
  onFatal: (err: unknown) => void;
}

/**
 * Wall-clock idleness for absence rules: a source that stops altogether moves no watermark, so a periodic
 * tick must look. A partition counts as idle only when the bus says this processor has evaluated everything
 * in it (its high watermark is just past the last offset evaluated): a processor catching up a backlog, or
 * one whose partition went to another member in a rebalance (the bus port does not say which), sees newer
 * messages there and leaves the judgement to event time and to the new owner. Then the partition's engine
 * ticks (RuleEngine.tick) and its alerts are written like any other, with ids that do not depend on when
 * the tick ran, so a crash before the write only means the restarted processor raises the same alert.
 *
 * One evaluation at a time; a tick that finds one running does nothing.
 */
export function createIdleAlerts(options: IdleAlertsOptions) {
  const { bus, logger } = options;
  let running: Promise<void> | null = null;

  async function offsetsOf(topic: string): Promise<PartitionOffsets[] | null> {
    try {
      return await bus.topicOffsets(topic);
    } catch (err) {
      // Transient (the bus is down): the next tick asks again; nothing was evaluated, nothing is lost.
      logger.warn({ err, topic }, 'idle check: topic offsets unavailable');
      return null;
    }
  }

  async function evaluate(): Promise<void> {
    const nowMs = options.now();
    const idle = [...options.partitions()].filter(
      (p) => p.engine.tick !== undefined && nowMs - p.lastBatchAt > options.idleAfterMs,
    );
    const offsets = new Map<string, PartitionOffsets[] | null>();
    for (const p of idle) {
      if (!offsets.has(p.topic)) offsets.set(p.topic, await offsetsOf(p.topic));
      const high = offsets.get(p.topic)?.find((o) => o.partition === p.partition)?.high;
      if (high === undefined || Number(high) > p.lastOffset + 1) continue;
      const alerts = p.engine.tick?.() ?? [];
      if (alerts.length === 0) continue;
      const raised = alerts.map((alert) => ({ alert: options.link(alert), message: null }));
      const refused = await options.write(raised, options.retryFor(p.topic, p.partition));
      if (refused.length === 0) continue;
      for (const { item, error } of refused) {
        // No event raised it, so there is nothing to dead-letter: the log line is the record.
        logger.warn(
          { alertId: item.alert.id, ruleId: item.alert.ruleId, err: error },
          'store refused an idle alert',
        );
      }
      options.forget(new Set(refused.map((r) => r.item.alert.id)));
      for (const { item } of refused) options.onRefused(item.alert.source, 1);
    }
  }

  return {
    /** Starts an evaluation unless one is running; a failure that is not transient is fatal. */
    tick(): void {
      if (running) return;
      running = evaluate()
        .catch(options.onFatal)
        .finally(() => {
          running = null;
        });
    },
    /** Resolves when no evaluation is running (stop and flush wait for it). */
    async settled(): Promise<void> {
      await running;
    },
  };
}
