/** Callbacks a socket factory wires to the transport (the browser WebSocket, or a fake in tests). */
export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number, reason: string): void;
  /** Always followed by close(); the browser says nothing more useful about the cause. */
  error(): void;
}

/** The little the protocol client needs from a WebSocket. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike;

/** Timer functions, injected so tests step time instead of sleeping. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Adapts the browser WebSocket to SocketLike. */
export const browserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.open();
  ws.onmessage = (event) => handlers.message(event.data);
  ws.onerror = () => handlers.error();
  ws.onclose = (event) => handlers.close(event.code, event.reason);
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
};

/** ws:// or wss:// URL of `path` on the page's own origin. */
export const sameOriginWsUrl = (location: { protocol: string; host: string }, path: string): string =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
