import { Type } from '@sinclair/typebox';
import { ERROR_CODES, VigilError } from '@vigil/core';
import type { UserRecord } from '@vigil/db';
import type { GatewayAuth } from '../auth/gateway-auth.ts';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema } from './api-schemas.ts';
import { itemsOf, NewUserSchema, UserChangesSchema, UserSchema } from './auth-schemas.ts';
import { HttpError } from './http-errors.ts';
import { jsonBodyParser } from './json-body.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

export interface UserRoutesOptions {
  auth: GatewayAuth;
  now: () => number;
}

const parseNewUser = jsonBodyParser(
  NewUserSchema,
  '{"username", "role": "viewer|operator|admin", "password"}',
);
const parseChanges = jsonBodyParser(
  UserChangesSchema,
  '{"role"?, "password"?, "disabled"?} with at least one field',
);
const idParam = { id: { description: 'The user id.', schema: Type.String() } };
const notFound = (id: string) => new VigilError(ERROR_CODES.notFound, 'user not found', { details: { id } });

/** The user as the API shows it: never the hash. */
export const userView = (user: UserRecord) => ({
  id: user.id,
  username: user.username,
  role: user.role,
  hasPassword: user.hasPassword,
  disabled: user.disabled,
  createdAt: user.createdAt.toISOString(),
  updatedAt: user.updatedAt.toISOString(),
  lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
});
/** What the audit log keeps of a user: the view without timestamps that change on their own. */
const audited = (user: UserRecord) => ({
  username: user.username,
  role: user.role,
  disabled: user.disabled,
  hasPassword: user.hasPassword,
});

function checkPassword(password: string) {
  const problem = passwordProblem(password);
  if (problem) throw new HttpError(400, problem, { details: { field: '/password' } });
}

/** People and their roles (admin): every change audited; an admin cannot lock themselves out. */
export function userRoutes({ auth, now }: UserRoutesOptions): Route[] {
  const { identities, authenticator } = auth;
  const common = { tag: 'users', permission: 'admin', query: NoQueryParams } as const;
  return [
    defineRoute({
      ...common,
      method: 'GET',
      path: '/api/users',
      operationId: 'listUsers',
      summary: 'Every user, oldest first',
      responses: { 200: { description: 'The users.', schema: itemsOf(UserSchema) } },
      async handle() {
        return json(200, { items: (await identities.listUsers()).map(userView) });
      },
    }),
    defineRoute({
      ...common,
      method: 'POST',
      path: '/api/users',
      operationId: 'createUser',
      summary: 'Create a user with a role and a password',
      requestBody: {
        description: 'The new user.',
        required: true,
        content: { 'application/json': NewUserSchema },
      },
      responses: {
        201: { description: 'Created.', schema: UserSchema },
        409: { description: 'The username is taken.', schema: ErrorSchema },
      },
      async handle({ request, audit }) {
        const body = parseNewUser(request.body);
        checkPassword(body.password);
        const user = await identities.createUser({
          username: body.username,
          role: body.role,
          passwordHash: await hashPassword(body.password),
        });
        await audit({ action: 'user.create', target: { type: 'user', id: user.id }, after: audited(user) });
        return json(201, userView(user));
      },
    }),
    defineRoute({
      ...common,
      method: 'PATCH',
      path: '/api/users/{id}',
      operationId: 'updateUser',
      summary: "Change a user's role, reset their password, or disable them (their sessions end)",
      pathParams: idParam,
      requestBody: {
        description: 'The fields to change.',
        required: true,
        content: { 'application/json': UserChangesSchema },
      },
      responses: {
        200: { description: 'The updated user.', schema: UserSchema },
        404: { description: 'No such user.', schema: ErrorSchema },
      },
      async handle({ params, request, principal, audit }) {
        const id = params.id ?? '';
        const changes = parseChanges(request.body);
        if (changes.password !== undefined) checkPassword(changes.password);
        const before = await identities.getUser(id);
        if (!before) throw notFound(id);
        if (
          principal?.kind === 'user' &&
          principal.id === id &&
          (changes.disabled === true || (changes.role && changes.role !== 'admin'))
        ) {
          throw new HttpError(400, 'an admin cannot demote or disable themselves; ask another admin');
        }
        const updated = await identities.updateUser(
          id,
          {
            role: changes.role,
            disabled: changes.disabled,
            ...(changes.password !== undefined ? { passwordHash: await hashPassword(changes.password) } : {}),
          },
          new Date(now()),
        );
        if (!updated) throw notFound(id);
        // The store ended the user's sessions on a role, password or disabled change; this gateway's cache too.
        authenticator.forgetUser(id);
        await audit({
          action: 'user.update',
          target: { type: 'user', id },
          before: audited(before),
          after: { ...audited(updated), passwordChanged: changes.password !== undefined },
        });
        return json(200, userView(updated));
      },
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      path: '/api/users/{id}',
      operationId: 'deleteUser',
      summary: 'Delete a user; their sessions end at once',
      pathParams: idParam,
      responses: {
        204: { description: 'Deleted.' },
        404: { description: 'No such user.', schema: ErrorSchema },
      },
      async handle({ params, principal, audit }) {
        const id = params.id ?? '';
        if (principal?.kind === 'user' && principal.id === id)
          throw new HttpError(400, 'an admin cannot delete themselves');
        const before = await identities.getUser(id);
        if (!before || !(await identities.deleteUser(id))) throw notFound(id);
        authenticator.forgetUser(id);
        await audit({ action: 'user.delete', target: { type: 'user', id }, before: audited(before) });
        return { status: 204, headers: { 'cache-control': 'no-store' }, body: '' };
      },
    }),
  ];
}
