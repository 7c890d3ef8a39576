import type { TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS } from '../events/event-schemas.ts';
import type { Source } from '../events/sources.ts';

export interface FieldInfo {
  type: 'string' | 'number' | 'boolean';
  /** The allowed values when the contract fixes them (log level, security action). */
  values: readonly string[] | null;
  optional: boolean;
}

function describeField(schema: TSchema, required: boolean): FieldInfo {
  const optional = !required;
  if (Array.isArray(schema.anyOf)) {
    const values = (schema.anyOf as TSchema[]).map((s) => String(s.const));
    return { type: 'string', values, optional };
  }
  const type = schema.type === 'integer' || schema.type === 'number' ? 'number' : schema.type;
  return {
    type: type === 'boolean' ? 'boolean' : type === 'number' ? 'number' : 'string',
    values: null,
    optional,
  };
}

function fieldsOf(source: Source): ReadonlyMap<string, FieldInfo> {
  const schema = EVENT_SCHEMAS[source];
  const required = new Set<string>(schema.required ?? []);
  const fields = new Map<string, FieldInfo>();
  for (const [name, field] of Object.entries(schema.properties as Record<string, TSchema>)) {
    fields.set(name, describeField(field, required.has(name)));
  }
  return fields;
}

/**
 * The fields rules may refer to, per source, read from core's event contract. Rules are checked against it
 * at load time so that a typo ("latncyMs", "CRITCAL") is an error instead of a rule that never fires.
 */
export const EVENT_FIELDS: Readonly<Record<Source, ReadonlyMap<string, FieldInfo>>> = {
  logs: fieldsOf('logs'),
  metrics: fieldsOf('metrics'),
  transactions: fieldsOf('transactions'),
  security: fieldsOf('security'),
};

/** The field that names an alert's key for per-event rules without `keyBy`: always present in its source. */
export const DEFAULT_KEY_FIELD: Readonly<Record<Source, string>> = {
  logs: 'service',
  metrics: 'host',
  transactions: 'userId',
  security: 'ip',
};
