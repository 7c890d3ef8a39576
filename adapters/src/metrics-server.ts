import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * A processor, indexer or notifier running on its own (distributed mode) serves `GET /metrics` (Prometheus text) and
 * `GET /health` (for container health checks). In embedded mode the gateway exposes the same registry.
 */
export function createMetricsServer(options: {
  registry: Registry;
  host: string;
  port: number;
  logger: Logger;
  /** Resolves with the state to show (200), or rejects with why the component is not healthy (503). */
  health: () => Promise<Record<string, unknown>>;
}) {
  let server: Server | null = null;
  return {
    async start(): Promise<number> {
      server = createServer((req, res) => {
        const respond = (status: number, type: string, body: string) => {
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        };
        if (req.method === 'GET' && req.url === '/metrics') {
          options.registry.metrics().then(
            (text) => respond(200, options.registry.contentType, text),
            (err: unknown) => {
              options.logger.error({ err }, 'metrics failed');
              respond(500, 'text/plain', 'metrics failed');
            },
          );
        } else if (req.method === 'GET' && req.url === '/health') {
          options.health().then(
            (state) => respond(200, 'application/json', JSON.stringify({ status: 'ok', ...state })),
            (err: unknown) => {
              const error = err instanceof Error ? err.message : String(err);
              respond(503, 'application/json', JSON.stringify({ status: 'degraded', error }));
            },
          );
        } else {
          respond(404, 'application/json', JSON.stringify({ error: 'not found' }));
        }
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(options.port, options.host, () => resolve());
      });
      const address = server.address();
      return typeof address === 'object' && address ? address.port : options.port;
    },
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
