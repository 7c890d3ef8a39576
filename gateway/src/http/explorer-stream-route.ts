import { Type } from '@sinclair/typebox';
import { EVENT_STREAM_PATH, UnavailableError } from '@vigil/core';
import type { EventTail } from '../tail/event-tail.ts';
import { ErrorSchema } from './api-schemas.ts';
import { EventStreamParams } from './explorer-params.ts';
import { scopedEvents } from './explorer-scope.ts';
import { HttpError } from './http-errors.ts';
import { defineRoute, type Route } from './route.ts';

/** A refused tail may come back when another closes: seconds, not the rate limiter's one. */
const CAP_RETRY_AFTER_SECONDS = 10;

const EventStreamTextSchema = Type.String({
  description:
    'Server-sent events: `event: ready` once live, then `event: event` (data: {id, source, ts, ' +
    'position:{topic, partition, offset}, event}), `event: skipped` (data: {skipped}) when the rate cap ' +
    'dropped matching events, `event: end` (data: {code, message}) before the server ends the stream, ' +
    'and comment lines as heartbeats.',
});

/** `GET /api/stream/events` (gateway README, "HTTP: live event tail"). */
export function eventStreamRoute({ tail }: { tail: EventTail }): Route {
  return defineRoute({
    method: 'GET',
    path: EVENT_STREAM_PATH,
    operationId: 'tailEvents',
    summary:
      'A live tail of raw events as they arrive on the bus (server-sent events), filtered as GET /api/events',
    description:
      'Events published after the `ready` frame that match the filters, newest as they come, at most the ' +
      "stream's rate per second (`ready.maxPerSecond`; the rest are counted in `skipped` frames). No " +
      'history and no resume: load GET /api/events for what came before. A token scope applies by its ' +
      '`source` and `service`, as in GET /api/events.',
    tag: 'events',
    permission: 'viewer',
    query: EventStreamParams,
    responses: {
      200: {
        description: 'The stream (`text/event-stream`), open until the client leaves or the server ends it.',
        schema: EventStreamTextSchema,
        contentType: 'text/event-stream',
      },
      429: {
        description:
          'Rate limit reached, or as many live tails open as this gateway or this user or token may have ' +
          '(`details.cap`: `gateway` or `principal`; `details.limit`); `Retry-After` says when to try again.',
        schema: ErrorSchema,
      },
    },
    async handle({ query, principal }) {
      // The router has checked the permission: a viewer or more is signed in.
      if (!principal) throw new HttpError(401, 'sign in first');
      const scoped = scopedEvents(principal, query);
      const admission = tail.open(principal, scoped ?? { none: true });
      // Between the tail's stop and the transport's: the transport's own 503 a moment early.
      if (!admission.ok && admission.cap === 'stopping') throw new UnavailableError(admission.message);
      if (!admission.ok) {
        throw new HttpError(429, admission.message, {
          details: { cap: admission.cap, limit: admission.limit },
          headers: { 'retry-after': String(CAP_RETRY_AFTER_SECONDS) },
        });
      }
      return {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          // nginx buffers proxied answers by default, which would hold events back.
          'x-accel-buffering': 'no',
        },
        body: '',
        stream: admission.attach,
      };
    },
  });
}
