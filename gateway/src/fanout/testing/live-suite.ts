import { uniqueName } from '@vigil/harness';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { GatewayService } from '../../gateway-service.ts';
import { connectClient, type TestClient, type UpgradeOptions } from '../../transport/testing/ws-client.ts';
import { type BusEnv, logger, startGateway } from './live-env.ts';
import { type AuthFixture, authFor, openIdentityDatabase } from './test-identities.ts';

/**
 * The hooks of a live suite (call inside its describe): a bus, a database with the real auth and a viewer
 * token, a fresh alerts topic per test, and every gateway and client of a test stopped after it.
 */
export function useLiveSuite(makeEnv: () => BusEnv, databaseName: string) {
  let env: BusEnv;
  let topic: string;
  let identities: Awaited<ReturnType<typeof openIdentityDatabase>> | undefined;
  let fixture: AuthFixture;
  let viewer: string;
  const gateways: GatewayService[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    env = makeEnv();
    identities = await openIdentityDatabase(logger, databaseName);
    fixture = await authFor(identities.database, { logger });
    viewer = (await fixture.createToken('viewer')).secret;
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
    await identities?.close();
  });
  beforeEach(async () => {
    topic = uniqueName('alerts');
    await env.publisher.start([{ topic, partitions: 1 }]);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.terminate();
    for (const gateway of gateways.splice(0)) await gateway.stop();
  });

  return {
    get env() {
      return env;
    },
    get topic() {
      return topic;
    },
    get fixture() {
      return fixture;
    },
    get database() {
      return identities!.database;
    },
    /** An unscoped viewer token's secret. */
    get viewer() {
      return viewer;
    },
    /** A gateway on this test's topic with the suite's auth; stopped after the test (unless stopped before). */
    async start(extra: Omit<Parameters<typeof startGateway>[2], 'auth'> = {}) {
      const started = await startGateway(env, topic, { auth: fixture.auth, ...extra });
      gateways.push(started.gateway);
      return started;
    },
    /** Forgets a gateway the test stopped itself. */
    stopped(gateway: GatewayService) {
      gateways.splice(gateways.indexOf(gateway), 1);
    },
    async connect(url: string, options: UpgradeOptions = {}) {
      const client = await connectClient(url, options);
      clients.push(client);
      return client;
    },
  };
}
