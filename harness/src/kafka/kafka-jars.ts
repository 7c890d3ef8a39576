import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { removeDir } from '../process/temp-dir.ts';

const run = promisify(execFile);

export const KAFKA_VERSION = '3.9.1';
/** The dependency list that `mvn dependency:copy-dependencies` resolves. */
export const KAFKA_POM = fileURLToPath(new URL('../../kafka/pom.xml', import.meta.url));
/** Written last, so a half-finished fetch is never taken for a complete one. */
const MARKER = '.complete';

export const cacheRoot = (env: NodeJS.ProcessEnv): string =>
  env.VIGIL_CACHE_DIR || join(homedir(), '.cache', 'vigil');

/** Where the broker's jars live: `${VIGIL_CACHE_DIR:-~/.cache/vigil}/kafka-3.9.1/libs`. */
export const kafkaLibsDir = (env: NodeJS.ProcessEnv): string =>
  join(cacheRoot(env), `kafka-${KAFKA_VERSION}`, 'libs');

const pomHash = (): string => createHash('sha256').update(readFileSync(KAFKA_POM)).digest('hex');

interface Marker {
  pomSha256: string;
  jars: string[];
}

/** True when libsDir holds every jar of a finished fetch of the current pom. */
export const kafkaJarsReady = (libsDir: string): boolean => {
  try {
    const marker = JSON.parse(readFileSync(join(libsDir, MARKER), 'utf8')) as Marker;
    return marker.pomSha256 === pomHash() && marker.jars.every((jar) => existsSync(join(libsDir, jar)));
  } catch {
    return false; // no marker or an unreadable one: treat as not fetched
  }
};

export interface FetchResult {
  fetched: boolean;
  ms: number;
  jars: number;
  bytes: number;
}

const summarize = (libsDir: string, fetched: boolean, ms: number): FetchResult => {
  const jars = readdirSync(libsDir).filter((f) => f.endsWith('.jar'));
  const bytes = jars.reduce((sum, jar) => sum + statSync(join(libsDir, jar)).size, 0);
  return { fetched, ms, jars: jars.length, bytes };
};

/**
 * Downloads the broker and its runtime dependencies from Maven Central into libsDir unless they
 * are already there. Safe to run concurrently: each run fills its own staging dir and renames it.
 */
export const fetchKafkaJars = async (options: {
  libsDir: string;
  mvn?: string;
  log: (line: string) => void;
}): Promise<FetchResult> => {
  const { libsDir, log } = options;
  if (kafkaJarsReady(libsDir)) return summarize(libsDir, false, 0);
  const started = Date.now();
  const versionDir = dirname(libsDir);
  const staging = `${libsDir}.staging-${process.pid}`;
  // A private local repository keeps ~/.m2 untouched; deleted afterwards, libs/ is what we run.
  const localRepo = join(versionDir, `m2-${process.pid}`);
  mkdirSync(versionDir, { recursive: true });
  removeDir(staging);
  log(`[harness] kafka: fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${libsDir}`);
  try {
    const args = ['-B', '-q', '-f', KAFKA_POM, `-Dmaven.repo.local=${localRepo}`];
    args.push('dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime');
    await run(options.mvn ?? 'mvn', args, { cwd: versionDir, maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: Error & { stdout?: string; stderr?: string }) => {
        const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
        throw new Error(`mvn dependency:copy-dependencies failed: ${error.message}\n${output}`, {
          cause: error,
        });
      },
    );
    const jars = readdirSync(staging).filter((f) => f.endsWith('.jar'));
    if (!jars.some((jar) => jar.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
      throw new Error(`mvn finished but ${staging} holds no kafka_2.13-${KAFKA_VERSION} jar`);
    }
    writeFileSync(join(staging, MARKER), JSON.stringify({ pomSha256: pomHash(), jars } satisfies Marker));
    if (!kafkaJarsReady(libsDir)) {
      removeDir(libsDir);
      try {
        renameSync(staging, libsDir);
      } catch (error) {
        // A concurrent fetch may have renamed its own complete copy into place first.
        if (!kafkaJarsReady(libsDir)) throw error;
      }
    }
  } finally {
    removeDir(staging);
    removeDir(localRepo);
  }
  return summarize(libsDir, true, Date.now() - started);
};
