import { Type } from '@sinclair/typebox';
import { EVENT_CATALOGUE, EVENT_TYPES, payloadSchemaName, type EventType } from '../events/event-catalogue';
import { Problem, SCHEMAS, ref } from './schemas';
import type { RouteDefinition } from './route';
import { REQUEST_HEADER } from './cross-site';
import { SESSION_COOKIE } from './session-cookie';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: unknown;
}

const SESSION_SCHEME = `A sign-in session from \`POST /api/session\`, with the role its token had. A request that changes something (any method but GET, HEAD and OPTIONS) by the cookie alone needs \`${REQUEST_HEADER}: 1\` and, when it has an \`Origin\`, Baton's own; otherwise 403.`;

const IF_MATCH = 'The ETag of the last GET: 428 without it, 412 when it is no longer the current one.';

const PROBLEM = { description: 'A problem document (RFC 9457).', content: { 'application/problem+json': { schema: ref(Problem) } } };

/** `/api/repositories/:id` → `/api/repositories/{id}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document, built from the same route table as the routers. */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Baton',
      version,
      description: 'Package material server: repositories, packages, revisions, and the plugins that watch them.',
    },
    paths,
    webhooks: eventWebhooks(),
    components: {
      schemas: { ...SCHEMAS, ...eventPayloadSchemas() },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token: `Authorization: Bearer <token>`; it wins over a session cookie.' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: SESSION_SCHEME },
      },
    },
  };
}

function operationOf(route: RouteDefinition): Operation {
  const operation: Operation = {
    operationId: route.operationId,
    summary: route.access === 'public' ? route.summary : `${route.summary} (role: ${route.access})`,
    tags: [route.tag],
    responses: responsesOf(route),
  };
  if (route.access !== 'public') operation.security = [{ bearer: [] }, { session: [] }];
  const parameters: Parameter[] = [
    ...Object.entries(route.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
    ...Object.entries(route.query ?? {}).map(([name, q]) => ({
      name,
      in: 'query',
      required: q.required ?? false,
      description: q.description,
      schema: q.schema,
    })),
  ];
  if (route.versioned) parameters.push({ name: 'If-Match', in: 'header', required: true, description: IF_MATCH, schema: Type.String() });
  for (const [name, header] of Object.entries(route.requestHeaders ?? {})) {
    parameters.push({ name, in: 'header', required: header.required ?? false, description: header.description, schema: Type.String() });
  }
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.body) operation.requestBody = { required: route.optionalBody !== true, content: { 'application/json': { schema: route.body } } };
  return operation;
}

function responsesOf(route: RouteDefinition): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    if (Number(status) >= 400 && spec.schema?.['$ref'] === '#/components/schemas/Problem') {
      responses[status] = { ...PROBLEM, description: spec.description };
      continue;
    }
    responses[status] = {
      description: spec.description,
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.schema ? { content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } } : {}),
    };
  }
  const problems = [405, 500, 502, 503];
  if (route.access !== 'public') problems.push(401, 403);
  if (route.params) problems.push(404);
  if (route.body) problems.push(400, 413, 415, 422);
  if (route.query) problems.push(422);
  if (route.versioned) problems.push(412, 428);
  for (const status of problems) responses[String(status)] ??= PROBLEM;
  return responses;
}

/** Each event type's payload, as `Event.<type>`: what a webhook receiver or a stream client finds in `data`. */
function eventPayloadSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [payloadSchemaName(type), { ...EVENT_CATALOGUE[type].payload, description: EVENT_CATALOGUE[type].description }]),
  );
}

/** One entry per event type: the POST a webhook receives, signed, with the event in its envelope. */
function eventWebhooks(): Record<string, unknown> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, { post: deliveryOf(type) }]));
}

const DELIVERY_HEADERS = [
  {
    name: 'X-Baton-Event-Id',
    description: 'The event id: deliveries are at least once, so deduplicate by it.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  { name: 'X-Baton-Event-Type', description: 'The event type, as in the body.', schema: { type: 'string' } },
  { name: 'X-Baton-Timestamp', description: 'When this attempt was signed, in unix seconds.', schema: { type: 'string', pattern: '^[0-9]+$' } },
  {
    name: 'X-Baton-Signature',
    description: '`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` with the webhook secret.',
    schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' },
  },
].map((header) => ({ ...header, in: 'header', required: true }));

function deliveryOf(type: EventType): Record<string, unknown> {
  return {
    operationId: `receive.${type}`,
    summary: EVENT_CATALOGUE[type].description,
    tags: ['events'],
    parameters: DELIVERY_HEADERS,
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['id', 'type', 'occurred_at', 'data'],
            properties: {
              id: { type: 'integer' },
              type: { const: type },
              occurred_at: { type: 'string', format: 'date-time' },
              data: { $ref: `#/components/schemas/${payloadSchemaName(type)}` },
            },
            additionalProperties: false,
          },
        },
      },
    },
    responses: {
      '2XX': { description: 'Delivered. Any other status, or none in time, is retried with backoff from this event on.' },
    },
  };
}
