import type { AlertFilter, ServerFrame } from '@vigil/core';
import { WS_PATH } from '@vigil/core';
import { adminHeaders, waitFor } from '@vigil/harness';
import WebSocket from 'ws';

/** A real `ws` client on one gateway, subscribed once, recording every alert frame in arrival order. */
export interface AlertClient {
  /** Alert ids in the order they came, duplicates included (the point of several checks). */
  ids(): string[];
  /** Cursor of the last alert frame, to resume from on another gateway. */
  lastCursor(): string | undefined;
  /** Error frames and an unexpected close, for failure messages. */
  problems(): string[];
  close(): Promise<void>;
}

export interface ConnectOptions {
  filter?: AlertFilter;
  since?: string;
  timeoutMs?: number;
}

/** Connects to `gatewayUrl`'s /ws, subscribes, and resolves once the gateway confirmed the subscription. */
export const connectAlertClient = async (
  gatewayUrl: string,
  options: ConnectOptions = {},
): Promise<AlertClient> => {
  // The cluster's gateways know the harness's test admin token (the test passes it as VIGIL_ADMIN_TOKEN).
  const ws = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}${WS_PATH}`, { headers: adminHeaders() });
  const alerts: { id: string; cursor: string }[] = [];
  const problems: string[] = [];
  let subscribed = false;
  let closing = false;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    if (frame.op === 'alert') alerts.push({ id: frame.alert.id, cursor: frame.cursor });
    else if (frame.op === 'subscribed') subscribed = true;
    else if (frame.op === 'error') problems.push(`error frame ${frame.code}: ${frame.message}`);
  });
  const closed = new Promise<void>((resolve) => {
    ws.on('close', (code, reason) => {
      if (!closing) problems.push(`closed by the gateway: ${code} ${reason.toString()}`);
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ op: 'subscribe', filter: options.filter ?? {}, since: options.since }));
  await waitFor(() => subscribed || problems.length > 0, {
    timeoutMs: options.timeoutMs ?? 30_000,
    message: `subscribed on ${gatewayUrl}`,
  });
  if (!subscribed) throw new Error(`subscribe on ${gatewayUrl} failed: ${problems.join('; ')}`);
  return {
    ids: () => alerts.map((a) => a.id),
    lastCursor: () => alerts.at(-1)?.cursor,
    problems: () => [...problems],
    close: async () => {
      closing = true;
      ws.close();
      await closed;
    },
  };
};

/** Ids that occur more than once. */
export const duplicates = (ids: readonly string[]): string[] => {
  const seen = new Set<string>();
  return [...new Set(ids.filter((id) => seen.has(id) || !seen.add(id)))];
};
