import { randomUUID } from 'node:crypto';
import { type Bus, type BusConsumer, type BusMessage, decodeEvent, type Source } from '@vigil/core';
import type { Logger } from 'pino';

/** One valid event read from the bus, with its position; the hub builds its frame once, when first sent. */
export interface TailEvent {
  source: Source;
  topic: string;
  partition: number;
  offset: string;
  /** Epoch ms the bus recorded: part of the event's id, as the indexer makes it. */
  busTimestamp: number;
  event: Record<string, unknown> & { ts: string };
}

export type TailConsumerState = 'idle' | 'starting' | 'live' | 'stopping';

export interface TailConsumerOptions {
  bus: Pick<Bus, 'consumer'>;
  /** Each source's topic (`topicNames(prefix).events`). */
  topics: Readonly<Record<Source, string>>;
  /** Default `gateway-tail-<random>`: this gateway's own group, so it sees every event of every partition. */
  groupId?: string;
  /** Valid events in bus order per partition, at most `eventsPerTurn` per call, one turn of the loop apart. */
  onEvents(events: readonly TailEvent[]): void;
  /** `live` once events published from then on will be read; `failed` when a start did not succeed. */
  onState(state: 'live' | 'failed' | 'idle'): void;
  /** A record that is not a valid event of its topic's source (the processor dead-letters those). */
  onInvalid(): void;
  eventsPerTurn: number;
  logger: Logger;
}

export interface TailConsumer {
  /** Whether a consumer should run (some stream is open); it follows, one start or stop at a time. */
  want(on: boolean): void;
  state(): TailConsumerState;
  /** Resolves once the consumer has done what was last wanted (tests: "stops when the last stream leaves"). */
  settled(): Promise<void>;
  /** Stops for good. */
  stop(): Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The live tail's reader of the event topics: a consumer in this gateway's own group that runs only
 * while someone tails. It starts at the newest offsets (no committed offset, `fromBeginning: false`) and
 * never commits, so every start, the same group id included, begins at the live end again; a tail shows
 * what arrives from now on, never a backlog of what arrived while nobody watched.
 */
export function createTailConsumer(options: TailConsumerOptions): TailConsumer {
  const { bus, onEvents, onState, eventsPerTurn } = options;
  const groupId = options.groupId ?? `gateway-tail-${randomUUID().slice(0, 12)}`;
  const logger = options.logger.child({ module: 'tail-consumer', groupId });
  const sourceOf = new Map<string, Source>(
    Object.entries(options.topics).map(([source, topic]) => [topic, source as Source]),
  );
  let wanted = false;
  let ended = false;
  let state: TailConsumerState = 'idle';
  let consumer: BusConsumer | undefined;
  /** Cleared when the consumer starts stopping: the rest of a batch in hand is nobody's any more. */
  let reading = { on: false };
  let work: Promise<void> = Promise.resolve();
  let busy = false;

  const handle = async (messages: readonly BusMessage[], source: Source, run: { on: boolean }) => {
    let chunk: TailEvent[] = [];
    for (const message of messages) {
      if (!run.on) return; // stopping (nothing is committed either way)
      const decoded = decodeEvent(source, message.value);
      if (!decoded.ok) {
        options.onInvalid();
        continue;
      }
      const { topic, partition, offset, timestamp } = message;
      chunk.push({ source, topic, partition, offset, busTimestamp: timestamp, event: decoded.value });
      if (chunk.length >= eventsPerTurn) {
        onEvents(chunk);
        chunk = [];
        await nextTurn();
      }
    }
    if (chunk.length > 0) onEvents(chunk);
  };

  const start = async () => {
    state = 'starting';
    const run = { on: true };
    reading = run;
    const next = bus.consumer({
      groupId,
      topics: [...sourceOf.keys()],
      fromBeginning: false,
      autoCommit: false,
    });
    try {
      // Resolves once the start offsets are fixed (the port's promise): anything published after is read.
      await next.run(async (batch) => {
        const source = sourceOf.get(batch.topic);
        if (source) await handle(batch.messages, source, run);
      });
    } catch (err) {
      logger.warn({ err }, 'live tail consumer could not start');
      run.on = false;
      state = 'idle';
      wanted = false; // the streams are told and end; the next one to open tries again
      onState('failed');
      await next.stop().catch((e: unknown) => logger.warn({ err: e }, 'stop after a failed start'));
      return;
    }
    consumer = next;
    state = 'live';
    logger.info('live tail consumer started');
    onState('live');
  };

  const stopConsumer = async () => {
    state = 'stopping';
    reading.on = false;
    const current = consumer;
    consumer = undefined;
    try {
      await current?.stop();
    } catch (err) {
      // It holds no commits and no state of ours; a new start makes a new member.
      logger.warn({ err }, 'live tail consumer stop failed');
    }
    state = 'idle';
    logger.info('live tail consumer stopped');
    onState('idle');
  };

  /** One start or stop at a time, until the consumer matches what is wanted. */
  const reconcile = () => {
    if (busy) return;
    busy = true;
    work = (async () => {
      try {
        for (;;) {
          if (wanted && !ended && !consumer) await start();
          else if ((!wanted || ended) && consumer) await stopConsumer();
          else break;
        }
      } finally {
        busy = false;
      }
    })();
  };

  return {
    want(on) {
      wanted = on;
      reconcile();
    },
    state: () => state,
    async settled() {
      while (busy) await work;
    },
    async stop() {
      ended = true;
      reconcile();
      while (busy) await work;
    },
  };
}
