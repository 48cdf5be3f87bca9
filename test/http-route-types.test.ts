import Ajv2020 from 'ajv/dist/2020';
import { defineRoute, type RouteContext } from '../server/src/http/route';
import { ID_PARAM, PAGE_QUERY, TokenInput } from '../server/src/http/schemas';
import { PluginRefusal } from '../server/src/plugins/plugin-info';
import { WebhookInput } from '../server/src/events/webhooks/webhook-input';
import { componentsByName, ref } from '../server/src/schema-components';
import type { Actor } from '../server/src/security/roles';

/**
 * The route declarations type their handlers: most of what this file checks, `tsc -p
 * tsconfig.tests.json` checks, through the `@ts-expect-error` lines (each fails the compile if
 * the line it marks stops being an error, that is if the typing regresses).
 */

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
const sameType = <T extends true>(): T | undefined => undefined;

const ADMIN: Actor = { tokenId: '00000000-0000-4000-8000-000000000000', name: 'admin', role: 'admin' };

const TOKEN_INPUT = ref(TokenInput);
/** The type TypeBox gives the schema (what `Static` reads). */
type WebhookBody = (typeof WebhookInput)['static'];

const protectedRoute = defineRoute({
  method: 'put',
  path: '/api/things/:id',
  operationId: 'updateThing',
  summary: 'Change a thing',
  tag: 'things',
  access: 'operator',
  params: ID_PARAM,
  query: PAGE_QUERY,
  body: TOKEN_INPUT,
  responses: { 200: { description: 'The thing.', schema: ref(PluginRefusal) }, 204: { description: 'Nothing to change.' } },
  async handler({ actor, body, params, query }) {
    sameType<Equal<typeof actor, Actor>>();
    sameType<Equal<typeof body, { name: string; role: 'viewer' | 'operator' | 'admin' }>>();
    sameType<Equal<typeof params, { id: string }>>();
    sameType<Equal<typeof query, { limit: string | undefined; cursor: string | undefined }>>();
    // @ts-expect-error the body schema has no such member
    const _colour: unknown = body.colour;
    // @ts-expect-error the route declares no such path parameter
    const _other: unknown = params.other;
    // @ts-expect-error the route declares no such query parameter
    const _dryRun: unknown = query.dry_run;
    if (query.limit === '0') return { status: 204 };
    return { status: 200, body: { location: params.id, message: `${body.name} as ${body.role} by ${actor.name}` } };
  },
});

const publicRoute = defineRoute({
  method: 'get',
  path: '/api/public-things/:id',
  operationId: 'readPublicThing',
  summary: 'Read a thing, without a token',
  tag: 'things',
  access: 'public',
  params: ID_PARAM,
  responses: { 200: { description: 'The thing.', schema: ref(PluginRefusal) } },
  async handler({ actor, body: _body, params }) {
    sameType<Equal<typeof actor, Actor | null>>();
    sameType<Equal<typeof _body, undefined>>();
    // @ts-expect-error a public route may be called without a token
    const _caller: Actor = actor;
    return { status: 200, body: { location: params.id, message: actor === null ? 'anyone' : actor.name } };
  },
});

const rawRoute = defineRoute({
  method: 'post',
  path: '/api/signed-things',
  operationId: 'receiveSignedThing',
  summary: 'Take a signed thing',
  tag: 'things',
  access: 'public',
  rawBody: true,
  responses: { 202: { description: 'Accepted.' } },
  async handler({ body: _body }) {
    sameType<Equal<typeof _body, Buffer>>();
    return { status: 202 };
  },
});

defineRoute({
  method: 'get',
  path: '/api/things/:id',
  operationId: 'readThing',
  summary: 'Read a thing',
  tag: 'things',
  access: 'viewer',
  params: ID_PARAM,
  responses: { 200: { description: 'The thing.', schema: ref(PluginRefusal) } },
  // @ts-expect-error the answer must match the response schema: message is a string
  async handler({ params }) {
    return { status: 200, body: { location: params.id, message: 42 } };
  },
});

function context(parts: Pick<RouteContext, 'params' | 'query' | 'body'>): RouteContext {
  const unused = new Proxy({}, { get: () => fail('these handlers use neither the request nor the response') }) as never;
  return { ...parts, actor: ADMIN, header: () => undefined, request: unused, response: unused };
}

describe('route declarations', () => {
  it('keep their schemas for the routers and the OpenAPI document', () => {
    expect(protectedRoute.body).toBe(TOKEN_INPUT);
    expect(protectedRoute.access).toBe('operator');
    expect(publicRoute.responses[200]?.schema?.['$ref']).toBe('#/components/schemas/PluginRefusal');
    expect(rawRoute.rawBody).toBe(true);
  });

  it('hand their handlers the input as the routers read it', async () => {
    const id = '5d7c2a4e-8f1b-4c3d-9e2a-6b7c8d9e0f1a';
    const changed = await protectedRoute.handler(context({ params: { id }, query: {}, body: { name: 'ci', role: 'viewer' } }));
    expect(changed).toEqual({ status: 200, body: { location: id, message: 'ci as viewer by admin' } });
    const empty = await protectedRoute.handler(context({ params: { id }, query: { limit: '0' }, body: { name: 'ci', role: 'viewer' } }));
    expect(empty).toEqual({ status: 204 });
  });
});

describe('schema components', () => {
  it('are referred to by the name they were declared under', () => {
    expect(componentsByName([TokenInput, PluginRefusal])).toEqual({ TokenInput, PluginRefusal });
    expect(JSON.stringify(ref(TokenInput))).toBe('{"$ref":"#/components/schemas/TokenInput"}');
    expect(() => ref(ID_PARAM.id)).toThrow('not declared as a component');
  });

  it('fill in a defaulted member the client left out, and the type has it', () => {
    expect(WebhookInput.required).toEqual(['url', 'secret']);
    const validate = new Ajv2020({ useDefaults: true }).compile<WebhookBody>(WebhookInput);
    const body: unknown = { url: 'https://hooks.example.org/baton', secret: 'sixteen characters' };
    expect(validate(body)).toBe(true);
    expect(body).toEqual({ url: 'https://hooks.example.org/baton', secret: 'sixteen characters', event_types: [], enabled: true });
    sameType<Equal<WebhookBody, { url: string; secret: string; event_types: string[]; enabled: boolean }>>();
  });
});
