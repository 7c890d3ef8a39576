import { WebSocket, WebSocketServer } from 'ws';
import { alertFrame, createAlertSource } from '../bench-alerts.ts';
import type { BenchServer, BenchServerOptions } from './bench-server.ts';

/** The `ws` library's documented broadcast: serialize once, then a for-loop of `client.send(frame)`. */
export async function startWsServer(options: BenchServerOptions): Promise<BenchServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as { port: number };
  const source = createAlertSource(options.runId);

  return {
    url: `ws://127.0.0.1:${port}/ws`,
    publish(count) {
      for (let i = 0; i < count; i++) {
        const frame = alertFrame(source.next());
        for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(frame);
      }
    },
    settled: async () => undefined,
    get lastSeq() {
      return source.lastSeq;
    },
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
