import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildApp } from '../server/src/http/app';
import { buildOpenApiDocument, type OpenApiDocument } from '../server/src/http/openapi';
import { OpenApiValidator } from '../server/src/http/openapi-validator';
import { defineRoute } from '../server/src/http/route';
import { SignInSessions } from '../server/src/security/sign-in-sessions';
import { TokenService } from '../server/src/security/token-service';
import { startTestServer, type TestServer } from './support/test-server';

type Schema = Record<string, unknown>;

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const SUBSCHEMA_LISTS = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];

/**
 * Every object schema a response can hold, following references into the components, that
 * leaves its members open: no `additionalProperties` at all, or `true` beside declared members.
 * A map (`additionalProperties` a schema) and a deliberately free-form object (no members,
 * `additionalProperties: true`) are declared shapes.
 */
function openObjectSchemas(document: OpenApiDocument): string[] {
  const components = (document['components'] as { schemas: Record<string, Schema> }).schemas;
  const visited = new Set<string>();
  const open: string[] = [];
  const visit = (schema: unknown, at: string): void => {
    if (schema === null || typeof schema !== 'object') return;
    const s = schema as Schema;
    if (typeof s['$ref'] === 'string') {
      const name = s['$ref'].replace('#/components/schemas/', '');
      if (!visited.has(name)) {
        visited.add(name);
        visit(components[name], `components.schemas.${name}`);
      }
      return;
    }
    const types = Array.isArray(s['type']) ? s['type'] : [s['type']];
    const isObject = types.includes('object') || 'properties' in s;
    if (isObject && (s['additionalProperties'] === undefined || (s['additionalProperties'] === true && 'properties' in s))) open.push(at);
    for (const key of SUBSCHEMA_MAPS) for (const [name, sub] of Object.entries((s[key] ?? {}) as Schema)) visit(sub, `${at}.${key}.${name}`);
    for (const key of SUBSCHEMAS) visit(s[key], `${at}.${key}`);
    for (const key of SUBSCHEMA_LISTS) ((s[key] ?? []) as unknown[]).forEach((sub, i) => visit(sub, `${at}.${key}[${i}]`));
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, { content?: Record<string, { schema: unknown }> }>)) {
        for (const [mediaType, { schema }] of Object.entries(response.content ?? {})) visit(schema, `${method.toUpperCase()} ${path} ${status} ${mediaType}`);
      }
    }
  }
  return open;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}

/** Each operation as `METHOD /path`, with its header parameters and whether a 412 and 428 are documented (what versioned routes answer). */
function operations(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = ((operation.parameters ?? []) as Parameter[]).filter((p) => p.in === 'header');
      return {
        name: `${method.toUpperCase()} ${path}`,
        headers: new Map(parameters.map((p) => [p.name, p.required ?? false])),
        versioned: '412' in operation.responses && '428' in operation.responses,
        summary: operation.summary,
      };
    }),
  );
}

describe('the OpenAPI document', () => {
  let baton: TestServer;
  let document: OpenApiDocument;

  beforeAll(async () => {
    baton = await startTestServer('embedded');
    document = (await baton.api.get('/api/openapi.json', { token: null })).body;
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('closes every object schema a response can hold', () => {
    expect(openObjectSchemas(document)).toEqual([]);
  });

  it('declares If-Match, required, on every route that answers 412 and 428 for it, and on no other', () => {
    const all = operations(document);

    const versioned = all.filter((o) => o.versioned);
    expect(versioned.length).toBeGreaterThan(0);
    expect(versioned.filter((o) => o.headers.get('If-Match') !== true).map((o) => o.name)).toEqual([]);
    expect(all.filter((o) => !o.versioned && o.headers.has('If-Match')).map((o) => o.name)).toEqual([]);
  });

  it('declares Idempotency-Key, optional, where a route says it is repeat-safe with one', () => {
    const all = operations(document);

    const mentioning = all.filter((o) => o.summary.includes('Idempotency-Key'));
    expect(mentioning.map((o) => o.name)).toContain('POST /api/pipelines/{name}/runs');
    expect(mentioning.filter((o) => o.headers.get('Idempotency-Key') !== false).map((o) => o.name)).toEqual([]);
  });

  it('refuses, as a server error naming the route, a handler reading a header its route does not declare', async () => {
    const route = defineRoute({
      method: 'get',
      path: '/reads-a-header',
      operationId: 'readsAHeader',
      summary: 'Reads X-Undeclared',
      tag: 'test',
      access: 'public',
      requestHeaders: { 'X-Declared': { description: 'Declared.' } },
      responses: { 200: { description: 'The header.', contentType: 'text/plain' } },
      async handler({ header }) {
        // Reads the undeclared header only when the declared one is missing.
        return { status: 200, text: { contentType: 'text/plain', content: header('X-Declared') ?? header('X-Undeclared') ?? '' } };
      },
    });
    const logs: string[] = [];
    const app = buildApp({
      routes: [route],
      validator: new OpenApiValidator(buildOpenApiDocument([route], 'test')),
      tokens: baton.server.dependencies.resolve(TokenService),
      signIns: baton.server.dependencies.resolve(SignInSessions),
      logger: pino({ level: 'error' }, { write: (line: string) => void logs.push(line) }),
      bodyLimitBytes: 1024,
      trustProxy: false,
      isShuttingDown: () => false,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/reads-a-header`;

    const declared = await fetch(url, { headers: { 'X-Declared': 'yes' } });
    const undeclared = await fetch(url, { headers: { 'X-Undeclared': 'yes' } });
    await new Promise((resolve) => server.close(resolve));

    expect(declared.status).toBe(200);
    expect(await declared.text()).toBe('yes');
    expect(undeclared.status).toBe(500);
    expect(logs.join('')).toContain("route readsAHeader reads the header 'X-Undeclared' without declaring it");
  });
});
