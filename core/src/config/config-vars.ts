import { bool, makeValidator, num, str, url } from 'envalid';

/** A comma-separated list, trimmed, empty items dropped: `a:9092, b:9092` → ['a:9092', 'b:9092']. */
function splitList(raw: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new Error('expected a comma-separated list');
  return items;
}

const list = makeValidator<string[]>(splitList);

const hostPortList = makeValidator<string[]>((raw) => {
  const items = splitList(raw);
  const bad = items.find((item) => !/^[\w.-]+:\d{1,5}$/.test(item));
  if (bad) throw new Error(`expected host:port items, got "${bad}"`);
  return items;
});

// Messages never quote the value: it may hold a password (load-config.ts echoes it redacted).
const postgresUrl = makeValidator<string>((raw) => {
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error('expected a postgres:// or postgresql:// URL');
  if (!URL.canParse(raw)) {
    throw new Error('not a valid URL (percent-encode @, : and / in the user name and password)');
  }
  return raw;
});

const nonNegative = makeValidator<number>((raw) => {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new Error('expected a number ≥ 0');
  return value;
});

/** A number above 0 (a duration that must keep something). */
const positive = makeValidator<number>((raw) => {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new Error('expected a number > 0');
  return value;
});

/** A TCP port; 0 asks the OS for a free one (tests, side-by-side instances). */
const port = makeValidator<number>((raw) => {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value > 65535) throw new Error('expected a port number from 0 to 65535');
  return value;
});

const bucketName = makeValidator<string>((raw) => {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(raw))
    throw new Error('expected an S3 bucket name (3–63 chars)');
  return raw;
});

/** Variables every runnable reads: logging, data directory and the three adapter choices. */
export const commonVars = {
  LOG_LEVEL: str({
    default: 'info',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    desc: 'log level of the JSON logs on stdout',
  }),
  DATA_DIR: str({ default: './data', desc: 'embedded database (PGlite) and filesystem archive' }),
  KAFKA_BROKERS: hostPortList({
    default: undefined,
    desc: 'comma-separated host:port; unset selects the in-process bus',
  }),
  KAFKA_CLIENT_ID: str({ default: 'vigil', desc: 'Kafka client id prefix' }),
  TOPIC_PREFIX: str({
    default: '',
    desc: 'prefix of every topic name (e.g. "acme." → acme.events.logs), to share one Kafka cluster',
  }),
  DATABASE_URL: postgresUrl({
    default: undefined,
    desc: 'postgres://…; unset selects PGlite in DATA_DIR/pg',
  }),
  S3_BUCKET: bucketName({ default: undefined, desc: 'archive bucket; unset selects the filesystem archive' }),
  S3_ENDPOINT: url({ default: undefined, desc: 'S3-compatible endpoint (MinIO, …); unset means AWS' }),
  S3_REGION: str({ default: 'us-east-1', desc: 'S3 region' }),
  S3_FORCE_PATH_STYLE: bool({
    default: undefined,
    desc: 'path-style bucket addressing; defaults to true when S3_ENDPOINT is set',
  }),
};

export const gatewayVars = {
  PORT: port({ default: 8080, desc: 'gateway HTTP and WebSocket port (0 picks a free one)' }),
  HOST: str({ default: '127.0.0.1', desc: 'gateway bind address' }),
};

/** Who may use a gateway (gateway/README.md, "Security"); read by `npm run gateway` and `npm start`. */
export const authVars = {
  VIGIL_ADMIN_PASSWORD: str({
    default: undefined,
    desc: 'at start, create or update user "admin" with this password (at least 12 characters)',
  }),
  VIGIL_ADMIN_TOKEN: str({
    default: undefined,
    desc: 'at start, ensure an admin API token with exactly this secret (32–128 printable ASCII characters)',
  }),
  ALLOWED_HOSTS: list({
    default: undefined,
    desc: 'Host names the gateway answers to besides localhost/127.0.0.1/[::1] (DNS-rebinding defence); * for any',
  }),
  ALLOWED_ORIGINS: list({
    default: undefined,
    desc: "browser origins allowed besides the dashboard's own (API writes with the cookie, /ws)",
  }),
  TRUST_PROXY: bool({
    default: false,
    desc: 'behind a reverse proxy only: take the client address from its X-Real-IP / X-Forwarded-For',
  }),
  METRICS_PUBLIC: bool({
    default: false,
    desc: 'serve /metrics without credentials (for scrapers without a token)',
  }),
  SECURE_COOKIES: bool({
    default: false,
    desc: 'mark the session cookie Secure (set it when served over HTTPS)',
  }),
  SESSION_TTL_HOURS: nonNegative({ default: 12, desc: 'how long a sign-in lasts' }),
  RATE_LIMITS: bool({
    default: true,
    desc: 'rate limits per IP and per credential (false: off, e.g. for a benchmark)',
  }),
  RATE_LIMIT_API: nonNegative({ default: 200, desc: 'REST requests per second per token or session' }),
  RATE_LIMIT_IP: nonNegative({ default: 400, desc: 'REST requests per second per client IP' }),
  RATE_LIMIT_INGEST: nonNegative({ default: 100, desc: 'ingest requests per second per token' }),
};

export const simulatorVars = {
  SIMULATOR_RATE: nonNegative({ default: 50, desc: 'events/s of the built-in simulator; 0 turns it off' }),
};

export const processorVars = {
  RULES_FILE: str({
    default: undefined,
    desc: 'rules file that seeds the rules store on first start; unset seeds the built-in default rules',
  }),
  EVENT_RETENTION_HOURS: positive({
    default: 24,
    desc: 'hours of raw events the event explorer keeps (by event time); older ones are swept out',
  }),
};

export const allVars = { ...commonVars, ...gatewayVars, ...authVars, ...simulatorVars, ...processorVars };

// Re-exported so runnables can declare their own extra variables with the same validators.
export const validators = { bool, num, port, str, url, list, hostPortList, nonNegative };
