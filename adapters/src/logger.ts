import { redactSecrets } from '@vigil/core/config';
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
  'cookie',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'connectionString',
  '*.connectionString',
  // Whole environments or configs logged by mistake.
  'DATABASE_URL',
  '*.DATABASE_URL',
  'AWS_SECRET_ACCESS_KEY',
  '*.AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  '*.AWS_SESSION_TOKEN',
  'VIGIL_ADMIN_PASSWORD',
  '*.VIGIL_ADMIN_PASSWORD',
  'VIGIL_ADMIN_TOKEN',
  '*.VIGIL_ADMIN_TOKEN',
];

// How deep an error's own fields (cause, details) are searched for URL passwords; errors are shallow.
const MAX_ERROR_DEPTH = 4;

function redactStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null || depth >= MAX_ERROR_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, depth + 1)]));
}

/**
 * Errors are serialized as pino does, then every string in them loses its URL passwords: a driver's
 * message may quote a connection string, and URL's TypeError carries its whole input (password included).
 */
const errSerializer = (err: unknown): unknown => redactStrings(pino.stdSerializers.err(err as Error), 0);

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
    serializers: { err: errSerializer },
    hooks: {
      // Messages are short fixed strings by house style; one that quotes a URL still loses its password.
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: Logger['info']) {
        const redacted = args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg));
        return method.apply(this, redacted as Parameters<Logger['info']>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
