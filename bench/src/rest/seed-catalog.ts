/**
 * What the seeded history looks like: the default rules with how often each fires in a typical week (the
 * match and per-event rules fire far more often than the windowed ones), the services with a long-tailed
 * share of alerts, and message templates like the processor's.
 */
export interface SeedRule {
  ruleId: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  source: 'logs' | 'metrics' | 'transactions' | 'security';
  /** Relative frequency. */
  weight: number;
  title: string;
  keyField: 'service' | 'host' | 'userId' | 'ip';
  threshold: number;
  valueMin: number;
  valueMax: number;
  /** Window length for windowed rules, 0 for per-event ones. */
  windowMs: number;
  /** Message template with {value} and {key}, each exactly once. */
  message: string;
}

export const SEED_RULES: readonly SeedRule[] = [
  r(
    'logs.error-spike',
    'high',
    'logs',
    8,
    'Error spike',
    'service',
    20,
    20,
    140,
    180_000,
    '{value} ERROR or CRITICAL logs from {key} within 3 min (threshold 20)',
  ),
  r(
    'logs.failed-message',
    'low',
    'logs',
    30,
    'Failure logged',
    'service',
    0,
    1,
    1,
    0,
    '{key}: POST /v1/charges failed after {value} attempt(s): upstream timeout',
  ),
  r(
    'logs.user-error-spike',
    'medium',
    'logs',
    6,
    'Errors for one user',
    'userId',
    10,
    10,
    60,
    180_000,
    '{value} ERROR logs for user {key} within 3 min (threshold 10)',
  ),
  r(
    'logs.volume-anomaly',
    'medium',
    'logs',
    3,
    'Unusual log volume',
    'service',
    3,
    3,
    12,
    60_000,
    'log volume of {key} is {value} standard deviations above its trailing 30 min',
  ),
  r(
    'metrics.cpu-sustained',
    'high',
    'metrics',
    5,
    'CPU saturated',
    'host',
    80,
    80,
    100,
    120_000,
    'cpu of {key} at or above 80% for 2 min (last {value}%)',
  ),
  r(
    'metrics.latency-high',
    'medium',
    'metrics',
    20,
    'High latency',
    'host',
    1000,
    1001,
    9000,
    0,
    'latency on {key} is {value} ms (threshold 1000 ms)',
  ),
  r(
    'metrics.cpu-and-latency',
    'critical',
    'metrics',
    2,
    'Saturated and slow',
    'host',
    1000,
    1001,
    6000,
    0,
    '{key} is saturated and slow: {value} ms at cpu above 80%',
  ),
  r(
    'transactions.large-amount',
    'high',
    'transactions',
    8,
    'Large transaction',
    'userId',
    10_000,
    10_001,
    250_000,
    0,
    'transaction of {value} EUR by {key} (threshold 10000)',
  ),
  r(
    'transactions.user-frequency',
    'medium',
    'transactions',
    6,
    'Frequent transactions',
    'userId',
    5,
    5,
    30,
    300_000,
    '{value} transactions by {key} within 5 min (threshold 5)',
  ),
  r(
    'security.login-failures',
    'high',
    'security',
    6,
    'Repeated login failures',
    'ip',
    5,
    5,
    80,
    60_000,
    '{value} failed logins from {key} within 1 min (threshold 5)',
  ),
  r(
    'security.unauthorized-access',
    'high',
    'security',
    4,
    'Unauthorized access',
    'ip',
    0,
    1,
    1,
    0,
    '{value} unauthorized request to /admin/export from {key}',
  ),
  r(
    'security.large-transfer',
    'high',
    'security',
    2,
    'Large data transfer',
    'userId',
    104_857_600,
    104_857_601,
    5_000_000_000,
    0,
    '{key} transferred {value} bytes (threshold 100 MB)',
  ),
];

/** Services by share of alerts: a few noisy ones, a long tail. */
export const SEED_SERVICES: readonly (readonly [string, number])[] = [
  ['payments', 18],
  ['checkout', 14],
  ['api-gateway', 12],
  ['search', 10],
  ['auth', 9],
  ['orders', 8],
  ['inventory', 7],
  ['notifications', 6],
  ['ledger', 5],
  ['recommendations', 4],
  ['shipping', 3],
  ['reporting', 2],
  ['billing', 1],
  ['admin', 1],
];

function r(
  ruleId: string,
  severity: SeedRule['severity'],
  source: SeedRule['source'],
  weight: number,
  title: string,
  keyField: SeedRule['keyField'],
  threshold: number,
  valueMin: number,
  valueMax: number,
  windowMs: number,
  message: string,
): SeedRule {
  return {
    ruleId,
    severity,
    source,
    weight,
    title,
    keyField,
    threshold,
    valueMin,
    valueMax,
    windowMs,
    message,
  };
}

/** 1-based positions repeated by weight: `array[1 + floor(random() * length)]` is a weighted pick in SQL. */
export function weightedIndexes(weights: readonly number[]): number[] {
  return weights.flatMap((weight, index) => Array.from({ length: weight }, () => index + 1));
}
