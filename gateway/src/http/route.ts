import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { type Permission, type Principal, ValidationError } from '@vigil/core';
import type { CredentialSource } from '../auth/authenticator.ts';
import type { LimitKind } from '../auth/rate-limits.ts';
import { ErrorSchema } from './api-schemas.ts';
import type { HttpRequest, HttpResponse } from './http-types.ts';
import { createQueryParser } from './query-params.ts';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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

/** What an audit record needs beyond what the request already says (actor, time, IP, request id). */
export interface AuditInput {
  action: string;
  target: { type: string; id: string | null };
  before?: unknown;
  after?: unknown;
  outcome?: 'success' | 'failure';
  /** Overrides the actor, e.g. the username a failed login tried. */
  actorName?: string;
}

/** Who is asking and how to record what they did: set by the router before a route runs. */
export interface Caller {
  /** Null only on public routes. */
  principal: Principal | null;
  via: CredentialSource | null;
  requestId: string;
  ip: string;
  audit(entry: AuditInput): Promise<void>;
}

export interface RouteContext<Q> extends Caller {
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
  /**
   * Who may call it (core's `decide`): declared here, shown in the OpenAPI document, enforced by the router
   * before the route runs; the route × role test walks every route with every role.
   */
  permission: Permission;
  /** Which limiter counts it; default `api`. Login has its own failure-based limits. */
  rateLimit?: LimitKind | 'none';
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
  handle(request: HttpRequest, params: Record<string, string>, caller: Caller): Promise<HttpResponse>;
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

const UNAUTHENTICATED: Record<number, ResponseSpec> = {
  401: {
    description: 'No credentials, or credentials that are expired, revoked or unknown.',
    schema: ErrorSchema,
  },
};
const FORBIDDEN: Record<number, ResponseSpec> = {
  403: { description: 'The credentials are valid but their role may not do this.', schema: ErrorSchema },
};
const RATE_LIMITED: Record<number, ResponseSpec> = {
  429: {
    description:
      'Rate limit reached: `Retry-After` says when to come back (`RateLimit-*` headers on every answer).',
    schema: ErrorSchema,
  },
};

export function defineRoute<Q extends TObject>(definition: RouteDefinition<Q>): Route {
  const { regex, names } = compileTemplate(definition.path);
  const parseQuery = createQueryParser(definition.query);
  return {
    ...definition,
    responses: {
      400: BAD_REQUEST,
      ...(definition.permission === 'public' ? {} : UNAUTHENTICATED),
      ...(definition.permission === 'public' || definition.permission === 'authenticated' ? {} : FORBIDDEN),
      ...(definition.rateLimit === 'none' ? {} : RATE_LIMITED),
      ...definition.responses,
    },
    match(path) {
      const found = regex.exec(path);
      if (!found) return null;
      return Object.fromEntries(names.map((name, i) => [name, found[i + 1] ?? '']));
    },
    async handle(request, rawParams, caller) {
      const params = Object.fromEntries(
        Object.entries(rawParams).map(([name, raw]) => [name, decodeParam(name, raw)]),
      );
      return definition.handle({ ...caller, request, params, query: parseQuery(request.query) });
    },
  };
}
