// Baseline only, not product code: the ceiling of uWebSockets.js pub/sub with no Vigil logic at all.
// Vigil itself imports uWebSockets.js in exactly one file (gateway/src/transport/uws-server.ts); this
// bench file imports it separately so the comparison has a floor-free reference.

import * as uws from 'uWebSockets.js';
import { DEFAULT_FANOUT_LIMITS, DEFAULT_FEED_LIMITS, hardBackpressureLimit } from '@vigil/gateway';
import { alertFrame, createAlertSource } from '../bench-alerts.ts';
import type { BenchServer, BenchServerOptions } from './bench-server.ts';

/**
 * The same per-socket ceiling as Vigil's with its default limits: a slower client is closed, never
 * silently skipped, on both servers alike.
 */
const MAX_BACKPRESSURE = hardBackpressureLimit({
  maxBufferedBytes: DEFAULT_FANOUT_LIMITS.maxBufferedBytes,
  checkBytes: DEFAULT_FEED_LIMITS.chunkBytes,
  chunkBytes: DEFAULT_FEED_LIMITS.chunkBytes,
  maxFrameBytes: DEFAULT_FEED_LIMITS.maxAlertBytes,
});

/** `app.publish('all', frame)` per alert: one native publish reaches every socket. */
export async function startUwsRawServer(options: BenchServerOptions): Promise<BenchServer> {
  const app = uws.App();
  app.ws('/ws', {
    compression: 0,
    maxPayloadLength: 64 * 1024,
    idleTimeout: 120,
    maxBackpressure: MAX_BACKPRESSURE,
    closeOnBackpressureLimit: true,
    open: (ws) => {
      ws.subscribe('all');
    },
  });
  const listenSocket = await new Promise<uws.us_listen_socket>((resolve, reject) =>
    app.listen('127.0.0.1', 0, (token) =>
      token ? resolve(token) : reject(new Error('uWS could not listen')),
    ),
  );
  const port = uws.us_socket_local_port(listenSocket as unknown as uws.us_socket);
  const source = createAlertSource(options.runId);

  return {
    url: `ws://127.0.0.1:${port}/ws`,
    publish(count) {
      for (let i = 0; i < count; i++) app.publish('all', alertFrame(source.next()), false, false);
    },
    settled: async () => undefined,
    get lastSeq() {
      return source.lastSeq;
    },
    async stop() {
      uws.us_listen_socket_close(listenSocket);
      app.close();
    },
  };
}
