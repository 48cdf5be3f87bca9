import type { Static } from '@sinclair/typebox';
import { pageRequest } from '../../db/pagination';
import type { ApiToken, TokenService } from '../../security/token-service';
import { defineRoute, type RouteDefinition } from '../route';
import { collection, CreatedToken, ID_PARAM, PAGE_QUERY, Problem, ref, Token, TokenInput } from '../schemas';
import { iso } from '../presenters';

function presentToken(token: ApiToken): Static<typeof Token> {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    created_by: token.created_by,
    created_at: token.created_at.toISOString(),
    last_used_at: iso(token.last_used_at),
  };
}

/** API tokens: the token itself is shown once, when it is created. */
export function tokenRoutes(tokens: TokenService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/tokens',
      operationId: 'listTokens',
      summary: 'List API tokens (never the tokens themselves)',
      tag: 'tokens',
      access: 'admin',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of tokens.', schema: collection('tokens', ref(Token)) } },
      async handler({ query }) {
        const page = await tokens.list(pageRequest(query));
        return { status: 200, body: { tokens: page.items.map(presentToken), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tokens',
      operationId: 'createToken',
      summary: 'Create an API token; its name is the user name of whoever holds it',
      tag: 'tokens',
      access: 'admin',
      body: ref(TokenInput),
      responses: {
        201: { description: 'Created; the only time the token is shown.', schema: ref(CreatedToken) },
        409: { description: 'A token with this name exists.', schema: ref(Problem) },
      },
      async handler({ body, actor }) {
        const created = await tokens.create(body, actor);
        return { status: 201, body: { id: created.id, name: created.name, role: created.role, token: created.token } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/tokens/:id',
      operationId: 'deleteToken',
      summary: 'Delete an API token (not the last admin token)',
      tag: 'tokens',
      access: 'admin',
      params: ID_PARAM,
      responses: { 204: { description: 'Deleted.' }, 409: { description: 'The last admin token cannot be deleted.', schema: ref(Problem) } },
      async handler({ params, actor }) {
        await tokens.delete(params['id'], actor);
        return { status: 204 };
      },
    }),
  ];
}
