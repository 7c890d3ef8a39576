/**
 * The small view of one WebSocket that the fan-out works against. The uWS transport implements it;
 * unit tests pass fakes, so fan-out logic is tested without sockets.
 */
import type { Principal } from '@vigil/core';

export interface Connection {
  readonly id: number;
  /** The peer's address, for per-IP limits and logs. */
  readonly ip: string;
  /** Who the upgrade request authenticated as (cookie or Bearer); null: the socket must send an `auth` frame. */
  readonly principal: Principal | null;
  /** True once the socket closed; every method is then a no-op. */
  readonly closed: boolean;
  /** Queues one text frame; false when it was not queued (socket closed, or dropped at the hard limit). */
  send(text: string): boolean;
  /** Bytes queued in user space, not yet taken by the kernel. */
  bufferedAmount(): number;
  /** Joins a native pub/sub topic: frames published there reach this socket without JS per socket. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Sends a close frame; the `close` callback of WsHandlers runs before this returns. */
  close(code: number, reason: string): void;
}

/** The callbacks the transport drives, one per socket event. */
export interface WsHandlers {
  open(conn: Connection): void;
  /** A text frame; `null` for a binary frame (the protocol is text JSON). */
  message(conn: Connection, text: string | null): void;
  /** Some of the socket's buffer went out. */
  drain(conn: Connection): void;
  /** The socket is gone (code as uWS reports it: the peer's, ours, or 1006 when no close frame). */
  close(conn: Connection, code: number, reason: string): void;
  /** uWS dropped a frame at its hard backpressure limit (the fan-out's own cut-off should come first). */
  dropped(conn: Connection): void;
}

/** The transport's question before upgrading: may this request open a socket, and as whom? */
export type UpgradeVerdict =
  /** `ip`: the client's address as the admission sees it (behind a trusted proxy, not the peer's). */
  { ok: true; principal: Principal | null; ip?: string } | { ok: false; status: number; message: string };
export type AdmitUpgrade = (headers: Readonly<Record<string, string>>, ip: string) => Promise<UpgradeVerdict>;

/** Publishes one frame to every socket subscribed to a topic (uWS `app.publish`). */
export type Publish = (topic: string, frame: string) => void;
