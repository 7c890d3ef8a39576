import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../healthcheck.mjs';
import { REPO_ROOT } from './repo.ts';

const run = promisify(execFile);

const listen = (server: Server | ReturnType<typeof createTcpServer>): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('deploy/healthcheck.mjs', () => {
  const http = createHttpServer((req, res) => {
    res.writeHead(req.url === '/api/health' ? 200 : 503, { 'content-type': 'application/json' });
    res.end('{}');
  });
  let port = 0;
  beforeAll(async () => {
    port = await listen(http);
  });
  afterAll(() => new Promise((resolve) => http.close(resolve)));

  describe('probe()', () => {
    it('passes on a 2xx answer', async () => {
      expect(await probe(`http://127.0.0.1:${port}/api/health`)).toBeNull();
    });

    it('fails on any other status, naming it', async () => {
      expect(await probe(`http://127.0.0.1:${port}/degraded`)).toMatch(/answered 503/);
    });

    it('fails when nothing listens', async () => {
      expect(await probe(`http://127.0.0.1:${await closedPort()}/api/health`, 1_000)).toMatch(
        /fetch failed|ECONNREFUSED/,
      );
      expect(await probe(`tcp://127.0.0.1:${await closedPort()}`, 1_000)).toMatch(/ECONNREFUSED/);
    });

    it('passes when a TCP connection opens', async () => {
      expect(await probe(`tcp://127.0.0.1:${port}`)).toBeNull();
    });

    it('refuses targets it cannot probe', async () => {
      expect(await probe('kafka:9092')).toMatch(/unsupported target/);
      expect(await probe('not a url')).toMatch(/not a URL/);
      expect(await probe('tcp://kafka')).toMatch(/no port/);
    });
  });

  describe('as a command', () => {
    const script = join(REPO_ROOT, 'deploy/healthcheck.mjs');

    it('exits 0 when healthy', async () => {
      await expect(
        run(process.execPath, [script, `http://127.0.0.1:${port}/api/health`]),
      ).resolves.toBeDefined();
    });

    it('exits 1 with the reason on stderr when not', async () => {
      const failure = await run(process.execPath, [script, `http://127.0.0.1:${port}/degraded`]).catch(
        (err) => err,
      );
      expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/unhealthy: .*503/) });
    });

    it('exits 2 without a target', async () => {
      const failure = await run(process.execPath, [script]).catch((err) => err);
      expect(failure).toMatchObject({ code: 2 });
    });
  });
});
