import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { alertFrame, createAlertSource } from '../bench-alerts.ts';
import type { BenchServer, BenchServerOptions } from './bench-server.ts';

/** Socket.IO 4 on node:http, WebSocket transport only (no long-polling), `io.emit` per alert. */
export async function startSocketIoServer(options: BenchServerOptions): Promise<BenchServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as { port: number };
  const source = createAlertSource(options.runId);

  return {
    url: `http://127.0.0.1:${port}`,
    publish(count) {
      // The frame travels as one string argument, so clients parse the same JSON as on the other servers.
      for (let i = 0; i < count; i++) io.emit('alert', alertFrame(source.next()));
    },
    settled: async () => undefined,
    get lastSeq() {
      return source.lastSeq;
    },
    async stop() {
      io.disconnectSockets(true);
      await io.close();
    },
  };
}
