/** A `ws` dashboard client: subscribes to every alert and reports each one with its receipt time. */
import type { Alert } from '@vigil/core';
import WebSocket from 'ws';
import { benchAuthHeaders } from '../lib/bench-auth.ts';

export interface AlertListener {
  /** Called for every alert frame: the alert, performance.now() and Date.now() at receipt, frame bytes. */
  onAlert(handler: (alert: Alert, receivedAt: number, receivedWallMs: number, bytes: number) => void): void;
  /** Why the connection failed or closed, if it did before close() was called. */
  failure(): Error | null;
  close(): Promise<void>;
}

export async function listenForAlerts(wsUrl: string): Promise<AlertListener> {
  // Authenticated as a tool is: the admin token as `Authorization: Bearer` on the upgrade.
  const socket = new WebSocket(wsUrl, { headers: benchAuthHeaders() });
  let handler: Parameters<AlertListener['onAlert']>[0] = () => undefined;
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    // Before `subscribed`, a refusal (`unauthorized`, `forbidden`) fails the suite instead of hanging it.
    socket.once('close', (code) =>
      reject(new Error(`the gateway closed the bench WebSocket (code ${code})`)),
    );
    socket.once('open', () => socket.send(JSON.stringify({ op: 'subscribe', filter: {} })));
    socket.on('message', (data: Buffer) => {
      const receivedAt = performance.now();
      const receivedWallMs = Date.now();
      const frame = JSON.parse(data.toString()) as { op: string; alert?: Alert; code?: string };
      if (frame.op === 'error' && frame.code) reject(new Error(`subscribe refused: ${frame.code}`));
      else if (frame.op === 'subscribed') resolve();
      else if (frame.op === 'alert' && frame.alert)
        handler(frame.alert, receivedAt, receivedWallMs, data.length);
    });
  });
  let failure: Error | null = null;
  socket.on('error', (err) => {
    failure = err;
  });
  socket.on('close', (code) => {
    failure ??= new Error(`the gateway closed the bench WebSocket (code ${code})`);
  });
  let closing = false;
  return {
    failure: () => (closing ? null : failure),
    onAlert(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        if (socket.readyState === WebSocket.CLOSED) resolve();
        else {
          socket.once('close', () => resolve());
          socket.close(1000);
        }
      }),
  };
}
