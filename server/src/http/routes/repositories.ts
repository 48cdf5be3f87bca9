import { pageRequest } from '../../db/pagination';
import type { RepositoryInput, RepositoryService, RepositoryView } from '../../materials/repository-service';
import { etagOf } from '../../versions';
import type { Actor } from '../../security/roles';
import { presentRepository } from '../presenters';
import type { RouteDefinition } from '../route';
import { collection, ETAG_HEADER, ID_PARAM, PAGE_QUERY, ref } from '../schemas';

/** Package repositories: register, change, delete, check the connection. */
export function repositoryRoutes(service: RepositoryService): RouteDefinition[] {
  const present = (view: RepositoryView) => presentRepository(view);
  const single = (status: number, view: RepositoryView) => ({ status, body: present(view), headers: { ETag: etagOf(view.repository.configVersion) } });
  const actor = (a: Actor | null) => a!;
  return [
    {
      method: 'get',
      path: '/api/repositories',
      operationId: 'listRepositories',
      summary: 'List package repositories, by name',
      tag: 'repositories',
      access: 'viewer',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of repositories.', schema: collection('repositories', ref('Repository')) } },
      async handler({ query }) {
        const page = await service.list(pageRequest(query));
        return { status: 200, body: { repositories: page.items.map(present), next_cursor: page.nextCursor } };
      },
    },
    {
      method: 'post',
      path: '/api/repositories',
      operationId: 'createRepository',
      summary: 'Register a package repository',
      tag: 'repositories',
      access: 'admin',
      body: ref('RepositoryInput'),
      responses: {
        201: { description: 'Created.', schema: ref('Repository'), headers: ETAG_HEADER },
        409: { description: 'A repository with this name exists.', schema: ref('Problem') },
      },
      async handler({ body, actor: a }) {
        const view = await service.create(body as RepositoryInput, actor(a));
        return { ...single(201, view), headers: { ETag: etagOf(view.repository.configVersion), Location: `/api/repositories/${view.repository.id}` } };
      },
    },
    {
      method: 'post',
      path: '/api/repositories/check-connection',
      operationId: 'checkUnsavedRepositoryConnection',
      summary: 'Check the connection of a repository configuration before saving it',
      tag: 'repositories',
      access: 'admin',
      body: ref('UnsavedRepositoryInput'),
      responses: { 200: { description: 'The answer; a failed connection is `ok: false`.', schema: ref('ConnectionCheck') } },
      async handler({ body }) {
        return { status: 200, body: await service.checkUnsaved(body as RepositoryInput) };
      },
    },
    {
      method: 'get',
      path: '/api/repositories/:id',
      operationId: 'getRepository',
      summary: 'Read a package repository',
      tag: 'repositories',
      access: 'viewer',
      params: ID_PARAM,
      responses: { 200: { description: 'The repository.', schema: ref('Repository'), headers: ETAG_HEADER } },
      async handler({ params }) {
        return single(200, await service.get(params['id']));
      },
    },
    {
      method: 'put',
      path: '/api/repositories/:id',
      operationId: 'updateRepository',
      summary: 'Replace a package repository’s name and configuration',
      tag: 'repositories',
      access: 'admin',
      params: ID_PARAM,
      body: ref('RepositoryInput'),
      responses: {
        200: { description: 'Updated.', schema: ref('Repository'), headers: ETAG_HEADER },
        409: {
          description: 'Name taken, the identity of a package with history would change, or pipelines use the repository and the name would change.',
          schema: ref('Problem'),
        },
      },
      async handler({ params, body, header, actor: a }) {
        return single(200, await service.update(params['id'], body as RepositoryInput, header('if-match'), actor(a)));
      },
    },
    {
      method: 'delete',
      path: '/api/repositories/:id',
      operationId: 'deleteRepository',
      summary: 'Delete a package repository that has no packages',
      tag: 'repositories',
      access: 'admin',
      params: ID_PARAM,
      responses: {
        204: { description: 'Deleted.' },
        409: { description: 'The repository still has packages, or pipelines use it.', schema: ref('Problem') },
        412: { description: 'If-Match was given and is stale.', schema: ref('Problem') },
      },
      async handler({ params, header, actor: a }) {
        await service.delete(params['id'], header('if-match'), actor(a));
        return { status: 204 };
      },
    },
    {
      method: 'post',
      path: '/api/repositories/:id/check-connection',
      operationId: 'checkRepositoryConnection',
      summary: 'Check that the repository can be reached',
      tag: 'repositories',
      access: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'The answer; a failed connection is `ok: false`.', schema: ref('ConnectionCheck') } },
      async handler({ params }) {
        return { status: 200, body: await service.checkConnection(params['id']) };
      },
    },
  ];
}
