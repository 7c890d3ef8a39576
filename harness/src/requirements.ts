import { execFileSync } from 'node:child_process';
import { findPostgresBinDir } from './postgres/find-postgres.ts';

/** Kafka 3.9 brokers need Java 11 or newer (17 is what we test with). */
const MIN_JAVA = 11;

const commandExists = (command: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // `command -v` exits 1 for an unknown command
  }
};

/** The Java major version from `java -version` ("17.0.15" -> 17, "1.8.0_402" -> 8), or null. */
export const javaMajor = (versionOutput: string): number | null => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
};

/** Why Kafka cannot be started from jars here, or null when it can. */
export const kafkaToolsMissing = (jarsCached: boolean): string | null => {
  const alternative = 'or set KAFKA_BROKERS to an existing broker';
  if (!commandExists('java')) {
    return `Kafka: java not found; install a JDK (apt-get install -y default-jdk-headless), ${alternative}`;
  }
  // java -version prints to stderr.
  const major = javaMajor(execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' }));
  if (major !== null && major < MIN_JAVA) {
    return `Kafka: java ${major} is too old, ${MIN_JAVA}+ needed (apt-get install -y default-jdk-headless), ${alternative}`;
  }
  if (!jarsCached && !commandExists('mvn')) {
    return `Kafka: broker jars not cached and mvn not found; apt-get install -y maven, then npm run kafka:fetch, ${alternative}`;
  }
  return null;
};

/** The PostgreSQL server binaries directory, or why there is none. */
export const postgresBinDirOrMissing = (env: NodeJS.ProcessEnv): { binDir: string } | { missing: string } => {
  const binDir = findPostgresBinDir(env);
  return binDir
    ? { binDir }
    : {
        missing:
          'PostgreSQL: no server binaries in /usr/lib/postgresql/*/bin, $PG_BIN_DIR or on PATH; ' +
          'apt-get install -y postgresql, or set DATABASE_URL',
      };
};
