import { connect, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  /** The stable address the browser uses, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Where new connections go from now on (the restarted gateway's port). */
  retarget(port: number): void;
  stop(): Promise<void>;
}

/**
 * A byte-level relay in front of the gateway, so the browser keeps one origin across a gateway
 * restart. Restarting uWebSockets.js on its old port fails while the closed connections sit in
 * TIME_WAIT (about a minute), so the restarted gateway gets a new port behind the same relay.
 * A connection whose upstream is gone or refuses is closed, as a dead server's would be.
 */
export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  let target = targetPort;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // Either side failing ends the pair; the browser sees a dropped connection, which is the point.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('relay has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    retarget(port) {
      target = port;
    },
    stop() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
