import { Type } from '@sinclair/typebox';
import type { AuditLog } from '@vigil/db';
import { AuditEntrySchema } from './auth-schemas.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

const AuditQueryParams = Type.Object(
  {
    action: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Exact action, or a prefix ending in `.` (`auth.`).',
      }),
    ),
    actor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Username or token name.' }),
    ),
    targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);

/** `GET /api/audit` (admin): the append-only trail, newest first. There is no route that changes it. */
export function auditRoutes({ audit }: { audit: AuditLog }): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/audit',
      operationId: 'listAudit',
      summary: 'Who changed what, when, from where: newest first, filtered, paginated by cursor',
      tag: 'audit',
      permission: 'admin',
      query: AuditQueryParams,
      responses: {
        200: {
          description: 'One page.',
          schema: Type.Object({
            items: Type.Array(AuditEntrySchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
      async handle({ query }) {
        const page = await audit.list({
          action: query.action,
          actorName: query.actor,
          targetType: query.targetType,
          targetId: query.targetId,
          outcome: query.outcome,
          from: query.from === undefined ? undefined : new Date(query.from),
          to: query.to === undefined ? undefined : new Date(query.to),
          limit: query.limit,
          cursor: query.cursor,
        });
        return json(200, {
          items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })),
          nextCursor: page.nextCursor,
        });
      },
    }),
  ];
}
