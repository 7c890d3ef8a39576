import { decide, PERMISSIONS, type Permission, type Principal, type UserRole } from '@vigil/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';
import { EXAMPLE_ALERT, OPERATION_EXAMPLES } from './testing/operation-examples.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { sampleRules } from './testing/sample-rules.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';
import { testAuth } from './testing/test-auth.ts';
import {
  freshToken,
  freshUser,
  NO_CREDENTIAL,
  type TestCredential,
  tokenCredential,
} from './testing/test-identities.ts';

// The demand: every operation of the served OpenAPI document × every identity answers as core's
// `decide` says for the permission the document declares. The list of operations comes from the document,
// so a new route is walked as soon as it exists, and fails here until it declares a permission its handler
// honours and has an example request (testing/operation-examples.ts).

useTestDatabase();

const { router } = makeRouter({
  alerts: [EXAMPLE_ALERT],
  rules: sampleRules(),
  health: { database: async () => {} },
  // Hundreds of requests from one address within a second: limits have their own tests (rate-limits.test.ts).
  auth: testAuth({ now: () => NOW, rateLimits: false }),
});

interface Operation {
  'x-vigil-permission'?: unknown;
  security?: unknown;
}
// The very document GET /api/openapi.json serves (the first test checks that), built without a request so
// the operations are known when the tests are collected.
const document = buildOpenApiDocument(router.routes) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    key: `${method.toUpperCase()} ${path}`,
    operation,
  })),
);

/** Who the walk acts as; users sign in by cookie (with the browser's Sec-Fetch-Site), tools by token. */
const IDENTITIES = [
  'none',
  'revoked token',
  'ingest token',
  'viewer token',
  'operator token',
  'admin token',
  'viewer user',
  'operator user',
  'admin user',
] as const;
type Identity = (typeof IDENTITIES)[number];
const credentials = new Map<Identity, TestCredential>([
  ['none', NO_CREDENTIAL],
  ['ingest token', tokenCredential('ingest')],
  ['viewer token', tokenCredential('viewer')],
  ['operator token', tokenCredential('operator')],
  ['admin token', tokenCredential('admin')],
]);

beforeAll(async () => {
  for (const role of ['viewer', 'operator', 'admin'] as const satisfies UserRole[]) {
    credentials.set(`${role} user`, (await freshUser(role)).credential);
  }
  const revoked = await freshToken('admin');
  expect((await router(request('DELETE', `/api/tokens/${revoked.token.id}`))).status).toBe(204);
  // Presented but no longer valid: the gateway sees no principal at all.
  credentials.set('revoked token', { ...revoked.credential, kind: null, role: null });
});

/** The principal core's decide() should see for a credential (who exactly does not matter to a role). */
const principalOf = (credential: TestCredential): Principal | null =>
  credential.kind === null || credential.role === null
    ? null
    : {
        kind: credential.kind,
        id: 'id',
        name: credential.label,
        role: credential.role,
        credentialId: 'credential',
        expiresAt: null,
        scope: null,
        sources: null,
      };

const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);

describe('every operation × every identity answers as its declared permission says', () => {
  it('walks the document the gateway serves', async () => {
    const served = bodyJson(await router(request('GET', '/api/openapi.json')));
    expect(served).toEqual(JSON.parse(JSON.stringify(document)));
    expect(operations.length).toBeGreaterThan(20);
  });

  it('knows the identities it walks as the gateway does', async () => {
    for (const [identity, credential] of credentials) {
      const me = await router(request('GET', '/api/auth/me', { as: 'none', headers: credential.headers }));
      if (credential.role === null) expect(me.status, identity).toBe(401);
      else expect(bodyJson(me), identity).toMatchObject({ kind: credential.kind, role: credential.role });
    }
  });

  for (const { key, operation } of operations) {
    describe(key, () => {
      it('declares a permission, and security schemes to match', () => {
        const permission = operation['x-vigil-permission'];
        expect(isPermission(permission), `${key}: x-vigil-permission is ${String(permission)}`).toBe(true);
        expect(operation.security).toEqual(
          permission === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
        );
      });

      it.each(IDENTITIES)('as %s', async (identity) => {
        const permission = operation['x-vigil-permission'];
        if (!isPermission(permission)) throw new Error(`${key} declares no valid x-vigil-permission`);
        const factory = OPERATION_EXAMPLES[key];
        if (!factory) {
          throw new Error(
            `${key} has no example request: add one to gateway/src/http/testing/operation-examples.ts`,
          );
        }
        const credential = credentials.get(identity);
        if (!credential) throw new Error(`identity ${identity} was not set up`);
        const decision = decide(principalOf(credential), permission);
        const example = await factory(credential);
        const response = await router(example.request);
        const said = `${key} as ${identity} (${permission}: ${decision}) answered ${response.status} ${Buffer.from(response.body).toString().slice(0, 200)}`;
        if (decision === 'unauthenticated') expect(response.status, said).toBe(401);
        else if (decision === 'forbidden') expect(response.status, said).toBe(403);
        else if (example.allowedStatus !== undefined)
          expect(response.status, said).toBe(example.allowedStatus);
        else {
          expect(response.status, said).toBeGreaterThanOrEqual(200);
          expect(response.status, said).toBeLessThan(400);
        }
      });
    });
  }
});
