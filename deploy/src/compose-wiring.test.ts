import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComposeService } from './compose-model.ts';
import { byProgram, compose, probeTarget, services, vigilServices } from './deploy-fixture.ts';
import { REPO_ROOT, reachableAcrossWorkspaces, readRepoFile } from './repo.ts';

const oneShot = (s: ComposeService) => s.restart === 'no';

/** Does a program's code contain this path as a string literal (its route table, its request check)? */
const servesPath = (entry: string, path: string): boolean =>
  reachableAcrossWorkspaces(entry).some((file) => readRepoFile(file).includes(`'${path}'`));

describe('docker-compose.yml wiring', () => {
  describe('addresses', () => {
    it('points KAFKA_BROKERS at a listener that Kafka advertises on the compose network', () => {
      for (const { service } of vigilServices) {
        for (const broker of service.environment.KAFKA_BROKERS?.split(',') ?? []) {
          const kafka = services[broker.split(':')[0]!];
          expect(kafka?.image, `${service.name} → ${broker}`).toMatch(/^apache\/kafka:/);
          const advertised = kafka!.environment.KAFKA_ADVERTISED_LISTENERS?.split(',') ?? [];
          expect(
            advertised.some((l) => l.endsWith(`://${broker}`)),
            `${service.name} → ${broker}`,
          ).toBe(true);
        }
      }
    });

    it('points DATABASE_URL at the postgres service, with its user, password and database', () => {
      for (const { service } of vigilServices) {
        if (!service.environment.DATABASE_URL) continue;
        const url = new URL(service.environment.DATABASE_URL);
        const postgres = services[url.hostname];
        expect(postgres?.image, service.name).toMatch(/^postgres:/);
        expect(url.port || '5432').toBe('5432');
        expect(decodeURIComponent(url.username)).toBe(postgres!.environment.POSTGRES_USER);
        expect(decodeURIComponent(url.password)).toBe(postgres!.environment.POSTGRES_PASSWORD);
        expect(url.pathname).toBe(`/${postgres!.environment.POSTGRES_DB}`);
      }
    });

    it('points the S3 archive at MinIO, with its credentials and the bucket that minio-init creates', () => {
      const [bucketInit] = Object.values(services).filter((s) => s.image?.startsWith('minio/mc:'));
      for (const { service } of vigilServices) {
        const env = service.environment;
        if (!env.S3_BUCKET) continue;
        const endpoint = new URL(env.S3_ENDPOINT!);
        const minio = services[endpoint.hostname];
        expect(minio?.image, service.name).toMatch(/^minio\/minio:/);
        expect(endpoint.port, 'the MinIO S3 API port').toBe('9000');
        expect(env.AWS_ACCESS_KEY_ID).toBe(minio!.environment.MINIO_ROOT_USER);
        expect(env.AWS_SECRET_ACCESS_KEY).toBe(minio!.environment.MINIO_ROOT_PASSWORD);
        expect(bucketInit!.entrypoint.join(' ')).toMatch(new RegExp(`mc mb [^\\n]*/${env.S3_BUCKET}\\b`));
      }
    });
  });

  describe('health checks', () => {
    it('are defined on every long-running service', () => {
      const missing = Object.values(services).filter((s) => !oneShot(s) && !s.healthcheck);
      expect(missing.map((s) => s.name)).toEqual([]);
    });

    it("probe each gateway's PORT at a route the gateway serves", () => {
      for (const { service, entry } of byProgram('gateway')) {
        const target = probeTarget(service);
        expect(target?.protocol, service.name).toBe('http:');
        expect(['127.0.0.1', 'localhost']).toContain(target!.hostname);
        expect(target!.port, service.name).toBe(service.environment.PORT);
        expect(target!.pathname).toBe('/api/health');
        expect(servesPath(entry, target!.pathname), `${entry} serves ${target!.pathname}`).toBe(true);
      }
    });

    it("probe each processor's and notifier's METRICS_PORT at the /health of its metrics server", () => {
      for (const { service, entry } of [...byProgram('processor'), ...byProgram('notifier')]) {
        const target = probeTarget(service);
        expect(target?.protocol, service.name).toBe('http:');
        expect(['127.0.0.1', 'localhost']).toContain(target!.hostname);
        expect(target!.port, service.name).toBe(service.environment.METRICS_PORT);
        expect(target!.pathname).toBe('/health');
        expect(servesPath(entry, target!.pathname), `${entry} serves ${target!.pathname}`).toBe(true);
      }
    });

    it('check that the simulator (which serves no HTTP) reaches its broker', () => {
      for (const { service } of byProgram('simulator')) {
        const target = probeTarget(service);
        expect(target?.protocol, service.name).toBe('tcp:');
        expect(service.environment.KAFKA_BROKERS?.split(',')).toContain(target!.host);
      }
    });

    it('use the broker API for Kafka, pg_isready for PostgreSQL and the health endpoint for MinIO', () => {
      expect(services.kafka!.healthcheck?.join(' ')).toMatch(
        /kafka-broker-api-versions\.sh --bootstrap-server/,
      );
      expect(services.postgres!.healthcheck).toContain('pg_isready');
      expect(services.minio!.healthcheck?.join(' ')).toMatch(/mc ready local|\/minio\/health\/(live|ready)/);
    });
  });

  describe('start order', () => {
    it('depends only on existing services, with conditions they can meet', () => {
      for (const service of Object.values(services)) {
        for (const [name, condition] of Object.entries(service.dependsOn)) {
          const target = services[name];
          expect(target, `${service.name} depends on ${name}`).toBeDefined();
          if (condition === 'service_healthy') {
            expect(target!.healthcheck, `${service.name} waits for ${name} to be healthy`).toBeDefined();
          } else if (condition === 'service_completed_successfully') {
            expect(oneShot(target!), `${service.name} waits for ${name} to exit`).toBe(true);
          } else {
            expect(condition).toBe('service_started');
          }
        }
      }
    });

    it('starts each Vigil service after the infrastructure it is configured with', () => {
      const [bucketInit] = Object.values(services).filter((s) => s.image?.startsWith('minio/mc:'));
      for (const { service } of vigilServices) {
        const env = service.environment;
        const expected: Record<string, string> = {};
        for (const broker of env.KAFKA_BROKERS?.split(',') ?? []) {
          expected[broker.split(':')[0]!] = 'service_healthy';
        }
        if (env.DATABASE_URL) expected[new URL(env.DATABASE_URL).hostname] = 'service_healthy';
        if (env.S3_BUCKET) expected[bucketInit!.name] = 'service_completed_successfully';
        expect(service.dependsOn, service.name).toMatchObject(expected);
      }
    });

    it('starts the proxy once every gateway is healthy', () => {
      const gateways = byProgram('gateway').map((v) => v.service.name);
      expect(gateways).toHaveLength(2);
      for (const name of gateways) expect(services.proxy!.dependsOn[name]).toBe('service_healthy');
    });

    it('has no dependency cycle', () => {
      const state = new Map<string, 'visiting' | 'done'>();
      const visit = (name: string, path: string[]) => {
        if (state.get(name) === 'done') return;
        if (state.get(name) === 'visiting') expect.fail(`cycle: ${[...path, name].join(' → ')}`);
        state.set(name, 'visiting');
        for (const dep of Object.keys(services[name]?.dependsOn ?? {})) visit(dep, [...path, name]);
        state.set(name, 'done');
      };
      for (const name of Object.keys(services)) visit(name, []);
    });

    it('mounts only declared named volumes and files that exist in the repository', () => {
      for (const service of Object.values(services)) {
        for (const volume of service.volumes) {
          const source = volume.split(':')[0]!;
          if (source.startsWith('./')) expect(existsSync(join(REPO_ROOT, source)), volume).toBe(true);
          else expect(compose.volumes, `${service.name} mounts ${volume}`).toContain(source);
        }
      }
    });
  });
});
