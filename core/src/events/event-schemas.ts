import { type Static, Type } from '@sinclair/typebox';
import { literals } from '../schema/literals.ts';
import { registerFormats } from './formats.ts';
import type { Source } from './sources.ts';

registerFormats();

/** Limits that keep one event from costing more than a normal one; beyond them an event is "absurd". */
export const EVENT_LIMITS = {
  /** Identifiers, names and keys. */
  shortText: 256,
  /** A log line; longer lines are truncated by any sane shipper long before this. */
  message: 16_384,
  /** One serialized event on the bus or in an ingest body item. */
  maxEventBytes: 64 * 1024,
  /** Amounts beyond a trillion are a unit error, not a transaction. */
  maxAmount: 1e12,
  /** One hour: a request slower than this is a timeout, not a latency. */
  maxLatencyMs: 3_600_000,
} as const;

const text = (opts: { maxLength?: number } = {}) =>
  Type.String({ minLength: 1, maxLength: opts.maxLength ?? EVENT_LIMITS.shortText });
const optionalText = () => Type.Optional(text());
const ts = Type.String({ format: 'date-time', description: 'ISO 8601 event time with a zone' });
const percent = Type.Number({ minimum: 0, maximum: 100 });

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'] as const;
export const SECURITY_ACTIONS = [
  'login_success',
  'login_failure',
  'unauthorized_access',
  'file_access',
  'data_transfer',
] as const;

// Unknown extra fields are allowed and kept (forward compatibility for producers); known ones are strict.
export const LogEventSchema = Type.Object({
  id: optionalText(),
  ts,
  service: text(),
  level: literals(LOG_LEVELS),
  message: Type.String({ maxLength: EVENT_LIMITS.message }),
  userId: optionalText(),
  host: optionalText(),
  traceId: optionalText(),
});

export const MetricEventSchema = Type.Object({
  id: optionalText(),
  ts,
  service: text(),
  host: text(),
  cpu: percent,
  memory: Type.Optional(percent),
  latencyMs: Type.Number({ minimum: 0, maximum: EVENT_LIMITS.maxLatencyMs }),
  errorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
});

export const TransactionEventSchema = Type.Object({
  id: optionalText(),
  ts,
  userId: text(),
  amount: Type.Number({ minimum: 0, maximum: EVENT_LIMITS.maxAmount }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
  merchant: optionalText(),
  country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' })),
  status: optionalText(),
});

export const SecurityEventSchema = Type.Object({
  id: optionalText(),
  ts,
  ip: Type.String({ format: 'ip', maxLength: 45 }),
  action: literals(SECURITY_ACTIONS),
  userId: optionalText(),
  resource: Type.Optional(text({ maxLength: 1024 })),
  bytes: Type.Optional(Type.Integer({ minimum: 0 })),
});

export type LogLevel = (typeof LOG_LEVELS)[number];
export type SecurityAction = (typeof SECURITY_ACTIONS)[number];
export type LogEvent = Static<typeof LogEventSchema>;
export type MetricEvent = Static<typeof MetricEventSchema>;
export type TransactionEvent = Static<typeof TransactionEventSchema>;
export type SecurityEvent = Static<typeof SecurityEventSchema>;

export const EVENT_SCHEMAS = {
  logs: LogEventSchema,
  metrics: MetricEventSchema,
  transactions: TransactionEventSchema,
  security: SecurityEventSchema,
} as const;

export interface EventBySource {
  logs: LogEvent;
  metrics: MetricEvent;
  transactions: TransactionEvent;
  security: SecurityEvent;
}

/** A validated event tagged with its source: the form rules and the archive work with. */
export type SourcedEvent<S extends Source = Source> = { [K in S]: { source: K; event: EventBySource[K] } }[S];
