import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { registerFormats } from '../events/formats.ts';
import { SOURCES } from '../events/sources.ts';
import { literals } from '../schema/literals.ts';

registerFormats();

/** Ordered from least to most urgent; the index is the rank used for sorting and "at least" filters. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const iso = Type.String({ format: 'date-time' });
const nullableIso = Type.Union([iso, Type.Null()]);
const nullableText = Type.Union([Type.String(), Type.Null()]);

/** Where the events behind an alert are: bus positions, event ids and the archive objects holding them. */
export const EvidenceSchema = Type.Object({
  refs: Type.Array(Type.Object({ topic: Type.String(), partition: Type.Integer(), offset: Type.String() })),
  eventIds: Type.Array(Type.String()),
  archiveKeys: Type.Array(Type.String()),
});

export const AlertSchema = Type.Object({
  id: Type.String({ description: 'deterministic: the same triggering input always yields the same id' }),
  ruleId: Type.String(),
  severity: literals(SEVERITIES),
  source: literals(SOURCES),
  title: Type.String(),
  message: Type.String(),
  service: nullableText,
  userId: nullableText,
  key: Type.String({ description: 'the window key, e.g. "service=payments"' }),
  value: Type.Number(),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  eventTime: iso,
  detectedAt: iso,
  status: literals(ALERT_STATUSES),
  // Optional extras: window bounds, evidence and per-hop timing for latency tracing.
  windowStart: Type.Optional(nullableIso),
  windowEnd: Type.Optional(nullableIso),
  ingestedAt: Type.Optional(nullableIso),
  publishedAt: Type.Optional(nullableIso),
  evidence: Type.Optional(EvidenceSchema),
  // Episode fields (DESIGN "Episodes and lifecycle"): an alert is one episode of a rule firing for one key.
  // Optional in the schema so records published before episodes still decode; the store always fills them.
  occurrences: Type.Optional(
    Type.Integer({ minimum: 1, description: 'firings folded into this episode; a redelivery counts once' }),
  ),
  firstSeenAt: Type.Optional(iso),
  lastSeenAt: Type.Optional(iso),
  revision: Type.Optional(
    Type.Integer({ minimum: 1, description: 'increases by one with every change (firing, status, silence)' }),
  ),
  ruleVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'version of the rule that opened it' })),
  resolvedAt: Type.Optional(nullableIso),
  resolvedBy: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: '"system" when auto-resolved; null while unresolved',
    }),
  ),
  acknowledgedBy: Type.Optional(nullableText),
  silencedBy: Type.Optional(
    Type.Array(Type.String(), { description: 'ids of the silences matching it now' }),
  ),
});

export type Alert = Static<typeof AlertSchema>;

/** Who resolves an episode that stopped firing for its rule's `resolveAfterMs`. */
export const SYSTEM_ACTOR = 'system';
export type Evidence = Static<typeof EvidenceSchema>;

// Compiled on first use, not at import (compiling uses `new Function`; see events/validate-event.ts).
let compiled: ReturnType<typeof TypeCompiler.Compile<typeof AlertSchema>> | undefined;
const checker = () => (compiled ??= TypeCompiler.Compile(AlertSchema));

/** True when a value has the shape of an alert (used on the alerts topic, where a bad record is a bug upstream). */
export const isAlert = (value: unknown): value is Alert => checker().Check(value);

/** The first reason a value is not an alert, or null. */
export function alertError(value: unknown): string | null {
  const first = checker().Errors(value).First();
  return first ? `${first.path || '/'}: ${first.message}` : null;
}
