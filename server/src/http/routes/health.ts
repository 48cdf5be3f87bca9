import { Type } from '@sinclair/typebox';
import { defineRoute, type RouteDefinition } from '../route';
import type { OpenApiDocument } from '../openapi';

/** What readiness means: the database answers, migrations are done, and no shutdown has begun. */
export interface Readiness {
  check(): Promise<{ ready: boolean; reason: string }>;
}

const STATUS = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) }, { additionalProperties: false });

/** Public routes: liveness, readiness, and the API's own description. */
export function healthRoutes(readiness: Readiness, document: () => OpenApiDocument): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'health',
      summary: 'Is the process up?',
      tag: 'health',
      access: 'public',
      responses: { 200: { description: 'The process answers.', schema: STATUS } },
      async handler() {
        return { status: 200, body: { status: 'ok' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'readiness',
      summary: 'Can the server take work? (database reachable, migrations done, not shutting down)',
      tag: 'health',
      access: 'public',
      responses: {
        200: { description: 'Ready.', schema: STATUS },
        503: { description: 'Not ready, with the reason.', schema: STATUS },
      },
      async handler() {
        const { ready, reason } = await readiness.check();
        return ready ? { status: 200, body: { status: 'ready' } } : { status: 503, body: { status: 'not_ready', reason } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This API, described in OpenAPI 3.1',
      tag: 'health',
      access: 'public',
      responses: {
        200: {
          description: 'The OpenAPI document.',
          // Its members are OpenAPI's own, described by that specification rather than here.
          schema: Type.Unsafe<OpenApiDocument>({ type: 'object', required: ['openapi', 'paths'], additionalProperties: true }),
        },
      },
      async handler() {
        return { status: 200, body: document() };
      },
    }),
  ];
}
