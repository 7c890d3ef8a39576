import { Type } from '@sinclair/typebox';
import { ERROR_CODES, VigilError } from '@vigil/core';
import type { TokenRecord } from '@vigil/db';
import type { GatewayAuth } from '../auth/gateway-auth.ts';
import { hashSecret, mintSecret } from '../auth/secrets.ts';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema } from './api-schemas.ts';
import { CreatedTokenSchema, itemsOf, NewTokenSchema, TokenSchema } from './auth-schemas.ts';
import { HttpError } from './http-errors.ts';
import { jsonBodyParser } from './json-body.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

export interface TokenRoutesOptions {
  auth: GatewayAuth;
  now: () => number;
}

const parseNewToken = jsonBodyParser(
  NewTokenSchema,
  '{"name", "role": "viewer|operator|admin|ingest", "sources"?, "scope"?, "expiresAt"?}',
);
const idParam = { id: { description: 'The token id.', schema: Type.String() } };

export const tokenView = (token: TokenRecord) => ({
  id: token.id,
  name: token.name,
  role: token.role,
  sources: token.sources,
  scope: token.scope,
  createdBy: token.createdBy,
  createdAt: token.createdAt.toISOString(),
  expiresAt: token.expiresAt?.toISOString() ?? null,
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  revokedAt: token.revokedAt?.toISOString() ?? null,
});
const audited = ({ name, role, sources, scope, expiresAt }: TokenRecord) => ({
  name,
  role,
  sources,
  scope,
  expiresAt: expiresAt?.toISOString() ?? null,
});

/** API tokens for tools (admin): the secret is returned once and stored as a hash. */
export function tokenRoutes({ auth, now }: TokenRoutesOptions): Route[] {
  const { identities, authenticator } = auth;
  const common = { tag: 'tokens', permission: 'admin', query: NoQueryParams } as const;
  return [
    defineRoute({
      ...common,
      method: 'GET',
      path: '/api/tokens',
      operationId: 'listTokens',
      summary: 'Every API token, newest first, revoked ones included (never their secrets)',
      responses: { 200: { description: 'The tokens.', schema: itemsOf(TokenSchema) } },
      async handle() {
        return json(200, { items: (await identities.listTokens()).map(tokenView) });
      },
    }),
    defineRoute({
      ...common,
      method: 'POST',
      path: '/api/tokens',
      operationId: 'createToken',
      summary: 'Create an API token; the answer holds its secret, shown this once',
      description: [
        'A role, or `ingest` (may only post events, optionally of `sources`). `scope` is a subscription filter',
        'ANDed with every query and subscription the token makes. Send it as `Authorization: Bearer <secret>`.',
      ].join(' '),
      requestBody: {
        description: 'The token.',
        required: true,
        content: { 'application/json': NewTokenSchema },
      },
      responses: { 201: { description: 'Created.', schema: CreatedTokenSchema } },
      async handle({ request, principal, audit }) {
        const body = parseNewToken(request.body);
        const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
        if (expiresAt !== null && expiresAt.getTime() <= now()) {
          throw new HttpError(400, 'expiresAt must be in the future', { details: { field: '/expiresAt' } });
        }
        if (body.sources && body.role !== 'ingest') {
          throw new HttpError(400, 'sources limits what an ingest token may post; use scope for reading', {
            details: { field: '/sources' },
          });
        }
        const secret = mintSecret('token');
        const token = await identities.createToken({
          name: body.name,
          role: body.role,
          sources: body.sources ?? null,
          scope: body.scope ?? null,
          secretHash: hashSecret(secret),
          createdBy: principal?.name ?? 'unknown',
          expiresAt,
        });
        await audit({
          action: 'token.create',
          target: { type: 'token', id: token.id },
          after: audited(token),
        });
        return json(201, { ...tokenView(token), secret });
      },
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      path: '/api/tokens/{id}',
      operationId: 'revokeToken',
      summary:
        'Revoke a token: requests with it answer 401 at once, its WebSockets close within a second (4011)',
      pathParams: idParam,
      responses: {
        204: { description: 'Revoked (or it already was).' },
        404: { description: 'No such token.', schema: ErrorSchema },
      },
      async handle({ params, audit }) {
        const id = params.id ?? '';
        const before = await identities.getToken(id);
        const token = before && (await identities.revokeToken(id, new Date(now())));
        if (!before || !token)
          throw new VigilError(ERROR_CODES.notFound, 'token not found', { details: { id } });
        authenticator.forget(id);
        await audit({
          action: 'token.revoke',
          target: { type: 'token', id },
          before: { revokedAt: before.revokedAt?.toISOString() ?? null },
          after: { revokedAt: token.revokedAt?.toISOString() ?? null },
        });
        return { status: 204, headers: { 'cache-control': 'no-store' }, body: '' };
      },
    }),
  ];
}
