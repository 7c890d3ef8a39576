import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DATE_TIME_YEARS, ValidationError } from '@vigil/core';

/** Turns a query string into the typed object its schema describes, or throws a 400 naming the parameter. */
export type QueryParser<T extends TObject> = (query: URLSearchParams) => Static<T>;

interface Field {
  name: string;
  list: boolean;
  item: TSchema;
  maxItems: number | undefined;
  numeric: boolean;
  required: boolean;
  checkItem: (value: unknown) => boolean;
}

// Enough of a rejected value to recognise it in an error, not enough to echo a megabyte back.
const MAX_ECHO = 100;
const echo = (value: string): string => (value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value);
const NUL = '\u0000';

/** The literal values a union of literals allows (an enum), or undefined for any other schema. */
export function allowedValues(schema: TSchema): string[] | undefined {
  const options = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (!options?.every((o) => typeof o.const === 'string')) return undefined;
  return options.map((o) => o.const as string);
}

function toField(name: string, schema: TSchema, required: boolean): Field {
  const list = schema.type === 'array';
  const item = list ? (schema.items as TSchema) : schema;
  const checker = TypeCompiler.Compile(item);
  return {
    name,
    list,
    item,
    maxItems: list ? (schema.maxItems as number | undefined) : undefined,
    numeric: item.type === 'integer' || item.type === 'number',
    required,
    checkItem: (value) => checker.Check(value),
  };
}

function describeInvalid(field: Field, value: string): ValidationError {
  const { name, item } = field;
  const parameter = name;
  const allowed = allowedValues(item);
  if (allowed) {
    return new ValidationError(`${name} "${echo(value)}" is not one of ${allowed.join(', ')}`, {
      details: { parameter, value: echo(value), allowed },
    });
  }
  let message = `${name} is not valid`;
  if (item.format === 'date-time') {
    message =
      `${name} must be an ISO 8601 date-time with a time zone in the years ` +
      `${DATE_TIME_YEARS.min} to ${DATE_TIME_YEARS.max}, e.g. 2030-01-01T00:00:00Z`;
  } else if (field.numeric) {
    message = `${name} must be an integer from ${item.minimum} to ${item.maximum}`;
  } else if (item.type === 'string') {
    message = `${name} must be ${item.minLength ?? 0} to ${item.maxLength} characters long`;
  }
  return new ValidationError(message, { details: { parameter, value: echo(value) } });
}

const coerce = (field: Field, raw: string): unknown =>
  field.numeric && /^[+-]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;

/** No parameter may carry U+0000: PostgreSQL refuses it in text, so it would fail a query instead of the input. */
function checkNoNul(name: string, values: readonly string[]): void {
  const bad = values.find((v) => v.includes(NUL));
  if (bad === undefined) return;
  throw new ValidationError(`${name} must not contain U+0000 (NUL)`, {
    details: { parameter: name, value: echo(bad.replaceAll(NUL, '\\u0000')) },
  });
}

function readField(field: Field, query: URLSearchParams): unknown {
  // An empty value means "not set": forms and UIs send `?severity=&q=` for untouched inputs.
  const raw = query.getAll(field.name).filter((v) => v !== '');
  checkNoNul(field.name, raw);
  if (field.list) {
    const items = raw
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    if (field.maxItems !== undefined && items.length > field.maxItems) {
      throw new ValidationError(`${field.name} lists more than ${field.maxItems} values`, {
        details: { parameter: field.name, count: items.length, max: field.maxItems },
      });
    }
    const bad = items.find((v) => !field.checkItem(v));
    if (bad !== undefined) throw describeInvalid(field, bad);
    return items.length > 0 ? items : undefined;
  }
  if (raw.length > 1) {
    throw new ValidationError(`${field.name} is given more than once`, {
      details: { parameter: field.name, count: raw.length },
    });
  }
  const [first] = raw;
  if (first === undefined) return undefined;
  const value = coerce(field, first);
  if (!field.checkItem(value)) throw describeInvalid(field, first);
  return value;
}

/**
 * Compiles a parser for an object schema of query parameters: array properties take repeated or
 * comma-separated values, numeric ones are coerced, unknown names are rejected so typos are visible.
 */
export function createQueryParser<T extends TObject>(schema: T): QueryParser<T> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties).map(([name, prop]) =>
    toField(name, prop, required.has(name)),
  );
  const names = fields.map((f) => f.name);
  return (query) => {
    for (const key of new Set(query.keys())) {
      if (!names.includes(key)) {
        throw new ValidationError(`unknown parameter "${echo(key)}"`, {
          details: { parameter: echo(key), allowed: names },
        });
      }
    }
    const parsed: Record<string, unknown> = {};
    for (const field of fields) {
      const value = readField(field, query);
      if (value !== undefined) parsed[field.name] = value;
      else if (field.required) {
        throw new ValidationError(`${field.name} is required`, { details: { parameter: field.name } });
      }
    }
    return parsed as Static<T>;
  };
}
