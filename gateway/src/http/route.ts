import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { ValidationError } from '@vigil/core';
import { ErrorSchema } from './api-schemas.ts';
import type { HttpRequest, HttpResponse } from './http-types.ts';
import { createQueryParser } from './query-params.ts';

export type RouteMethod = 'GET' | 'POST' | 'PATCH';

export interface ResponseSpec {
  description: string;
  /** Body schema; with `contentType` other than JSON it describes the text. */
  schema?: TSchema;
  /** Default `application/json`. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: TSchema }>;
}

export interface RequestBodySpec {
  description: string;
  required: boolean;
  /** Schema per accepted content type. */
  content: Record<string, TSchema>;
}

export interface RouteContext<Q> {
  request: HttpRequest;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  query: Q;
}

/** One API operation: how it is documented and how it answers. */
export interface RouteDefinition<Q extends TObject> {
  method: RouteMethod;
  /** Template with `{name}` segments, e.g. `/api/alerts/{id}`; also the metrics label. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  pathParams?: Record<string, { description: string; schema: TSchema }>;
  query: Q;
  requestBody?: RequestBodySpec;
  responses: Record<number, ResponseSpec>;
  handle(context: RouteContext<Static<Q>>): Promise<HttpResponse>;
}

/** A route with its definition erased to what the router and the OpenAPI builder need. */
export interface Route extends Omit<RouteDefinition<TObject>, 'handle'> {
  /** Path parameters when the path fits the template (method not considered), else null. */
  match(path: string): Record<string, string> | null;
  /** Parses the query (400 on bad or unknown parameters), then answers. */
  handle(request: HttpRequest, params: Record<string, string>): Promise<HttpResponse>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileTemplate(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return escapeRegExp(part);
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${pattern}$`), names };
}

function decodeParam(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch (err) {
    throw new ValidationError(`${name} is not valid percent-encoding`, {
      cause: err,
      details: { parameter: name },
    });
  }
  // `%00`: PostgreSQL refuses U+0000 in text, so it would fail the lookup (a 500) instead of the input.
  if (value.includes('\u0000')) {
    throw new ValidationError(`${name} must not contain U+0000 (NUL)`, { details: { parameter: name } });
  }
  return value;
}

/** Every route can answer this: unknown query parameters are refused everywhere. */
const BAD_REQUEST: ResponseSpec = {
  description: 'Bad input; `details.parameter` names the offending parameter.',
  schema: ErrorSchema,
};

export function defineRoute<Q extends TObject>(definition: RouteDefinition<Q>): Route {
  const { regex, names } = compileTemplate(definition.path);
  const parseQuery = createQueryParser(definition.query);
  return {
    ...definition,
    responses: { 400: BAD_REQUEST, ...definition.responses },
    match(path) {
      const found = regex.exec(path);
      if (!found) return null;
      return Object.fromEntries(names.map((name, i) => [name, found[i + 1] ?? '']));
    },
    async handle(request, rawParams) {
      const params = Object.fromEntries(
        Object.entries(rawParams).map(([name, raw]) => [name, decodeParam(name, raw)]),
      );
      return definition.handle({ request, params, query: parseQuery(request.query) });
    },
  };
}
