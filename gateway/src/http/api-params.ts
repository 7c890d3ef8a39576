import { type SchemaOptions, type TSchema, Type } from '@sinclair/typebox';
import { ALERT_STATUSES, SEVERITIES, SOURCES, ValidationError } from '@vigil/core';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_SEARCH_LENGTH, TIMELINE_BUCKETS } from '@vigil/db';

// Query parameters, defined once: the same schemas drive validation (query-params.ts) and the OpenAPI document.

/** Most values one multi-select parameter may list (the store refuses more). */
export const MAX_FILTER_VALUES = 100;
/** Longer than any cursor the store makes; bounds the work spent on junk. */
const MAX_CURSOR_LENGTH = 2048;
const SHORT_TEXT = 256;

export const enumOf = <T extends string>(values: readonly T[], options: SchemaOptions = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
export const list = <T extends TSchema>(item: T, description: string) =>
  Type.Optional(
    Type.Array(item, {
      maxItems: MAX_FILTER_VALUES,
      description: `${description} Repeat the parameter or separate values with commas; any listed value matches.`,
    }),
  );
export const text = () => Type.String({ minLength: 1, maxLength: SHORT_TEXT });
const instant = (description: string) => Type.Optional(Type.String({ format: 'date-time', description }));

export const rangeParams = {
  from: instant('Start of the range on detectedAt, inclusive (ISO 8601 with a zone).'),
  to: instant('End of the range on detectedAt, exclusive (ISO 8601 with a zone).'),
};

export const AlertQueryParams = Type.Object({
  severity: list(enumOf(SEVERITIES), 'Severities to include.'),
  source: list(enumOf(SOURCES), 'Sources to include.'),
  service: list(text(), 'Services to include.'),
  ruleId: list(text(), 'Rule ids to include.'),
  userId: list(text(), 'User ids to include.'),
  key: list(text(), 'Alert keys to include, exactly as alerts carry them (`ip=10.0.0.5`, `host=web-1`).'),
  status: list(enumOf(ALERT_STATUSES), 'Statuses to include.'),
  ...rangeParams,
  q: Type.Optional(
    Type.String({
      maxLength: MAX_SEARCH_LENGTH,
      description:
        'Words that must all appear in the title or message (words of 3+ letters match as prefixes).',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_PAGE_SIZE,
      description: 'Page size.',
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      maxLength: MAX_CURSOR_LENGTH,
      description: 'The nextCursor of the previous page (opaque).',
    }),
  ),
});

export const RangeQueryParams = Type.Object(rangeParams);

export const TimelineQueryParams = Type.Object({
  bucket: Type.Optional(enumOf(TIMELINE_BUCKETS, { default: '1m', description: 'Bucket size.' })),
  from: instant('Start of the range, inclusive; default one hour before `to`.'),
  to: instant('End of the range, exclusive; default now.'),
});

/** No parameters at all: any name is a typo. */
export const NoQueryParams = Type.Object({});

/** Rejects `from` after `to` (an empty range `from = to` is allowed), naming both parameters. */
export function checkRange(range: { from?: string; to?: string }): void {
  if (range.from === undefined || range.to === undefined) return;
  if (Date.parse(range.from) > Date.parse(range.to)) {
    throw new ValidationError('from is after to', {
      details: { parameter: 'from', parameters: ['from', 'to'], from: range.from, to: range.to },
    });
  }
}
