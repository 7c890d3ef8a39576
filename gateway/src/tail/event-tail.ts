import {
  type Bus,
  EVENT_STREAM_ERRORS,
  type EventStreamErrorCode,
  type EventStreamItem,
  type Principal,
  type Source,
} from '@vigil/core';
import type { Logger } from 'pino';
import { closeByCredential } from '../auth/close-by-credential.ts';
import type { ResponseStream } from '../http/http-types.ts';
import { createTailConsumer, type TailConsumerState, type TailEvent } from './tail-consumer.ts';
import { type CompiledTailFilter, compileTailFilter, type TailFilter } from './tail-filter.ts';
import {
  endFrame,
  eventFrame,
  HEARTBEAT_FRAME,
  openingFrame,
  readyFrame,
  skippedFrame,
} from './tail-frames.ts';
import { DEFAULT_TAIL_LIMITS, type TailLimits } from './tail-limits.ts';
import type { TailMetrics } from './tail-metrics.ts';
import { createTailRate, type TailRate } from './tail-rate.ts';

export interface EventTailOptions {
  bus: Pick<Bus, 'consumer'>;
  /** Each source's topic (`topicNames(prefix).events`). */
  topics: Readonly<Record<Source, string>>;
  /** This gateway's consumer group of the event topics; default unique per instance. */
  groupId?: string;
  metrics: TailMetrics;
  logger: Logger;
  now?: () => number;
  limits?: Partial<TailLimits>;
  /** Default true: a timer runs tick() while streams are open. Unit tests pass false and call tick(). */
  timers?: boolean;
}

/** Why a stream was not opened: the cap it would pass, or `stopping` (the gateway is shutting down). */
export interface TailRefusal {
  ok: false;
  cap: 'gateway' | 'principal' | 'stopping';
  limit: number;
  message: string;
}

/** A stream reserved against the caps; `attach` is the response's `stream` (called once by the transport). */
export type TailAdmission = { ok: true; attach: (stream: ResponseStream) => void } | TailRefusal;

export interface EventTail {
  /** Reserves a stream of `filter` (scope already applied) for `principal`, or names the cap that refuses it. */
  open(principal: Principal, filter: TailFilter): TailAdmission;
  /** Credential ids of the open streams, for the revocation sweep. */
  credentials(): string[];
  /** Ends every stream of these credentials with an `unauthorized` end frame; returns how many. */
  closeCredentials(ids: readonly string[], reason: string): number;
  status(): { streams: number; consumer: TailConsumerState };
  /** Sends due `skipped` frames and heartbeats; a timer calls it while streams are open. */
  tick(): void;
  /** Resolves once the consumer has started or stopped as the open streams want (tests). */
  settled(): Promise<void>;
  /** Ends every stream with a `going_away` end frame, refuses new ones, stops the consumer. */
  stop(): Promise<void>;
}

interface Client {
  readonly principalKey: string;
  readonly credentialId: string;
  readonly stream: ResponseStream;
  readonly rate: TailRate;
  readonly group: Group;
  lastWriteAt: number;
  ready: boolean;
}

interface Group {
  readonly filter: CompiledTailFilter;
  readonly clients: Set<Client>;
}

/** One event's `event` frame, built when the first stream takes it and shared by all. */
function frameOf(e: TailEvent): string {
  const item: EventStreamItem = {
    id: `${e.source}:${e.partition}:${e.offset}@${e.busTimestamp}`,
    source: e.source,
    ts: new Date(e.event.ts).toISOString(),
    position: { topic: e.topic, partition: e.partition, offset: e.offset },
    event: e.event,
  };
  return eventFrame(item);
}

/**
 * The live tail of raw events (`GET /api/stream/events`): streams grouped by canonical filter, each
 * event matched once per group and sent to each of its streams within that stream's rate; a consumer of
 * the event topics that runs only while a stream is open (tail-consumer.ts). Frames: tail-frames.ts.
 */
