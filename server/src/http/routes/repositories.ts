import { pageRequest } from '../../db/pagination';
import { RepositoryInput, UnsavedRepositoryInput } from '../../materials/input-schemas';
import type { RepositoryService, RepositoryView } from '../../materials/repository-service';
import { ConnectionCheck } from '../../materials/plugin-calls';
import { etagOf } from '../../versions';
import { presentRepository } from '../presenters';
import { defineRoute, type RouteDefinition } from '../route';
import { collection, ETAG_HEADER, ID_PARAM, INCLUDE_DELETED_QUERY, includesDeleted, PAGE_QUERY, Problem, ref, Repository } from '../schemas';

/** Package repositories: register, change, delete, check the connection. */
export function repositoryRoutes(service: RepositoryService): RouteDefinition[] {
  const present = (view: RepositoryView) => presentRepository(view);
  const single = (status: number, view: RepositoryView) => ({ status, body: present(view), headers: { ETag: etagOf(view.repository.configVersion) } });
  return [
    defineRoute({
      method: 'get',
      path: '/api/repositories',
      operationId: 'listRepositories',
      summary: 'List package repositories, by name',
      tag: 'repositories',
      access: 'viewer',
      query: { ...PAGE_QUERY, ...INCLUDE_DELETED_QUERY },
      responses: { 200: { description: 'A page of repositories.', schema: collection('repositories', ref(Repository)) } },
      async handler({ query }) {
        const page = await service.list(pageRequest(query), includesDeleted(query));
        return { status: 200, body: { repositories: page.items.map(present), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/repositories',
      operationId: 'createRepository',
      summary: 'Register a package repository',
      tag: 'repositories',
      access: 'admin',
      body: ref(RepositoryInput),
      responses: {
        201: { description: 'Created.', schema: ref(Repository), headers: ETAG_HEADER },
        409: { description: 'A repository with this name exists.', schema: ref(Problem) },
      },
      async handler({ body, actor }) {
        const view = await service.create(body, actor);
        return { ...single(201, view), headers: { ETag: etagOf(view.repository.configVersion), Location: `/api/repositories/${view.repository.id}` } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/repositories/check-connection',
      operationId: 'checkUnsavedRepositoryConnection',
      summary: 'Check the connection of a repository configuration before saving it',
      tag: 'repositories',
      access: 'admin',
      body: ref(UnsavedRepositoryInput),
      responses: { 200: { description: 'The answer; a failed connection is `ok: false`.', schema: ref(ConnectionCheck) } },
      async handler({ body }) {
        return { status: 200, body: await service.checkUnsaved(body) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/repositories/:id',
      operationId: 'getRepository',
      summary: 'Read a package repository',
      tag: 'repositories',
      access: 'viewer',
      params: ID_PARAM,
      responses: { 200: { description: 'The repository.', schema: ref(Repository), headers: ETAG_HEADER } },
      async handler({ params }) {
        return single(200, await service.get(params['id']));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/repositories/:id',
      operationId: 'updateRepository',
      summary: 'Replace a package repository’s name and configuration',
      tag: 'repositories',
      access: 'admin',
      versioned: true,
      params: ID_PARAM,
      body: ref(RepositoryInput),
      responses: {
        200: { description: 'Updated.', schema: ref(Repository), headers: ETAG_HEADER },
        409: {
          description: 'Name taken, the identity of a package with history would change, or pipelines use the repository and the name would change.',
          schema: ref(Problem),
        },
      },
      async handler({ params, body, header, actor }) {
        return single(200, await service.update(params['id'], body, header('if-match'), actor));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/repositories/:id',
      operationId: 'deleteRepository',
      summary: 'Delete a package repository with its packages; with revision history, archive them instead',
      tag: 'repositories',
      access: 'admin',
      versioned: true,
      params: ID_PARAM,
      responses: {
        204: { description: 'Deleted, or archived (kept with its packages’ history, hidden from lists, no longer polled, its name free).' },
        409: { description: 'Pipelines use the repository, or it is archived already.', schema: ref(Problem) },
      },
      async handler({ params, header, actor }) {
        await service.delete(params['id'], header('if-match'), actor);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/repositories/:id/check-connection',
      operationId: 'checkRepositoryConnection',
      summary: 'Check that the repository can be reached',
      tag: 'repositories',
      access: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'The answer; a failed connection is `ok: false`.', schema: ref(ConnectionCheck) } },
      async handler({ params }) {
        return { status: 200, body: await service.checkConnection(params['id']) };
      },
    }),
  ];
}
