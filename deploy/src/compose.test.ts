import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { allVars, ConfigError, loadConfig } from '@vigil/core/config';
import { describe, expect, it } from 'vitest';
import { byProgram, services, vigilServices } from './deploy-fixture.ts';
import { envNamesReadBy } from './env-reads.ts';
import { REPO_ROOT } from './repo.ts';

const EXPECTED_SERVICES = [
  'kafka',
  'postgres',
  'minio',
  'minio-init',
  'simulator',
  'processor-1',
  'processor-2',
  'indexer',
  'notifier',
  'gateway-1',
  'gateway-2',
  'proxy',
];

/** What each program needs set in distributed mode: a fixed value, or a pattern the value must match. */
const REQUIRED_ENV: Record<string, Record<string, string | RegExp>> = {
  processor: {
    KAFKA_BROKERS: /\S/,
    DATABASE_URL: /^postgres(ql)?:\/\//,
    S3_BUCKET: /\S/,
    S3_ENDPOINT: /^https?:\/\//,
    AWS_ACCESS_KEY_ID: /\S/,
    AWS_SECRET_ACCESS_KEY: /\S/,
    METRICS_HOST: '0.0.0.0',
    METRICS_PORT: /^\d+$/,
  },
  gateway: {
    KAFKA_BROKERS: /\S/,
    DATABASE_URL: /^postgres(ql)?:\/\//,
    HOST: '0.0.0.0',
    PORT: /^\d+$/,
    STATIC_DIR: /\S/,
  },
  simulator: { KAFKA_BROKERS: /\S/, SIMULATOR_RATE: /^[1-9]\d*(\.\d+)?$/ },
  notifier: {
    KAFKA_BROKERS: /\S/,
    DATABASE_URL: /^postgres(ql)?:\/\//,
    VIGIL_PUBLIC_URL: /^https?:\/\//,
    METRICS_HOST: '0.0.0.0',
    METRICS_PORT: /^\d+$/,
  },
  indexer: {
    KAFKA_BROKERS: /\S/,
    DATABASE_URL: /^postgres(ql)?:\/\//,
    METRICS_HOST: '0.0.0.0',
    METRICS_PORT: /^\d+$/,
  },
};

describe('docker-compose.yml', () => {
  it('has the services of the distributed topology', () => {
    expect(Object.keys(services).sort()).toEqual([...EXPECTED_SERVICES].sort());
  });

  it('runs Kafka in KRaft mode from the official apache/kafka image, as one combined node', () => {
    const kafka = services.kafka!;
    expect(kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(kafka.environment.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(kafka.environment.KAFKA_CONTROLLER_QUORUM_VOTERS).toMatch(/^\d+@[\w.-]+:\d+$/);
    expect(kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('uses official images for PostgreSQL, MinIO and the proxy, with pinned tags', () => {
    expect(services.postgres!.image).toMatch(/^postgres:1[5-8](\.\d+)?-alpine$/);
    expect(services.minio!.image).toMatch(/^minio\/minio:RELEASE\./);
    expect(services['minio-init']!.image).toMatch(/^minio\/mc:RELEASE\./);
    expect(services.proxy!.image).toMatch(/^(nginx|caddy):\d/);
  });

  describe('Vigil services', () => {
    it('are the simulator, two processors, the event indexer, the notifier and two gateways, built from deploy/Dockerfile', () => {
      const names = vigilServices.map((v) => `${v.service.name}=${v.program}`).sort();
      expect(names).toEqual([
        'gateway-1=gateway',
        'gateway-2=gateway',
        'indexer=indexer',
        'notifier=notifier',
        'processor-1=processor',
        'processor-2=processor',
        'simulator=simulator',
      ]);
      for (const { service } of vigilServices) {
        expect(service.build, service.name).toEqual({ context: '.', dockerfile: 'deploy/Dockerfile' });
      }
    });

    it('run root scripts whose entry point exists', () => {
      for (const { service, entry } of vigilServices) {
        expect(existsSync(join(REPO_ROOT, entry)), `${service.name} runs ${entry}`).toBe(true);
      }
    });

    it('run under an init process, so SIGTERM reaches the program and it shuts down in order', () => {
      for (const { service } of vigilServices) expect(service.init, service.name).toBe(true);
    });

    it('set only variables their program reads (a typo fails here)', () => {
      for (const { service, entry } of vigilServices) {
        const read = envNamesReadBy(entry);
        const unknown = Object.keys(service.environment).filter((name) => !read.has(name));
        expect(unknown, `${service.name} sets variables ${entry} never reads`).toEqual([]);
      }
    });

    it('set every variable their program needs in distributed mode', () => {
      for (const { service, program } of vigilServices) {
        for (const [name, expected] of Object.entries(REQUIRED_ENV[program] ?? {})) {
          const value = service.environment[name];
          expect(value, `${service.name} ${name}`).toBeDefined();
          if (typeof expected === 'string') expect(value, `${service.name} ${name}`).toBe(expected);
          else expect(value, `${service.name} ${name}`).toMatch(expected);
        }
      }
    });

    it('pass core config validation with the values they set', () => {
      for (const { service } of vigilServices) {
        try {
          loadConfig(allVars, service.environment);
        } catch (err) {
          if (err instanceof ConfigError) expect.fail(`${service.name}: ${err.problems.join('; ')}`);
          throw err;
        }
      }
    });

    it('give both processors the same consumer group, so they split the partitions', () => {
      const groups = byProgram('processor').map((v) => v.service.environment.PROCESSOR_GROUP_ID);
      expect(groups).toHaveLength(2);
      expect(new Set(groups).size).toBe(1);
    });

    it('show the rules the processors evaluate (same RULES_FILE, or none, everywhere)', () => {
      const rulesFiles = new Set(
        vigilServices
          .filter((v) => !['simulator', 'indexer', 'notifier'].includes(v.program))
          .map((v) => v.service.environment.RULES_FILE ?? 'built-in'),
      );
      expect([...rulesFiles]).toHaveLength(1);
    });

    it('agree on the partition count of the event topics, whichever creates them first', () => {
      const counts = vigilServices.map(({ service, program }) => {
        if (program !== 'simulator') return service.environment.EVENT_PARTITIONS;
        const flag = service.command.indexOf('--partitions');
        return flag < 0 ? undefined : service.command[flag + 1];
      });
      expect(counts[0]).toMatch(/^[1-9]\d*$/);
      expect(counts, "EVENT_PARTITIONS (or the simulator's --partitions) per service").toEqual(
        counts.map(() => counts[0]),
      );
    });
  });
});
