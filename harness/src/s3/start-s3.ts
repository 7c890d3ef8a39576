import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePorts, retryOnPortClash } from '../process/free-port.ts';
import { spawnGuarded, tailFile } from '../process/spawn-guarded.ts';
import { makeTempDir, removeDir } from '../process/temp-dir.ts';
import { type S3Endpoints, S3RVER_CREDENTIALS } from './s3-endpoints.ts';
import { waitForS3 } from './wait-for-s3.ts';

export interface S3Handle {
  endpoints: S3Endpoints;
  stop(): Promise<void>;
}

const S3RVER_BIN = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');

/**
 * Starts s3rver in a child process on a free loopback port, storing objects in a temp dir.
 * A child, not in-process, because s3rver encrypts ListObjectsV2 continuation tokens with DES, which
 * OpenSSL 3 only offers with `--openssl-legacy-provider`: without it every listing longer than one page
 * answers 500. The flag stays confined to the test server instead of the test runner.
 */
export const startS3 = async (): Promise<S3Handle> =>
  retryOnPortClash(async () => {
    const dir = makeTempDir('s3');
    const [port] = await freePorts(1);
    const child = spawnGuarded({
      command: process.execPath,
      args: [
        '--openssl-legacy-provider',
        S3RVER_BIN,
        '-d',
        join(dir, 'data'),
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '--silent',
      ],
      cwd: dir,
      logFile: join(dir, 's3rver.log'),
      emergencySignal: 'SIGKILL',
      onEmergency: () => removeDir(dir),
    });
    const endpoints: S3Endpoints = {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      ...S3RVER_CREDENTIALS,
    };
    try {
      await waitForS3({ s3: endpoints, deadlineMs: 15_000 });
    } catch (error) {
      const log = tailFile(child.logFile);
      await child.stop('SIGKILL', 0);
      removeDir(dir);
      throw new Error(
        `s3rver failed to start (${child.exitStatus() ?? 'running'}): ${String(error)}\n${log}`,
        {
          cause: error,
        },
      );
    }
    return {
      endpoints,
      stop: async () => {
        await child.stop('SIGTERM', 2_000);
        removeDir(dir);
      },
    };
  });
