import type { TSchema } from '@sinclair/typebox';
import { NoQueryParams } from './api-params.ts';
import { AlertSchema, ErrorSchema, OpenApiDocumentSchema } from './api-schemas.ts';
import { json } from './json-response.ts';
import { defineRoute, type ResponseSpec, type Route } from './route.ts';

export const OPENAPI_PATH = '/api/openapi.json';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const DEFAULT_INFO: OpenApiInfo = {
  title: 'Vigil gateway API',
  version: '0.1.0',
  description: [
    'Alert history, statistics, the event explorer and its live tail (server-sent events), HTTP ingest,',
    'identities and operations endpoints of a Vigil gateway.',
    'Each operation names the least role it needs in `x-vigil-permission` (public, authenticated, ingest,',
    'viewer, operator, admin); without credentials every non-public operation answers 401, with too low a role 403.',
  ].join(' '),
};

// TypeBox schemas are JSON Schema with symbol-keyed metadata; a JSON round trip leaves the plain schema.
const plain = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));

function queryParameters(route: Route): unknown[] {
  const required = new Set(route.query.required ?? []);
  return Object.entries(route.query.properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(schema.description ? { description: schema.description } : {}),
    // Repeated parameters (`?severity=high&severity=critical`); comma-separated values are accepted too.
    ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
    schema: plain(schema),
  }));
}

function response(spec: ResponseSpec): unknown {
  return {
    description: spec.description,
    ...(spec.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([name, h]) => [
              name,
              { description: h.description, schema: plain(h.schema) },
            ]),
          ),
        }
      : {}),
    ...(spec.schema
      ? { content: { [spec.contentType ?? 'application/json']: { schema: plain(spec.schema) } } }
      : {}),
  };
}

/** Schemes a credential can come by (DESIGN.md, "Roles"): an API token, or the dashboard's session cookie. */
const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`POST /api/tokens`, or VIGIL_ADMIN_TOKEN): `Authorization: Bearer <secret>`.',
  },
  cookieAuth: {
    type: 'apiKey',
    in: 'cookie',
    name: 'vigil_session',
    description: "The session `POST /api/auth/login` sets; writes need the dashboard's own Origin.",
  },
};

/** Per-operation requirement: none for public routes, else either scheme; the role is `x-vigil-permission`. */
const security = (route: Route) =>
  route.permission === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }];

function operation(route: Route): unknown {
  const pathParams = Object.entries(route.pathParams ?? {}).map(([name, p]) => ({
    name,
    in: 'path',
    required: true,
    description: p.description,
    schema: plain(p.schema),
  }));
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: security(route),
    'x-vigil-permission': route.permission,
    parameters: [...pathParams, ...queryParameters(route)],
    ...(route.requestBody
      ? {
          requestBody: {
            description: route.requestBody.description,
            required: route.requestBody.required,
            content: Object.fromEntries(
              Object.entries(route.requestBody.content).map(([type, schema]) => [
                type,
                { schema: plain(schema) },
              ]),
            ),
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, spec]) => [status, response(spec)]),
    ),
  };
}

/** The OpenAPI 3.1 document of a set of routes, built from the very schemas they validate and answer with. */
export function buildOpenApiDocument(
  routes: readonly Route[],
  info: OpenApiInfo = DEFAULT_INFO,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    components: {
      schemas: { Alert: plain(AlertSchema), Error: plain(ErrorSchema) },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

/** `GET /api/openapi.json`: serves the document of every route including itself (built lazily, once). */
export function openApiRoute(document: () => Record<string, unknown>): Route {
  let body: string | undefined;
  return defineRoute({
    method: 'GET',
    path: OPENAPI_PATH,
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    permission: 'authenticated',
    query: NoQueryParams,
    responses: { 200: { description: 'The OpenAPI 3.1 document.', schema: OpenApiDocumentSchema } },
    async handle() {
      body ??= JSON.stringify(document());
      return { ...json(200, null), body };
    },
  });
}
