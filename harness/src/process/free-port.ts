import { createServer, type Server } from 'node:net';

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });

/**
 * Ports the kernel considers free on loopback right now, all distinct (they are held open
 * together). Another process may still take one before our child binds it, so starters retry
 * on "Address already in use".
 */
export const freePorts = async (count: number): Promise<number[]> => {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map(listen));
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
};

/** Retries `start` while it fails because a chosen port was taken in the meantime. */
export const retryOnPortClash = async <T>(start: () => Promise<T>, attempts = 3): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !/address already in use/i.test(String(error))) throw error;
    }
  }
};