export function createEventTail(options: EventTailOptions): EventTail {
  const limits = { ...DEFAULT_TAIL_LIMITS, ...options.limits };
  const { metrics } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ module: 'event-tail' });
  const groups = new Map<string, Group>();
  /** The groups each source's events are tried against, rebuilt when groups come or go (not per event). */
  let bySource = new Map<Source, Group[]>();
  const indexGroups = () => {
    const next = new Map<Source, Group[]>();
    for (const source of Object.keys(options.topics) as Source[]) {
      next.set(
        source,
        [...groups.values()].filter(
          (g) => g.filter.sources.length === 0 || g.filter.sources.includes(source),
        ),
      );
    }
    bySource = next;
  };
  const byCredential = new Map<string, Set<Client>>();
  /** Reservations per principal, attached or not yet: what the per-principal cap counts. */
  const byPrincipal = new Map<string, number>();
  let reserved = 0;
  let attached = 0;
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const consumer = createTailConsumer({
    bus: options.bus,
    topics: options.topics,
    groupId: options.groupId,
    eventsPerTurn: limits.eventsPerTurn,
    logger: options.logger,
    onEvents: (events) => deliver(events),
    onState: (state) => {
      metrics.consumerRunning.set(state === 'live' ? 1 : 0);
      if (state === 'live') for (const client of clients()) markReady(client);
      if (state === 'failed') {
        for (const client of clients()) {
          goodbye(client, EVENT_STREAM_ERRORS.unavailable, 'the gateway could not read the bus; retry later');
        }
      }
    },
    onInvalid: () => metrics.invalidRecords.inc(),
  });

  function* clients(): Generator<Client> {
    for (const group of groups.values()) yield* [...group.clients];
  }

  /** Writes a chunk; a stream that has stopped reading is cut off here, at its ceiling. */
  const send = (client: Client, chunk: string) => {
    client.stream.write(chunk);
    client.lastWriteAt = now();
    if (client.stream.bufferedBytes() > limits.maxBufferedBytes) {
      metrics.slowClientsDropped.inc();
      logger.info(
        { credentialId: client.credentialId, bufferedBytes: client.stream.bufferedBytes() },
        'live tail stream cut off: client not reading',
      );
      client.stream.destroy();
    }
  };
  const markReady = (client: Client) => {
    if (client.ready || client.stream.closed) return;
    client.ready = true;
    send(client, readyFrame({ maxPerSecond: limits.maxEventsPerSecond }));
  };
  const goodbye = (client: Client, code: EventStreamErrorCode, message: string) => {
    if (client.stream.closed) return;
    client.stream.write(endFrame({ code, message }));
    client.stream.end();
  };

  function deliver(events: readonly TailEvent[]) {
    if (attached === 0) return;
    const at = now();
    let sent = 0;
    let skipped = 0;
    for (const e of events) {
      let frame: string | undefined;
      for (const group of bySource.get(e.source) ?? []) {
        if (!group.filter.matches(e.source, e.event)) continue;
        for (const client of group.clients) {
          if (!client.rate.take(at)) {
            skipped += 1;
            continue;
          }
          frame ??= frameOf(e);
          send(client, frame);
          sent += 1;
        }
      }
    }
    metrics.eventsSent.inc(sent);
    metrics.eventsSkipped.inc(skipped);
  }

  const tick = () => {
    const at = now();
    for (const client of clients()) {
      const skipped = client.rate.takeSkipped();
      if (skipped > 0) send(client, skippedFrame({ skipped }));
      else if (at - client.lastWriteAt >= limits.heartbeatMs) send(client, HEARTBEAT_FRAME);
    }
  };

  const release = (principalKey: string) => {
    reserved -= 1;
    const left = (byPrincipal.get(principalKey) ?? 0) - 1;
    if (left <= 0) byPrincipal.delete(principalKey);
    else byPrincipal.set(principalKey, left);
  };

  const attach = (principal: Principal, filter: CompiledTailFilter, principalKey: string) => {
    let done = false;
    return (stream: ResponseStream) => {
      if (done) return;
      done = true;
      if (stream.closed || stopped) {
        release(principalKey);
        stream.end();
        return;
      }
      let group = groups.get(filter.key);
      if (!group) {
        group = { filter, clients: new Set<Client>() };
        groups.set(filter.key, group);
        indexGroups();
      }
      const client: Client = {
        principalKey,
        credentialId: principal.credentialId,
        stream,
        rate: createTailRate(limits.maxEventsPerSecond, now()),
        group,
        lastWriteAt: now(),
        ready: false,
      };
      group.clients.add(client);
      const mine = byCredential.get(client.credentialId) ?? new Set<Client>();
      byCredential.set(client.credentialId, mine);
      mine.add(client);
      attached += 1;
      metrics.streams.inc();
      stream.onClose(() => detach(client));
      send(client, openingFrame(limits.retryMs));
      if (consumer.state() === 'live') markReady(client);
      consumer.want(true);
      if (options.timers !== false && timer === undefined) {
        timer = setInterval(tick, Math.min(limits.skippedReportMs, limits.heartbeatMs));
        timer.unref();
      }
    };
  };

  const detach = (client: Client) => {
    const { group } = client;
    if (!group.clients.delete(client)) return;
    if (group.clients.size === 0) {
      groups.delete(group.filter.key);
      indexGroups();
    }
    const mine = byCredential.get(client.credentialId);
    mine?.delete(client);
    if (mine?.size === 0) byCredential.delete(client.credentialId);
    attached -= 1;
    metrics.streams.dec();
    release(client.principalKey);
    if (attached === 0) {
      clearInterval(timer);
      timer = undefined;
      consumer.want(false);
    }
  };

  return {
    open(principal, filter) {
      const refuse = (cap: TailRefusal['cap'], limit: number, message: string): TailRefusal => {
        metrics.refused.inc({ cap });
        return { ok: false, cap, limit, message };
      };
      if (stopped) return { ok: false, cap: 'stopping', limit: 0, message: 'the gateway is shutting down' };
      if (reserved >= limits.maxStreams) {
        return refuse(
          'gateway',
          limits.maxStreams,
          `this gateway serves at most ${limits.maxStreams} live tails`,
        );
      }
      // A user's sessions share the cap (several tabs, several sign-ins); a token is its own principal.
      const principalKey = `${principal.kind}:${principal.id}`;
      const cap = limits.maxStreamsPerPrincipal;
      if ((byPrincipal.get(principalKey) ?? 0) >= cap) {
        return refuse('principal', cap, `at most ${cap} live tails per user or token`);
      }
      reserved += 1;
      byPrincipal.set(principalKey, (byPrincipal.get(principalKey) ?? 0) + 1);
      return { ok: true, attach: attach(principal, compileTailFilter(filter), principalKey) };
    },
    credentials: () => [...byCredential.keys()],
    closeCredentials: (ids, reason) =>
      closeByCredential(byCredential, ids, (client) =>
        goodbye(client, EVENT_STREAM_ERRORS.unauthorized, reason),
      ),
    status: () => ({ streams: attached, consumer: consumer.state() }),
    tick,
    settled: () => consumer.settled(),
    async stop() {
      stopped = true;
      for (const client of clients()) {
        goodbye(client, EVENT_STREAM_ERRORS.goingAway, 'the gateway is shutting down; reconnect');
      }
      clearInterval(timer);
      timer = undefined;
      await consumer.stop();
    },
  };
}
