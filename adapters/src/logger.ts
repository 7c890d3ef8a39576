import { type DestinationStream, type Logger, pino } from 'pino';

export interface LoggerOptions {
  /** pino level name: fatal, error, warn, info, debug, trace or silent. */
  level?: string;
  /** Names the runnable in every line (`processor`, `gateway`). */
  name: string;
  /** Where lines go; stdout unless a test wants to read them. */
  destination?: DestinationStream;
}

/** Secrets that must never reach a log line even if someone logs a whole options object. */
const REDACT_PATHS = [
  'credentials',
  '*.credentials',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
];

/**
 * The one service logger: JSON lines on stdout (no pretty printing; pipe through `pino-pretty` when reading
 * by hand), level as a name, ISO time. Made once in main.ts; modules take `logger.child({ module })`.
 */
export function createLogger({ level = 'info', name, destination }: LoggerOptions): Logger {
  const options = {
    name,
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
