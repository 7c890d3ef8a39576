import { type Alert, type Bus, type EventBySource, partitionKey } from '@vigil/core';
import type { AlertStore } from '@vigil/db';

/** The default rule each test event triggers exactly once (amount > 10000, a per-event rule). */
export const LARGE_AMOUNT_RULE = 'transactions.large-amount';

/**
 * Publishes transactions that each raise exactly one known alert: amount over the large-amount threshold,
 * and a userId of its own, so no windowed rule (user-frequency: 5 per user in 5 min) can add another.
 * Distinct userIds also spread the events over every partition (they are the partition key).
 */
export interface TransactionFeed {
  /** Event ids published so far, in order. */
  readonly sent: readonly string[];
  publish(count: number): Promise<string[]>;
  /** Publishes `perTick` events every `everyMs` in the background: a stream to stop a processor in. */
  startStream(perTick: number, everyMs: number): void;
  /** Ends the stream after its publish in flight; rethrows a publish failure. */
  stopStream(): Promise<void>;
}

export const createTransactionFeed = (options: { bus: Bus; topic: string; run: string }): TransactionFeed => {
  const sent: string[] = [];
  let streaming: { stop: boolean; done: Promise<void> } | undefined;

  const publish = async (count: number): Promise<string[]> => {
    const events = Array.from({ length: count }, (_, i) => {
      const n = sent.length + i;
      const event: EventBySource['transactions'] = {
        id: `${options.run}-t${n}`,
        ts: new Date().toISOString(),
        userId: `${options.run}-u${n}`,
        amount: 10_001 + n,
        currency: 'EUR',
      };
      return event;
    });
    sent.push(...events.map((e) => e.id!));
    await options.bus.publish(
      options.topic,
      events.map((e) => ({ key: partitionKey('transactions', e), value: JSON.stringify(e) })),
    );
    return events.map((e) => e.id!);
  };

  return {
    sent,
    publish,
    startStream(perTick, everyMs) {
      if (streaming) throw new Error('the stream is running already');
      const state = { stop: false, done: Promise.resolve() };
      state.done = (async () => {
        while (!state.stop) {
          await publish(perTick);
          // Pacing of the producer, not a wait for a result: the stream has to span the processor stop.
          await new Promise((resolve) => setTimeout(resolve, everyMs));
        }
      })();
      streaming = state;
    },
    async stopStream() {
      const state = streaming;
      streaming = undefined;
      if (!state) return;
      state.stop = true;
      await state.done;
    },
  };
};

/** Every stored alert of the large-amount rule, walking all pages. */
export const storedLargeAmountAlerts = async (store: AlertStore): Promise<Alert[]> => {
  const all: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryAlerts({ ruleId: [LARGE_AMOUNT_RULE], limit: 500, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
};

/** The event id an alert of a per-event rule was raised for (its one evidence event). */
export const triggeringEvent = (alert: Alert): string | undefined => alert.evidence?.eventIds?.[0];
