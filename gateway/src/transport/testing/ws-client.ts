import type { Alert } from '@vigil/core';
import { waitFor } from '@vigil/harness';
import WebSocket from 'ws';

export interface Frame {
  op: string;
  cursor?: string;
  code?: string;
  alert?: Alert;
  [field: string]: unknown;
}

/** A real `ws` client that records every frame, for integration tests. */
export interface TestClient {
  readonly ws: WebSocket;
  readonly frames: Frame[];
  /** Resolves with the close code and reason, whoever closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  alertIds(): string[];
  lastCursor(): string | undefined;
  /** Waits until `predicate` holds over the frames received so far. */
  until(predicate: (frames: Frame[]) => boolean, message: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** What the upgrade request carries: a browser's Origin, and headers such as `Authorization: Bearer …`. */
export interface UpgradeOptions {
  origin?: string;
  headers?: Record<string, string>;
}

export async function connectClient(url: string, options: UpgradeOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, { origin: options.origin, headers: options.headers });
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const alerts = () => frames.filter((f) => f.op === 'alert');
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    alertIds: () => alerts().map((f) => f.alert!.id),
    lastCursor: () => alerts().at(-1)?.cursor,
    until: async (predicate, message, timeoutMs = 20_000) => {
      await waitFor(() => predicate(frames), { message, timeoutMs });
    },
    close: () => ws.close(),
  };
}

/** Resolves with the HTTP status of a refused upgrade. */
export function refusedUpgrade(url: string, options: UpgradeOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: options.origin, headers: options.headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => undefined); // the refusal itself; the status was captured above
  });
}
