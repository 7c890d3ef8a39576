import type { Principal } from '@vigil/core';
import type { Connection, Publish, WsHandlers } from '../connection.ts';
import { testPrincipal } from './principals.ts';

/** A Connection that records what it was sent; `buffered` is set by the test to simulate a slow reader. */
export interface FakeConnection extends Connection {
  readonly frames: string[];
  readonly topics: Set<string>;
  buffered: number;
  closedWith: { code: number; reason: string } | null;
  /** Frames parsed as JSON. */
  parsed(): Record<string, unknown>[];
}

let nextId = 0;

export interface FakeConnectionOptions {
  /** Default 127.0.0.1. */
  ip?: string;
  /** Who the upgrade authenticated as; default an unscoped viewer token; null: must send an `auth` frame. */
  principal?: Principal | null;
}

/**
 * `handlers` gets the close callback synchronously, as uWS calls it from inside end(). By default the socket
 * is authenticated as on an upgrade with a viewer's Bearer token, so protocol tests need no `auth` frame.
 */
export function fakeConnection(
  handlers?: () => WsHandlers,
  options: FakeConnectionOptions = {},
): FakeConnection {
  nextId += 1;
  const conn: FakeConnection = {
    id: nextId,
    ip: options.ip ?? '127.0.0.1',
    principal: options.principal === undefined ? testPrincipal() : options.principal,
    closed: false,
    frames: [],
    topics: new Set(),
    buffered: 0,
    closedWith: null,
    send(text) {
      if (conn.closed) return false;
      conn.frames.push(text);
      return true;
    },
    bufferedAmount: () => (conn.closed ? 0 : conn.buffered),
    subscribe: (topic) => {
      if (!conn.closed) conn.topics.add(topic);
    },
    unsubscribe: (topic) => {
      conn.topics.delete(topic);
    },
    close(code, reason) {
      if (conn.closed) return;
      (conn as { closed: boolean }).closed = true;
      conn.closedWith = { code, reason };
      conn.topics.clear();
      handlers?.().close(conn, code, reason);
    },
    parsed: () => conn.frames.map((f) => JSON.parse(f) as Record<string, unknown>),
  };
  return conn;
}

/** A stand-in for uWS pub/sub: delivers a published frame to every fake subscribed to the topic. */
export function fakePubSub(): { publish: Publish; connections: Set<FakeConnection>; published: number } {
  const state = {
    connections: new Set<FakeConnection>(),
    published: 0,
    publish: (topic: string, frame: string) => {
      state.published += 1;
      for (const conn of state.connections) if (conn.topics.has(topic)) conn.send(frame);
    },
  };
  return state;
}
