import type { Alert } from '@vigil/core';
import type { SocketFactory, SocketHandlers, Timers } from './socket-like.ts';

/** Timers driven by `advance(ms)`, so reconnect and ping tests never sleep. */
export class FakeTimers implements Timers {
  time = 0;
  #next = 1;
  #pending = new Map<number, { at: number; fn: () => void }>();

  set = (fn: () => void, ms: number): unknown => {
    const id = this.#next++;
    this.#pending.set(id, { at: this.time + ms, fn });
    return id;
  };

  clear = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };

  now = (): number => this.time;

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.#pending.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at);
      const first = due[0];
      if (!first) break;
      this.#pending.delete(first[0]);
      this.time = first[1].at;
      first[1].fn();
    }
    this.time = end;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }
}

/** One fake connection: what the client sent, and methods to play the server. */
export class FakeSocket {
  sent: unknown[] = [];
  closed: { code?: number; reason?: string } | null = null;

  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }

  open(): void {
    this.handlers.open();
  }

  serverSend(frame: unknown): void {
    this.handlers.message(JSON.stringify(frame));
  }

  serverClose(code = 1006): void {
    this.handlers.close(code, '');
  }

  lastSent(): unknown {
    return this.sent.at(-1);
  }
}

/** A socket factory that records every socket it made. */
export function fakeSocketFactory(): { factory: SocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    sockets.push(socket);
    return socket;
  };
  return { factory, sockets };
}

/** A valid alert with overridable fields. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-1',
    ruleId: 'logs.error-spike',
    severity: 'high',
    source: 'logs',
    title: 'Error spike',
    message: '23 errors in 3 min',
    service: 'payments',
    userId: null,
    key: 'service=payments',
    value: 23,
    threshold: 20,
    eventTime: '2026-01-01T00:00:00.000Z',
    detectedAt: '2026-01-01T00:00:00.050Z',
    status: 'open',
    ...overrides,
  };
}
