import { type TSchema, Type } from '@sinclair/typebox';
import { FILTER_FIELDS, SEVERITIES, SOURCES, TOKEN_ROLES, USER_ROLES } from '@vigil/core';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords.ts';

// Bodies and answers of the identity routes (auth, users, tokens, audit), documented from the same schemas.

const enumOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });
const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });
const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const LoginBodySchema = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Password },
  { additionalProperties: false },
);

export const PasswordChangeSchema = Type.Object(
  { currentPassword: Type.Optional(Password), newPassword: Password },
  { additionalProperties: false },
);

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: enumOf(USER_ROLES),
  hasPassword: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Instant,
  updatedAt: Instant,
  lastLoginAt: Nullable(Instant),
});

export const LoginAnswerSchema = Type.Object({
  user: Type.Object({ id: Type.String(), username: Type.String(), role: enumOf(USER_ROLES) }),
  expiresAt: Instant,
});

export const ScopeSchema = Type.Object(
  {
    severity: Type.Optional(Type.Array(enumOf(SEVERITIES), { minItems: 1, maxItems: 50 })),
    source: Type.Optional(Type.Array(enumOf(SOURCES), { minItems: 1, maxItems: 50 })),
    service: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 50 }),
    ),
    ruleId: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 50 }),
    ),
  },
  { additionalProperties: false, description: `A subscription filter (${FILTER_FIELDS.join(', ')}).` },
);

export const MeSchema = Type.Object({
  kind: enumOf(['user', 'token']),
  id: Type.String(),
  name: Type.String(),
  role: enumOf(TOKEN_ROLES),
  scope: Nullable(ScopeSchema),
  sources: Nullable(Type.Array(enumOf(SOURCES))),
  expiresAt: Nullable(Instant),
  hasPassword: Type.Optional(Type.Boolean()),
});

export const NewUserSchema = Type.Object(
  { username: Username, role: enumOf(USER_ROLES), password: Password },
  { additionalProperties: false },
);

export const UserChangesSchema = Type.Object(
  {
    role: Type.Optional(enumOf(USER_ROLES)),
    password: Type.Optional(Password),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: enumOf(TOKEN_ROLES),
  sources: Nullable(Type.Array(enumOf(SOURCES))),
  scope: Nullable(ScopeSchema),
  createdBy: Type.String(),
  createdAt: Instant,
  expiresAt: Nullable(Instant),
  lastUsedAt: Nullable(Instant),
  revokedAt: Nullable(Instant),
});

export const NewTokenSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: enumOf(TOKEN_ROLES),
    sources: Type.Optional(Type.Array(enumOf(SOURCES), { minItems: 1, maxItems: 4, uniqueItems: true })),
    scope: Type.Optional(ScopeSchema),
    expiresAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const CreatedTokenSchema = Type.Composite([
  TokenSchema,
  Type.Object({ secret: Type.String({ description: 'Shown once; store it now.' }) }),
]);

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Instant,
  actor: Type.Object({
    kind: enumOf(['user', 'token', 'system', 'anonymous']),
    id: Nullable(Type.String()),
    name: Type.String(),
  }),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  outcome: enumOf(['success', 'failure']),
});

export const itemsOf = <T extends TSchema>(schema: T) => Type.Object({ items: Type.Array(schema) });
